// Throwaway PostgreSQL 15 clusters from Debian's binaries, for the cluster tests and
// `npm run cluster:demo`: a primary (initdb in a temporary directory, role gridgov_ci/gridgov_ci
// with CREATEDB, postgis in template1) and streaming replicas of it (pg_basebackup -R,
// hot_standby). initdb refuses to run as root, so as root every binary runs as `postgres`
// through runuser. The superuser `postgres` is reached only over the cluster's own Unix socket
// (trust); TCP on 127.0.0.1 asks for a password (scram-sha-256).
import { execFile, spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'

const run = promisify(execFile)

export interface PgCluster {
  /** postgres://gridgov_ci:gridgov_ci@127.0.0.1:<port>/<db> (db defaults to gridgov_ci). */
  url(db?: string): string
  port: number
  dataDir: string
  /** Stops the server (fast: ends sessions cleanly; immediate: like a crash, WAL replay on start). */
  stop(mode?: 'fast' | 'immediate'): Promise<void>
  start(): Promise<void>
  restart(): Promise<void>
  /** Stops the server (immediate) and removes its directory; also done at process exit. */
  destroy(): Promise<void>
  /** psql as the superuser over the Unix socket; returns the unaligned, tuples-only output. */
  psql(sql: string, db?: string): Promise<string>
}

export const pgBin = process.env.PG_BIN ?? '/usr/lib/postgresql/15/bin'
export const ROLE = 'gridgov_ci'
const isRoot = process.getuid?.() === 0

/** True when this machine can run throwaway clusters (the binaries and, as root, a postgres user). */
export function clustersAvailable(): boolean {
  if (!fs.existsSync(path.join(pgBin, 'initdb'))) return false
  if (!isRoot) return true
  return spawnSync('id', ['-u', 'postgres']).status === 0
}

function command(bin: string, args: string[]): [string, string[]] {
  const exe = path.join(pgBin, bin)
  return isRoot ? ['runuser', ['-u', 'postgres', '--', exe, ...args]] : [exe, args]
}

async function pg(bin: string, args: string[], timeoutMs = 120_000): Promise<string> {
  const [file, argv] = command(bin, args)
  try {
    const { stdout } = await run(file, argv, { timeout: timeoutMs, cwd: os.tmpdir(), maxBuffer: 16 << 20 })
    return stdout
  } catch (err) {
    const e = err as Error & { stderr?: string }
    throw new Error(`${bin} ${args.join(' ')} failed: ${e.stderr?.trim() || e.message}`, { cause: err })
  }
}

function makeDir(dir: string | undefined, prefix: string): string {
  const root = dir ?? fs.mkdtempSync(path.join(os.tmpdir(), prefix))
  fs.mkdirSync(root, { recursive: true })
  fs.chmodSync(root, 0o755)
  if (isRoot) chownPostgres(root)
  return root
}

function chownPostgres(p: string): void {
  const r = spawnSync('chown', ['postgres:postgres', p])
  if (r.status !== 0) throw new Error(`chown postgres ${p}: ${r.stderr?.toString()}`)
}

const live = new Set<{ dataDir: string; root: string; owned: boolean }>()
let exitHook = false
function registerExitCleanup(): void {
  if (exitHook) return
  exitHook = true
  process.on('exit', () => {
    for (const c of live) {
      const [file, argv] = command('pg_ctl', ['stop', '-D', c.dataDir, '-m', 'immediate', '-w'])
      spawnSync(file, argv, { stdio: 'ignore', cwd: os.tmpdir() })
      if (c.owned) fs.rmSync(c.root, { recursive: true, force: true })
    }
  })
}

function settings(port: number, socketDir: string): string {
  return [
    '',
    '# gridgov throwaway cluster (server/cli/cluster/postgres.ts)',
    `port = ${port}`,
    "listen_addresses = '127.0.0.1'",
    `unix_socket_directories = '${socketDir}'`,
    'max_connections = 200',
    'shared_buffers = 64MB',
    'wal_level = replica',
    'max_wal_senders = 10',
    'wal_keep_size = 256MB',
    'hot_standby = on',
    'hot_standby_feedback = on',
    // throwaway data: no fsync (an OS crash may lose it); commits stay synchronous, so an
    // immediate stop (a crash for PostgreSQL: WAL replay at start) loses no acknowledged write
    'fsync = off',
    'full_page_writes = off',
    "log_min_messages = warning",
    'logging_collector = off',
    '',
  ].join('\n')
}

function makeCluster(root: string, dataDir: string, port: number, owned: boolean): PgCluster {
  const logFile = path.join(root, 'server.log')
  const entry = { dataDir, root, owned }
  live.add(entry)
  registerExitCleanup()
  let running = false
  const cluster: PgCluster = {
    port,
    dataDir,
    url: (db = ROLE) => `postgres://${ROLE}:${ROLE}@127.0.0.1:${port}/${db}`,
    async start() {
      await pg('pg_ctl', ['start', '-D', dataDir, '-l', logFile, '-w', '-t', '120'])
      running = true
    },
    async stop(mode = 'fast') {
      await pg('pg_ctl', ['stop', '-D', dataDir, '-m', mode, '-w', '-t', '120'])
      running = false
    },
    async restart() {
      await cluster.stop('fast')
      await cluster.start()
    },
    async destroy() {
      if (running || fs.existsSync(path.join(dataDir, 'postmaster.pid'))) {
        await cluster.stop('immediate').catch(() => undefined)
      }
      live.delete(entry)
      if (owned) fs.rmSync(root, { recursive: true, force: true })
    },
    psql: async (sql, db = 'postgres') =>
      (await pg('psql', ['-X', '-h', root, '-p', String(port), '-U', 'postgres', '-d', db, '-v', 'ON_ERROR_STOP=1', '-qtA', '-c', sql])).trim(),
  }
  return cluster
}

/** initdb (as postgres) a new cluster in a temp dir on `port`, role gridgov_ci/gridgov_ci CREATEDB, postgis in template1 */
export async function startPrimary(opts: { port: number; dir?: string }): Promise<PgCluster> {
  const root = makeDir(opts.dir, 'gridgov-pg-primary-')
  const dataDir = path.join(root, 'data')
  await pg('initdb', ['-D', dataDir, '-U', 'postgres', '--auth-local=trust', '--auth-host=scram-sha-256', '-E', 'UTF8', '--locale=C.UTF-8'])
  fs.appendFileSync(path.join(dataDir, 'postgresql.conf'), settings(opts.port, root))
  const cluster = makeCluster(root, dataDir, opts.port, opts.dir === undefined)
  try {
    await cluster.start()
    await cluster.psql(`CREATE ROLE ${ROLE} LOGIN CREATEDB PASSWORD '${ROLE}'`)
    await cluster.psql('CREATE EXTENSION IF NOT EXISTS postgis', 'template1')
    await cluster.psql(`CREATE DATABASE ${ROLE} OWNER ${ROLE}`)
  } catch (err) {
    await cluster.destroy()
    throw err
  }
  return cluster
}

/** pg_basebackup a streaming replica of `primary` (hot_standby) */
export async function startReplica(primary: PgCluster, opts: { port: number; dir?: string }): Promise<PgCluster> {
  const root = makeDir(opts.dir, 'gridgov-pg-replica-')
  const dataDir = path.join(root, 'data')
  const primaryRoot = path.dirname(primary.dataDir)
  // over the primary's Unix socket as postgres (pg_hba: local replication trust); -R writes
  // standby.signal and primary_conninfo, -X stream copies the WAL written meanwhile
  await pg('pg_basebackup', ['-h', primaryRoot, '-p', String(primary.port), '-U', 'postgres', '-D', dataDir, '-R', '-X', 'stream', '-c', 'fast'])
  // later lines win: this replica's own port and socket
  fs.appendFileSync(path.join(dataDir, 'postgresql.conf'), settings(opts.port, root))
  const cluster = makeCluster(root, dataDir, opts.port, opts.dir === undefined)
  try {
    await cluster.start()
  } catch (err) {
    await cluster.destroy()
    throw err
  }
  return cluster
}

/** A TCP port nobody listens on now (the kernel's choice). */
export async function freePort(): Promise<number> {
  const net = await import('node:net')
  return new Promise((resolve, reject) => {
    const srv = net.createServer()
    srv.once('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number }
      srv.close(() => resolve(port))
    })
  })
}
