// Pieces every bench shares: the bench databases, the gridgov app in a child process, and the
// small timing helpers (a worker pool, a stopwatch, the median).
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { fork } from 'node:child_process'
import knexFactory, { type Knex } from 'knex'
import { MigrationError, migrate } from '../../server/db/migrate.ts'
import { CITY_CODE, SCALES, generateCity, type Scale } from '../../fixtures/generate.ts'
import { existingDivisions, loadCity } from '../../fixtures/load.ts'
import { createDemoUsers } from '../../fixtures/users.ts'

// Any constant: serialises two bench runs preparing the same database at once.
const PREPARE_LOCK = 7_210_442_818

/**
 * The bench database of a scale on the DATABASE_URL server: `gridgov_bench` (the city-scale demo
 * city: 3,000 base grids, 100,000 components, 50,000 addresses) or `gridgov_bench_small` (the
 * small one), with the demo users. Created, migrated and loaded on first use and kept for later
 * runs (loading the city takes a while), so benches sharing it must leave it as they found it:
 * the benches that write many rows (events) use a throwaway database instead.
 */
export async function benchDatabase(name: string, opts: { scale?: Scale; poolMax?: number } = {}): Promise<{ knex: Knex; url: string }> {
  const scale = opts.scale ?? 'city'
  const server = process.env.DATABASE_URL
  if (!server) throw new Error(`the ${name} bench needs DATABASE_URL (a real PostGIS server)`)
  // BENCH_DATABASE names another copy (e.g. one made from gridgov_bench as a template, so a run
  // with unfinished migrations never touches the shared one)
  const database = process.env.BENCH_DATABASE ?? (scale === 'city' ? 'gridgov_bench' : `gridgov_bench_${scale}`)
  const admin = knexFactory({ client: 'pg', connection: server, pool: { min: 0, max: 1 } })
  try {
    const exists = await admin.raw('SELECT 1 FROM pg_database WHERE datname = ?', [database])
    if (!exists.rows.length) await admin.raw('CREATE DATABASE ??', [database]).catch(async (err) => {
      // another bench run may have created it in the meantime
      if (!(await admin.raw('SELECT 1 FROM pg_database WHERE datname = ?', [database])).rows.length) throw err
    })
  } finally {
    await admin.destroy()
  }
  const u = new URL(server)
  u.pathname = `/${database}`
  const url = u.toString()
  const knex = knexFactory({ client: 'pg', connection: url, pool: { min: 0, max: Math.max(2, opts.poolMax ?? 4) } })
  try {
    // The lock is held by an idle transaction on one connection while the others do the work.
    await knex.transaction(async (trx) => {
      await trx.raw('SELECT pg_advisory_xact_lock(?)', [PREPARE_LOCK])
      await prepare(knex, name, scale, database)
    })
  } catch (err) {
    await knex.destroy()
    throw err
  }
  return { knex, url }
}

async function prepare(knex: Knex, name: string, scale: Scale, database: string): Promise<void> {
  await migrate(knex).catch((err: unknown) => {
    // a migration edited since this kept database was built: it is only a cache, rebuild it
    if (err instanceof MigrationError) err.message += ` — drop the bench database ${database} to have it rebuilt`
    throw err
  })
  if (await existingDivisions(knex, CITY_CODE) === 0) {
    process.stderr.write(`bench ${name}: loading the ${scale}-scale demo city (once)…\n`)
    await loadCity(knex, generateCity({ scale }))
    await knex.raw('ANALYZE')
  }
  const grids = await knex('grid').where({ kind: 'base' }).whereNull('valid_to').count<{ n: string }[]>('* as n')
  if (Number(grids[0]!.n) !== SCALES[scale].baseGrids) {
    throw new Error(`bench ${name}: ${database} holds ${grids[0]!.n} base grids, not the ${SCALES[scale].baseGrids} of the ${scale}-scale demo city; drop it to have it rebuilt`)
  }
  if (!await knex('app_user').where({ username: 'command' }).first('id')) await createDemoUsers(knex)
}

/** Listens on an ephemeral loopback port; returns the port. */
export function listenLoopback(server: http.Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)))
}

export interface Child<T> { message: T; pid: number; stop(): Promise<void> }

/** Forks a bench child module (run by tsx) and waits for its first message; stop() asks it to exit. */
export async function forkChild<T>(module: URL, env: NodeJS.ProcessEnv = process.env): Promise<Child<T>> {
  const child = fork(module.pathname, [], { execArgv: ['--import', 'tsx'], stdio: 'inherit', env })
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  const message = await new Promise<T>((resolve, reject) => {
    child.once('message', (m) => resolve(m as T))
    child.once('exit', (code) => reject(new Error(`bench child ${module.pathname} exited with ${code}`)))
  })
  return {
    message,
    pid: child.pid!,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.send('stop')
      await exited
    },
  }
}

/** The gridgov app (boot + koa) over `databaseUrl` in a child process on a loopback port, like production. */
export async function startAppChild(databaseUrl: string, env: NodeJS.ProcessEnv = {}): Promise<{ origin: string; pid: number; stop(): Promise<void> }> {
  const child = await forkChild<number>(new URL('./app-child.ts', import.meta.url), { ...process.env, ...env, GRIDGOV_BENCH_APP_DATABASE_URL: databaseUrl })
  return { origin: `http://127.0.0.1:${child.message}`, pid: child.pid, stop: child.stop }
}

/** Runs `work` over items with `concurrency` workers, like concurrent clients; results in item order. */
export async function pooled<T, R>(items: readonly T[], concurrency: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length)
  let next = 0
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < items.length) {
      const i = next++
      out[i] = await work(items[i]!)
    }
  }))
  return out
}

/** Wall time of `fn`, in seconds. */
export async function timed(fn: () => Promise<unknown>): Promise<number> {
  const t0 = process.hrtime.bigint()
  await fn()
  return Number(process.hrtime.bigint() - t0) / 1e9
}

/** The middle value (the upper one of an even count). */
export const median = (xs: readonly number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!
