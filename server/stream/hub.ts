// One LISTEN per process on the events channel, fanned out to the connected SSE clients. The
// database is the bus (pg_notify in the same transaction as the change), so every API instance
// behind a load balancer tells its own clients about changes made through any instance.
import type { Logger } from 'pino'
import type { Jurisdiction } from '../db/jurisdiction.ts'

export type Listen = (channel: string, onPayload: (payload: string) => void) => Promise<() => Promise<void>>

export interface StreamMessage {
  /** SSE event name */
  type: string
  data: Record<string, unknown>
}

interface Subscriber { scope: Jurisdiction; send(message: StreamMessage): void; end(): void }

export const EVENTS_CHANNEL = 'gridgov_events'

export class StreamHub {
  private readonly subscribers = new Set<Subscriber>()
  private listening: Promise<() => Promise<void>> | undefined

  constructor(private readonly listen: Listen, private readonly logger: Logger) {}

  /** Adds a client; the first one starts the LISTEN. Returns the unsubscribe function. */
  async subscribe(scope: Jurisdiction, send: (message: StreamMessage) => void, end: () => void): Promise<() => void> {
    this.listening ??= this.listen(EVENTS_CHANNEL, (payload) => this.publish(payload)).catch((err: unknown) => {
      this.listening = undefined
      throw err
    })
    await this.listening
    const subscriber = { scope, send, end }
    this.subscribers.add(subscriber)
    return () => { this.subscribers.delete(subscriber) }
  }

  get size(): number {
    return this.subscribers.size
  }

  /** A notification from the database: each client gets it only inside its jurisdiction. */
  private publish(payload: string): void {
    let data: Record<string, unknown>
    try {
      data = JSON.parse(payload) as Record<string, unknown>
    } catch {
      this.logger.warn({ payload }, 'unreadable event notification')
      return
    }
    const community = typeof data.community === 'string' ? data.community : ''
    for (const s of this.subscribers) {
      if (community && s.scope.covers(community)) s.send({ type: 'event', data })
    }
  }

  /** Ends every client's stream (at shutdown, so the HTTP server can close) and stops listening. */
  async close(): Promise<void> {
    for (const s of [...this.subscribers]) s.end()
    this.subscribers.clear()
    const unlisten = await this.listening?.catch(() => undefined)
    this.listening = undefined
    await unlisten?.()
  }
}
