// The fair peers of the OGC and tile benches (issue 17): MapServer 8 and QGIS Server 3.22 as
// FastCGI (spawn-fcgi, 2 processes each) behind nginx with keep-alive upstreams, MapServer also
// behind nginx's cache, and the raw z14 tile SQL through pgbench; the mapfile and the QGIS
// project are generated from the layer catalogue (peers/mapfile.ts, peers/qgis.ts). Every run
// first checks that the peers answer the same features as gridgov (peers/verify.ts), then
// measures interleaved rounds with 8 keep-alive clients and prints the issue's table.
//
//   npm run bench peers              checks, then measures (also: `npm run bench wms|wfs` for a part)
//   npm run bench:peers -- setup     starts everything and waits (Ctrl-C stops): try the peers by hand
//   npm run bench:peers -- check     the equality checks only
//   npm run bench:peers -- run       checks, then measures (PEERS_ROUNDS, PEERS_SECONDS: default 3 × 5 s)
// Needs DATABASE_URL (the city-scale bench database, support.ts benchDatabase) and, as root,
// `apt-get install -y mapserver-bin cgi-mapserver qgis-server spawn-fcgi nginx`.
import os from 'node:os'
import { printTable, writeResults, type BenchResult } from './harness.ts'
import { missingPeers } from './peers/servers.ts'
import { setUp } from './peers/setup.ts'
import { verify } from './peers/verify.ts'
import { benchResults, issueTable, measureRows } from './peers/rows.ts'
import { CONNECTIONS } from './peers/measure.ts'
import { PROCESSES } from './peers/servers.ts'

export type Section = 'wms' | 'tiles' | 'wfs'
const ALL: Section[] = ['wms', 'tiles', 'wfs']
const log = (line: string) => process.stderr.write(`peers: ${line}\n`)

function settings(): { rounds: number; seconds: number } {
  const n = (name: string, fallback: number) => {
    const v = Number(process.env[name] ?? fallback)
    if (!Number.isInteger(v) || v < 1) throw new Error(`${name} must be a positive integer, got ${process.env[name]}`)
    return v
  }
  return { rounds: n('PEERS_ROUNDS', 3), seconds: n('PEERS_SECONDS', 5) }
}

/** False, and says why, when a peer is not installed: the bench then adds no rows. */
function installed(): boolean {
  const missing = missingPeers()
  if (missing.length) log(`skipped — missing ${missing.join(', ')} (apt-get install -y mapserver-bin cgi-mapserver qgis-server spawn-fcgi nginx postgresql-client)`)
  return missing.length === 0
}

/** Checks, then measures the sections' rows; pushes them to `results` and prints the issue's table. */
export async function benchPeers(results: BenchResult[], sections: readonly Section[] = ALL): Promise<void> {
  if (!installed()) return
  const { rounds, seconds } = settings()
  const s = await setUp(log)
  try {
    for (const line of await verify(s, sections)) log(`equal — ${line}`)
    const rows = await measureRows(s, sections, rounds, seconds, log)
    console.log(`\nPeers (issue 17): ${rounds} interleaved rounds × ${seconds} s, ${CONNECTIONS} keep-alive clients, ` +
      `${PROCESSES} FastCGI processes per peer, load average ${os.loadavg()[0]!.toFixed(1)} on ${os.cpus().length} CPUs`)
    console.log(`versions: ${Object.entries(s.peers.versions).map(([k, v]) => `${k} ${v}`).join('; ')}`)
    console.log(issueTable(rows))
    results.push(...benchResults(rows, s.peers.versions))
  } finally {
    await s.stop()
  }
}

async function main(mode: string): Promise<void> {
  if (!installed()) process.exit(1)
  if (mode === 'run') {
    const results: BenchResult[] = []
    await benchPeers(results)
    printTable(results)
    console.log(`\nresults written to ${writeResults(results, { database: 'external', cpus: os.cpus().length, node: process.version, bench: 'peers' })}`)
    return
  }
  const s = await setUp(log)
  try {
    if (mode === 'check') {
      for (const line of await verify(s, ALL)) log(`equal — ${line}`)
    } else if (mode === 'setup') {
      log(`running; mapfile, project and nginx.conf in ${s.peers.dir}; Ctrl-C stops`)
      await new Promise<void>((resolve) => { process.once('SIGINT', resolve); process.once('SIGTERM', resolve) })
    } else {
      throw new Error(`unknown mode ${mode}: setup | check | run`)
    }
  } finally {
    await s.stop()
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main(process.argv[2] ?? 'run').then(() => process.exit(0), (err: unknown) => {
    console.error(err instanceof Error ? err.message : err)
    process.exit(1)
  })
}
