// Events for the analytics tests and the heatmap bench: random points inside communities,
// their res-12 H3 cell from h3-js (what intake stores), inserted set-based from a JSON batch.
import type { Knex } from 'knex'
import { latLngToCell } from 'h3-js'

export interface EventSpec {
  community: string
  at: Date
  classCode?: string
  channel?: string
  demandType?: string
  status?: string
}
export interface PlacedEvent extends EventSpec { lon: number; lat: number }

let serial = Math.floor(Math.random() * 1e9)

/** `n` random points inside an admin division (reproducible for a seed). */
export async function pointsIn(knex: Knex, code: string, n: number, seed = 1): Promise<{ lon: number; lat: number }[]> {
  const { rows } = await knex.raw(`SELECT ST_X(d.geom) AS lon, ST_Y(d.geom) AS lat
    FROM admin_division a, ST_Dump(ST_GeneratePoints(a.geom, ?, ?)) AS d WHERE a.code = ?`, [n, seed, code])
  return (rows as { lon: number; lat: number }[]).map((r) => ({ lon: Number(r.lon), lat: Number(r.lat) }))
}

/** The res-12 cell of a point as the signed 64-bit integer the event table stores (decimal text). */
export const r12 = (lon: number, lat: number) => BigInt(`0x${latLngToCell(lat, lon, 12)}`).toString()

/** Inserts events in batches of one statement each; city, street and district follow the community. */
export async function insertEvents(knex: Knex, events: PlacedEvent[], batch = 20_000): Promise<void> {
  for (let i = 0; i < events.length; i += batch) {
    const rows = events.slice(i, i + batch).map((e) => ({
      n: `E9${String(serial++).padStart(14, '0')}`, c: e.community, t: e.at.toISOString(), x: e.lon, y: e.lat, h: r12(e.lon, e.lat),
      k: e.classCode ?? '0102', ch: e.channel ?? 'inspector_app', d: e.demandType ?? '投诉举报', s: e.status ?? 'dispatched',
    }))
    await knex.raw(`INSERT INTO event (number, city_code, channel, demand_type, class_code, description, geom, source_position,
        community_code, street_code, district_code, h3_r12, status, created_at, updated_at)
      SELECT r.n, substr(r.c, 1, 4) || '00', r.ch, r.d, r.k, 'analytics test', ST_SetSRID(ST_MakePoint(r.x, r.y), 4490),
        '{"crs":"EPSG:4490"}'::jsonb, r.c, substr(r.c, 1, 9) || '000', substr(r.c, 1, 6) || '000000', r.h::bigint, r.s, r.t::timestamptz, r.t::timestamptz
      FROM json_to_recordset(?::json) AS r(n text, c text, t text, x float8, y float8, h text, k text, ch text, d text, s text)`, [JSON.stringify(rows)])
  }
}

/** Places events: `n` random points in the community, each with the spec. */
export async function placeEvents(knex: Knex, spec: EventSpec, n: number, seed: number): Promise<PlacedEvent[]> {
  const pts = await pointsIn(knex, spec.community, n, seed)
  return pts.map((p) => ({ ...spec, ...p }))
}
