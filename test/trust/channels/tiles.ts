// Vector tiles: every layer of the catalogue (read from the running catalogue, so a layer added
// later is tried too) and the analysis layers, at the zoom of their features and at a cluster
// zoom. A tile is decoded; it shows a site when a feature carries one of its markers or has a
// vertex inside the site's box (a cluster or an H3 cell carries no id, only where it is).
import zlib from 'node:zlib'
import type { Response } from 'light-my-request'
import { roles, type Role } from '../../../server/auth/roles.ts'
import { ANALYTICS_READERS } from '../../../server/analytics/routes.ts'
import { ANALYSIS_LAYERS } from '../../../tiles/analysisTiles.ts'
import type { Catalogue } from '../../../tiles/catalogue.ts'
import { decode, tileAt, tileUrl } from '../../tiles/support.ts'
import { markersIn, type Probe } from './types.ts'
import type { Site } from '../plant.ts'
import { OFFSET } from './ogc.ts'

interface Decoded { layer: string; id: number | undefined; props: Record<string, unknown>; coords: number[][] }

/** The features of a tile with their lon/lat vertices, as JSON (the text the matrix searches). */
export function tileText(res: Response): string {
  let bytes = res.rawPayload
  if (res.statusCode !== 200 || bytes.length === 0) return '[]'
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) bytes = zlib.gunzipSync(bytes)
  const m = /\/(\d+)\/(\d+)\/(\d+)\.mvt/.exec(String(res.raw.req.url))!
  const [z, x, y] = [Number(m[1]), Number(m[2]), Number(m[3])]
  const tile = decode(bytes)
  const out: Decoded[] = []
  for (const [name, layer] of Object.entries(tile.layers)) {
    for (let i = 0; i < layer.length; i++) {
      const f = layer.feature(i)
      const g = f.toGeoJSON(x, y, z).geometry as { coordinates: unknown }
      out.push({ layer: name, id: f.id, props: f.properties, coords: flatten(g.coordinates) })
    }
  }
  return JSON.stringify(out)
}

function flatten(c: unknown): number[][] {
  if (Array.isArray(c) && typeof c[0] === 'number') return [c as number[]]
  return Array.isArray(c) ? c.flatMap(flatten) : []
}

export function tileShows(text: string, site: Site): boolean {
  if (markersIn(text, site).length > 0) return true
  if (!text.startsWith('[')) return false // not a tile (a refusal): its markers were looked for
  const [x0, y0, x1, y1] = site.box
  const eps = 1e-6
  return (JSON.parse(text) as Decoded[]).some((f) => f.coords.some(([x, y]) => x! > x0 + eps && x! < x1 - eps && y! > y0 + eps && y! < y1 - eps))
}

export function tileProbes(catalogue: Catalogue): Probe[] {
  const probes: Probe[] = []
  const at = (s: Site, z: number, layer?: string) => {
    // the tile holding the layer's planted feature (channels/ogc.ts OFFSET), else the site's centre
    const [dx, dy] = (layer ? OFFSET[layer] : undefined) ?? [0, 0]
    return tileAt(s.center[0] + dx, s.center[1] + dy, z)
  }
  for (const layer of catalogue.layers) {
    const zooms = [Math.max(16, layer.minZoom), ...(layer.clusterMinZoom !== undefined ? [layer.clusterMinZoom + 1] : [])]
    for (const z of zooms) {
      probes.push({ family: 'tiles', name: `${layer.id} z${z}`, allowed: roles, request: (s) => tileUrl(layer.id, at(s, z, layer.id)), text: tileText, shows: tileShows,
        // a role outside the layer's readRoles gets none of its features, inside its jurisdiction too
        ...(layer.readRoles ? { forbiddenIn: (text: string, role: Role, _res: Response, s: Site) => !layer.readRoles!.includes(role) && tileShows(text, s) ? [`${layer.id} features`] : [] } : {}) })
    }
  }
  // `all`: the layers the caller may read; a layer it may not read never comes along
  const hiddenFrom = (role: Role) => catalogue.layers.filter((l) => l.readRoles && !l.readRoles.includes(role)).map((l) => l.id)
  probes.push({ family: 'tiles', name: 'all z16', allowed: roles, request: (s) => tileUrl('all', at(s, 16)), text: tileText, shows: tileShows,
    forbiddenIn: (text, role) => hiddenFrom(role).filter((id) => text.includes(`"layer":"${id}"`)) })
  for (const id of Object.keys(ANALYSIS_LAYERS)) {
    for (const z of [12, 15]) {
      probes.push({ family: 'tiles', name: `${id} (analysis) z${z}`, allowed: ANALYTICS_READERS, request: (s) => tileUrl(id, at(s, z)), text: tileText, shows: tileShows })
    }
  }
  return probes
}
