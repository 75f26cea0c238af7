// Fixtures of the trajectory tests: a deterministic working day of fixes (walks, stops, a gap,
// a GPS jump) and its rows written straight into device, device_binding and position, as ingest
// would leave them (ingest has its own tests).
import type { Knex } from 'knex'
import type { TrackFix } from '../../server/positions/trajectory.ts'

const M_PER_DEG_LAT = 110_950

/** The point `east`, `north` metres from (lon, lat) (a plain local approximation, fine for fixtures). */
export function offset(lon: number, lat: number, east: number, north: number): [number, number] {
  return [lon + east / (M_PER_DEG_LAT * Math.cos((lat * Math.PI) / 180)), lat + north / M_PER_DEG_LAT]
}

/** A small linear congruential generator: the same seed, the same day. */
export function random(seed: number): () => number {
  let s = seed >>> 0
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 4294967296)
}

type Phase = { kind: 'walk'; minutes: number } | { kind: 'stay'; minutes: number } | { kind: 'silent'; minutes: number }

/** The default day: walks between stops, a short pause that is no stop, a 20-minute silence. */
export const DAY_PLAN: Phase[] = [
  { kind: 'walk', minutes: 25 }, { kind: 'stay', minutes: 12 }, { kind: 'walk', minutes: 18 }, { kind: 'stay', minutes: 2 },
  { kind: 'walk', minutes: 30 }, { kind: 'silent', minutes: 20 }, { kind: 'walk', minutes: 15 }, { kind: 'stay', minutes: 6 },
  { kind: 'walk', minutes: 22 },
]

/**
 * Fixes every 15-25 s from `start`: walking at 1-1.6 m/s turning now and then, staying within a few
 * metres of noise, and silences without fixes. Valid fixes only (filter null).
 */
export function walkDay(seed: number, lon0: number, lat0: number, start: number, plan: Phase[] = DAY_PLAN): TrackFix[] {
  const rnd = random(seed)
  const out: TrackFix[] = []
  let x = 0, y = 0, heading = rnd() * 2 * Math.PI, t = start
  for (const phase of plan) {
    const end = t + phase.minutes * 60_000
    if (phase.kind === 'silent') { t = end; continue }
    while (t < end) {
      const dt = 15 + Math.floor(rnd() * 10)
      if (phase.kind === 'walk') {
        if (rnd() < 0.08) heading += (rnd() - 0.5) * Math.PI
        const v = 1 + rnd() * 0.6
        x += Math.cos(heading) * v * dt; y += Math.sin(heading) * v * dt
      }
      const noise = phase.kind === 'stay' ? 6 : 2
      const [lon, lat] = offset(lon0, lat0, x + (rnd() - 0.5) * noise, y + (rnd() - 0.5) * noise)
      out.push({ t, lon, lat, deviceId: 0, speed: phase.kind === 'walk' ? 1.3 : 0, altitude: 30 + Math.round(rnd() * 50) / 10, accuracy: 5, filter: null })
      t += dt * 1000
    }
  }
  return out
}

let serial = 0
/** A device carried by `memberId` from `from` (to `to`, when given). */
export async function insertDevice(knex: Knex, memberId: number, from: Date, to: Date | null = null, adminCode = '990102001001'): Promise<number> {
  const [d] = await knex('device').insert({
    identifier: `traj-${process.pid}-${Date.now().toString(36)}-${++serial}`, city_code: '990100', kind: 'phone',
    name: '轨迹测试终端', admin_code: adminCode, member_id: to === null ? memberId : null,
  }).returning('id')
  const id = Number(d.id)
  await bindDevice(knex, id, memberId, from, to)
  return id
}

export async function bindDevice(knex: Knex, deviceId: number, memberId: number, from: Date, to: Date | null): Promise<void> {
  await knex('device_binding').insert({ device_id: deviceId, member_id: memberId, valid_from: from, valid_to: to })
}

/** Writes fixes as position rows of `deviceId` carried by `memberId`. */
export async function insertFixes(knex: Knex, deviceId: number, memberId: number | null, fixes: readonly TrackFix[]): Promise<void> {
  for (let i = 0; i < fixes.length; i += 2000) {
    const rows = fixes.slice(i, i + 2000).map((f) => ({
      t: new Date(f.t).toISOString(), lon: f.lon, lat: f.lat, speed: f.speed, altitude: f.altitude, accuracy: f.accuracy, filter: f.filter,
    }))
    await knex.raw(`INSERT INTO position (city_code, device_id, member_id, fixed_at, geom, speed, altitude, accuracy, filter)
      SELECT '990100', ?, ?, r.t, ST_SetSRID(ST_MakePoint(r.lon, r.lat), 4490), r.speed, r.altitude, r.accuracy, r.filter
      FROM jsonb_to_recordset(?::jsonb) AS r(t timestamptz, lon float8, lat float8, speed real, altitude real, accuracy real, filter text)`,
    [deviceId, memberId, JSON.stringify(rows)])
  }
}

/** A point well inside a base grid of the community (its point on surface). */
export async function pointInCommunity(knex: Knex, community: string): Promise<[number, number]> {
  const { rows } = await knex.raw(`SELECT ST_X(p) AS lon, ST_Y(p) AS lat FROM (
    SELECT ST_PointOnSurface(geom) AS p FROM grid WHERE kind = 'base' AND valid_to IS NULL AND community_code = ? ORDER BY code LIMIT 1) x`, [community])
  return [rows[0].lon, rows[0].lat]
}

/** The grid member of a user, created in `community` when the user has none yet. */
export async function memberOfUser(knex: Knex, username: string, community: string): Promise<{ id: number; userId: number }> {
  const u = await knex('app_user').where({ username }).first('id', 'display_name')
  const m = await knex('grid_member').where({ user_id: u.id }).first('id')
  if (m) return { id: Number(m.id), userId: Number(u.id) }
  const [row] = await knex('grid_member').insert({ user_id: u.id, name: u.display_name, community_code: community, city_code: '990100' }).returning('id')
  return { id: Number(row.id), userId: Number(u.id) }
}

/** A new grid member without a user in `community`. */
export async function newMember(knex: Knex, community: string, name = '轨迹测试网格员'): Promise<number> {
  const [row] = await knex('grid_member').insert({ name, community_code: community, city_code: '990100' }).returning('id')
  return Number(row.id)
}
