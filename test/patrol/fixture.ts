// Test area for the patrol tests, away from the demo city and the grid tests' communities:
//   P 990102001195 (street 永安街道, inside street1's jurisdiction) 116.130-116.140°E × 36.520-36.530°N
//     grids P001 116.130-116.135 × 36.520-36.525, P002 116.135-116.140 × 36.520-36.525
//   Q 990102003195 (street 崇文街道, outside street1's jurisdiction) 116.140-116.150°E × 36.520-36.530°N
//     grid Q001 116.140-116.145 × 36.520-36.525
// Members (each with a login, password gridgov-demo, and a phone): pa (P001), pb (P002), pq (Q001).
// Positions, devices and bindings are inserted with SQL (the ingest path is not needed here).
import type { Knex } from 'knex'
import { createUser } from '../../server/auth/users.ts'
import { DEMO_PASSWORD } from '../../fixtures/users.ts'
import { invalidateReference } from '../../server/events/reference.ts'

export const P = '990102001195'
export const Q = '990102003195'
export const P001 = `${P}001`
export const P002 = `${P}002`
export const Q001 = `${Q}001`
export const CITY = '990100'
/** A Wednesday, a working day in the national calendar. */
export const DAY = '2026-11-18'
export const OFFSET_MS = 8 * 3600_000
/** An instant of DAY (or another day) at local time hh:mm(:ss). */
export const at = (hhmm: string, day = DAY) => new Date(Date.parse(`${day}T${hhmm.length === 5 ? `${hhmm}:00` : hhmm}Z`) - OFFSET_MS)

export interface People { pa: number; pb: number; pq: number; devices: Record<'pa' | 'pb' | 'pq', number>; users: Record<string, number> }

const rect = (x0: number, y0: number, x1: number, y1: number) =>
  ({ type: 'Polygon', coordinates: [[[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]] })
const multi = (knex: Knex, x0: number, y0: number, x1: number, y1: number) =>
  knex.raw('ST_Multi(ST_SetSRID(ST_GeomFromGeoJSON(?), 4490))', [JSON.stringify(rect(x0, y0, x1, y1))])

const USERS = ['patrol_pa', 'patrol_pb', 'patrol_pq', 'patrol_staff', 'patrol_nomember']

export async function setUp(knex: Knex): Promise<People> {
  await tearDown(knex)
  await knex('admin_division').insert([
    { code: P, level: 'community', name: '巡查测试甲社区', parent_code: '990102001000', city_code: CITY, geom: multi(knex, 116.13, 36.52, 116.14, 36.53) },
    { code: Q, level: 'community', name: '巡查测试乙社区', parent_code: '990102003000', city_code: CITY, geom: multi(knex, 116.14, 36.52, 116.15, 36.53) },
  ])
  const grids: [string, string, number[]][] = [[P001, P, [116.13, 36.52, 116.135, 36.525]], [P002, P, [116.135, 36.52, 116.14, 36.525]], [Q001, Q, [116.14, 36.52, 116.145, 36.525]]]
  for (const [code, community, b] of grids) {
    await knex('grid').insert({ code, kind: 'base', name: `巡查测试网格${code.slice(-3)}`, community_code: community, city_code: CITY, geom: multi(knex, b[0]!, b[1]!, b[2]!, b[3]!), valid_from: '2026-01-01' })
  }
  const users: Record<string, number> = {}
  for (const [username, role, area] of [['patrol_pa', 'grid_inspector', P], ['patrol_pb', 'grid_inspector', P], ['patrol_pq', 'grid_inspector', Q],
    ['patrol_staff', 'community_staff', P], ['patrol_nomember', 'grid_inspector', P]] as const) {
    users[username] = await createUser(knex, { username, displayName: username, password: DEMO_PASSWORD, role, cityCode: CITY, adminCodes: [area] })
  }
  const member = async (user: string, community: string, grid: string) => {
    const [m] = await knex('grid_member').insert({ user_id: users[user], name: `巡查员${user.slice(-2)}`, community_code: community, city_code: CITY }).returning('id')
    await knex('grid_assignment').insert({ grid_code: grid, member_id: m.id, is_primary: true, valid_from: '2026-01-01' })
    return Number(m.id)
  }
  const pa = await member('patrol_pa', P, P001)
  const pb = await member('patrol_pb', P, P002)
  const pq = await member('patrol_pq', Q, Q001)
  const device = async (identifier: string, memberId: number, admin: string) => {
    const [d] = await knex('device').insert({ identifier, city_code: CITY, kind: 'phone', name: identifier, admin_code: admin, member_id: memberId }).returning('id')
    await knex('device_binding').insert({ device_id: d.id, member_id: memberId, valid_from: '2026-01-01' })
    return Number(d.id)
  }
  const devices = { pa: await device('patrol-test-pa', pa, P), pb: await device('patrol-test-pb', pb, P), pq: await device('patrol-test-pq', pq, Q) }
  invalidateReference(knex)
  return { pa, pb, pq, devices, users }
}

export async function tearDown(knex: Knex): Promise<void> {
  const codes = [P, Q]
  const members = knex('grid_member').whereIn('community_code', codes).select('id')
  const devices = knex('device').where('identifier', 'like', 'patrol-test-%').select('id')
  const templates = knex('patrol_template').where((q) => q.whereIn('admin_code', codes).orWhere('name', 'like', '巡查测试%')).select('id')
  await knex('patrol_task').whereIn('template_id', templates).delete()
  await knex('patrol_task').whereIn('member_id', members).delete()
  await knex('patrol_template').whereIn('id', templates).delete()
  await knex('attendance').whereIn('member_id', members).delete()
  await knex('position').whereIn('device_id', devices).delete()
  await knex('device_live').whereIn('device_id', devices).delete()
  await knex('device_binding').whereIn('device_id', devices).delete()
  await knex('device').whereIn('id', devices).delete()
  await knex('event').where('number', 'like', 'E9901950%').delete()
  await knex('grid_assignment').whereIn('member_id', members).delete()
  await knex('grid_member').whereIn('community_code', codes).delete()
  await knex('app_user').whereIn('username', USERS).delete()
  await knex('road').whereIn('community_code', codes).delete()
  await knex('grid').whereIn('community_code', codes).delete()
  await knex('admin_division').whereIn('code', codes).delete()
}

export interface Fix { t: Date; lon: number; lat: number; filter?: string | null; accuracy?: number }

/** Inserts fixes of a device carried by a member (primary key conflicts ignored). */
export async function insertFixes(knex: Knex, deviceId: number, memberId: number, fixes: Fix[]): Promise<void> {
  for (let i = 0; i < fixes.length; i += 1000) {
    await knex('position').insert(fixes.slice(i, i + 1000).map((f) => ({
      city_code: CITY, device_id: deviceId, member_id: memberId, fixed_at: f.t, received_at: f.t,
      geom: knex.raw('ST_SetSRID(ST_MakePoint(?, ?), 4490)', [f.lon, f.lat]), accuracy: f.accuracy ?? 5, filter: f.filter ?? null,
    }))).onConflict(['city_code', 'device_id', 'fixed_at']).ignore()
  }
}

/** Marks a device as having reported at `received` (what ingest does to device_live). */
export async function touchLive(knex: Knex, deviceId: number, memberId: number, fix: Fix, received: Date): Promise<void> {
  const geom = knex.raw('ST_SetSRID(ST_MakePoint(?, ?), 4490)', [fix.lon, fix.lat])
  await knex('device_live').insert({ device_id: deviceId, city_code: CITY, member_id: memberId, community_code: P, fixed_at: fix.t, received_at: received, geom, still_geom: geom, still_since: fix.t })
    .onConflict('device_id').merge(['fixed_at', 'received_at', 'geom'])
}

// Metres → degrees near 36.5°N (only to build tracks: every checked number has its own reference)
const M_LAT = 1 / 110_950
const M_LON = 1 / (111_320 * Math.cos((36.525 * Math.PI) / 180))

/** A point `east`, `north` metres from (lon, lat). */
export const offset = (lon: number, lat: number, east: number, north: number): [number, number] => [lon + east * M_LON, lat + north * M_LAT]

/** Fixes every `stepS` seconds walking straight from a to b at `speed` m/s, starting at `start`. */
export function walk(a: [number, number], b: [number, number], start: Date, speed = 1.4, stepS = 15): Fix[] {
  const len = Math.hypot((b[0] - a[0]) / M_LON, (b[1] - a[1]) / M_LAT)
  const n = Math.max(1, Math.round(len / speed / stepS))
  return Array.from({ length: n + 1 }, (_, i) => ({ t: new Date(start.getTime() + i * stepS * 1000), lon: a[0] + ((b[0] - a[0]) * i) / n, lat: a[1] + ((b[1] - a[1]) * i) / n }))
}

/** Fixes every `stepS` seconds for `minutes` at a point, with deterministic jitter of up to `jitterM`. */
export function stay(p: [number, number], start: Date, minutes: number, jitterM = 3, stepS = 15): Fix[] {
  const n = Math.round((minutes * 60) / stepS)
  return Array.from({ length: n + 1 }, (_, i) => {
    const [lon, lat] = offset(p[0], p[1], jitterM * Math.sin(i * 1.7), jitterM * Math.cos(i * 2.3))
    return { t: new Date(start.getTime() + i * stepS * 1000), lon, lat }
  })
}

export const last = <T>(a: T[]): T => a[a.length - 1]!

/** Builds one device's day: walks and stays one after the other, fixes every 15 s, silences. */
export class TrackBuilder {
  readonly fixes: Fix[] = []
  private t: number
  constructor(start: Date) { this.t = start.getTime() }
  private add(f: Fix[]): Fix[] {
    this.fixes.push(...f)
    this.t = last(f).t.getTime() + 15_000
    return f
  }
  walk(a: [number, number], b: [number, number], speed = 1.4): Fix[] { return this.add(walk(a, b, new Date(this.t), speed)) }
  stay(p: [number, number], minutes: number, jitterM = 3): Fix[] { return this.add(stay(p, new Date(this.t), minutes, jitterM)) }
  silent(minutes: number): void { this.t += minutes * 60_000 - 15_000 }
}
