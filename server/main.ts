// `npm start`: configuration → database (embedded or external) → migrations → demo city → HTTP.
import { ConfigError, loadConfig } from './config.ts'
import { boot, createLogger, type Booted } from './boot.ts'
import { createApp } from './app.ts'
import { createHttpServer } from './http/listener.ts'
import { DatabaseUnavailableError } from './db/index.ts'
import { MigrationError } from './db/migrate.ts'
import { AppError } from './http/errors.ts'
import { startBackground } from './background.ts'
import { startSensorMqtt } from './sensors/mqtt.ts'
import { followChanges } from '../tiles/changes.ts'
import { streamHubOf } from './stream/routes.ts'
import { isWorkerProcess, onPrimaryShutdown, superviseWorkers } from './http/workers.ts'

async function main(): Promise<void> {
  let config
  try {
    config = loadConfig()
  } catch (err) {
    if (err instanceof ConfigError) fail(err.message, 2)
    throw err
  }
  const logger = createLogger(config)
  if ((config.workers ?? 1) > 1 && !isWorkerProcess()) {
    superviseWorkers(config.workers!, logger)
    return
  }
  let booted: Booted
  try {
    booted = await boot(config, logger)
  } catch (err) {
    // the data key (GRIDGOV_DATA_KEY) is read by boot(): a configuration error like the others
    if (err instanceof ConfigError) fail(err.message, 2)
    if (err instanceof DatabaseUnavailableError || err instanceof MigrationError || err instanceof AppError) fail(err.message, 1)
    throw err
  }
  // The scheduler, the outbox deliverer, the field and analytics loops: each claims its work in
  // the database, so other instances run them too and every piece of work is done once.
  const background = startBackground(booted.context)
  // the SensorThings MQTT extension: the broker at MQTT_URL, or an embedded aedes on MQTT_PORT
  const mqttLink = await startSensorMqtt(booted.context)
  const stopFollowing = await followChanges(booted.db.listen, logger)
  const server = createHttpServer(createApp(booted.context).callback(), config)
  server.on('error', async (err: NodeJS.ErrnoException) => {
    await background.stop()
    await stopFollowing()
    await booted.db.close().catch(() => undefined)
    fail(err.code === 'EADDRINUSE' ? `port ${config.port} is already in use: set PORT to a free port` : err.message, 1)
  })
  server.listen(config.port, config.host, () => {
    const addr = server.address()
    const port = typeof addr === 'object' && addr ? addr.port : config.port
    logger.info({ port, mode: booted.db.mode, dataDir: booted.db.mode === 'embedded' ? config.dataDir : undefined },
      `gridgov listening on http://localhost:${port}`)
  })

  let stopping = false
  const shutdown = async (signal: string) => {
    if (stopping && signal === 'primary') return // the terminal's signal came first
    if (stopping) {
      logger.warn({ signal }, 'second signal: exiting at once')
      process.exit(130)
    }
    stopping = true
    logger.info({ signal }, 'shutting down: finishing in-flight requests')
    // Requests that are running finish; idle keep-alive sockets close now, the rest after the grace period.
    const forced = setTimeout(() => server.closeAllConnections(), config.shutdownGraceMs)
    const closed = new Promise<void>((resolve) => server.close(() => resolve()))
    await streamHubOf(booted.context).close() // live streams never end by themselves
    await closed
    clearTimeout(forced)
    await background.stop()
    await mqttLink.stop()
    await stopFollowing()
    // The embedded data directory is only consistent after PGlite closes cleanly.
    await booted.db.close()
    logger.info('stopped')
    process.exit(0)
  }
  process.on('SIGTERM', () => void shutdown('SIGTERM'))
  process.on('SIGINT', () => void shutdown('SIGINT'))
  onPrimaryShutdown(() => void shutdown('primary'))
}

function fail(message: string, code: number): never {
  process.stderr.write(`gridgov: ${message}\n`)
  process.exit(code)
}

await main()
