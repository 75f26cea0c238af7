// The "map request part" shared by GetMap and GetFeatureInfo: layers with their styles, the CRS
// with WMS axis order, the bounding box and the image size. Parsing normalises the request
// (bbox as x/y in the CRS's easting/longitude-first order) so that CRS=EPSG:4326 with a lat,lon
// BBOX (1.3.0) and CRS:84 with a lon,lat BBOX become the same request, and the same cache entry.
import type { Catalogue, LayerDef, LayerStyle } from '../../../tiles/catalogue.ts'
import { parseCrs, type Crs } from '../../geo/crs.ts'
import { clip, invalid, missing, wmsError, type Kvp, type WmsVersion } from './kvp.ts'
import type { ExtraLayer } from './layerSources.ts'

/** Largest side and pixel count a GetMap may ask for (also advertised as MaxWidth/MaxHeight). */
export const MAX_SIDE = 4096
export const MAX_PIXELS = 4096 * 2048
/** At most this many layers per request (advertised as LayerLimit). */
export const LAYER_LIMIT = 16

export interface StyledLayer {
  layer: LayerDef
  style: LayerStyle | undefined
}

export interface MapRequest {
  version: WmsVersion
  layers: StyledLayer[]
  crs: Crs
  /** minx, miny, maxx, maxy with x = easting/longitude, whatever the request's axis order. */
  bbox: [number, number, number, number]
  width: number
  height: number
  /** Registered extra layers named in LAYERS (layerSources.ts), in LAYERS order: drawn under `layers`. */
  extras?: ExtraLayer[]
}

/**
 * Axis order of a CRS as WMS sees it. WMS 1.3.0 follows the EPSG definition: EPSG:4326 and
 * EPSG:4490 are lat,lon and the Gauss-Krüger zones northing,easting, while CRS:84 and EPSG:3857
 * are x,y. WMS 1.1.1 is always x,y (lon,lat / easting,northing).
 */
export function wmsLatFirst(crs: Crs, version: WmsVersion): boolean {
  if (version === '1.1.1') return false
  if (crs.id === 'CRS:84') return false
  return crs.geographic || crs.latFirst
}

/** CRS (1.3.0) or SRS (1.1.1): a CRS the renderer can project to, else InvalidCRS / InvalidSRS. */
export function parseWmsCrs(kvp: Kvp, version: WmsVersion): Crs {
  const name = version === '1.3.0' ? 'crs' : 'srs'
  // some 1.1.1 clients send CRS, some 1.3.0 clients SRS: accept the other name as a fallback
  const raw = kvp.get(name) || kvp.get(name === 'crs' ? 'srs' : 'crs') || kvp.required(name)
  const code = version === '1.3.0' ? 'InvalidCRS' : 'InvalidSRS'
  let crs: Crs
  try {
    crs = parseCrs(raw)
  } catch {
    throw wmsError(code, name, `${name.toUpperCase()} "${clip(raw)}" is not offered by this WMS; see the capabilities document`)
  }
  if (crs.srid === null) {
    throw wmsError(code, name, `${crs.id} has no EPSG code and cannot be rendered by the WMS; use EPSG:4490 or EPSG:3857`)
  }
  return crs
}

/** BBOX as four finite numbers with min < max on both axes, returned in x,y order. */
export function parseBbox(kvp: Kvp, crs: Crs, version: WmsVersion): [number, number, number, number] {
  const raw = kvp.required('bbox')
  const parts = raw.split(',')
  if (parts.length !== 4) throw invalid('bbox', `BBOX must be minx,miny,maxx,maxy (four numbers), got "${clip(raw)}"`)
  const n = parts.map((p) => (/^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$/.test(p) ? Number(p) : NaN))
  if (n.some((v) => !Number.isFinite(v))) throw invalid('bbox', `BBOX values must be finite numbers, got "${clip(raw)}"`)
  const [a0, b0, a1, b1] = n as [number, number, number, number]
  if (a0 >= a1 || b0 >= b1) {
    throw invalid('bbox', `BBOX minimum must be less than maximum on both axes, got "${clip(raw)}"`)
  }
  const bbox: [number, number, number, number] = wmsLatFirst(crs, version) ? [b0, a0, b1, a1] : [a0, b0, a1, b1]
  if (crs.geographic && (bbox[0] < -540 || bbox[2] > 540 || bbox[1] < -90.0001 || bbox[3] > 90.0001)) {
    const order = wmsLatFirst(crs, version) ? 'lat,lon' : 'lon,lat'
    throw invalid('bbox', `BBOX is outside the range of ${crs.id} (${order} order in WMS ${version})`)
  }
  // projected CRSs here are metres: no valid box reaches 1e8 (Gauss-Krüger eastings with the zone
  // prefix stay below 4.6e7); larger values would only make PROJ fail deep inside the query
  if (!crs.geographic && bbox.some((v) => Math.abs(v) > 1e8)) {
    throw invalid('bbox', `BBOX is outside the range of ${crs.id} (metres, |value| ≤ 1e8)`)
  }
  return bbox
}

/** WIDTH and HEIGHT within the advertised limits; a huge request fails before any work. */
export function parseSize(kvp: Kvp): { width: number; height: number } {
  const width = kvp.integer('width', 1, MAX_SIDE)
  const height = kvp.integer('height', 1, MAX_SIDE)
  if (width * height > MAX_PIXELS) throw invalid('width', `WIDTH×HEIGHT must not exceed ${MAX_PIXELS} pixels`)
  return { width, height }
}

/**
 * LAYERS and STYLES. STYLES may be absent or empty (all defaults), a list of empty entries
 * (`,,,`), or one entry per layer where an empty entry or `default` means the layer's first style.
 */
export function parseLayers(kvp: Kvp, catalogue: Catalogue, layerParam = 'layers'): StyledLayer[] {
  return parseLayerList(kvp, catalogue, new Map(), layerParam).layers
}

/** LAYERS split into catalogue layers with their styles and registered extra layers (default style only). */
export function parseLayerList(kvp: Kvp, catalogue: Catalogue, extraLayers: ReadonlyMap<string, ExtraLayer>,
  layerParam = 'layers'): { layers: StyledLayer[]; extras: ExtraLayer[] } {
  const names = kvp.list(layerParam)
  if (!names.length || names.every((n) => n === '')) throw missing(layerParam)
  if (names.length > LAYER_LIMIT) throw invalid(layerParam, `at most ${LAYER_LIMIT} layers per request`)
  const found = names.map((name) => {
    const layer = catalogue.get(name) ?? extraLayers.get(name)
    if (!layer) throw wmsError('LayerNotDefined', layerParam, `layer "${clip(name)}" is not defined`)
    return layer
  })
  const styles = kvp.list('styles')
  const allDefault = styles.every((s) => s === '')
  if (!allDefault && styles.length !== found.length) {
    throw invalid('styles', `STYLES must name one style per layer (${found.length}), or be empty; got ${styles.length}`)
  }
  const layers: StyledLayer[] = [], extras: ExtraLayer[] = []
  found.forEach((layer, i) => {
    const style = allDefault ? '' : styles[i]!
    if ('id' in layer) layers.push({ layer, style: resolveStyle(layer, style) })
    else if (style === '' || style.toLowerCase() === 'default') extras.push(layer)
    else throw wmsError('StyleNotDefined', 'styles', `layer ${layer.name} has no style "${clip(style)}"; it offers only its default style`)
  })
  return { layers, extras }
}

/** A named style of the layer; '' and 'default' select its first (default) style. */
export function resolveStyle(layer: LayerDef, name: string): LayerStyle | undefined {
  if (name === '') return layer.styles[0]
  const style = layer.styles.find((s) => s.name === name)
  if (style) return style
  if (name.toLowerCase() === 'default') return layer.styles[0]
  throw wmsError('StyleNotDefined', 'styles', `layer ${layer.id} has no style "${clip(name)}"; it offers ${layer.styles.map((s) => s.name).join(', ') || 'only its default style'}`)
}

/** Everything GetMap and GetFeatureInfo share, validated in the order the spec lists it. */
export function parseMapRequest(kvp: Kvp, catalogue: Catalogue, version: WmsVersion,
  extraLayers: ReadonlyMap<string, ExtraLayer> = new Map()): MapRequest {
  const { layers, extras } = parseLayerList(kvp, catalogue, extraLayers)
  const crs = parseWmsCrs(kvp, version)
  const bbox = parseBbox(kvp, crs, version)
  const { width, height } = parseSize(kvp)
  return { version, layers, crs, bbox, width, height, extras }
}
