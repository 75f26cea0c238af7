// The hot path of readings: an Observation (POST), a CreateObservations dataArray or an MQTT
// publish all become one multi-row INSERT per batch, then the rules of the datastreams' kinds
// (rules.ts) run on the batch before the request answers, so a crossing's event exists when the
// sender hears back. Listeners (the MQTT publisher) hear of every created observation.
import type { Knex } from 'knex'
import { z } from 'zod'
import type { Principal } from '../auth/users.ts'
import { sqlFile } from '../db/sql.ts'
import { validate } from '../http/validate.ts'
import { fieldError } from './sta/write.ts'
import { evaluate, type Reading, type StreamInfo } from './rules.ts'

/** Clock skew a reading may have: later than now + this is refused (phenomenonTime). */
export const FUTURE_SKEW_MS = 5 * 60_000
/** Readings per request (a dataArray or a JSON array). */
export const MAX_BATCH = 10_000

export interface NewObservation { datastreamId: number; phenomenonTime: Date; resultTime: Date | null; result: unknown; parameters: unknown; field: string }
export interface Created { id: number; datastreamId: number; phenomenonTime: string; resultTime: string | null; result: unknown }

type Listener = (rows: Created[]) => void
const listeners = new Set<Listener>()
export function onObservationsCreated(l: Listener): () => void { listeners.add(l); return () => listeners.delete(l) }

const time = z.string().max(60).refine((s) => !Number.isNaN(Date.parse(s)), 'must be an ISO 8601 time').transform((s) => new Date(s))
const ref = z.object({ '@iot.id': z.union([z.number().int().positive(), z.string().regex(/^\d{1,15}$/).transform(Number)]) }).strict()
export const observationBody = z.object({
  phenomenonTime: time.optional(), resultTime: time.nullable().optional(), result: z.unknown(), parameters: z.record(z.string(), z.unknown()).optional(),
  Datastream: ref.optional(), FeatureOfInterest: ref.optional(),
}).strict().refine((b) => b.result !== undefined, { path: ['result'], message: 'required' })

/** The standard's CreateObservations body: per datastream, components and rows. */
export const createObservationsBody = z.array(z.object({
  Datastream: ref, components: z.array(z.enum(['phenomenonTime', 'resultTime', 'result', 'parameters', 'FeatureOfInterest/id'])).min(1).max(5),
  'dataArray@iot.count': z.number().int().optional(), dataArray: z.array(z.array(z.unknown()).max(5)).max(MAX_BATCH),
}).strict()).min(1).max(1000)

export function fromBody(raw: unknown, datastreamId: number | undefined, field = ''): NewObservation {
  const b = validate(observationBody, raw, 'Observation')
  const ds = datastreamId ?? b.Datastream?.['@iot.id']
  if (ds === undefined) throw fieldError(`${field}Datastream`, 'an Observation needs its Datastream')
  return { datastreamId: ds, phenomenonTime: b.phenomenonTime ?? new Date(), resultTime: b.resultTime ?? null, result: b.result, parameters: b.parameters ?? null, field }
}

export function fromDataArrays(raw: unknown): NewObservation[] {
  const groups = validate(createObservationsBody, raw, 'CreateObservations')
  const out: NewObservation[] = []
  for (const [g, group] of groups.entries()) {
    const at = (c: string) => group.components.indexOf(c as never)
    const [pt, rt, res, par] = [at('phenomenonTime'), at('resultTime'), at('result'), at('parameters')]
    if (res < 0) throw fieldError(`[${g}].components`, 'must name result')
    for (const [i, row] of group.dataArray.entries()) {
      const field = `[${g}].dataArray[${i}]`
      const t = (k: number, name: string) => {
        if (k < 0 || row[k] === null || row[k] === undefined) return null
        const d = typeof row[k] === 'string' ? new Date(row[k]) : new Date(Number.NaN)
        if (Number.isNaN(d.getTime())) throw fieldError(`${field}.${name}`, 'must be an ISO 8601 time')
        return d
      }
      out.push({ datastreamId: group.Datastream['@iot.id'], phenomenonTime: t(pt, 'phenomenonTime') ?? new Date(), resultTime: t(rt, 'resultTime'),
        result: row[res], parameters: par >= 0 ? row[par] ?? null : null, field })
      if (out.length > MAX_BATCH) throw fieldError('dataArray', `more than ${MAX_BATCH} observations in one request`)
    }
  }
  return out
}

// months whose partition this process has made sure of
const months = new WeakMap<Knex, Set<string>>()
async function ensureMonths(db: Knex, times: Date[]): Promise<void> {
  let known = months.get(db)
  if (!known) months.set(db, (known = new Set()))
  // the month in Asia/Shanghai (UTC+8, no daylight saving)
  const keys = new Set(times.map((t) => new Date(t.getTime() + 8 * 3600_000).toISOString().slice(0, 7)))
  for (const k of keys) {
    if (known.has(k)) continue
    await db.raw('SELECT sta_observation_ensure_partitions(?::date, 1)', [`${k}-01`])
    known.add(k)
  }
}

/** Inserts a batch, runs the rules, tells the listeners; returns the new rows in input order. */
export async function ingest(db: Knex, p: Principal, items: NewObservation[]): Promise<Created[]> {
  if (!items.length) return []
  const now = Date.now()
  for (const o of items) {
    if (o.phenomenonTime.getTime() > now + FUTURE_SKEW_MS) {
      throw fieldError(`${o.field}phenomenonTime`, `${o.phenomenonTime.toISOString()} is more than ${FUTURE_SKEW_MS / 60_000} minutes in the future`)
    }
    if (o.phenomenonTime.getTime() < Date.UTC(2000, 0, 1)) throw fieldError(`${o.field}phenomenonTime`, 'before the year 2000')
  }
  const ids = [...new Set(items.map((o) => o.datastreamId))]
  const { rows: streams } = await db.raw(sqlFile('sensors/streams_for_ingest'), { ids, patterns: p.jurisdiction.patterns }) as { rows: StreamInfo[] }
  const byId = new Map(streams.map((s) => [Number(s.id), s]))
  for (const o of items) if (!byId.has(o.datastreamId)) throw fieldError(`${o.field}Datastream`, `no Datastream ${o.datastreamId}`)
  await ensureMonths(db, items.map((o) => o.phenomenonTime))
  const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : null)
  const { rows } = await db.raw(sqlFile('sensors/insert_observations'), {
    ds: items.map((o) => o.datastreamId), foi: items.map((o) => byId.get(o.datastreamId)!.foi_id),
    pt: items.map((o) => o.phenomenonTime.toISOString()), rt: items.map((o) => o.resultTime?.toISOString() ?? null),
    rn: items.map((o) => num(o.result)), rj: items.map((o) => (num(o.result) === null ? JSON.stringify(o.result ?? null) : null)),
    par: items.map((o) => (o.parameters == null ? null : JSON.stringify(o.parameters))),
  }) as { rows: { id: string }[] }
  const created: Created[] = rows.sort((a, b) => Number(a.id) - Number(b.id)).map((r, i) => ({
    id: Number(r.id), datastreamId: items[i]!.datastreamId, phenomenonTime: items[i]!.phenomenonTime.toISOString(),
    resultTime: items[i]!.resultTime?.toISOString() ?? null, result: items[i]!.result,
  }))
  const readings: Reading[] = created.map((c) => ({ id: c.id, datastreamId: c.datastreamId, time: new Date(c.phenomenonTime), value: num(c.result) }))
  await db.raw(sqlFile('sensors/update_last'), { ds: readings.map((r) => r.datastreamId), t: readings.map((r) => r.time.toISOString()), v: readings.map((r) => r.value) })
  await evaluate(db, streams, readings)
  for (const l of listeners) l(created)
  return created
}
