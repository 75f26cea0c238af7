// The HTTP listener of `npm start` (and of the tests that need a real socket): the Node server
// with the limits that cut off a client that never finishes its request. A request whose headers
// have not all arrived after headersTimeoutMs, or whose body has not all arrived after
// requestTimeoutMs (a body trickled a byte at a time), is answered 408 and its connection closed,
// so slow clients cannot hold sockets and memory for ever (slowloris).
import http from 'node:http'
import type { Config } from '../config.ts'

export type ListenerLimits = Pick<Config, 'requestTimeoutMs' | 'headersTimeoutMs'>

export function createHttpServer(handler: http.RequestListener, limits: ListenerLimits): http.Server {
  const server = http.createServer({
    requestTimeout: limits.requestTimeoutMs,
    // Node can never cut off before headersTimeout <= requestTimeout
    headersTimeout: Math.min(limits.headersTimeoutMs, limits.requestTimeoutMs),
    // how often Node looks for expired requests (default 30 s): a fraction of the shortest limit
    connectionsCheckingInterval: Math.max(250, Math.min(30_000, Math.floor(Math.min(limits.headersTimeoutMs, limits.requestTimeoutMs) / 4))),
  }, handler)
  return server
}
