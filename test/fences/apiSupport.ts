// Helpers of the fence API tests: an area computed independently of PostGIS (proj4's Lambert
// azimuthal equal-area projection centred on the shape, then the shoelace formula), geodesic
// distance, and requests.
import proj4 from 'proj4'
import type { Knex } from 'knex'
import type { Client } from '../support/http.ts'

type Ring = number[][]

// proj4js answers NaN for laea unless x_0 and y_0 are given
function laea(lon0: number, lat0: number) {
  return proj4('+proj=longlat +ellps=GRS80 +no_defs', `+proj=laea +lat_0=${lat0} +lon_0=${lon0} +x_0=0 +y_0=0 +ellps=GRS80 +units=m +no_defs`)
}

function ringArea(ring: Ring, project: (p: number[]) => number[]): number {
  const pts = ring.map(project)
  let s = 0
  for (let i = 0; i + 1 < pts.length; i++) s += pts[i]![0]! * pts[i + 1]![1]! - pts[i + 1]![0]! * pts[i]![1]!
  return Math.abs(s) / 2
}

/** Area in m² of a GeoJSON Polygon or MultiPolygon in lon/lat, on the GRS80 ellipsoid (equal-area projection). */
export function areaM2(geometry: { type: string; coordinates: unknown }): number {
  const polys = (geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates) as Ring[][]
  const first = polys[0]![0]![0]!
  const t = laea(first[0]!, first[1]!)
  const project = (p: number[]) => t.forward([p[0]!, p[1]!])
  return polys.reduce((sum, rings) => sum + ringArea(rings[0]!, project) - rings.slice(1).reduce((h, r) => h + ringArea(r, project), 0), 0)
}

/** Length in metres of a lon/lat line (the same projection, centred on its first point). */
export function lengthM(line: number[][]): number {
  const t = laea(line[0]![0]!, line[0]![1]!)
  const pts = line.map((p) => t.forward([p[0]!, p[1]!]))
  let s = 0
  for (let i = 0; i + 1 < pts.length; i++) s += Math.hypot(pts[i + 1]![0]! - pts[i]![0]!, pts[i + 1]![1]! - pts[i]![1]!)
  return s
}

/** Distance in metres from a centre to a point (azimuthal projection centred on the centre). */
export function distanceM(center: number[], p: number[]): number {
  const t = proj4('+proj=longlat +ellps=GRS80 +no_defs', `+proj=aeqd +lat_0=${center[1]} +lon_0=${center[0]} +ellps=GRS80 +units=m +no_defs`)
  const [x, y] = t.forward([p[0]!, p[1]!])
  return Math.hypot(x!, y!)
}

/** A square polygon ring of `d` degrees at (lon, lat). */
export function square(lon: number, lat: number, d: number): Ring {
  return [[lon, lat], [lon + d, lat], [lon + d, lat + d], [lon, lat + d], [lon, lat]]
}

/** Current base grids of a community, in code order, with a point inside each. */
export async function gridsOf(knex: Knex, community: string): Promise<{ code: string; lon: number; lat: number }[]> {
  const { rows } = await knex.raw(`SELECT code, ST_X(ST_PointOnSurface(geom)) AS lon, ST_Y(ST_PointOnSurface(geom)) AS lat
    FROM grid WHERE community_code = ? AND kind = 'base' AND valid_to IS NULL ORDER BY code`, [community])
  return rows
}

export function sender(client: Client, auth: Record<string, string>) {
  const send = (method: 'POST' | 'PUT' | 'DELETE' | 'GET', url: string, body?: unknown) => client.request({
    method, url, headers: { 'content-type': 'application/json', ...auth },
    ...(body === undefined ? {} : { payload: typeof body === 'string' ? body : JSON.stringify(body) }),
  })
  return {
    get: (url: string) => send('GET', url),
    post: (url: string, body: unknown) => send('POST', url, body),
    put: (url: string, body: unknown) => send('PUT', url, body),
    del: (url: string) => send('DELETE', url),
  }
}

/** Removes what the tests created (fences cascade to their states and alerts). */
export async function removeFences(knex: Knex, names: string[]): Promise<void> {
  await knex('fence').whereIn('name', names).orWhere('name', 'like', 'api-test%').delete()
}
