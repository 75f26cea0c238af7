// Correctness before any timing: for the same request, every peer must answer the same features
// as gridgov. WFS: the same ids in the same order, the same attribute values (as text) and the
// same coordinates within COORD_TOLERANCE; WMS: images equal but for rasterisation (PIXEL_*);
// tiles: the same number of features per layer as the raw ST_AsMVT SQL. A mismatch throws a
// PeerMismatch listing every difference found (the bench stops before measuring).
import sharp from 'sharp'
import { PbfReader } from 'pbf'
import { VectorTile } from '@mapbox/vector-tile'
import { XMLParser } from 'fast-xml-parser'

/** Degrees: the peers write 6 decimals (MapServer GML, QGIS), gridgov and PostGIS more. */
export const COORD_TOLERANCE = 2e-6
/**
 * A pixel differs when no pixel within NEIGHBOURHOOD_PX of it in the other image has every
 * channel within PIXEL_CHANNEL_TOLERANCE (out of 255), looked at from both images: renderers put
 * a line half a pixel apart (MapServer's AGG snaps vertices to pixel centres, gridgov's Skia and
 * QGIS's Qt do not) and antialias it differently, which this forgives; a feature missing or drawn
 * in another colour it does not.
 */
export const PIXEL_CHANNEL_TOLERANCE = 48
export const NEIGHBOURHOOD_PX = 1
/** Images are equal when at most this share of their pixels differ. */
export const PIXEL_SHARE_TOLERANCE = 0.05

export class PeerMismatch extends Error {
  constructor(readonly check: string, readonly differences: string[]) {
    super(`${check}: ${differences.length} difference(s)\n  ${differences.slice(0, 20).join('\n  ')}`)
  }
}

export interface Feature { id: string; props: Record<string, string>; coords: number[] }

async function fetchOk(url: string, headers: Record<string, string>): Promise<Response> {
  const res = await fetch(url, { headers })
  if (!res.ok) throw new Error(`${url} → ${res.status}: ${(await res.text()).slice(0, 300)}`)
  return res
}

/**
 * Features of a GeoJSON FeatureCollection; the id is the key after the `<layer>.` prefix, or the
 * key attribute where the feature has no id member (MapServer's OGR GeoJSON writes none).
 */
export function geoJsonFeatures(text: string, key: string): Feature[] {
  const doc = JSON.parse(text) as { features?: { id?: string | number; properties: Record<string, unknown>; geometry: { coordinates: unknown } }[] }
  if (!Array.isArray(doc.features)) throw new Error(`not a FeatureCollection: ${text.slice(0, 300)}`)
  return doc.features.map((f) => ({
    id: f.id === undefined ? String(f.properties[key] ?? '') : String(f.id).replace(/^[a-z_]+\./, ''),
    props: Object.fromEntries(Object.entries(f.properties).map(([k, v]) => [k, v === null || v === undefined ? '' : String(v)])),
    coords: [f.geometry.coordinates].flat(4) as number[],
  }))
}

const xml = new XMLParser({ ignoreAttributes: false, removeNSPrefix: true, attributeNamePrefix: '@', parseTagValue: false, trimValues: true })

/**
 * Features of a WFS GML answer (3.2 wfs:member or 3.1.1 gml:featureMember). Coordinates come out
 * lon,lat whatever the axis order: in this city a longitude (≈116) is the value above 90.
 */
export function gmlFeatures(text: string, typeName: string): Feature[] {
  const doc = xml.parse(text) as { FeatureCollection?: Record<string, unknown> }
  const fc = doc.FeatureCollection
  if (!fc) throw new Error(`not a wfs:FeatureCollection: ${text.slice(0, 300)}`)
  const members = [fc.member, fc.featureMember].flat().filter(Boolean) as Record<string, Record<string, unknown>>[]
  return members.map((m) => {
    const f = m[typeName]!
    const props: Record<string, string> = {}
    let coords: number[] = []
    for (const [k, v] of Object.entries(f)) {
      if (k.startsWith('@') || k === 'boundedBy') continue
      if (typeof v === 'object' && v !== null) {
        coords = positions(v)
        if (coords.length === 2 && coords[0]! < 90) coords = [coords[1]!, coords[0]!]
      } else {
        props[k] = String(v ?? '')
      }
    }
    return { id: String(f['@id'] ?? '').replace(/^[a-z_]+\./, ''), props, coords }
  })
}

/** The numbers of every gml:pos / posList / coordinates under a geometry element. */
function positions(node: unknown): number[] {
  if (typeof node !== 'object' || node === null) return []
  const out: number[] = []
  for (const [k, v] of Object.entries(node as Record<string, unknown>)) {
    if (k === 'pos' || k === 'posList' || k === 'coordinates') {
      const text = typeof v === 'object' && v !== null ? String((v as Record<string, unknown>)['#text'] ?? '') : String(v)
      out.push(...text.trim().split(/[\s,]+/).map(Number))
    } else if (!k.startsWith('@')) {
      out.push(...positions(v))
    }
  }
  return out
}

/** Every difference between two feature lists (ids and order, attribute values, coordinates). */
export function compareFeatures(reference: Feature[], other: Feature[], attributes: string[]): string[] {
  const out: string[] = []
  if (reference.length !== other.length) out.push(`${reference.length} features vs ${other.length}`)
  for (let i = 0; i < Math.min(reference.length, other.length); i++) {
    const a = reference[i]!, b = other[i]!
    if (a.id !== b.id) { out.push(`feature ${i}: id ${a.id} vs ${b.id}`); continue }
    for (const name of attributes) {
      if ((a.props[name] ?? '') !== (b.props[name] ?? '')) out.push(`${a.id}.${name}: ${JSON.stringify(a.props[name])} vs ${JSON.stringify(b.props[name])}`)
    }
    const far = a.coords.length !== b.coords.length || a.coords.some((c, j) => Math.abs(c - b.coords[j]!) > COORD_TOLERANCE)
    if (far) out.push(`${a.id} geometry: ${a.coords.slice(0, 4).join(',')} vs ${b.coords.slice(0, 4).join(',')}`)
  }
  return out
}

export async function fetchFeatures(url: string, headers: Record<string, string>, format: 'geojson' | 'gml', typeName: string,
  key: string): Promise<Feature[]> {
  const text = await (await fetchOk(url, headers)).text()
  return format === 'geojson' ? geoJsonFeatures(text, key) : gmlFeatures(text, typeName)
}

export interface Pixels { data: Buffer; width: number; height: number }

export async function fetchImage(url: string, headers: Record<string, string>): Promise<Pixels> {
  const res = await fetchOk(url, headers)
  const type = res.headers.get('content-type') ?? ''
  const body = Buffer.from(await res.arrayBuffer())
  if (!type.startsWith('image/png')) throw new Error(`${url} → ${type}: ${body.subarray(0, 300).toString()}`)
  const { data, info } = await sharp(body).removeAlpha().raw().toBuffer({ resolveWithObject: true })
  return { data, width: info.width, height: info.height }
}

function unmatched(p: Pixels, q: Pixels, x: number, y: number): boolean {
  const i = (y * p.width + x) * 3, t = PIXEL_CHANNEL_TOLERANCE
  for (let dy = -NEIGHBOURHOOD_PX; dy <= NEIGHBOURHOOD_PX; dy++) {
    for (let dx = -NEIGHBOURHOOD_PX; dx <= NEIGHBOURHOOD_PX; dx++) {
      const xx = x + dx, yy = y + dy
      if (xx < 0 || yy < 0 || xx >= q.width || yy >= q.height) continue
      const j = (yy * q.width + xx) * 3
      if (Math.abs(p.data[i]! - q.data[j]!) <= t && Math.abs(p.data[i + 1]! - q.data[j + 1]!) <= t && Math.abs(p.data[i + 2]! - q.data[j + 2]!) <= t) return false
    }
  }
  return true
}

/** Share of pixels that differ (see PIXEL_CHANNEL_TOLERANCE), from either image's side. */
export function differingShare(a: Pixels, b: Pixels): number {
  if (a.width !== b.width || a.height !== b.height) return 1
  let n = 0
  for (let y = 0; y < a.height; y++) for (let x = 0; x < a.width; x++) if (unmatched(a, b, x, y) || unmatched(b, a, x, y)) n++
  return n / (a.width * a.height)
}

/** Share of pixels that are not the white background (an image of nothing proves nothing). */
export function inkShare(a: Pixels): number {
  let n = 0
  for (let i = 0; i < a.data.length; i += 3) if (a.data[i]! < 250 || a.data[i + 1]! < 250 || a.data[i + 2]! < 250) n++
  return n / (a.width * a.height)
}

export interface LayerCount {
  /** Every feature of the layer, buffer included. */
  all: number
  /** Features whose bounding box overlaps the tile proper's interior (not only its buffer or edge). */
  inside: number
  /**
   * Features within one tile unit of the tile's edge (overlapping the tile grown by a unit but
   * not the tile shrunk by one): whether they are "inside" depends on how a writer rounds.
   */
  edge: number
  /** The same within the buffer's width (64 units, 4 pixels at 256²) of the edge. */
  edgeBand: number
}

/** Features per layer of an MVT (layers absent from the tile count 0). */
export function mvtCounts(bytes: Buffer, layers: readonly string[]): Record<string, LayerCount> {
  const tile = new VectorTile(new PbfReader(bytes))
  return Object.fromEntries(layers.map((name) => {
    const l = tile.layers[name]
    const margins = [-64, -1, 0, 1, 64] // tile units around the tile proper
    const overlaps = margins.map(() => 0)
    for (let i = 0; l && i < l.length; i++) {
      const points = l.feature(i).loadGeometry().flat()
      const x0 = Math.min(...points.map((p) => p.x)), x1 = Math.max(...points.map((p) => p.x))
      const y0 = Math.min(...points.map((p) => p.y)), y1 = Math.max(...points.map((p) => p.y))
      for (const [k, m] of margins.entries()) if (x1 > -m && x0 < l.extent + m && y1 > -m && y0 < l.extent + m) overlaps[k]!++
    }
    return [name, { all: l?.length ?? 0, inside: overlaps[2]!, edge: overlaps[3]! - overlaps[1]!, edgeBand: overlaps[4]! - overlaps[0]! }]
  }))
}

export async function fetchTile(url: string, headers: Record<string, string>): Promise<Buffer> {
  const res = await fetch(url, { headers })
  if (res.status === 204) return Buffer.alloc(0)
  if (!res.ok) throw new Error(`${url} → ${res.status}: ${(await res.text()).slice(0, 300)}`)
  return Buffer.from(await res.arrayBuffer())
}
