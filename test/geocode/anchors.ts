// Test points defined by what they mean rather than by coordinates, resolved against the demo
// city in the test database: the interior point of a grid, a vertex shared by n base grids, or
// literal lon/lat. Golden inputs use them so that their intent survives changes to the demo
// city's geometry (regenerate the answers with UPDATE_GOLDEN=1); the answers record the
// literal coordinates that were sent.
import type { Knex } from 'knex'
import { fromStorage, parseCrs } from '../../server/geo/crs.ts'

export type Anchor = { grid: string } | { sharedVertex: number } | { lonLat: [number, number] }

/** EPSG:4490 lon/lat of an anchor. */
export async function resolveAnchor(knex: Knex, anchor: Anchor): Promise<[number, number]> {
  if ('lonLat' in anchor) return anchor.lonLat
  if ('grid' in anchor) {
    // ST_PointOnSurface lies strictly inside the polygon, away from shared boundaries.
    const { rows } = await knex.raw(`SELECT ST_X(p) AS x, ST_Y(p) AS y FROM (SELECT ST_PointOnSurface(geom) AS p FROM grid
      WHERE code = ? AND valid_to IS NULL) s`, [anchor.grid]) as { rows: { x: number; y: number }[] }
    if (!rows[0]) throw new Error(`no current grid ${anchor.grid} in the test database`)
    return [rows[0].x, rows[0].y]
  }
  const { rows } = await knex.raw(`WITH v AS (SELECT g.code, (ST_DumpPoints(g.geom)).geom AS pt FROM grid g
      WHERE g.kind = 'base' AND g.valid_to IS NULL)
    SELECT ST_X(pt) AS x, ST_Y(pt) AS y FROM v GROUP BY 1, 2 HAVING count(DISTINCT code) >= ? ORDER BY 1, 2 LIMIT 1`,
  [anchor.sharedVertex]) as { rows: { x: number; y: number }[] }
  if (!rows[0]) throw new Error(`no vertex shared by ${anchor.sharedVertex} base grids`)
  return [rows[0].x, rows[0].y]
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)

/**
 * Replaces `{ anchor, digits?, swap?, form? }` in a request body (top level or each of
 * `points`) by coordinates in the body's CRS: `x, y` in that CRS's axis order (rounded to
 * `digits`, default 9 for degrees), swapped if `swap`, or `lon, lat` if `form` is 'lonlat'.
 */
export async function resolveBody(knex: Knex, body: unknown): Promise<unknown> {
  if (!isObject(body)) return body
  const crsText = typeof body.crs === 'string' ? body.crs : 'EPSG:4490'
  const one = async (p: Record<string, unknown>): Promise<Record<string, unknown>> => {
    if (!isObject(p.anchor)) return p
    const { anchor, digits, swap, form, ...rest } = p
    const [lon, lat] = await resolveAnchor(knex, anchor as Anchor)
    if (form === 'lonlat') return { lon, lat, ...rest }
    const crs = parseCrs(crsText)
    let [x, y] = fromStorage(lon, lat, crs).map((v) => Number(v.toFixed(typeof digits === 'number' ? digits : 9)))
    if (swap) [x, y] = [y, x]
    return { ...rest, x, y }
  }
  const top = await one(body)
  if (Array.isArray(top.points)) {
    top.points = await Promise.all(top.points.map((p) => (isObject(p) ? one(p) : p)))
  }
  return top
}
