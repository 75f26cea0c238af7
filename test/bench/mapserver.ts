// MapServer 8 (Debian mapserver-bin) as the baseline of the OGC benches: mapserv run as CGI — a
// fresh process per request, its standard deployment — behind a tiny node:http wrapper, with a
// mapfile written by the bench on the same PostGIS tables gridgov serves.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import http from 'node:http'
import { spawn } from 'node:child_process'
import { medianOf, type Measurement } from './harness.ts'
import { listenLoopback } from './support.ts'

const MAPSERV = '/usr/bin/mapserv'

/** False, and says so, when mapserv is missing: the bench then has no baseline and adds no rows. */
export function mapserverInstalled(bench: string): boolean {
  if (fs.existsSync(MAPSERV)) return true
  console.log(`bench ${bench}: skipped — MapServer is not installed (apt-get install mapserver-bin); no baseline, no rows`)
  return false
}

/** A mapfile layer's PostGIS CONNECTION for a postgres:// URL. */
export function pgConnection(databaseUrl: string): string {
  const u = new URL(databaseUrl)
  return `host=${u.hostname} port=${u.port || 5432} dbname=${u.pathname.slice(1)} ` +
    `user=${decodeURIComponent(u.username)} password=${decodeURIComponent(u.password)}`
}

export interface MapServer {
  origin: string
  /** Resolves once no mapserv is running. */
  drained(): Promise<void>
  stop(): Promise<void>
}

/**
 * Serves `mapfile` (its text) through mapserv on a loopback port. `ok` tells an answer from an
 * error (CGI has no status line: mapserv reports OGC errors in a 200 body), errors become 500s.
 */
export async function startMapServer(mapfile: string, ok: (contentType: string, body: Buffer) => boolean): Promise<MapServer> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gridgov-bench-mapserver-'))
  const mapPath = path.join(dir, 'bench.map')
  fs.writeFileSync(mapPath, mapfile, { mode: 0o600 }) // it holds the database password
  const configFile = path.join(dir, 'mapserver.conf')
  fs.writeFileSync(configFile, `CONFIG\n  ENV\n    MS_MAPFILE "${mapPath}"\n  END\nEND\n`)
  let active = 0
  const server = http.createServer((req, res) => {
    active++
    const child = spawn(MAPSERV, [], {
      env: { MAPSERVER_CONFIG_FILE: configFile, REQUEST_METHOD: 'GET', QUERY_STRING: (req.url ?? '').split('?')[1] ?? '', SERVER_NAME: '127.0.0.1', SCRIPT_NAME: '/' },
      stdio: ['ignore', 'pipe', 'ignore'],
    })
    const chunks: Buffer[] = []
    child.stdout.on('data', (c: Buffer) => chunks.push(c))
    child.on('close', () => {
      active--
      // CGI output: headers, a blank line, the body
      const out = Buffer.concat(chunks)
      const split = out.indexOf('\r\n\r\n')
      const head = split < 0 ? '' : out.subarray(0, split).toString('latin1')
      const type = /content-type:\s*([^\r\n]+)/i.exec(head)?.[1] ?? 'application/octet-stream'
      const body = split < 0 ? out : out.subarray(split + 4)
      res.writeHead(ok(type, body) ? 200 : 500, { 'content-type': type })
      res.end(body)
    })
  })
  const port = await listenLoopback(server)
  return {
    origin: `http://127.0.0.1:${port}`,
    async drained() {
      while (active > 0) await new Promise((r) => setTimeout(r, 50))
    },
    async stop() {
      await new Promise((r) => { server.close(r); server.closeAllConnections() })
      fs.rmSync(dir, { recursive: true, force: true })
    },
  }
}

/**
 * Warm-up (page cache, plans, JIT, pools), then `rounds` alternating rounds of MapServer and
 * gridgov; MapServer's stragglers are waited for so they never slow a gridgov round. Medians.
 */
export async function versusMapServer(ms: MapServer, rounds: number, mapserver: () => Promise<Measurement>,
  gridgov: () => Promise<Measurement>): Promise<{ baseline: Measurement; subject: Measurement }> {
  await mapserver()
  await ms.drained()
  await gridgov()
  const b: Measurement[] = [], s: Measurement[] = []
  for (let r = 0; r < rounds; r++) {
    b.push(await mapserver())
    await ms.drained()
    s.push(await gridgov())
  }
  return { baseline: medianOf(b), subject: medianOf(s) }
}
