// The peers as cities deploy them: mapserv and qgis_mapserv.fcgi as FastCGI processes (spawn-fcgi,
// PROCESSES each) behind one nginx with keep-alive upstreams, MapServer also behind nginx's cache
// (fastcgi_cache, the FastCGI form of proxy_cache) for the repeated and cached rows. Everything
// lives in one temporary directory (mapfile, project, nginx.conf, cache, logs) removed on stop.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import net from 'node:net'
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process'
import type { LayerDef } from '../../../tiles/catalogue.ts'
import { mapfile } from './mapfile.ts'
import { qgisProject } from './qgis.ts'

export const MAPSERV = '/usr/bin/mapserv'
export const QGIS_FCGI = '/usr/lib/cgi-bin/qgis_mapserv.fcgi'
const SPAWN_FCGI = '/usr/bin/spawn-fcgi'
const NGINX = '/usr/sbin/nginx'
/** FastCGI processes per peer: the machine's 2 cores, as the issue's deployment. */
export const PROCESSES = 2

/** What is missing to run the peers (empty: all there). */
export function missingPeers(): string[] {
  return [MAPSERV, QGIS_FCGI, SPAWN_FCGI, NGINX, '/usr/bin/pgbench'].filter((f) => !fs.existsSync(f))
}

export interface Peers {
  dir: string
  /** MapServer through nginx, no cache. */
  mapserver: string
  /** MapServer through nginx's cache. */
  mapserverCached: string
  qgis: string
  /** pids of the FastCGI processes of each peer and of nginx (for CPU accounting). */
  pids: { mapserver: number[]; qgis: number[]; nginx: number[] }
  versions: Record<string, string>
  stop(): Promise<void>
}

/** A free loopback port (bound then released; the bench starts its servers right after). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer()
    s.once('error', reject)
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port
      s.close(() => resolve(port))
    })
  })
}

/** spawn-fcgi forks PROCESSES children bound to one port and writes their pids. */
function spawnFcgi(dir: string, name: string, port: number, program: string, env: NodeJS.ProcessEnv): number[] {
  const pidFile = path.join(dir, `${name}.pids`)
  execFileSync(SPAWN_FCGI, ['-a', '127.0.0.1', '-p', String(port), '-F', String(PROCESSES), '-P', pidFile, '--', program],
    { env, stdio: ['ignore', 'ignore', 'pipe'] })
  return fs.readFileSync(pidFile, 'utf8').split(/\s+/).filter(Boolean).map(Number)
}

function nginxConf(dir: string, ports: { ms: number; qgis: number; nginxMs: number; nginxMsCached: number; nginxQgis: number }): string {
  const fastcgi = (upstream: string, cached: boolean) => `
    location / {
      include /etc/nginx/fastcgi_params;
      fastcgi_pass ${upstream};
      fastcgi_keep_conn on;
      fastcgi_read_timeout 120s;
${cached ? `      fastcgi_cache peers;
      fastcgi_cache_key $request_uri;
      fastcgi_cache_valid 200 10m;
      fastcgi_cache_lock on;
      add_header X-Cache $upstream_cache_status;
` : ''}    }`
  const server = (port: number, body: string) => `
  server {
    listen 127.0.0.1:${port};
    keepalive_requests 1000000;
    keepalive_timeout 300s;${body}
  }`
  return `worker_processes ${PROCESSES};
pid ${dir}/nginx.pid;
error_log ${dir}/nginx-error.log warn;
daemon off;
user root;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path ${dir}/nginx-body;
  fastcgi_temp_path ${dir}/nginx-fastcgi;
  proxy_temp_path ${dir}/nginx-proxy;
  uwsgi_temp_path ${dir}/nginx-uwsgi;
  scgi_temp_path ${dir}/nginx-scgi;
  fastcgi_cache_path ${dir}/nginx-cache levels=1:2 keys_zone=peers:16m max_size=512m inactive=30m use_temp_path=off;
  upstream mapserver { server 127.0.0.1:${ports.ms}; keepalive 16; }
  upstream qgis { server 127.0.0.1:${ports.qgis}; keepalive 16; }
${server(ports.nginxMs, fastcgi('mapserver', false))}
${server(ports.nginxMsCached, fastcgi('mapserver', true))}
${server(ports.nginxQgis, fastcgi('qgis', false))}
}
`
}

const firstLine = (cmd: string, args: string[]) => {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).split('\n')[0]!.trim()
  } catch (err) {
    return String((err as { stderr?: string }).stderr ?? err).split('\n')[0]!.trim()
  }
}
/** nginx -v writes to stderr. */
const nginxVersion = () => spawnSync(NGINX, ['-v'], { encoding: 'utf8' }).stderr.trim()
const dpkgVersion = (pkg: string) => firstLine('dpkg-query', ['-W', '-f=${Version}', pkg])

async function waitForPort(port: number, ms = 20_000): Promise<void> {
  const until = Date.now() + ms
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.connect(port, '127.0.0.1', () => { s.end(); resolve(true) })
      s.once('error', () => resolve(false))
    })
    if (ok) return
    if (Date.now() > until) throw new Error(`nothing listens on 127.0.0.1:${port} after ${ms} ms`)
    await new Promise((r) => setTimeout(r, 100))
  }
}

/** Writes the mapfile, the QGIS project and nginx.conf; starts the FastCGI processes and nginx. */
export async function startPeers(layers: LayerDef[], databaseUrl: string): Promise<Peers> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gridgov-peers-'))
  fs.chmodSync(dir, 0o700) // the mapfile and the project hold the database password
  const mapPath = path.join(dir, 'peers.map')
  fs.writeFileSync(mapPath, mapfile(layers, databaseUrl), { mode: 0o600 })
  const msConfig = path.join(dir, 'mapserver.conf')
  fs.writeFileSync(msConfig, `CONFIG\n  ENV\n    MS_MAPFILE "${mapPath}"\n    MS_ERRORFILE "${dir}/mapserver-error.log"\n  END\nEND\n`)
  const qgsPath = path.join(dir, 'peers.qgs')
  fs.writeFileSync(qgsPath, qgisProject(layers, databaseUrl), { mode: 0o600 })
  const qgisHome = path.join(dir, 'qgis-home')
  fs.mkdirSync(path.join(qgisHome, 'auth'), { recursive: true })
  const ports = { ms: await freePort(), qgis: await freePort(), nginxMs: await freePort(), nginxMsCached: await freePort(), nginxQgis: await freePort() }
  const base = { PATH: process.env.PATH ?? '/usr/bin:/bin', LANG: 'C.UTF-8' }
  const pids = { mapserver: [] as number[], qgis: [] as number[], nginx: [] as number[] }
  let nginx: ChildProcess | undefined
  const stop = async () => {
    if (nginx && nginx.exitCode === null) {
      const exited = new Promise((r) => nginx!.once('exit', r))
      nginx.kill('SIGTERM')
      await exited
    }
    // mapserv waiting in accept() ignores SIGTERM: KILL after a grace period
    const fcgi = [...pids.mapserver, ...pids.qgis]
    signal(fcgi, 'SIGTERM')
    await new Promise((r) => setTimeout(r, 500))
    signal(fcgi.filter(alive), 'SIGKILL')
    fs.rmSync(dir, { recursive: true, force: true })
  }
  try {
    pids.mapserver = spawnFcgi(dir, 'mapserver', ports.ms, MAPSERV, { ...base, MAPSERVER_CONFIG_FILE: msConfig })
    pids.qgis = spawnFcgi(dir, 'qgis', ports.qgis, QGIS_FCGI, {
      ...base, QGIS_PROJECT_FILE: qgsPath, QT_QPA_PLATFORM: 'offscreen', HOME: qgisHome, QGIS_AUTH_DB_DIR_PATH: path.join(qgisHome, 'auth'),
      QGIS_SERVER_LOG_LEVEL: '2', QGIS_SERVER_LOG_FILE: path.join(dir, 'qgis.log'), QGIS_SERVER_PARALLEL_RENDERING: 'false',
      QGIS_SERVER_IGNORE_BAD_LAYERS: 'false', XDG_RUNTIME_DIR: qgisHome,
    })
    const conf = path.join(dir, 'nginx.conf')
    fs.writeFileSync(conf, nginxConf(dir, ports))
    nginx = spawn(NGINX, ['-c', conf, '-p', dir, '-e', path.join(dir, 'nginx-error.log')], { stdio: ['ignore', 'ignore', 'inherit'] })
    await Promise.all([waitForPort(ports.nginxMs), waitForPort(ports.nginxMsCached), waitForPort(ports.nginxQgis)])
    pids.nginx = [nginx.pid!, ...workerPids(nginx.pid!)]
  } catch (err) {
    await stop()
    throw err
  }
  return {
    dir, pids,
    mapserver: `http://127.0.0.1:${ports.nginxMs}`,
    mapserverCached: `http://127.0.0.1:${ports.nginxMsCached}`,
    qgis: `http://127.0.0.1:${ports.nginxQgis}`,
    versions: {
      mapserver: firstLine(MAPSERV, ['-v']).replace(/ OUTPUT=.*/, ''), 'mapserver-bin': dpkgVersion('mapserver-bin'),
      'qgis-server': dpkgVersion('qgis-server'), nginx: nginxVersion(), 'spawn-fcgi': dpkgVersion('spawn-fcgi'),
      pgbench: firstLine('/usr/bin/pgbench', ['--version']),
    },
    stop,
  }
}

function signal(pids: number[], sig: NodeJS.Signals): void {
  for (const pid of pids) {
    try { process.kill(pid, sig) } catch { /* already gone */ }
  }
}

/** Running (a zombie waiting to be reaped counts as gone). */
function alive(pid: number): boolean {
  try {
    const s = fs.readFileSync(`/proc/${pid}/stat`, 'utf8')
    return s.slice(s.lastIndexOf(')') + 2, s.lastIndexOf(')') + 3) !== 'Z'
  } catch {
    return false
  }
}

/** Direct children of a process (nginx's workers). */
export function workerPids(parent: number): number[] {
  const out: number[] = []
  for (const d of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue
    try {
      const stat = fs.readFileSync(`/proc/${d}/stat`, 'utf8')
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
      if (Number(fields[1]) === parent) out.push(Number(d))
    } catch { /* gone */ }
  }
  return out
}
