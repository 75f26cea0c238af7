// The clock-only fence pass: dwell and absence for devices that stopped reporting. Ingest judges
// every rule when fixes arrive; a phone that goes quiet inside a fence (dwell) or away from its
// grid (absence) sends nothing to judge, so the scheduler runs this pass every so often.
//
// Safe with several instances and with ingest running: each chunk of devices is one
// transaction that takes ingest's own per-device lock (the device row, FOR NO KEY UPDATE) with
// SKIP LOCKED, reads the states after locking, and writes states and alerts before letting go.
// A device another pass or a batch holds is skipped (and looked at again next pass); an alert
// computed twice anyway is stored once (fence_alert's unique key, see insertAlerts).
import type { Knex } from 'knex'
import { sqlFile } from '../db/sql.ts'
import { insertAlerts, loadFenceIndex, type NewAlert } from './repository.ts'
import type { DeviceRef, FenceDef, FenceIndex, FenceState } from './engine.ts'

export interface FencePassResult {
  /** devices ticked */
  devices: number
  /** devices skipped because ingest or another pass held them */
  busy: number
  states: number
  alerts: number
}

export interface FencePassOptions {
  /** devices per transaction (default 200): short transactions, short waits for ingest */
  chunk?: number
}

interface DeviceRow { id: number; member_id: number | null; community: string }
interface LockedRow extends DeviceRow { states: FenceState[] | null; lon: number | null; lat: number | null }

const timed = (f: FenceDef) => f.rules.dwellMinutes !== null || f.rules.absentMinutes !== null
const refOf = (r: DeviceRow): DeviceRef => ({ deviceId: Number(r.id), memberId: r.member_id === null ? null : Number(r.member_id), community: r.community })

/**
 * One pass over every city with a dwell or absence rule. `now` is the pass's clock (tests move
 * it). The fence index and calendar are read before any transaction opens (the embedded
 * database has one connection).
 */
export async function runFencePass(knex: Knex, now = new Date(), opts: FencePassOptions = {}): Promise<FencePassResult> {
  const result: FencePassResult = { devices: 0, busy: 0, states: 0, alerts: 0 }
  const { rows: cities } = await knex.raw(sqlFile('fences/pass_cities')) as { rows: { city_code: string }[] }
  for (const { city_code: city } of cities) {
    const { index } = await loadFenceIndex(knex, city)
    const { rows } = await knex.raw(sqlFile('fences/pass_devices'), { city }) as { rows: DeviceRow[] }
    const ids = rows.filter((r) => index.appliesTo(refOf(r)).some(timed)).map((r) => Number(r.id))
    const chunk = opts.chunk ?? 200
    for (let i = 0; i < ids.length; i += chunk) {
      const r = await knex.transaction((trx) => tickChunk(trx, city, index, ids.slice(i, i + chunk), now.getTime()))
      result.devices += r.devices
      result.busy += r.busy
      result.states += r.states
      result.alerts += r.alerts
    }
  }
  return result
}

async function tickChunk(trx: Knex.Transaction, city: string, index: FenceIndex, ids: number[], now: number): Promise<FencePassResult> {
  const { rows } = await trx.raw(sqlFile('fences/pass_lock'), { ids }) as { rows: LockedRow[] }
  const changed: Record<string, unknown>[] = []
  const alerts: NewAlert[] = []
  for (const row of rows) {
    const ref = refOf(row)
    const states = new Map((row.states ?? []).map((s) => [Number(s.fenceId), { ...s, fenceId: Number(s.fenceId) }]))
    const out = index.tick(ref, states, now, row.lon === null ? null : { lon: row.lon, lat: row.lat! })
    for (const s of out.states) {
      changed.push({
        device_id: ref.deviceId, fence_id: s.fenceId, inside: s.inside, since: s.since, last_fix_at: s.lastFixAt,
        dwell_alerted: s.dwellAlerted, absent_alerted: s.absentAlerted,
      })
    }
    for (const a of out.alerts) alerts.push({ ...ref, ...a })
  }
  // the same statement as ingest's, so both write states alike
  if (changed.length) await trx.raw(sqlFile('positions/fence_states_upsert'), { rows: JSON.stringify(changed) })
  const stored = await insertAlerts(trx, city, alerts)
  return { devices: rows.length, busy: ids.length - rows.length, states: changed.length, alerts: stored.length }
}
