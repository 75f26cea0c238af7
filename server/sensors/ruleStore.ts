// /api/v1/sensor-rules: the rules of a city per device kind, and the incidents they opened.
import type { Knex } from 'knex'
import { z } from 'zod'
import type { Principal } from '../auth/users.ts'
import { badRequest, forbidden } from '../http/errors.ts'
import { forgetRules } from './rules.ts'

export const ruleBody = z.object({
  name: z.string().trim().min(1).max(200),
  kind: z.string().regex(/^[a-z_]{2,40}$/),
  rule: z.enum(['threshold', 'rate', 'silence']),
  high: z.number().finite().optional(),
  low: z.number().finite().optional(),
  perMinute: z.number().finite().positive().optional(),
  silenceMinutes: z.number().int().min(1).max(10080).optional(),
  /** how long readings must stay normal before the incident closes */
  normalMinutes: z.number().int().min(0).max(10080).default(10),
  classCode: z.string().regex(/^[0-9]{4}$/),
  priority: z.number().int().min(1).max(4).default(2),
}).strict()
  .refine((b) => b.rule !== 'threshold' || b.high !== undefined || b.low !== undefined, { path: ['high'], message: 'a threshold rule needs high or low' })
  .refine((b) => b.rule !== 'rate' || b.perMinute !== undefined, { path: ['perMinute'], message: 'a rate rule needs perMinute' })
  .refine((b) => b.rule !== 'silence' || b.silenceMinutes !== undefined, { path: ['silenceMinutes'], message: 'a silence rule needs silenceMinutes' })
  .refine((b) => b.high === undefined || b.low === undefined || b.low < b.high, { path: ['low'], message: 'must be below high' })

export const incidentQuery = z.object({ state: z.enum(['open', 'closed', 'all']).default('open'), limit: z.coerce.number().int().min(1).max(500).default(100) }).strict()

const fieldError = (field: string, message: string) => badRequest(`${field}: ${message}`, { errors: [{ field, message }] }).coded('sensors.bad_field', { field, message })

interface Row { id: string; name: string; kind: string; rule: string; high: number | null; low: number | null; per_minute: number | null; silence_minutes: number | null; normal_minutes: number; class_code: string; priority: number; created_at: Date }
const view = (r: Row) => ({ id: Number(r.id), name: r.name, kind: r.kind, rule: r.rule, high: r.high, low: r.low, perMinute: r.per_minute, silenceMinutes: r.silence_minutes,
  normalMinutes: r.normal_minutes, classCode: r.class_code, priority: r.priority, createdAt: r.created_at.toISOString() })

const cityOf = (p: Principal) => {
  if (!p.cityCode) throw forbidden('sensor rules belong to a city: sign in as a city user').coded('auth.role_forbidden', { role: p.role })
  return p.cityCode
}

export async function listRules(db: Knex, p: Principal) {
  const rows = await db('sensor_rule').where({ city_code: cityOf(p), active: true }).orderBy('id').select<Row[]>('*')
  const kinds = await db('sensor_kind').orderBy('code').select('code', 'name', 'unit')
  return { kinds, items: rows.map(view) }
}

export async function createRule(db: Knex, p: Principal, b: z.output<typeof ruleBody>) {
  if (!await db('sensor_kind').where('code', b.kind).first()) throw fieldError('kind', `not a device kind of the register`)
  if (!await db('event_class').where('code', b.classCode).first()) throw fieldError('classCode', `no event class ${b.classCode}`)
  const [r] = await db('sensor_rule').insert({
    city_code: cityOf(p), name: b.name, kind: b.kind, rule: b.rule, high: b.high ?? null, low: b.low ?? null, per_minute: b.perMinute ?? null,
    silence_minutes: b.silenceMinutes ?? null, normal_minutes: b.normalMinutes, class_code: b.classCode, priority: b.priority, created_by: p.userId,
  }).returning('*') as Row[]
  forgetRules(db)
  return view(r!)
}

export async function listIncidents(db: Knex, p: Principal, q: z.output<typeof incidentQuery>) {
  const qb = db('sensor_incident as i').join('sensor_rule as r', 'r.id', 'i.rule_id').join('sta_datastream as d', 'd.id', 'i.datastream_id')
    .whereRaw('i.admin_code LIKE ANY (?::text[])', [p.jurisdiction.patterns]).orderBy('i.opened_at', 'desc').limit(q.limit)
    .join('sta_thing as t', 't.id', 'd.thing_id').join('sensor_kind as k', 'k.code', 't.kind')
    // where the Thing stands now: the panel locates an alarm on the map
    .joinRaw('LEFT JOIN LATERAL (SELECT ST_X(ST_PointOnSurface(l.geom)) AS lon, ST_Y(ST_PointOnSurface(l.geom)) AS lat FROM sta_thing_location tl ' +
      'JOIN sta_location l ON l.id = tl.location_id WHERE tl.thing_id = t.id ORDER BY l.id DESC LIMIT 1) AS loc ON true')
    .select('i.*', 'r.name as rule_name', 'r.rule', 'r.high', 'r.low', 'r.per_minute', 'r.silence_minutes', 'd.name as datastream_name',
      't.id as thing_id', 't.name as thing_name', 't.kind', 'k.name as kind_name', 'k.unit', 'loc.lon', 'loc.lat')
  if (q.state === 'open') qb.whereNull('i.closed_at')
  if (q.state === 'closed') qb.whereNotNull('i.closed_at')
  const rows = await qb as (Record<string, unknown> & { id: string; rule_id: string; datastream_id: string; opened_at: Date; closed_at: Date | null; normal_since: Date | null; last_abnormal_at: Date })[]
  return {
    items: rows.map((r) => ({
      id: Number(r.id), rule: { id: Number(r.rule_id), name: r.rule_name, kind: r.rule, high: r.high, low: r.low, perMinute: r.per_minute, silenceMinutes: r.silence_minutes },
      thing: { id: Number(r.thing_id), name: r.thing_name, kind: r.kind, kindName: r.kind_name, unit: r.unit, lon: r.lon, lat: r.lat }, datastream: { id: Number(r.datastream_id), name: r.datastream_name },
      adminCode: r.admin_code, openedAt: r.opened_at.toISOString(), lastAbnormalAt: r.last_abnormal_at.toISOString(), normalSince: r.normal_since?.toISOString() ?? null,
      closedAt: r.closed_at?.toISOString() ?? null, crossings: r.crossings, readings: r.readings, eventNumber: r.event_number,
    })),
  }
}
