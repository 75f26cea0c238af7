// Readings → incidents → events. A rule of the datastream's kind (threshold, rate of change,
// silence) finds a reading abnormal; the first abnormal reading opens an incident and raises one
// event through intake; while it is open, further crossings are absorbed into it (counted, the
// first 50 kept as evidence), so a flapping sensor is never a storm. It closes once readings have
// been normal for the rule's normal_minutes (checked by the next reading, and by the clock in
// loop.ts). The partial unique index on open incidents keeps this true across instances.
import type { Knex } from 'knex'
import type { Logger } from 'pino'
import { Jurisdiction } from '../db/jurisdiction.ts'
import type { Principal } from '../auth/users.ts'
import { intake } from '../events/intake.ts'

export interface StreamInfo {
  id: string; name: string; admin_code: string; last_time: Date | null; last_result: number | null; kind: string; kind_name: string; unit: string
  city_code: string; thing_name: string; foi_id: string; x: number; y: number
}
export interface Reading { id: number; datastreamId: number; time: Date; value: number | null }
export interface RuleRow {
  id: string; city_code: string; name: string; kind: string; rule: 'threshold' | 'rate' | 'silence'; high: number | null; low: number | null
  per_minute: number | null; silence_minutes: number | null; normal_minutes: number; class_code: string; priority: number
}
interface Incident {
  id: string | null; rule_id: string; datastream_id: string; opened_at: Date; last_abnormal_at: Date; normal_since: Date | null
  closed_at: Date | null; crossings: number; readings: { id: number; time: string; result: number | null }[]; dirty: boolean
}

const EVIDENCE = 50
// rules change rarely and every batch needs them: kept briefly per process, dropped on a change here
const RULES_TTL_MS = 5_000
const ruleCache = new WeakMap<Knex, { at: number; rules: Promise<RuleRow[]> }>()
export function forgetRules(db: Knex): void { ruleCache.delete(db) }
function activeRules(db: Knex): Promise<RuleRow[]> {
  const hit = ruleCache.get(db)
  if (hit && Date.now() - hit.at < RULES_TTL_MS) return hit.rules
  const rules = db('sensor_rule').where('active', true).select<RuleRow[]>('*')
  ruleCache.set(db, { at: Date.now(), rules })
  rules.catch(() => ruleCache.delete(db))
  return rules
}

/** Why a reading is abnormal under a rule, or null. */
export function crossing(rule: RuleRow, r: Reading, prev: { time: Date; value: number } | null): string | null {
  if (r.value === null) return null
  if (rule.rule === 'threshold') {
    if (rule.high !== null && r.value > rule.high) return `读数 ${r.value} 高于阈值 ${rule.high}`
    if (rule.low !== null && r.value < rule.low) return `读数 ${r.value} 低于阈值 ${rule.low}`
  }
  if (rule.rule === 'rate' && prev && r.time > prev.time) {
    const perMinute = Math.abs(r.value - prev.value) / ((r.time.getTime() - prev.time.getTime()) / 60_000)
    if (perMinute > rule.per_minute!) return `变化速率 ${perMinute.toFixed(2)}/分钟 超过 ${rule.per_minute}/分钟`
  }
  return null
}

/** The principal rules report as: the city's external system on the sensor channel. */
export function rulePrincipal(cityCode: string): Principal {
  return { kind: 'api_key', userId: null, username: 'sensor-rules', displayName: '物联感知规则', role: 'external_system', departmentId: null,
    cityCode, jurisdiction: Jurisdiction.of([`${cityCode}000000`]) }
}

let log: Pick<Logger, 'error'> = console
export function setRuleLogger(l: Pick<Logger, 'error'>): void { log = l }

export async function evaluate(db: Knex, streams: StreamInfo[], readings: Reading[]): Promise<void> {
  const rules = await activeRules(db)
  if (!rules.length) return
  const byStream = new Map<number, Reading[]>()
  for (const r of readings) byStream.set(r.datastreamId, [...(byStream.get(r.datastreamId) ?? []), r])
  const work: { s: StreamInfo; rule: RuleRow; list: Reading[] }[] = []
  for (const s of streams) {
    const list = byStream.get(Number(s.id))
    if (!list) continue
    list.sort((a, b) => a.time.getTime() - b.time.getTime())
    for (const rule of rules) if (rule.kind === s.kind && rule.city_code === s.city_code) work.push({ s, rule, list })
  }
  if (!work.length) return
  const open = await db('sensor_incident').whereNull('closed_at').whereIn('datastream_id', work.map((w) => w.s.id)).select<Incident[]>('*')
  for (const w of work) {
    let inc: Incident | null = open.find((i) => i.rule_id === w.rule.id && i.datastream_id === w.s.id) ?? null
    if (inc) inc = { ...inc, dirty: false }
    let prev = w.s.last_time && w.s.last_result !== null ? { time: new Date(w.s.last_time), value: Number(w.s.last_result) } : null
    for (const r of w.list) {
      const why = crossing(w.rule, r, prev)
      if (r.value !== null) prev = { time: r.time, value: r.value }
      if (why) {
        if (!inc) inc = { id: null, rule_id: w.rule.id, datastream_id: w.s.id, opened_at: r.time, last_abnormal_at: r.time, normal_since: null, closed_at: null, crossings: 0, readings: [], dirty: true }
        inc.crossings++
        inc.last_abnormal_at = r.time
        inc.normal_since = null
        if (inc.readings.length < EVIDENCE) inc.readings.push({ id: r.id, time: r.time.toISOString(), result: r.value })
        inc.dirty = true
      } else if (inc) {
        inc.normal_since ??= r.time
        inc.dirty = true
        if (r.time.getTime() - inc.normal_since.getTime() >= w.rule.normal_minutes * 60_000) {
          inc.closed_at = r.time
          await save(db, w, inc)
          inc = null
        }
      }
    }
    if (inc?.dirty) await save(db, w, inc)
  }
}

async function save(db: Knex, w: { s: StreamInfo; rule: RuleRow }, inc: Incident): Promise<void> {
  const values = { last_abnormal_at: inc.last_abnormal_at, normal_since: inc.normal_since, closed_at: inc.closed_at, crossings: inc.crossings, readings: JSON.stringify(inc.readings) }
  if (inc.id) { await db('sensor_incident').where('id', inc.id).update(values); return }
  const { rows } = await db.raw(`INSERT INTO sensor_incident (rule_id, datastream_id, admin_code, opened_at, last_abnormal_at, normal_since, closed_at, crossings, readings)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb) ON CONFLICT (rule_id, datastream_id) WHERE closed_at IS NULL DO NOTHING RETURNING id`,
  [inc.rule_id, inc.datastream_id, w.s.admin_code, inc.opened_at, inc.last_abnormal_at, inc.normal_since, inc.closed_at, inc.crossings, values.readings]) as { rows: { id: string }[] }
  if (!rows[0]) {
    // another writer opened it meanwhile: absorbed there
    await db('sensor_incident').where({ rule_id: inc.rule_id, datastream_id: inc.datastream_id }).whereNull('closed_at')
      .increment('crossings', inc.crossings).update({ last_abnormal_at: inc.last_abnormal_at, normal_since: null })
    return
  }
  inc.id = rows[0].id
  await raiseEvent(db, w.s, w.rule, { ...inc, id: rows[0].id })
}

/** The incident's one event: through intake on the sensor channel, idempotent by the incident's id. */
export async function raiseEvent(db: Knex, s: Pick<StreamInfo, 'name' | 'thing_name' | 'kind_name' | 'unit' | 'city_code' | 'x' | 'y'>, rule: RuleRow,
  inc: { id: string; readings: { time: string; result: number | null }[] }, why?: string): Promise<void> {
  const evidence = inc.readings.slice(0, 5).map((r) => `${r.time} ${r.result ?? ''}${s.unit}`).join('；')
  const description = `【物联感知】${s.thing_name}（${s.kind_name}，数据流“${s.name}”）触发规则“${rule.name}”：${why ?? evidence}。告警编号 SI-${inc.id}。`
  try {
    const res = await intake(db, rulePrincipal(s.city_code), {
      channel: 'sensor_ai', demandType: '求助', classCode: rule.class_code, description, priority: rule.priority,
      location: { x: Number(s.x), y: Number(s.y), crs: 'EPSG:4490' }, externalRef: `sensor-incident:${inc.id}`,
    }, `sensor-incident-${inc.id}`)
    await db('sensor_incident').where('id', inc.id).update({ event_number: res.number })
  } catch (err) {
    // the incident stays without an event: loop.ts retries it (same idempotency key, never doubled)
    log.error({ err, incident: inc.id }, 'sensor incident: event not raised')
  }
}
