// Shared helpers of the positions tests: devices registered through the API, members of the demo
// city, and a walk of fixes in metres around a point.
import type { Knex } from 'knex'
import type { Client } from '../support/http.ts'

export interface Member { id: number; community: string; userId: number | null }

/** An active grid member of a community (the nth by id). */
export async function memberOf(knex: Knex, community: string, nth = 0): Promise<Member> {
  const m = await knex('grid_member').where({ community_code: community, active: true }).orderBy('id').offset(nth).first('id', 'community_code', 'user_id')
  return { id: Number(m.id), community: m.community_code, userId: m.user_id === null ? null : Number(m.user_id) }
}

let serial = 0
/** Registers a device as the command centre; returns its identifier and token. */
export async function registerDevice(client: Client, auth: Record<string, string>, body: Record<string, unknown> = {}): Promise<{ identifier: string; token: string }> {
  const identifier = `t-${process.pid}-${Date.now().toString(36)}-${++serial}`
  const res = await client.post('/api/v1/devices', { identifier, kind: 'phone', name: '测试终端', adminCode: '990102001001', ...body }, auth)
  if (res.statusCode !== 201) throw new Error(`register device: ${res.statusCode} ${res.body}`)
  return { identifier: body.identifier as string ?? identifier, token: res.json().token }
}

const M_PER_DEG_LAT = 111_320
/** The point `east`, `north` metres from (lon, lat). */
export function offset(lon: number, lat: number, east: number, north: number): [number, number] {
  return [lon + east / (M_PER_DEG_LAT * Math.cos((lat * Math.PI) / 180)), lat + north / M_PER_DEG_LAT]
}

/** A square polygon ring of half-size `half` metres around (lon, lat). */
export function squareAround(lon: number, lat: number, half: number): [number, number][] {
  return [offset(lon, lat, -half, -half), offset(lon, lat, half, -half), offset(lon, lat, half, half), offset(lon, lat, -half, half), offset(lon, lat, -half, -half)]
}

/** Inserts a polygon fence straight into the table (the fences API has its own tests). */
export async function insertFence(knex: Knex, ring: [number, number][], opts: { name?: string; adminCode?: string; memberIds?: number[]; rules?: object } = {}): Promise<number> {
  const geom = JSON.stringify({ type: 'MultiPolygon', coordinates: [[ring]] })
  const { rows } = await knex.raw(`INSERT INTO fence (city_code, admin_code, name, kind, source, geom, rules, member_ids)
    VALUES ('990100', ?, ?, 'polygon', ?::jsonb, ST_SetSRID(ST_GeomFromGeoJSON(?), 4490), ?::jsonb, ?::bigint[]) RETURNING id`,
  [opts.adminCode ?? '990102001000', opts.name ?? '测试围栏', JSON.stringify({ coordinates: [ring] }), geom,
    JSON.stringify(opts.rules ?? { enter: true, exit: true, dwellMinutes: null, absentMinutes: null }), opts.memberIds ?? []])
  return Number(rows[0].id)
}
