// The live feed of event changes (/api/v1/stream). EventSource cannot send an Authorization
// header and the token must not travel in a URL, so the stream is read with fetch() and the
// Server-Sent Events frames are parsed here (WHATWG "event stream interpretation", the subset
// gridgov sends: event, data, id, retry and comment lines).
import type { Session } from './api.ts'

export interface SseMessage {
  event: string
  data: string
  id: string
}

/**
 * Incremental SSE parser: feed it decoded text in chunks of any size; it calls back once per
 * complete frame (a blank line ends a frame). CR, LF and CRLF all end a line.
 */
export class SseParser {
  private buffer = ''
  private event = ''
  private data: string[] = []
  private id = ''
  /** The server's `retry:` hint in ms, if it gave one. */
  retry: number | undefined

  constructor(private readonly onMessage: (m: SseMessage) => void) {}

  push(chunk: string): void {
    this.buffer += chunk
    let m: RegExpExecArray | null
    // a trailing lone CR may be the first half of CRLF: keep it until more text arrives
    while ((m = /\r\n|\r(?=[^\n])|\n/.exec(this.buffer))) {
      const line = this.buffer.slice(0, m.index)
      this.buffer = this.buffer.slice(m.index + m[0].length)
      this.line(line)
    }
  }

  private line(line: string): void {
    if (line === '') return this.dispatch()
    if (line.startsWith(':')) return // comment: heartbeats and the greeting
    const colon = line.indexOf(':')
    const field = colon < 0 ? line : line.slice(0, colon)
    let value = colon < 0 ? '' : line.slice(colon + 1)
    if (value.startsWith(' ')) value = value.slice(1)
    if (field === 'event') this.event = value
    else if (field === 'data') this.data.push(value)
    else if (field === 'id' && !value.includes('\0')) this.id = value
    else if (field === 'retry' && /^\d+$/.test(value)) this.retry = Number(value)
  }

  private dispatch(): void {
    const data = this.data
    const event = this.event || 'message'
    this.data = []
    this.event = ''
    if (data.length) this.onMessage({ event, data: data.join('\n'), id: this.id })
  }
}

export interface StreamOptions {
  /** Called for every frame. */
  onMessage(m: SseMessage): void
  /** The connection state, for the status indicator (and the tests: data-stream on the panel). */
  onState?(state: 'connecting' | 'open' | 'closed'): void
  /** First reconnection delay; doubles after each failure up to maxDelayMs. */
  minDelayMs?: number
  maxDelayMs?: number
}

/**
 * Keeps the stream open until the returned stop() is called or the session ends: a dropped or
 * refused connection is retried with exponential back-off and jitter (a restarting server is
 * not hammered by every screen at once); an open connection resets the delay.
 */
export function openStream(session: Session, url: string, opts: StreamOptions): () => void {
  const controller = new AbortController()
  const min = opts.minDelayMs ?? 1000
  const max = opts.maxDelayMs ?? 30_000
  let delay = min

  const once = async (): Promise<void> => {
    opts.onState?.('connecting')
    const res = await session.fetch(url, { signal: controller.signal, headers: { accept: 'text/event-stream' } })
    if (!res.ok || !res.body) throw new Error(`stream ${res.status}`)
    opts.onState?.('open')
    const parser = new SseParser(opts.onMessage)
    const reader = res.body.pipeThrough(new TextDecoderStream()).getReader()
    for (;;) {
      const { value, done } = await reader.read()
      if (done) break
      parser.push(value)
      // data arrived: the connection works, so the next drop starts again from the base delay
      // (the server's retry: hint, within our bounds)
      delay = Math.min(Math.max(parser.retry ?? min, min), max)
    }
  }

  void (async () => {
    while (!controller.signal.aborted && session.signedIn) {
      try {
        await once()
      } catch {
        // aborted, refused or dropped: the loop decides
      }
      if (controller.signal.aborted || !session.signedIn) break
      opts.onState?.('connecting')
      const wait = delay * (0.75 + Math.random() * 0.5)
      delay = Math.min(delay * 2, max)
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, wait)
        controller.signal.addEventListener('abort', () => { clearTimeout(t); resolve() }, { once: true })
      })
    }
    opts.onState?.('closed')
  })()

  return () => controller.abort()
}
