// One live stream per screen, heard by every panel: the events panel owns the connection
// (client/sse.ts openStream) and hands each frame and state change to this bus; other panels
// (预警, field force …) subscribe by SSE event name. A browser keeps ~6 connections per host,
// so a second or third stream of the same data would starve the tile requests.
import type { SseMessage } from './sse.ts'

export type StreamState = 'connecting' | 'open' | 'closed'
type Listener = (data: Record<string, unknown>, m: SseMessage) => void

export class StreamBus {
  private readonly listeners = new Map<string, Set<Listener>>()
  private readonly stateListeners = new Set<(s: StreamState, reconnected: boolean) => void>()
  private opened = false

  /** Calls `fn` with the parsed JSON of every frame named `event`; returns the unsubscribe. */
  on(event: string, fn: Listener): () => void {
    let set = this.listeners.get(event)
    if (!set) this.listeners.set(event, set = new Set())
    set.add(fn)
    return () => { set.delete(fn) }
  }

  /** State changes; `reconnected` is true on an 'open' after a drop (time to catch up). */
  onState(fn: (s: StreamState, reconnected: boolean) => void): () => void {
    this.stateListeners.add(fn)
    return () => { this.stateListeners.delete(fn) }
  }

  /** From the stream's owner: one frame. A frame that is not a JSON object is nobody's to read. */
  message(m: SseMessage): void {
    const set = this.listeners.get(m.event)
    if (!set?.size) return
    let data: unknown
    try {
      data = JSON.parse(m.data)
    } catch {
      return
    }
    if (!data || typeof data !== 'object' || Array.isArray(data)) return
    // one listener's failure must not keep the frame from the others
    for (const fn of [...set]) {
      try {
        fn(data as Record<string, unknown>, m)
      } catch (err) {
        console.error(err)
      }
    }
  }

  /** From the stream's owner: the connection state ('closed' at sign-out ends a session). */
  state(s: StreamState): void {
    const reconnected = s === 'open' && this.opened
    if (s === 'open') this.opened = true
    if (s === 'closed') this.opened = false
    for (const fn of [...this.stateListeners]) fn(s, reconnected)
  }
}
