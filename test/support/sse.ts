// A Server-Sent Events client for tests: reads /api/v1/stream on a loopback port, collecting
// each message (event name and JSON data); frames split across chunks are joined first.
import http from 'node:http'

export interface Sse { events: { event: string; data: Record<string, unknown> }[]; raw: string; close(): void; status: number; type: string }

export function openStream(port: number, headers: Record<string, string>): Promise<Sse> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path: '/api/v1/stream', headers }, (res) => {
      const sse: Sse = { events: [], raw: '', close: () => req.destroy(), status: res.statusCode ?? 0, type: String(res.headers['content-type']) }
      let buffer = ''
      res.setEncoding('utf8')
      res.on('data', (chunk: string) => {
        sse.raw += chunk
        buffer += chunk
        const blocks = buffer.split('\n\n')
        buffer = blocks.pop() ?? ''
        for (const block of blocks) {
          const event = /^event: (.+)$/m.exec(block)?.[1]
          const data = /^data: (.+)$/m.exec(block)?.[1]
          if (event && data) sse.events.push({ event, data: JSON.parse(data) })
        }
      })
      res.on('error', () => undefined)
      resolve(sse)
    })
    req.on('error', reject)
  })
}
