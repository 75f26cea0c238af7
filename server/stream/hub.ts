// One LISTEN per process on the events channel, fanned out to the connected SSE clients. The
// database is the bus (pg_notify in the same transaction as the change), so every API instance
// behind a load balancer tells its own clients about changes made through any instance.
import type { Logger } from 'pino'
import type { Jurisdiction } from '../db/jurisdiction.ts'
import { FIELD_CHANNEL } from './notify.ts'
import { USER_CHANNEL } from './userNotify.ts'

export type Listen = (channel: string, onPayload: (payload: string) => void) => Promise<() => Promise<void>>

export interface StreamMessage {
  /** SSE event name */
  type: string
  data: Record<string, unknown>
}

interface Subscriber { scope: Jurisdiction; send(message: StreamMessage): void; end(): void; userId: number | null }

export const EVENTS_CHANNEL = 'gridgov_events'

export class StreamHub {
  private readonly subscribers = new Set<Subscriber>()
  private listening: Promise<() => Promise<void>> | undefined
  private listeningField: Promise<() => Promise<void>> | undefined
  private listeningUser: Promise<() => Promise<void>> | undefined

  constructor(private readonly listen: Listen, private readonly logger: Logger) {}

  /** Adds a client; the first one starts the LISTEN. Returns the unsubscribe function. */
  async subscribe(scope: Jurisdiction, send: (message: StreamMessage) => void, end: () => void, userId: number | null = null): Promise<() => void> {
    this.listening ??= this.listen(EVENTS_CHANNEL, (payload) => this.publish(payload)).catch((err: unknown) => {
      this.listening = undefined
      throw err
    })
    this.listeningField ??= this.listen(FIELD_CHANNEL, (payload) => this.publishField(payload)).catch((err: unknown) => {
      this.listeningField = undefined
      throw err
    })
    this.listeningUser ??= this.listen(USER_CHANNEL, (payload) => this.publishUser(payload)).catch((err: unknown) => {
      this.listeningUser = undefined
      throw err
    })
    await this.listening
    await this.listeningField
    await this.listeningUser
    const subscriber = { scope, send, end, userId }
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

  /**
   * Field-force items (positions, fence alerts, patrol changes) from server/stream/notify.ts:
   * one notification carries many items, each client gets those of its jurisdiction, one SSE
   * message per item with the notification's type as the SSE event name.
   */
  private publishField(payload: string): void {
    let message: { type?: unknown; items?: unknown }
    try {
      message = JSON.parse(payload) as { type?: unknown; items?: unknown }
    } catch {
      this.logger.warn({ payload: payload.slice(0, 200) }, 'unreadable field notification')
      return
    }
    if (typeof message.type !== 'string' || !Array.isArray(message.items)) return
    for (const s of this.subscribers) {
      for (const item of message.items as Record<string, unknown>[]) {
        if (typeof item?.community === 'string' && s.scope.covers(item.community)) s.send({ type: message.type, data: item })
      }
    }
  }

  /** Per-user items (the inbox's notices, server/stream/userNotify.ts): each goes only to its user's streams. */
  private publishUser(payload: string): void {
    let message: { type?: unknown; items?: unknown }
    try {
      message = JSON.parse(payload) as { type?: unknown; items?: unknown }
    } catch {
      this.logger.warn({ payload: payload.slice(0, 200) }, 'unreadable user notification')
      return
    }
    if (typeof message.type !== 'string' || !Array.isArray(message.items)) return
    for (const s of this.subscribers) {
      if (s.userId === null) continue
      for (const item of message.items as Record<string, unknown>[]) {
        if (item?.userId === s.userId) s.send({ type: message.type, data: item })
      }
    }
  }

  /** Ends every client's stream (at shutdown, so the HTTP server can close) and stops listening. */
  async close(): Promise<void> {
    for (const s of [...this.subscribers]) s.end()
    this.subscribers.clear()
    const unlisten = await this.listening?.catch(() => undefined)
    const unlistenField = await this.listeningField?.catch(() => undefined)
    const unlistenUser = await this.listeningUser?.catch(() => undefined)
    this.listening = undefined
    this.listeningField = undefined
    this.listeningUser = undefined
    await unlisten?.()
    await unlistenField?.()
    await unlistenUser?.()
  }
}
