// Child process of the bench: the gridgov koa app and a raw node:http server doing the same
// /health work (one database round trip, the same JSON), each on its own loopback port.
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { loadConfig } from '../../server/config.ts'
import { boot, createLogger } from '../../server/boot.ts'
import { createApp } from '../../server/app.ts'
import { databaseReadiness } from '../../server/health/readiness.ts'

const config = { ...loadConfig(), logLevel: 'silent' as const, seedDemo: false }
const { context, db } = await boot(config, createLogger(config))

const raw = http.createServer(async (_req, res) => {
  const started = process.hrtime.bigint()
  const readiness = await databaseReadiness(db.knex)
  const body = JSON.stringify({ status: 'ok', service: 'gridgov', uptimeSeconds: 0,
    database: { ready: true, mode: db.mode, ...readiness, latencyMs: Number(process.hrtime.bigint() - started) / 1e6 } })
  res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' })
  res.end(body)
})
const koa = http.createServer(createApp(context).callback())
const listen = (s: http.Server) => new Promise<number>((r) => s.listen(0, '127.0.0.1', () => r((s.address() as AddressInfo).port)))
const ports = { raw: await listen(raw), koa: await listen(koa), mode: db.mode }
process.send?.(ports)
process.on('message', async () => {
  raw.close(); koa.close()
  await db.close()
  process.exit(0)
})
