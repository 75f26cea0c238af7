// Child process of a bench (see startAppChild in support.ts): the gridgov app over the database
// in GRIDGOV_BENCH_APP_DATABASE_URL on a loopback port; sends the port, exits on any message.
// GRIDGOV_BENCH_TILE_CACHE=0 turns its tile cache off; GRIDGOV_BENCH_WORKERS=N runs N HTTP workers
// on one port as WORKERS=N does for npm start (server/http/workers.ts).
import cluster from 'node:cluster'
import http from 'node:http'
import { loadConfig } from '../../server/config.ts'
import { boot, createLogger } from '../../server/boot.ts'
import { createApp } from '../../server/app.ts'
import { listenLoopback } from './support.ts'
import { tileServiceOf } from '../../tiles/routes.ts'
import { superviseWorkers } from '../../server/http/workers.ts'

const databaseUrl = process.env.GRIDGOV_BENCH_APP_DATABASE_URL
if (!databaseUrl) throw new Error('app-child.ts is started by startAppChild() with GRIDGOV_BENCH_APP_DATABASE_URL')
const config = { ...loadConfig({ ...process.env, DATABASE_URL: databaseUrl }), logLevel: 'silent' as const, seedDemo: false }
const workers = Number(process.env.GRIDGOV_BENCH_WORKERS ?? 1)
if (workers > 1 && cluster.isPrimary) {
  // the primary passes the workers' shared port on and stops them when told
  const supervisor = superviseWorkers(workers, createLogger(config))
  // every worker listening (each sends the shared port once) before the bench starts
  let ready = 0
  cluster.on('message', (_worker, port) => {
    if (++ready === workers) process.send?.(port)
  })
  process.on('message', () => supervisor.stop(0))
} else {
  await serve()
}

async function serve(): Promise<void> {
  const { context, db } = await boot(config, createLogger(config))
  // GRIDGOV_BENCH_TILE_CACHE=0: tiles rendered on every request (the peers bench's uncached tile row)
  if (process.env.GRIDGOV_BENCH_TILE_CACHE === '0') tileServiceOf(context, { cacheBytes: 0 })
  const server = http.createServer(createApp(context).callback())
  process.send?.(await listenLoopback(server))
  process.on('message', async () => {
    server.close()
    await db.close()
    process.exit(0)
  })
}
