// Live positions for the dispatch-options tests (server and browser): a device carried by a
// member with a device_live row at a chosen place, fix age and stillness, written straight into
// the tables (ingest has its own tests; here the clock of each fix must be exact).
import type { Knex } from 'knex'

export interface Placed { deviceId: number; identifier: string }

let serial = 0

/** The point `east`, `north` metres from (lon, lat) (a local flat approximation: the tests measure the truth independently). */
export function offsetM(lon: number, lat: number, east: number, north: number): [number, number] {
  return [lon + east / (111_320 * Math.cos((lat * Math.PI) / 180)), lat + north / 110_574]
}

/**
 * Puts a device of the member at (lon, lat): its last fix `ageS` seconds ago; still (idle) for
 * `stillMin` minutes when given. Returns the device.
 */
export async function placeMember(knex: Knex, memberId: number, at: [number, number],
  opts: { ageS?: number; stillMin?: number; disabled?: boolean; kind?: string } = {}): Promise<Placed> {
  const m = await knex('grid_member').where({ id: memberId }).first('community_code', 'city_code', 'name')
  const identifier = `dispatch-${process.pid}-${Date.now().toString(36)}-${++serial}`
  const [d] = await knex('device').insert({
    identifier, city_code: m.city_code, kind: opts.kind ?? 'phone', name: `${m.name}的测试终端`, admin_code: m.community_code,
    member_id: memberId, disabled: opts.disabled ?? false,
  }).returning('id')
  const deviceId = Number(d.id)
  const age = opts.ageS ?? 30
  await knex.raw(`INSERT INTO device_live (device_id, city_code, member_id, community_code, fixed_at, received_at, geom, still_geom, still_since)
    SELECT :deviceId, :city, :memberId, :community, now() - make_interval(secs => :age), now(),
           ST_SetSRID(ST_MakePoint(:lon, :lat), 4490), ST_SetSRID(ST_MakePoint(:lon, :lat), 4490),
           now() - make_interval(secs => :still)`,
  { deviceId, city: m.city_code, memberId, community: m.community_code, age, lon: at[0], lat: at[1], still: (opts.stillMin ?? 0) * 60 + age })
  return { deviceId, identifier }
}

/** Removes the devices placed (their live rows go with them). */
export async function removePlaced(knex: Knex, placed: Placed[]): Promise<void> {
  if (placed.length) await knex('device').whereIn('id', placed.map((p) => p.deviceId)).delete()
}

/** Active members of a unit, under an admin prefix, by id (the nth onwards). */
export async function membersUnder(knex: Knex, prefix: string, count: number): Promise<{ id: number; name: string; community: string }[]> {
  const rows = await knex('grid_member').where('community_code', 'like', `${prefix}%`).where('active', true).whereNotNull('department_id')
    .orderBy('id').limit(count).select('id', 'name', 'community_code')
  return rows.map((r) => ({ id: Number(r.id), name: r.name, community: r.community_code }))
}
