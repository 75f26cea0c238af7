// `npm run cluster:demo`: the whole scale-out set on this machine, from Debian's packages —
// a PostgreSQL 15 primary and a streaming replica (throwaway clusters, server/cli/cluster/postgres.ts),
// the demo city migrated and loaded on the primary, two gridgov instances (writes and
// read-your-writes on the primary, lag-tolerant reads on the replica through DATABASE_READ_URL),
// nginx in front of both. Prints the URL; Ctrl-C stops everything and removes the clusters.
// CLUSTER_PORT sets nginx's port (default 8080).
import crypto from 'node:crypto'
import { clustersAvailable, startPrimary, startReplica, type PgCluster } from './postgres.ts'
import { freePort, nginxAvailable, startNginx, type RunningNginx } from './nginx.ts'
import { startInstance, type Instance } from './instance.ts'

const say = (line: string) => process.stdout.write(`cluster:demo: ${line}\n`)

async function main(): Promise<void> {
  if (!clustersAvailable()) throw new Error('PostgreSQL 15 binaries are missing: apt-get install postgresql postgresql-15-postgis-3')
  if (!nginxAvailable()) throw new Error('nginx is missing: apt-get install nginx')
  const port = Number(process.env.CLUSTER_PORT ?? 8080)
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`CLUSTER_PORT must be a port number, not ${process.env.CLUSTER_PORT}`)
  const clusters: PgCluster[] = []
  const instances: Instance[] = []
  let nginx: RunningNginx | undefined
  let stopping = false
  const stop = async (code: number) => {
    if (stopping) return
    stopping = true
    say('stopping…')
    await nginx?.stop().catch(() => undefined)
    for (const i of instances) await i.stop().catch(() => undefined)
    for (const c of clusters.reverse()) await c.destroy().catch(() => undefined)
    say('stopped')
    process.exit(code)
  }
  process.on('SIGINT', () => void stop(0))
  process.on('SIGTERM', () => void stop(0))
  try {
    const primary = await startPrimary({ port: await freePort() })
    clusters.push(primary)
    say(`PostgreSQL primary on 127.0.0.1:${primary.port} (${primary.dataDir})`)
    const authSecret = crypto.randomBytes(32).toString('hex')
    const echo = process.stderr
    // the first instance migrates the primary and loads the demo city (the replica follows by WAL)
    const a = await startInstance({ name: 'a', port: await freePort(), databaseUrl: primary.url(), authSecret, echo,
      env: { SEED_DEMO: 'true', LOG_LEVEL: 'warn' } }, 600_000)
    instances.push(a)
    const replica = await startReplica(primary, { port: await freePort() })
    clusters.push(replica)
    say(`streaming replica on 127.0.0.1:${replica.port}`)
    // a is restarted with the replica for its reads, b starts with it
    await a.stop()
    instances.length = 0
    const env = { DATABASE_READ_URL: replica.url(), LOG_LEVEL: 'warn' }
    for (const name of ['a', 'b']) {
      const i = await startInstance({ name, port: await freePort(), databaseUrl: primary.url(), authSecret, echo, env })
      instances.push(i)
      say(`instance ${name} on ${i.origin} (pid ${i.pid})`)
    }
    nginx = await startNginx({ upstreams: instances.map((i) => `127.0.0.1:${i.port}`), port })
    say(`nginx on ${nginx.origin} (configuration ${nginx.prefix}/nginx.conf)`)
    say(`open ${nginx.origin}/  — demo users (command, street1, …) with the demo password; Ctrl-C stops everything`)
  } catch (err) {
    process.stderr.write(`cluster:demo: ${(err as Error).message}\n`)
    await stop(1)
  }
}

await main()
