// Child process of the health bench: the gridgov koa app and a raw node:http server doing the
// same /health work (one database round trip, the same JSON), each on its own loopback port.
import http from 'node:http'
import { loadConfig } from '../../server/config.ts'
import { boot, createLogger } from '../../server/boot.ts'
import { createApp } from '../../server/app.ts'
import { databaseReadiness } from '../../server/health/readiness.ts'
import { listenLoopback } from './support.ts'

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
process.send?.({ raw: await listenLoopback(raw), koa: await listenLoopback(koa), mode: db.mode })
process.on('message', async () => {
  raw.close(); koa.close()
  await db.close()
  process.exit(0)
})
