// A gridgov instance for the cluster tests: what server/main.ts runs (boot, every background loop
// through startBackground, the tile-change follower, the HTTP listener), with the loops made fast
// and their batches small so that two instances really compete for the same work within a test.
// Started by startInstance() (server/cli/cluster/instance.ts) with entry test/cluster/instance-child.ts;
// logs JSON lines on stdout like `npm start`. SIGTERM stops it; the tests SIGKILL it too.
import http from 'node:http'
import { loadConfig } from '../../server/config.ts'
import { boot, createLogger } from '../../server/boot.ts'
import { createApp } from '../../server/app.ts'
import { startBackground } from '../../server/background.ts'
import { followChanges } from '../../tiles/changes.ts'
import { streamHubOf } from '../../server/stream/routes.ts'

const config = loadConfig()
const logger = createLogger(config)
const booted = await boot(config, logger)
const background = startBackground(booted.context, {
  scheduler: { intervalMs: 20, batch: 1 },
  deliverer: { intervalMs: 100, batch: 1 },
  fieldMs: 1000,
  analyticsMs: 1000,
})
const stopFollowing = await followChanges(booted.db.listen, logger)
const server = http.createServer(createApp(booted.context).callback())
server.listen(config.port, config.host, () => logger.info({ port: config.port }, 'cluster test instance listening'))
process.on('SIGTERM', async () => {
  server.closeAllConnections()
  server.close()
  await streamHubOf(booted.context).close()
  await background.stop()
  await stopFollowing()
  await booted.db.close()
  process.exit(0)
})
