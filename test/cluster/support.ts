// A small cluster for the tests: two gridgov instances (child processes with every background
// loop, see instance-child.ts) over a database of their own, nginx in front of both, and the HTTP
// helpers the cluster tests share.
import crypto from 'node:crypto'
import knexFactory, { type Knex } from 'knex'
import { migrate } from '../../server/db/migrate.ts'
import { createTestDatabaseFrom, loadTestContent } from '../support/template.ts'
import { freePort, startNginx, type RunningNginx } from '../../server/cli/cluster/nginx.ts'
import { startInstance, type Instance } from '../../server/cli/cluster/instance.ts'
import { DEMO_PASSWORD } from '../../fixtures/users.ts'

/**
 * A throwaway database of the small demo city (a copy of the run's template) on the server of
 * `serverUrl`, dropped by drop().
 * Not the shared test database: the instances run every background loop (patrol tasks, warnings,
 * timers, deliveries…), which must not change what the other test files find there.
 */
export async function clusterDatabase(serverUrl: string): Promise<{ url: string; knex: Knex; drop(): Promise<void> }> {
  const name = `gridgov_cluster_${Date.now()}_${process.pid}`
  const admin = knexFactory({ client: 'pg', connection: serverUrl, pool: { min: 0, max: 1 } })
  const copied = await createTestDatabaseFrom(admin, name)
  const u = new URL(serverUrl)
  u.pathname = `/${name}`
  const knex = knexFactory({ client: 'pg', connection: u.toString(), pool: { min: 0, max: 4 } })
  const drop = async () => {
    await knex.destroy()
    // FORCE ends the sessions left; an autovacuum worker in it (42501) ends soon: try again
    for (let attempt = 1; ; attempt++) {
      try {
        await admin.raw('DROP DATABASE IF EXISTS ?? WITH (FORCE)', [name])
        break
      } catch (err) {
        if ((err as { code?: string }).code !== '42501' || attempt >= 10) throw err
        await new Promise((r) => setTimeout(r, 1000))
      }
    }
    await admin.destroy()
  }
  try {
    if (copied) await migrate(knex)
    else await loadTestContent(knex)
  } catch (err) {
    await drop()
    throw err
  }
  return { url: u.toString(), knex, drop }
}

export interface Cluster { a: Instance; b: Instance; nginx: RunningNginx; stop(): Promise<void> }

export async function startCluster(databaseUrl: string): Promise<Cluster> {
  const authSecret = crypto.randomBytes(32).toString('hex')
  const [pa, pb, pn] = [await freePort(), await freePort(), await freePort()]
  const entry = 'test/cluster/instance-child.ts'
  const [a, b] = await Promise.all([
    // the tests' webhook receivers listen on loopback
    startInstance({ name: 'a', port: pa, databaseUrl, authSecret, entry, env: { WEBHOOK_ALLOWED_NETWORKS: '127.0.0.0/8' } }),
    startInstance({ name: 'b', port: pb, databaseUrl, authSecret, entry, env: { WEBHOOK_ALLOWED_NETWORKS: '127.0.0.0/8' } }),
  ])
  let nginx: RunningNginx
  try {
    nginx = await startNginx({ upstreams: [`127.0.0.1:${pa}`, `127.0.0.1:${pb}`], port: pn, failTimeoutS: 2 })
  } catch (err) {
    await Promise.all([a.kill(), b.kill()])
    throw err
  }
  return {
    a, b, nginx,
    async stop() {
      await nginx.stop()
      await Promise.all([a.exited ? undefined : a.stop(), b.exited ? undefined : b.stop()])
    },
  }
}

export interface Answer { status: number; body: string; json<T = Record<string, unknown>>(): T; headers: Headers }

/** One request with a per-request timeout (a hang fails the test instead of stalling it). */
export async function call(origin: string, path: string, init: { method?: string; body?: unknown; headers?: Record<string, string> } = {}): Promise<Answer> {
  const res = await fetch(origin + path, {
    method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
    headers: { ...(init.body === undefined ? {} : { 'content-type': 'application/json' }), ...init.headers },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
    signal: AbortSignal.timeout(30_000),
  })
  const body = await res.text()
  return { status: res.status, body, headers: res.headers, json: <T>() => JSON.parse(body) as T }
}

/** Signs a demo user in through `origin`; the Authorization header. */
export async function signIn(origin: string, username: string): Promise<Record<string, string>> {
  const res = await call(origin, '/api/v1/auth/login', { body: { username, password: DEMO_PASSWORD } })
  if (res.status !== 200) throw new Error(`login ${username}: ${res.status} ${res.body}`)
  return { authorization: `Bearer ${res.json<{ token: string }>().token}` }
}

/** The log lines of an instance with this message, after index `from`. */
export const logsOf = (i: Instance, msg: string, from = 0) => i.logs.slice(from).filter((l) => l.msg === msg)
