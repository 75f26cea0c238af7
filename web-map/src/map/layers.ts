// One OpenLayers vector tile layer per catalogue layer of the TileJSON: hidden layers fetch
// nothing, and a layer the server does not offer (events, before that capability exists)
// is simply absent from the list instead of failing the page.
import type { LoadFunction } from 'ol/Tile'
import type { Extent } from 'ol/extent'
import type Projection from 'ol/proj/Projection'
import type VectorTile from 'ol/VectorTile'
import type RenderFeature from 'ol/render/Feature'
import TileState from 'ol/TileState'
import MVT from 'ol/format/MVT'
import VectorTileLayer from 'ol/layer/VectorTile'
import VectorTileSource from 'ol/source/VectorTile'
import type { Session, VectorLayerInfo } from '../client/api.ts'
import { styleFor, layerColour, type Selection } from './styles.ts'

/** Tiles above this zoom are not fetched: OpenLayers overzooms z16 tiles (0.04 m per unit of a 4096 extent). */
export const DATA_MAX_ZOOM = 16

/** Drawing order and default visibility of the known layers; industry grids start hidden. */
const KNOWN: Record<string, { z: number; visible: boolean }> = {
  // the base map (map/basemap.ts) draws the roads with their names; this layer stays for reading a road's attributes
  roads: { z: 5, visible: false },
  base_grids: { z: 10, visible: true },
  // analysis layers (heat map, hot spots): over the grids, under boundaries and points, off by default
  heatmap: { z: 15, visible: false },
  hotspots: { z: 16, visible: false },
  admin_divisions: { z: 30, visible: true },
  addresses: { z: 40, visible: true },
  components: { z: 50, visible: true },
  events: { z: 60, visible: true },
  // drawn live by map/fieldForce.ts instead; the tiles stay in the switcher as a snapshot (not refreshed)
  inspectors: { z: 70, visible: false },
}

/** The MVT property that names a feature's tile layer (kept apart from catalogue attributes). */
export const LAYER_PROPERTY = '__layer'

/**
 * Layers drawn at sign-in whose data changes rarely share one tile source: one request per tile
 * carries them all (the server's comma list, `/tiles/a,b,c/{z}/{x}/{y}.mvt`), where one request
 * per layer and tile made the first view wait in the browser's six-connection queue. Events stay
 * on their own source: they reload on every change.
 */
const SHARED = ['base_grids', 'admin_divisions', 'addresses', 'components']

export interface MapLayer {
  info: VectorLayerInfo
  title: string
  colour: string
  layer: VectorTileLayer<VectorTileSource<RenderFeature>, RenderFeature>
}

/** Counts tile responses, for the status bar and for end-to-end tests (data-* on the map). */
export interface TileStats {
  loaded: number
  failed: number
  bytes: number
  onChange: () => void
}

/** Fetches a tile with the session's token: 204 is an empty tile, anything else not 200 an error. */
export function tileLoader(session: Session, stats: TileStats): LoadFunction {
  return (tile, url) => {
    const vt = tile as VectorTile<RenderFeature>
    const load = async (extent: Extent, projection: Projection) => {
      try {
        const res = await session.fetch(url)
        if (res.status !== 200 && res.status !== 204) throw new Error(`tile ${url}: ${res.status}`)
        const data = res.status === 204 ? new ArrayBuffer(0) : await res.arrayBuffer()
        vt.setFeatures(data.byteLength ? vt.getFormat().readFeatures(data, { extent, featureProjection: projection }) as RenderFeature[] : [])
        stats.loaded++
        stats.bytes += data.byteLength
      } catch {
        vt.setState(TileState.ERROR)
        stats.failed++
      }
      stats.onChange()
    }
    vt.setLoader((extent, _resolution, projection) => void load(extent, projection))
  }
}

/** Known layers first in their fixed order, then industry grids, then anything new. */
function rank(id: string): number {
  return KNOWN[id]?.z ?? (id.endsWith('_grids') ? 20 : 35)
}

function tileSource(ids: string[], infos: VectorLayerInfo[], load: LoadFunction): VectorTileSource<RenderFeature> {
  const minZoom = Math.min(...infos.map((i) => i.minzoom))
  return new VectorTileSource<RenderFeature>({
    format: new MVT({ layerName: LAYER_PROPERTY }),
    url: `/tiles/${ids.map(encodeURIComponent).join(',')}/{z}/{x}/{y}.mvt`,
    // 256-pixel tiles keep tile zoom = view zoom, the zooms the catalogue's ranges are written in
    tileSize: 256,
    minZoom,
    maxZoom: Math.max(minZoom, Math.min(Math.max(...infos.map((i) => i.maxzoom)), DATA_MAX_ZOOM)),
    tileLoadFunction: load,
    transition: 0,
  })
}

/**
 * The map's vector layers. `extent` (EPSG:3857) is the user's area from the TileJSON bounds:
 * no tile outside it is asked for (it would hold nothing the user may see).
 */
export function createLayers(infos: VectorLayerInfo[], session: Session, stats: TileStats, selection: Selection, extent?: Extent): MapLayer[] {
  const load = tileLoader(session, stats)
  const sharedInfos = infos.filter((i) => SHARED.includes(i.id))
  const shared = sharedInfos.length > 1 ? tileSource(sharedInfos.map((i) => i.id), sharedInfos, load) : undefined
  let industry = 0
  return [...infos].sort((a, b) => rank(a.id) - rank(b.id) || a.id.localeCompare(b.id)).map((info) => {
    const industryIndex = !KNOWN[info.id] && info.id.endsWith('_grids') ? industry++ : 0
    const own = styleFor(info.id, selection, industryIndex)
    const inShared = shared && SHARED.includes(info.id)
    const layer = new VectorTileLayer<VectorTileSource<RenderFeature>, RenderFeature>({
      source: inShared ? shared : tileSource([info.id], [info], load),
      // on the shared source each layer draws (and is hit by clicks on) its own features only
      style: inShared ? (feature, resolution) => (feature.get(LAYER_PROPERTY) === info.id ? own(feature, resolution) : undefined) : own,
      extent,
      zIndex: rank(info.id),
      visible: KNOWN[info.id]?.visible ?? false,
      // view zoom is exclusive here: half a level of underzoom, never a flood of tiny tiles
      minZoom: info.minzoom - 0.5,
      properties: { id: info.id, title: info.description },
    })
    return { info, title: info.description || info.id, colour: layerColour(info.id, industryIndex), layer }
  })
}

/** Chinese titles of a layer's attributes, from the TileJSON fields ("网格编码 (string)"). */
export function fieldTitles(info: VectorLayerInfo): Map<string, string> {
  return new Map(Object.entries(info.fields).map(([name, text]) => [name, text.replace(/\s*\([^()]*\)\s*$/, '') || name]))
}
