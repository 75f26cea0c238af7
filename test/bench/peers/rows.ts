// The rows of the issue's table (issue 17): each row's servers measured in interleaved rounds
// over the same request sequence, gridgov ÷ the faster peer, with CPU per request.
import type { BenchResult } from '../harness.ts'
import { httpTarget, interleaved, pgbenchTarget, type Outcome, type Target } from './measure.ts'
import {
  BASIC_ANALYST, BASIC_COMMAND, WFS_COUNT, WMS_LAYER, getMapQuery, gridgovTilePath, mapserverTilePath, wfsPath, wmsBbox,
} from './requests.ts'
import type { Setup } from './setup.ts'
import { withChildren } from './cpu.ts'
import type { TileCoord } from '../../../tiles/tilemath.ts'
import { googleTileUrl } from '../../../server/ogc/wmts/matrixSets.ts'

export interface Row { name: string; section: 'wms' | 'tiles' | 'wfs'; target: number; note: string; outcomes: Outcome[] }

interface RowDef {
  name: string; section: Row['section']; target: number; note: string; targets: (s: Setup) => Target[]
  /** Fills the caches before a cached row: every tile asked once of each server. */
  prime?: (s: Setup) => Promise<void>
}

async function primeTiles(s: Setup): Promise<void> {
  for (const t of s.tiles) {
    await fetch(`${s.gridgov.origin}${gridgovTilePath(t)}`, { headers: command }).then((r) => r.arrayBuffer())
    await fetch(`${s.peers.mapserverCached}${mapserverTilePath(t)}`).then((r) => r.arrayBuffer())
  }
}

/** The WMTS row's requests: gridgov's RESTful GetTile, and the same box as a WMS GetMap for MapServer. */
const wmtsPath = (t: TileCoord) => googleTileUrl('', WMS_LAYER, t.z, t.x, t.y)
function mercatorGetMap(t: TileCoord): string {
  const world = 20037508.342789244, size = (2 * world) / 2 ** t.z
  const bbox = [-world + t.x * size, world - (t.y + 1) * size, -world + (t.x + 1) * size, world - t.y * size].map((v) => v.toFixed(3)).join(',')
  return `SERVICE=WMS&VERSION=1.3.0&REQUEST=GetMap&LAYERS=${WMS_LAYER}&STYLES=&CRS=EPSG:3857&BBOX=${bbox}&WIDTH=256&HEIGHT=256&FORMAT=image/png&TRANSPARENT=TRUE`
}

async function primeWmts(s: Setup): Promise<void> {
  for (const t of s.tiles) {
    await fetch(`${s.gridgov.origin}${wmtsPath(t)}`, { headers: command }).then((r) => r.arrayBuffer())
    await fetch(`${s.peers.mapserverCached}/?${mercatorGetMap(t)}`).then((r) => r.arrayBuffer())
  }
}

const command = { authorization: BASIC_COMMAND }
const analyst = { authorization: BASIC_ANALYST }

const rowDefs: RowDef[] = [
  {
    name: 'WMS GetMap 256² PNG, uncached', section: 'wms', target: 1, note: `${WMS_LAYER}, a different BBOX every request`,
    targets: (s) => {
      const path = (prefix: string) => (i: number) => `${prefix}?${getMapQuery(WMS_LAYER, wmsBbox(s.extent, i + 1))}`
      return [
        httpTarget('gridgov', s.gridgov.origin, path('/ogc/wms'), command, () => withChildren(s.gridgov.pid)),
        httpTarget('MapServer', s.peers.mapserver, path('/'), {}, () => [...s.peers.pids.mapserver, ...s.peers.pids.nginx]),
        httpTarget('QGIS Server', s.peers.qgis, path('/'), {}, () => [...s.peers.pids.qgis, ...s.peers.pids.nginx]),
      ]
    },
  },
  {
    name: 'WMS GetMap 256² PNG, repeated', section: 'wms', target: 1, note: 'one fixed request: gridgov image cache vs MapServer behind nginx\'s cache',
    targets: (s) => {
      const q = getMapQuery(WMS_LAYER, wmsBbox(s.extent, 0))
      return [
        httpTarget('gridgov', s.gridgov.origin, () => `/ogc/wms?${q}`, command, () => withChildren(s.gridgov.pid)),
        httpTarget('nginx cache', s.peers.mapserverCached, () => `/?${q}`, {}, () => [...s.peers.pids.nginx, ...s.peers.pids.mapserver]),
      ]
    },
  },
  {
    name: 'vector tile z14, uncached', section: 'tiles', target: 1, note: 'base_grids + components, every city z14 tile in turn; gridgov tile cache off',
    targets: (s) => [
      httpTarget('gridgov', s.gridgovUncachedTiles.origin, (i) => gridgovTilePath(s.tiles[i % s.tiles.length]!), command, () => withChildren(s.gridgovUncachedTiles.pid)),
      httpTarget('MapServer', s.peers.mapserver, (i) => mapserverTilePath(s.tiles[i % s.tiles.length]!), {}, () => [...s.peers.pids.mapserver, ...s.peers.pids.nginx]),
      pgbenchTarget(s.url, s.pgbenchScript),
    ],
  },
  {
    name: 'vector tile z14, cached', section: 'tiles', target: 1, note: 'the same tiles again: gridgov tile cache vs MapServer behind nginx\'s cache',
    prime: primeTiles,
    targets: (s) => [
      httpTarget('gridgov', s.gridgov.origin, (i) => gridgovTilePath(s.tiles[i % s.tiles.length]!), command, () => withChildren(s.gridgov.pid)),
      httpTarget('nginx cache', s.peers.mapserverCached, (i) => mapserverTilePath(s.tiles[i % s.tiles.length]!), {}, () => [...s.peers.pids.nginx, ...s.peers.pids.mapserver]),
    ],
  },
  {
    name: 'WMTS tile 256² PNG, cached', section: 'wms', target: 1,
    note: `${WMS_LAYER} in GoogleMapsCompatible, every city z14 tile in turn: gridgov's WMTS (image cache) vs MapServer's GetMap of the same box behind nginx's cache`,
    prime: primeWmts,
    targets: (s) => [
      httpTarget('gridgov', s.gridgov.origin, (i) => wmtsPath(s.tiles[i % s.tiles.length]!), command, () => withChildren(s.gridgov.pid)),
      httpTarget('nginx cache', s.peers.mapserverCached, (i) => `/?${mercatorGetMap(s.tiles[i % s.tiles.length]!)}`, {}, () => [...s.peers.pids.nginx, ...s.peers.pids.mapserver]),
    ],
  },
  ...(['geojson', 'gml'] as const).map((f): RowDef => ({
    name: `WFS GetFeature ${WFS_COUNT.toLocaleString('en')} components, ${f === 'geojson' ? 'GeoJSON' : 'GML 3.2'}`, section: 'wfs', target: 1,
    note: f === 'gml' ? 'QGIS Server 3.22 speaks WFS 1.1.0: it answers GML 3.1.1' : 'the same page of 1,000 in id order from every server',
    targets: (s) => [
      httpTarget('gridgov', s.gridgov.origin, () => wfsPath('gridgov', f), analyst, () => withChildren(s.gridgov.pid)),
      httpTarget('MapServer', s.peers.mapserver, () => wfsPath('mapserver', f), {}, () => [...s.peers.pids.mapserver, ...s.peers.pids.nginx]),
      httpTarget('QGIS Server', s.peers.qgis, () => wfsPath('qgis', f), {}, () => [...s.peers.pids.qgis, ...s.peers.pids.nginx]),
    ],
  })),
]

/** Measures the rows of the given sections. */
export async function measureRows(s: Setup, sections: readonly string[], rounds: number, seconds: number,
  log: (line: string) => void): Promise<Row[]> {
  const rows: Row[] = []
  for (const d of rowDefs.filter((r) => sections.includes(r.section))) {
    log(`measuring: ${d.name}…`)
    await d.prime?.(s)
    rows.push({ name: d.name, section: d.section, target: d.target, note: d.note, outcomes: await interleaved(d.targets(s), rounds, seconds) })
  }
  return rows
}

/** The fastest peer server of a row (every server but gridgov; pgbench is the SQL baseline, not a peer). */
export const fasterPeer = (row: Row): Outcome =>
  row.outcomes.filter((o) => o.name !== 'gridgov' && o.name !== 'pgbench').reduce((a, b) => (b.reqPerSec > a.reqPerSec ? b : a))
const pgbenchOf = (row: Row): Outcome | undefined => row.outcomes.find((o) => o.name === 'pgbench')
/** The issue's target against the raw ST_AsMVT query. */
const PGBENCH_TARGET = 0.9

const gridgovOf = (row: Row): Outcome => row.outcomes.find((o) => o.name === 'gridgov')!

const ms = (x: number | null) => (x === null ? '–' : x.toFixed(1))
const rps = (x: number) => (x >= 100 ? Math.round(x).toString() : x.toFixed(1))

/** The issue's table: requests/s per server, gridgov ÷ the faster peer, CPU ms per request. */
export function issueTable(rows: Row[]): string {
  const columns = ['gridgov', 'MapServer', 'QGIS Server', 'nginx cache', 'pgbench']
  const head = ['row', ...columns.map((c) => `${c} req/s`), 'gridgov ÷ faster', 'CPU ms/req gridgov (node + pg)', 'CPU ms/req faster peer (server + pg)']
  const body = rows.map((r) => {
    const g = gridgovOf(r), f = fasterPeer(r)
    const cell = (c: string) => {
      const o = r.outcomes.find((x) => x.name === c)
      return o ? `${rps(o.reqPerSec)}${o.errors ? ` (${o.errors} err)` : ''}` : ''
    }
    const sql = pgbenchOf(r)
    return [r.name, ...columns.map(cell), `${(g.reqPerSec / f.reqPerSec).toFixed(2)}× ${f.name}${sql ? `, ${(g.reqPerSec / sql.reqPerSec).toFixed(2)}× pgbench` : ''}`,
      `${ms(g.serverMsPerReq)} + ${ms(g.postgresMsPerReq)}`, `${ms(f.serverMsPerReq)} + ${ms(f.postgresMsPerReq)}`]
  })
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)))
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`
  return [line(head), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...body.map(line)].join('\n')
}

/** The rows as the harness's BenchResult (baseline: the faster peer of the row). */
export function benchResults(rows: Row[], versions: Record<string, string>): BenchResult[] {
  const versus = (r: Row, f: Outcome, target: number): BenchResult => {
    const g = gridgovOf(r)
    const ratio = g.reqPerSec / f.reqPerSec
    return {
      name: r.name, baseline: f.name === 'pgbench' ? 'raw ST_AsMVT SQL (pgbench)' : `${f.name} (faster peer)`, subject: 'gridgov', metric: 'req/s',
      baselineValue: f.reqPerSec, subjectValue: g.reqPerSec, ratio, target: `≥ ${target}×`, met: ratio >= target && g.errors === 0,
      note: `${r.note}; ${r.outcomes.map((o) => `${o.name} ${rps(o.reqPerSec)} req/s (CPU ${ms(o.serverMsPerReq)} + pg ${ms(o.postgresMsPerReq)} ms/req, ${o.errors} errors)`).join('; ')}; ` +
        `MapServer ${versions['mapserver-bin']}, QGIS Server ${versions['qgis-server']}`,
    }
  }
  return rows.flatMap((r) => {
    const sql = pgbenchOf(r)
    return [versus(r, fasterPeer(r), r.target), ...(sql ? [versus(r, sql, PGBENCH_TARGET)] : [])]
  })
}
