// Events for the warning tests, inserted with SQL at chosen places and times (city 990100), and
// small helpers: the pass's warnings of one kind, and cleanup.
import type { Knex } from 'knex'
import { latLngToCell } from 'h3-js'

export const CITY = '990100'
export const DESCRIPTION = 'warnings test'

export interface WarnEvent {
  community: string
  at: Date
  lon: number
  lat: number
  classCode?: string
  status?: string
  reporterUserId?: number | null
  reporterPhone?: string | null
  handleDueAt?: Date | null
}

let serial = Math.floor(Math.random() * 1e9)

/** Inserts events in one statement; answers their ids in input order. */
export async function insertEvents(knex: Knex, events: WarnEvent[]): Promise<number[]> {
  if (!events.length) return []
  const rows = events.map((e, i) => ({
    i, n: `E8${String(serial++).padStart(14, '0')}`, c: e.community, t: e.at.toISOString(), x: e.lon, y: e.lat,
    h: BigInt(`0x${latLngToCell(e.lat, e.lon, 12)}`).toString(), k: e.classCode ?? '0101', s: e.status ?? 'reported',
    u: e.reporterUserId ?? null, p: e.reporterPhone ?? null, d: e.handleDueAt?.toISOString() ?? null,
  }))
  const { rows: out } = await knex.raw(`INSERT INTO event (number, city_code, channel, demand_type, class_code, description, geom, source_position,
      community_code, street_code, district_code, h3_r12, status, reporter_user_id, reporter_phone, reporter_name, handle_due_at,
      dispatched_at, created_at, updated_at)
    SELECT r.n, substr(r.c, 1, 4) || '00', 'resident', '投诉举报', r.k, ?, ST_SetSRID(ST_MakePoint(r.x, r.y), 4490),
      '{"crs":"EPSG:4490"}'::jsonb, r.c, substr(r.c, 1, 9) || '000', substr(r.c, 1, 6) || '000000', r.h::bigint, r.s, r.u, r.p,
      CASE WHEN r.p IS NOT NULL THEN '张三' END, r.d::timestamptz, CASE WHEN r.d IS NOT NULL THEN r.t::timestamptz END, r.t::timestamptz, r.t::timestamptz
    FROM json_to_recordset(?::json) AS r(i int, n text, c text, t text, x float8, y float8, h text, k text, s text, u bigint, p text, d text)
    ORDER BY r.i
    RETURNING id, number`, [DESCRIPTION, JSON.stringify(rows)]) as { rows: { id: string; number: string }[] }
  // RETURNING follows the insert order, which follows ORDER BY r.i
  return out.map((r) => Number(r.id))
}

/** A point inside a community (deterministic for a seed). */
export async function pointIn(knex: Knex, code: string, seed = 1): Promise<{ lon: number; lat: number }> {
  const { rows } = await knex.raw(`SELECT ST_X(d.geom) AS lon, ST_Y(d.geom) AS lat
    FROM admin_division a, ST_Dump(ST_GeneratePoints(a.geom, 1, ?)) AS d WHERE a.code = ?`, [seed, code])
  return { lon: Number(rows[0].lon), lat: Number(rows[0].lat) }
}

/** A point `east` and `north` metres from another (local flat approximation, fine below a few km). */
export const offset = (p: { lon: number; lat: number }, east: number, north: number) => ({
  lon: p.lon + east / (111_320 * Math.cos((p.lat * Math.PI) / 180)), lat: p.lat + north / 110_574,
})

/** Geodesic-enough distance in metres (haversine on the mean Earth sphere): the tests' own ruler. */
export function haversine(a: { lon: number; lat: number }, b: { lon: number; lat: number }): number {
  const r = Math.PI / 180
  const s = Math.sin(((b.lat - a.lat) * r) / 2) ** 2 + Math.cos(a.lat * r) * Math.cos(b.lat * r) * Math.sin(((b.lon - a.lon) * r) / 2) ** 2
  return 2 * 6_371_008.8 * Math.asin(Math.sqrt(s))
}

export interface WarningRow { id: number; kind: string; level: number; title: string; area_code: string; event_ids: number[]; dedupe_key: string; detail: Record<string, unknown>; lon: number; lat: number; rule_version: number }

/** Warnings of a kind raised at `now` (a test's own pass). */
export async function warningsAt(knex: Knex, kind: string, now: Date): Promise<WarningRow[]> {
  const { rows } = await knex.raw(`SELECT id, kind, level, title, area_code, event_ids, dedupe_key, detail, rule_version,
      ST_X(geom) AS lon, ST_Y(geom) AS lat FROM warning WHERE kind = ? AND raised_at = ? ORDER BY id`, [kind, now])
  return (rows as WarningRow[]).map((r) => ({ ...r, id: Number(r.id), event_ids: (r.event_ids as unknown as string[]).map(Number) }))
}

export async function cleanup(knex: Knex): Promise<void> {
  await knex.raw('DELETE FROM event WHERE description = ?', [DESCRIPTION])
  await knex('warning').delete()
  await knex('warning_run').delete()
  await knex('warning_rule_revision').delete()
  await knex('warning_rule').delete()
}

/** Enables only the given kinds for the city (other rules would raise on the same events). */
export async function only(knex: Knex, kinds: string[], params: Record<string, Record<string, unknown>> = {}): Promise<void> {
  const { KINDS, paramSchemas } = await import('../../server/warnings/rules.ts')
  await knex('warning_rule').where({ city_code: CITY }).delete()
  await knex('warning_rule').insert(KINDS.map((k) => ({
    city_code: CITY, kind: k, enabled: kinds.includes(k), params: JSON.stringify(paramSchemas[k].parse(params[k] ?? {})), version: 1,
  })))
}
