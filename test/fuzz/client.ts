// A raw HTTP/1.1 client over a TCP socket: it sends exactly the bytes the fuzz chose (broken
// percent-encodings, raw non-UTF-8 bytes, any header), one connection per request.
import net from 'node:net'

export interface RawResponse {
  status?: number
  headers: string
  body: Buffer
  /** a socket error before any answer (a reset of an oversized upload, say) */
  error?: string
  /** no answer within the hang detector's timeout */
  hang?: boolean
}

const MAX_KEPT = 8 * 1024 * 1024

export function send(port: number, req: { method: string; path: string; headers: Record<string, string>; body?: Buffer | undefined }, timeoutMs: number): Promise<RawResponse> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host: '127.0.0.1' })
    const chunks: Buffer[] = []
    let kept = 0
    let done = false
    const finish = (extra: Partial<RawResponse> = {}) => {
      if (done) return
      done = true
      clearTimeout(timer)
      socket.destroy()
      resolve({ ...parse(Buffer.concat(chunks)), ...extra })
    }
    const timer = setTimeout(() => finish({ hang: true }), timeoutMs)
    socket.on('data', (d: Buffer) => {
      if (kept < MAX_KEPT) { chunks.push(d); kept += d.length }
      // a live stream never ends by itself: its head is the answer
      const head = Buffer.concat(chunks).toString('latin1')
      if (/\r\n\r\n/.test(head) && /content-type:\s*text\/event-stream/i.test(head)) finish()
    })
    socket.on('end', () => finish())
    socket.on('close', () => finish())
    socket.on('error', (err) => (chunks.length ? finish() : finish({ error: (err as NodeJS.ErrnoException).code ?? err.message })))
    const lines = [`${req.method} ${req.path} HTTP/1.1`, 'Host: 127.0.0.1', 'Connection: close']
    for (const [k, v] of Object.entries(req.headers)) lines.push(`${k}: ${v}`)
    if (req.body) lines.push(`Content-Length: ${req.body.length}`)
    socket.write(Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1'))
    if (req.body) socket.write(req.body, () => undefined)
  })
}

function parse(raw: Buffer): RawResponse {
  const split = raw.indexOf('\r\n\r\n')
  if (split < 0) return { headers: raw.toString('latin1'), body: Buffer.alloc(0) }
  const headers = raw.subarray(0, split).toString('latin1')
  const status = /^HTTP\/1\.[01] (\d{3})/.exec(headers)?.[1]
  let body = raw.subarray(split + 4)
  if (/transfer-encoding:\s*chunked/i.test(headers)) body = unchunk(body)
  return { ...(status ? { status: Number(status) } : {}), headers, body }
}

function unchunk(b: Buffer): Buffer {
  const out: Buffer[] = []
  let i = 0
  while (i < b.length) {
    const eol = b.indexOf('\r\n', i)
    if (eol < 0) break
    const size = parseInt(b.subarray(i, eol).toString('latin1'), 16)
    if (!Number.isFinite(size) || size === 0) break
    out.push(b.subarray(eol + 2, eol + 2 + size))
    i = eol + 2 + size + 2
  }
  return Buffer.concat(out)
}

/** Sends the head, then the body one byte every `everyMs` until the server closes or `bytes` are sent. */
export function trickle(port: number, head: string, bytes: number, everyMs: number, timeoutMs: number): Promise<{ sent: number; answer: string; closed: boolean }> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host: '127.0.0.1' })
    let sent = 0
    let answer = ''
    let closed = false
    const end = () => {
      clearInterval(tick)
      clearTimeout(timer)
      socket.destroy()
      resolve({ sent, answer, closed })
    }
    const timer = setTimeout(end, timeoutMs)
    socket.on('data', (d: Buffer) => { answer += d.toString('latin1') })
    socket.on('close', () => { closed = true; end() })
    socket.on('error', () => undefined)
    socket.write(head)
    const tick = setInterval(() => {
      if (sent >= bytes) return
      socket.write('a')
      sent++
    }, everyMs)
  })
}
