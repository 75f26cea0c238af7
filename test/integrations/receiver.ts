// A real local HTTP receiver for the webhook tests: listens on a random loopback port and
// answers each request with the next behaviour of a script (then with the default), recording
// what it received. Behaviours are the failures a platform shows in practice.
import http from 'node:http'
import type { AddressInfo } from 'node:net'

export type Behaviour =
  | { kind: 'status'; status: number; body?: string; headers?: Record<string, string> }
  /** never answers: the caller's timeout must fire */
  | { kind: 'hang' }
  /** answers bytes that are not HTTP */
  | { kind: 'garbage' }
  /** resets the TCP connection */
  | { kind: 'reset' }
  /** answers after a delay (ms) */
  | { kind: 'slow'; ms: number; status: number }

export interface Received { headers: http.IncomingHttpHeaders; body: string; json: unknown; answeredWith: Behaviour['kind'] }

export interface Receiver {
  url: string
  received: Received[]
  /** behaviours for the next requests, in order */
  script: Behaviour[]
  /** what answers once the script is used up */
  fallback: Behaviour
  close(): Promise<void>
}

export const ok: Behaviour = { kind: 'status', status: 200, body: '{"accepted":true}', headers: { 'content-type': 'application/json' } }

export async function startReceiver(script: Behaviour[] = [], fallback: Behaviour = ok): Promise<Receiver> {
  const r = { received: [] as Received[], script: [...script], fallback } as Receiver
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const b = r.script.shift() ?? r.fallback
      const body = Buffer.concat(chunks).toString('utf8')
      let json: unknown = null
      try { json = JSON.parse(body) } catch { /* recorded as text */ }
      r.received.push({ headers: req.headers, body, json, answeredWith: b.kind })
      switch (b.kind) {
        case 'status':
          res.writeHead(b.status, b.headers ?? { 'content-type': 'text/plain' }).end(b.body ?? '')
          return
        case 'hang': return
        case 'garbage':
          req.socket.end('\x00\x01NOT HTTP AT ALL\r\n\r\n')
          return
        case 'reset':
          req.socket.resetAndDestroy()
          return
        case 'slow':
          setTimeout(() => res.writeHead(b.status).end('ok'), b.ms)
          return
      }
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  r.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`
  r.close = async () => {
    server.closeAllConnections()
    await new Promise((resolve) => server.close(resolve))
  }
  return r
}
