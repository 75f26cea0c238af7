// The OGC services, per catalogue layer (read from the running catalogue): WMS GetMap judged by
// pixels (a box that holds only the site's data: painted or fully transparent), WMS
// GetFeatureInfo at the pixel of the site's feature, WFS GetFeature by box, by RESOURCEID and by
// FES filters (ResourceId, and PropertyIsEqualTo on the key) in GeoJSON and GML, and OGC API -
// Features items (box) and item.
import { roles } from '../../../server/auth/roles.ts'
import type { Catalogue, LayerDef } from '../../../tiles/catalogue.ts'
import { CLEAR, countPainted, decode } from '../../ogc/wms-support.ts'
import type { Response } from 'light-my-request'
import { markersIn, type Probe } from './types.ts'
import type { Site, Sites } from '../plant.ts'
import { REGISTER_OFFSETS } from '../plantRegisters.ts'

/** The key (WFS id after the dot, OGC API fid) of a layer's planted row of a site. */
function keyOf(layer: LayerDef, s: Site): string {
  switch (layer.id) {
    case 'admin_divisions': return s.community
    case 'base_grids': case 'grid_quality': return s.grid
    case 'components': return s.component
    case 'addresses': return String(s.addressId)
    case 'events': case 'events_all': return s.eventNumber
    case 'roads': return String(s.roadId)
    case 'inspectors': return s.device
  }
  const register = s.reg.layerKeys[layer.id]
  if (register) return register
  const industry = layer.table === 'grid' ? s.industryGrids[layer.id.replace(/_grids$/, '')] : undefined
  if (industry) return industry
  throw new Error(`the matrix plants nothing for layer ${layer.id}: add it to test/trust/plant.ts and keyOf()`)
}

/** Where the site's feature of a layer lies, as an offset from the site's centre (plant.ts). */
export const OFFSET: Record<string, [number, number]> = { components: [0.0005, 0.0005], addresses: [-0.0005, 0.0005], inspectors: [-0.001, 0], roads: [0, -0.0003], ...REGISTER_OFFSETS }

const SIZE = 256
const wmsBox = (s: Site) => `${s.box[1]},${s.box[0]},${s.box[3]},${s.box[2]}` // 1.3.0, EPSG:4326: lat,lon
const wfsBox = (s: Site) => `${s.box[1]},${s.box[0]},${s.box[3]},${s.box[2]},urn:ogc:def:crs:EPSG::4326`
const WFS = '/ogc/wfs?SERVICE=WFS&VERSION=2.0.0&REQUEST=GetFeature'

async function pixelsText(res: { rawPayload: Buffer; headers: Record<string, unknown> }): Promise<string> {
  if (!String(res.headers['content-type']).startsWith('image/')) return res.rawPayload.toString('utf8')
  return `painted=${countPainted(await decode(res.rawPayload), CLEAR)}`
}
const painted = (text: string) => Number(/^painted=(\d+)$/.exec(text)?.[1] ?? 0) > 0

/** GeoJSON (or any text): a marker, or a coordinate inside the site's box. */
function geoShows(text: string, s: Site): boolean {
  if (markersIn(text, s).length > 0) return true
  const [x0, y0, x1, y1] = s.box
  for (const m of text.matchAll(/\[\s*(-?\d+\.\d+)\s*,\s*(-?\d+\.\d+)\s*[\],]/g)) {
    const x = Number(m[1])
    const y = Number(m[2])
    if (x > x0 && x < x1 && y > y0 && y < y1) return true
  }
  return false
}

/** The RGBA bytes of `width` columns from x0 of an image. */
function cropColumns(p: { width: number; height: number; data: Uint8ClampedArray }, x0: number, width: number): Uint8ClampedArray {
  const out = new Uint8ClampedArray(width * p.height * 4)
  for (let y = 0; y < p.height; y++) out.set(p.data.subarray((y * p.width + x0) * 4, (y * p.width + x0 + width) * 4), y * width * 4)
  return out
}

/** A role outside the layer's readRoles must get none of the IN site's features through this probe. */
function readersOnly(layer: LayerDef, probe: Probe): NonNullable<Probe['forbiddenIn']> {
  return (text, role, res, site) => !layer.readRoles!.includes(role) && (probe.shows ?? geoShows)(text, site, res) ? [`${layer.id} features`] : []
}

const fes = (inner: string) => encodeURIComponent(`<fes:Filter xmlns:fes="http://www.opengis.net/fes/2.0">${inner}</fes:Filter>`)

export function ogcProbes(catalogue: Catalogue): Probe[] {
  const probes: Probe[] = []
  const add = (family: string, name: string, request: (s: Site, all: Sites) => string, extra: Partial<Probe> = {}) =>
    probes.push({ family, name, allowed: roles, request, shows: geoShows, ...extra })
  for (const layer of catalogue.layers) {
    const id = layer.id
    const typeName = `gridgov:${id}`
    const first = probes.length
    add('WMS', `GetMap ${id}`, (s) => `/ogc/wms?SERVICE=WMS&VERSION=1.3.0&REQUEST=GetMap&LAYERS=${id}&STYLES=&CRS=EPSG:4326&BBOX=${wmsBox(s)}&WIDTH=${SIZE}&HEIGHT=${SIZE}&FORMAT=image/png&TRANSPARENT=TRUE`,
      { text: pixelsText, shows: painted })
    if (layer.queryable) {
      add('WMS', `GetFeatureInfo ${id}`, (s) => {
        const [dx, dy] = OFFSET[id] ?? [0, 0]
        const i = Math.round(((s.center[0] + dx - s.box[0]) / (s.box[2] - s.box[0])) * SIZE)
        const j = Math.round(((s.box[3] - (s.center[1] + dy)) / (s.box[3] - s.box[1])) * SIZE)
        return `/ogc/wms?SERVICE=WMS&VERSION=1.3.0&REQUEST=GetFeatureInfo&LAYERS=${id}&QUERY_LAYERS=${id}&STYLES=&CRS=EPSG:4326&BBOX=${wmsBox(s)}` +
          `&WIDTH=${SIZE}&HEIGHT=${SIZE}&INFO_FORMAT=application/json&I=${i}&J=${j}&FEATURE_COUNT=50`
      })
    }
    add('WFS', `GetFeature ${id} BBOX (GeoJSON)`, (s) => `${WFS}&TYPENAMES=${typeName}&BBOX=${wfsBox(s)}&OUTPUTFORMAT=application/json`)
    add('WFS', `GetFeature ${id} BBOX (GML)`, (s) => `${WFS}&TYPENAMES=${typeName}&BBOX=${wfsBox(s)}`)
    add('WFS', `GetFeature ${id} RESOURCEID`, (s) => `${WFS}&RESOURCEID=${id}.${keyOf(layer, s)}&OUTPUTFORMAT=application/json`,
      { shows: (text, s) => geoShows(text, s) || /"features"\s*:\s*\[\s*\{/.test(text) })
    add('WFS', `GetFeature ${id} FES ResourceId`, (s) => `${WFS}&TYPENAMES=${typeName}&OUTPUTFORMAT=application/json&FILTER=${fes(`<fes:ResourceId rid="${id}.${keyOf(layer, s)}"/>`)}`,
      { shows: (text, s) => geoShows(text, s) || /"features"\s*:\s*\[\s*\{/.test(text) })
    add('OGC API Features', `${id} items ?bbox`, (s) => `/ogc/features/collections/${id}/items?bbox=${s.box.join(',')}&limit=1000`)
    add('OGC API Features', `${id} item`, (s) => `/ogc/features/collections/${id}/items/${keyOf(layer, s)}`,
      { shows: (text, s) => geoShows(text, s) || /"type"\s*:\s*"Feature"/.test(text) })
    if (layer.readRoles) for (const probe of probes.slice(first)) probe.forbiddenIn = readersOnly(layer, probe)
  }
  // one box over both sites, every layer at once (WMS draws at most 16 per request: in groups of
  // 16): the OUT third of the image must stay transparent for a restricted role while the IN third
  // is painted (the sites lie side by side, 0.01° apart)
  const thirds = {
    text: async (res: Response) => {
      if (!String(res.headers['content-type']).startsWith('image/')) return res.rawPayload.toString('utf8')
      const px = await decode(res.rawPayload)
      const third = (k: number) => countPainted({ width: SIZE, height: SIZE, data: cropColumns(px, k * SIZE, SIZE) }, CLEAR)
      return `in=${third(0)} gap=${third(1)} out=${third(2)}`
    },
    shows: (text: string, s: Site) => Number(new RegExp(`${s.name}=(\\d+)`).exec(text)?.[1] ?? 0) > 0,
  }
  const getMapOver = (layers: LayerDef[]) => (_s: Site, all: Sites) => `/ogc/wms?SERVICE=WMS&VERSION=1.3.0&REQUEST=GetMap&LAYERS=${layers.map((l) => l.id).join(',')}&STYLES=&CRS=EPSG:4326` +
    `&BBOX=${all.in.box[1]},${all.in.box[0]},${all.out.box[3]},${all.out.box[2]}&WIDTH=${3 * SIZE}&HEIGHT=${SIZE}&FORMAT=image/png&TRANSPARENT=TRUE`
  const groups = (layers: LayerDef[]) => Array.from({ length: Math.ceil(layers.length / 16) }, (_, k) => layers.slice(k * 16, k * 16 + 16))
  groups(catalogue.layers).forEach((g, k) => add('WMS', `GetMap every layer, box over both sites${k ? ` (${k + 1})` : ''}`, getMapOver(g), thirds))
  // the same over the layers every role reads (a layer some roles may not read refuses the whole request for them)
  groups(catalogue.layers.filter((l) => !l.readRoles)).forEach((g, k) => add('WMS', `GetMap every open layer, box over both sites${k ? ` (${k + 1})` : ''}`, getMapOver(g), thirds))
  add('WFS', 'GetFeature every layer, box over both sites', (_s, all) => `${WFS}&TYPENAMES=${catalogue.layers.map((l) => `gridgov:${l.id}`).join(',')}` +
    `&BBOX=${all.in.box[1]},${all.in.box[0]},${all.out.box[3]},${all.out.box[2]},urn:ogc:def:crs:EPSG::4326&OUTPUTFORMAT=application/json`)
  // filters that name the outside record by a property
  add('WFS', 'GetFeature events FES number =', (s) => `${WFS}&TYPENAMES=gridgov:events&OUTPUTFORMAT=application/json&FILTER=${fes(`<fes:PropertyIsEqualTo><fes:ValueReference>number</fes:ValueReference><fes:Literal>${s.eventNumber}</fes:Literal></fes:PropertyIsEqualTo>`)}`,
    { shows: (text, s) => geoShows(text, s) || /"features"\s*:\s*\[\s*\{/.test(text) })
  add('WFS', 'GetFeature base_grids FES code = (GML)', (s) => `${WFS}&TYPENAMES=gridgov:base_grids&FILTER=${fes(`<fes:PropertyIsEqualTo><fes:ValueReference>code</fes:ValueReference><fes:Literal>${s.grid}</fes:Literal></fes:PropertyIsEqualTo>`)}`,
    { shows: (text, s) => geoShows(text, s) || /<wfs:member>/.test(text) })
  add('WFS', 'GetFeature events_all FES grid_code like', (s) => `${WFS}&TYPENAMES=gridgov:events_all&OUTPUTFORMAT=application/json&FILTER=${fes(`<fes:PropertyIsLike wildCard="*" singleChar="." escapeChar="!"><fes:ValueReference>grid_code</fes:ValueReference><fes:Literal>${s.community}*</fes:Literal></fes:PropertyIsLike>`)}`,
    { shows: (text, s) => geoShows(text, s) || /"features"\s*:\s*\[\s*\{/.test(text) })
  return probes
}
