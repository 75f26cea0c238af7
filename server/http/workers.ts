// Several HTTP worker processes on one port (node:cluster, WORKERS in the configuration), for a
// machine whose cores one Node process cannot fill: drawing and encoding map images, WFS pages and
// cached answers are CPU work in Node, while MapServer and QGIS Server run a FastCGI process per
// core. Each worker is a whole instance (its own pool, caches and change listener; background work
// is claimed in the database, so each piece is done once), like the several instances behind nginx
// of `npm run cluster:demo`. The first worker boots alone (migrations, demo data); the others
// start once it listens. A worker that dies after serving is replaced; one that fails before it
// ever listened stops the service with its exit code (a configuration or database problem would
// only fail again).
import cluster, { type Worker } from 'node:cluster'
import type { Logger } from 'pino'

/** The message a worker gets when the service stops: it finishes its requests and exits. */
export const SHUTDOWN_MESSAGE = 'gridgov:shutdown'

/** More replacements than this within a minute: the service stops instead of looping. */
const MAX_REPLACEMENTS_PER_MINUTE = 5

export const isWorkerProcess = (): boolean => cluster.isWorker

/** In a worker: `stop` runs when the primary says the service stops. */
export function onPrimaryShutdown(stop: () => void): void {
  if (!cluster.isWorker) return
  process.on('message', (m) => {
    if (m === SHUTDOWN_MESSAGE) stop()
  })
}

/** In the primary: starts `count` workers and keeps them running until SIGTERM, SIGINT or stop(). */
export function superviseWorkers(count: number, logger: Logger): { stop(code: number): void } {
  let stopping = false
  let exitCode = 0
  const served = new WeakSet<Worker>()
  const replacements: number[] = []

  const fork = (): Worker => {
    const worker = cluster.fork()
    worker.once('listening', () => {
      served.add(worker)
      // the first worker has migrated the database: the others may start
      if (Object.keys(cluster.workers ?? {}).length < count && !stopping) {
        for (let i = Object.keys(cluster.workers ?? {}).length; i < count; i++) fork()
      }
    })
    return worker
  }

  cluster.on('exit', (worker, code, signal) => {
    const alive = Object.keys(cluster.workers ?? {}).length
    if (stopping) {
      if (code) exitCode = code
      if (alive === 0) {
        logger.info('stopped')
        process.exit(exitCode)
      }
      return
    }
    if (!served.has(worker)) {
      logger.error({ pid: worker.process.pid, code, signal }, 'a worker failed before it listened: stopping')
      stop(code || 1)
      return
    }
    const now = Date.now()
    replacements.push(now)
    while (replacements[0]! < now - 60_000) replacements.shift()
    if (replacements.length > MAX_REPLACEMENTS_PER_MINUTE) {
      logger.error({ replacements: replacements.length }, 'workers keep dying: stopping')
      stop(1)
      return
    }
    logger.warn({ pid: worker.process.pid, code, signal }, 'a worker died: starting another')
    fork()
  })

  const stop = (code: number) => {
    if (stopping) return
    stopping = true
    exitCode = code
    const workers = Object.values(cluster.workers ?? {}).filter((w): w is Worker => w !== undefined)
    if (workers.length === 0) process.exit(exitCode)
    for (const w of workers) if (w.isConnected()) w.send(SHUTDOWN_MESSAGE)
  }
  // a terminal's Ctrl-C reaches every worker too; they treat the message after it as the same stop
  process.on('SIGTERM', () => stop(0))
  process.on('SIGINT', () => stop(0))
  logger.info({ workers: count }, `starting ${count} HTTP workers`)
  fork()
  return { stop }
}
