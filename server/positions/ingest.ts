// Position ingest: one batch of fixes (from our field app, the OsmAnd/Traccar path or the demo
// loader) checked, filtered, stored, run through the fences and moved onto the live positions,
// in one transaction per batch.
//
// Why this shape:
// * Everything a batch needs to judge its fixes comes in one statement that also locks the
//   batch's devices (sql/queries/positions/lock_devices.sql), and everything it writes goes out in
//   one more (write.sql), plus the fence states and alerts when there are any. Both are named
//   statements (server/db/prepared.ts), planned once per connection. Fence tests run in Node
//   against an in-memory index of the city's fences (server/fences/engine.ts), reloaded only when
//   the city's fence revision moves: no spatial query per fix.
// * The device row lock serialises one device's batches across API instances, and the states
//   live in the database, so two instances receiving fixes of one device agree on its live
//   position and fence states and never double or lose an alert.
// * Late fixes (at or before the live one) go into history only: the live position never
//   moves backwards and fences never see time run back.
import type { Knex } from 'knex'
import { runNamed } from '../db/prepared.ts'
import { notifyField } from '../stream/notify.ts'
import { FixError, prepareFix, type FixInput, type FixResult, type PreparedFix } from './input.ts'
import { MAX_SPEED_MPS, aloneFilter, isJump, metres, type FilterReason } from './filters.ts'
import { fenceIndexFor } from './fenceCache.ts'
import { insertAlerts } from '../fences/repository.ts'
import type { FenceState, Fix } from '../fences/engine.ts'
import { secretMatches, splitDeviceToken } from '../devices/tokens.ts'

export type { FixInput, FixResult } from './input.ts'

/** Fixes per batch (a larger batch is refused at the route, not cut here). */
export const MAX_BATCH = 5000
/** A device that moved less than this since `still_since` is idle after a while (device_status()). */
const STILL_RADIUS_M = 30

export interface IngestOptions {
  /** Only devices of this city are accepted (the caller's city). */
  cityCode?: string | null
  /** Only this device is accepted (a device token's own device). */
  deviceIdentifier?: string
  /** Only devices carried by this user's member are accepted (an inspector's own app). */
  memberUserId?: number
  /** The OsmAnd path: the token presented, for devices that require one there. */
  osmandToken?: string | null
  now?: Date
}

interface DeviceRow {
  id: string; identifier: string; city_code: string; kind: string; member_id: string | null; disabled: boolean; community: string
  osmand_requires_token: boolean; token_prefix: string | null; token_hash: string | null
  member_user_id: string | null
  live_t: number | null; live_lon: number | null; live_lat: number | null; live_accuracy: number | null
  still_lon: number | null; still_lat: number | null; still_t: number | null; fence_revision: string
  states: { fenceId: number; inside: boolean; since: number; lastFixAt: number; dwellAlerted: boolean; absentAlerted: boolean }[] | null
}

interface Judged { fix: PreparedFix; filter: FilterReason | null; late: boolean }

export async function ingestFixes(knex: Knex, fixes: FixInput[], opts: IngestOptions = {}): Promise<FixResult[]> {
  const results: FixResult[] = new Array(fixes.length)
  const prepared: PreparedFix[] = []
  fixes.forEach((f, i) => {
    try {
      prepared.push(prepareFix(f, i))
    } catch (err) {
      if (!(err instanceof FixError)) throw err
      results[i] = { index: i, status: 'rejected', reason: err.message, field: err.field }
    }
  })
  if (!prepared.length) return results
  const now = (opts.now ?? new Date()).getTime()
  await knex.transaction(async (trx) => {
    const identifiers = [...new Set(prepared.map((p) => p.identifier))]
    const rows = await runNamed<DeviceRow>(trx, 'positions/lock_devices', { identifiers })
    const devices = new Map(rows.map((r) => [r.identifier, r]))
    const byDevice = new Map<DeviceRow, PreparedFix[]>()
    for (const p of prepared) {
      const d = devices.get(p.identifier)
      const refusal = refuse(d, p.identifier, opts)
      if (refusal) {
        results[p.index] = { index: p.index, status: 'rejected', reason: refusal.reason, field: refusal.field }
        continue
      }
      const list = byDevice.get(d!) ?? []
      list.push(p)
      byDevice.set(d!, list)
    }
    if (!byDevice.size) return
    await writeBatch(knex, trx, byDevice, results, now)
  })
  return results
}

/** Why a fix of this device is refused for this caller, or null. */
function refuse(d: DeviceRow | undefined, identifier: string, opts: IngestOptions): { reason: string; field: string } | null {
  if (!d) return { reason: `unknown device "${identifier}"`, field: 'device' }
  if (d.disabled) return { reason: `device "${identifier}" is disabled`, field: 'device' }
  if (opts.cityCode && d.city_code !== opts.cityCode) return { reason: `device "${identifier}" belongs to another city`, field: 'device' }
  if (opts.deviceIdentifier && opts.deviceIdentifier !== identifier) {
    return { reason: `this token is for device "${opts.deviceIdentifier}", not "${identifier}"`, field: 'device' }
  }
  if (opts.memberUserId !== undefined && Number(d.member_user_id) !== opts.memberUserId) {
    return { reason: `device "${identifier}" is not carried by you`, field: 'device' }
  }
  if (opts.osmandToken !== undefined && d.osmand_requires_token) {
    const t = opts.osmandToken ? splitDeviceToken(opts.osmandToken) : undefined
    if (!t || t.prefix !== d.token_prefix || !secretMatches(t.secret, d.token_hash)) {
      return { reason: `device "${identifier}" requires its token (parameter token)`, field: 'token' }
    }
  }
  return null
}

async function writeBatch(knex: Knex, trx: Knex.Transaction, byDevice: Map<DeviceRow, PreparedFix[]>, results: FixResult[], now: number): Promise<void> {
  const positionRows: object[] = []
  const liveRows: object[] = []
  const stateRows: object[] = []
  const alerts: { city: string; rows: Parameters<typeof insertAlerts>[2] }[] = []
  for (const [d, list] of byDevice) {
    const judged = judge(d, list, now)
    const memberId = d.member_id === null ? null : Number(d.member_id)
    for (const j of judged) {
      const f = j.fix
      positionRows.push({
        city_code: d.city_code, device_id: Number(d.id), member_id: memberId, t: f.t, lon: f.lon, lat: f.lat,
        src_crs: f.srcCrs, src_x: f.srcX, src_y: f.srcY, speed: f.speed, bearing: f.bearing, altitude: f.altitude,
        accuracy: f.accuracy, battery: f.battery, hdop: f.hdop, filter: j.filter, late: j.late,
      })
      results[f.index] = j.filter ? { index: f.index, status: 'filtered', reason: j.filter } : j.late
        ? { index: f.index, status: 'late', reason: 'older than the live position: kept in history only' } : { index: f.index, status: 'accepted' }
    }
    const good = judged.filter((j) => !j.filter && !j.late).map((j) => j.fix)
    if (!good.length) continue
    liveRows.push(liveRow(d, memberId, good))
    const ref = { deviceId: Number(d.id), memberId, community: d.community }
    const { index } = await fenceIndexFor(knex, trx, d.city_code, Number(d.fence_revision))
    const prev: Fix | null = d.live_t === null ? null : { t: d.live_t, lon: d.live_lon!, lat: d.live_lat!, accuracy: d.live_accuracy }
    const states = new Map<number, FenceState>((d.states ?? []).map((s) => [Number(s.fenceId), { ...s, fenceId: Number(s.fenceId) }]))
    const out = index.evaluate(ref, prev, good.map((f) => ({ t: f.t, lon: f.lon, lat: f.lat, accuracy: f.accuracy })), states)
    for (const s of out.states) {
      stateRows.push({ device_id: ref.deviceId, fence_id: s.fenceId, inside: s.inside, since: s.since, last_fix_at: s.lastFixAt,
        dwell_alerted: s.dwellAlerted, absent_alerted: s.absentAlerted })
    }
    if (out.alerts.length) {
      alerts.push({ city: d.city_code, rows: out.alerts.map((a) => ({ ...a, ...ref })) })
    }
  }
  const rows = await runNamed<{ k: string; device_id: string; t: number | null; grid_code: string | null }>(trx, 'positions/write',
    { rows: JSON.stringify(positionRows), live: JSON.stringify(liveRows) })
  markDuplicates(byDevice, rows, results)
  if (stateRows.length) await runNamed(trx, 'positions/fence_states_upsert', { rows: JSON.stringify(stateRows) })
  for (const a of alerts) await insertAlerts(trx, a.city, a.rows)
  const grids = new Map(rows.filter((r) => r.k === 'live').map((r) => [Number(r.device_id), r.grid_code]))
  await notifyField(trx, 'position', liveRows.map((l) => {
    const v = l as { device_id: number; community_code: string; member_id: number | null; t: number; lon: number; lat: number; speed: number | null; bearing: number | null; identifier: string; battery: number | null; still_t: number }
    // battery and stillSince let a map recompute online / idle / offline by its own clock
    return { community: v.community_code, device: v.identifier, memberId: v.member_id, lon: v.lon, lat: v.lat, t: new Date(v.t).toISOString(),
      speed: v.speed, bearing: v.bearing, battery: v.battery, stillSince: new Date(v.still_t).toISOString(), gridCode: grids.get(v.device_id) ?? null }
  }))
}

/** Filters and lateness of one device's fixes, in time order (duplicates within the batch dropped). */
function judge(d: DeviceRow, list: PreparedFix[], now: number): Judged[] {
  list.sort((a, b) => a.t - b.t || a.index - b.index)
  const maxSpeed = MAX_SPEED_MPS[d.kind] ?? 50
  let last: { t: number; lon: number; lat: number } | null = d.live_t === null ? null : { t: d.live_t, lon: d.live_lon!, lat: d.live_lat! }
  const out: Judged[] = []
  let prevT = NaN
  for (const f of list) {
    if (f.t === prevT) continue // same instant twice in one batch: answered as a duplicate below
    prevT = f.t
    let filter = aloneFilter(f, now)
    const late = d.live_t !== null && f.t <= d.live_t
    if (!filter && !late && last && isJump(last, f, maxSpeed)) filter = 'jump'
    if (!filter && !late) last = f
    out.push({ fix: f, filter, late })
  }
  return out
}

/** The live row after a device's good fixes: the last one, and where it has stood still since. */
function liveRow(d: DeviceRow, memberId: number | null, good: PreparedFix[]): object {
  let still = d.still_t === null ? { lon: good[0]!.lon, lat: good[0]!.lat, t: good[0]!.t } : { lon: d.still_lon!, lat: d.still_lat!, t: d.still_t }
  for (const f of good) {
    if (metres(still.lon, still.lat, f.lon, f.lat) > STILL_RADIUS_M) still = { lon: f.lon, lat: f.lat, t: f.t }
  }
  const f = good[good.length - 1]!
  return {
    device_id: Number(d.id), identifier: d.identifier, city_code: d.city_code, member_id: memberId, community_code: d.community,
    t: f.t, lon: f.lon, lat: f.lat, speed: f.speed, bearing: f.bearing, accuracy: f.accuracy, battery: f.battery,
    still_lon: still.lon, still_lat: still.lat, still_t: still.t,
  }
}

/** Fixes the database already had (a retried batch), and repeats within the batch, are duplicates. */
function markDuplicates(byDevice: Map<DeviceRow, PreparedFix[]>, rows: { k: string; device_id: string; t: number | null }[], results: FixResult[]): void {
  const stored = new Set(rows.filter((r) => r.k === 'stored').map((r) => `${Number(r.device_id)}:${r.t}`))
  for (const [d, list] of byDevice) {
    const firstAt = new Map<number, number>()
    for (const f of list) {
      const first = firstAt.get(f.t)
      if (first === undefined) firstAt.set(f.t, f.index)
      if ((first !== undefined && first !== f.index) || !stored.has(`${Number(d.id)}:${f.t}`)) {
        results[f.index] = { index: f.index, status: 'duplicate', reason: 'a fix of this device at this instant is already stored' }
      }
    }
  }
}
