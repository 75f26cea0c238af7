// The equality checks of the peers bench on the running servers (checks.ts does the comparing):
// WFS pages, WMS images and tile feature counts, each with a positive control so that a check
// cannot pass by comparing nothing. Returns a line per check; throws PeerMismatch on a difference.
import {
  PIXEL_SHARE_TOLERANCE, PeerMismatch, compareFeatures, differingShare, fetchFeatures, fetchImage, fetchTile, inkShare, mvtCounts,
} from './checks.ts'
import {
  BASIC_ANALYST, BASIC_COMMAND, TILE_LAYERS, WFS_COUNT, WFS_LAYER, WMS_LAYER, getMapQuery, gridgovTilePath, mapserverTilePath,
  wfsPath, wmsBbox, type WfsFormat,
} from './requests.ts'
import type { Setup } from './setup.ts'

const analyst = { authorization: BASIC_ANALYST }
const command = { authorization: BASIC_COMMAND }

async function verifyWfs(s: Setup, format: WfsFormat): Promise<string> {
  const layer = s.layers.get(WFS_LAYER)!
  const attributes = layer.attributes.map((a) => a.name)
  const key = layer.key
  const gg = await fetchFeatures(`${s.gridgov.origin}${wfsPath('gridgov', format)}`, analyst, format, WFS_LAYER, key)
  if (gg.length !== WFS_COUNT) throw new PeerMismatch(`WFS ${format}`, [`gridgov returned ${gg.length} features, asked ${WFS_COUNT}`])
  const differences: string[] = []
  for (const peer of ['mapserver', 'qgis'] as const) {
    const origin = peer === 'mapserver' ? s.peers.mapserver : s.peers.qgis
    const other = await fetchFeatures(`${origin}${wfsPath(peer, format)}`, {}, format, WFS_LAYER, key)
    differences.push(...compareFeatures(gg, other, attributes).map((d) => `${peer}: ${d}`))
  }
  // positive control: the same comparison finds the one-feature shift of a page starting at 1
  const shifted = await fetchFeatures(`${s.gridgov.origin}${wfsPath('gridgov', format)}&STARTINDEX=1`, analyst, format, WFS_LAYER, key)
  if (!compareFeatures(gg, shifted, attributes).length) differences.push('control: a page shifted by one feature compared equal')
  if (differences.length) throw new PeerMismatch(`WFS GetFeature ${WFS_COUNT} ${WFS_LAYER} ${format}`, differences)
  return `WFS ${format}: ${gg.length} ${WFS_LAYER} equal on gridgov, MapServer and QGIS Server (ids in order, ${attributes.length} attributes, coordinates)`
}

/** GetMap views: the walk's first views of the grids, and street-scale views of the point layers. */
function views(s: Setup): { layer: string; bbox: string }[] {
  const [x0, y0, x1, y1] = s.extent
  const street = (i: number) => {
    const cx = (x0 + x1) / 2 + i * 0.01, cy = (y0 + y1) / 2 - i * 0.007
    return [cy - 0.0025, cx - 0.0025, cy + 0.0025, cx + 0.0025].map((v) => v.toFixed(6)).join(',')
  }
  return [
    ...[0, 1, 2, 3].map((i) => ({ layer: WMS_LAYER, bbox: wmsBbox(s.extent, i) })),
    { layer: 'components', bbox: street(0) }, { layer: 'components', bbox: street(1) },
    { layer: 'events_all', bbox: street(0) },
  ]
}

async function verifyWms(s: Setup): Promise<string[]> {
  const lines: string[] = []
  const differences: string[] = []
  let previous: Awaited<ReturnType<typeof fetchImage>> | undefined
  for (const v of views(s)) {
    const q = getMapQuery(v.layer, v.bbox)
    const gg = await fetchImage(`${s.gridgov.origin}/ogc/wms?${q}`, command)
    const ink = inkShare(gg)
    if (ink < 0.01) differences.push(`${v.layer} ${v.bbox}: gridgov drew almost nothing (${pct(ink)} ink)`)
    const shares: string[] = []
    for (const [peer, origin] of [['MapServer', s.peers.mapserver], ['QGIS Server', s.peers.qgis]] as const) {
      const share = differingShare(gg, await fetchImage(`${origin}/?${q}`, {}))
      shares.push(`${peer} ${pct(share)}`)
      if (share > PIXEL_SHARE_TOLERANCE) differences.push(`${v.layer} ${v.bbox}: ${pct(share)} of pixels differ between gridgov and ${peer} (tolerance ${pct(PIXEL_SHARE_TOLERANCE)})`)
    }
    // positive control: two different views of the grids differ far beyond the tolerance
    if (previous && v.layer === WMS_LAYER) {
      const control = differingShare(previous, gg)
      if (control <= PIXEL_SHARE_TOLERANCE * 3) differences.push(`control: two different views differ in only ${pct(control)} of pixels`)
    }
    if (v.layer === WMS_LAYER) previous = gg
    lines.push(`WMS ${v.layer} ${v.bbox}: ${pct(ink)} ink; pixels differing from gridgov: ${shares.join(', ')}`)
  }
  if (differences.length) throw new PeerMismatch('WMS GetMap images', differences)
  return lines
}

/**
 * gridgov's tiles must hold exactly the raw SQL's features. MapServer writes no point that lies
 * only in the tile's 64/4096 buffer (its neighbour tile draws it), so it is held to the features
 * meeting the tile proper, give or take points on its edge and polygons meeting it only within the
 * buffer's width of the edge (MapServer drops such corner slivers); what it leaves out is reported.
 */
async function verifyTiles(s: Setup): Promise<string> {
  const differences: string[] = []
  const totals = Object.fromEntries(TILE_LAYERS.map((l) => [l, { raw: 0, rawBuffer: 0, msBuffer: 0, edge: 0 }]))
  for (const t of s.tiles) {
    const raw = mvtCounts(await s.rawTile(t), TILE_LAYERS)
    const gg = mvtCounts(await fetchTile(`${s.gridgovUncachedTiles.origin}${gridgovTilePath(t)}`, command), TILE_LAYERS)
    const ms = mvtCounts(await fetchTile(`${s.peers.mapserver}${mapserverTilePath(t)}`, {}), TILE_LAYERS)
    for (const l of TILE_LAYERS) {
      const r = raw[l]!, g = gg[l]!, m = ms[l]!
      totals[l]!.raw += r.all
      totals[l]!.rawBuffer += r.all - r.inside
      totals[l]!.msBuffer += m.all - m.inside
      if (g.all !== r.all || g.inside !== r.inside) differences.push(`tile ${t.z}/${t.x}/${t.y} ${l}: gridgov ${g.all} features (${g.inside} in the tile proper), raw SQL ${r.all} (${r.inside})`)
      // points on the tile's edge go either way with rounding; MapServer also leaves out polygons
      // meeting the tile only in a corner sliver narrower than the buffer: any other difference counts
      const band = s.layers.get(l)!.geometryType === 'Point' ? r.edge : r.edgeBand
      if (Math.abs(m.inside - r.inside) > band) {
        differences.push(`tile ${t.z}/${t.x}/${t.y} ${l}: MapServer ${m.inside} features in the tile proper, raw SQL ${r.inside} (${band} near the edge)`)
      }
      totals[l]!.edge += Math.abs(m.inside - r.inside)
    }
  }
  if (TILE_LAYERS.some((l) => totals[l]!.raw === 0)) differences.push(`control: a layer has no feature in any tile (${JSON.stringify(totals)})`)
  if (differences.length) throw new PeerMismatch('vector tiles z14', differences)
  const summary = TILE_LAYERS.map((l) => `${l} ${totals[l]!.raw} (buffer-only: raw ${totals[l]!.rawBuffer}, MapServer ${totals[l]!.msBuffer}; edge features counted differently ${totals[l]!.edge})`).join(', ')
  return `tiles: ${s.tiles.length} z14 tiles; gridgov = raw SQL exactly, MapServer = raw SQL in the tile proper; features ${summary}`
}

const pct = (x: number) => `${(x * 100).toFixed(2)}%`

/** Every check; throws PeerMismatch (all differences of the failing check) before any timing. */
export async function verify(s: Setup, sections: readonly string[]): Promise<string[]> {
  const lines: string[] = []
  if (sections.includes('wfs')) for (const f of ['geojson', 'gml'] as const) lines.push(await verifyWfs(s, f))
  if (sections.includes('wms')) lines.push(...await verifyWms(s))
  if (sections.includes('tiles')) lines.push(await verifyTiles(s))
  return lines
}
