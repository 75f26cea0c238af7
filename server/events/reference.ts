// Reference data every intake needs (event classes, channels, dispatch rules, calendars), read
// from the database and kept for a minute: small tables, read on every request, edited rarely.
import type { Knex } from 'knex'
import { CalendarCache, type TimeUnit } from './calendar.ts'
import type { DispatchRule, RuleTarget } from './dispatch.ts'

export interface EventClass {
  code: string
  name: string
  parentCode: string | null
  limit: { value: number; unit: TimeUnit } | null
  ownerKind: string | null
}

export interface Channel { code: string; name: string; autoAccept: boolean; autoDispatch: boolean }

export interface Reference {
  classes: Map<string, EventClass>
  channels: Map<string, Channel>
  rules: DispatchRule[]
}

const TTL_MS = 60_000

async function load(knex: Knex): Promise<Reference> {
  // one after the other: knex may be a transaction (one connection), and this runs once a minute
  const classRows = await knex('event_class').select('code', 'name', 'parent_code', 'time_limit_value', 'time_limit_unit', 'owner_department_code')
  const channelRows = await knex('event_channel').select('code', 'name', 'auto_accept', 'auto_dispatch')
  const ruleRows = await knex('dispatch_rule').where('enabled', true).select('*')
  const classes = new Map<string, EventClass>(classRows.map((r) => [r.code, {
    code: r.code, name: r.name, parentCode: r.parent_code, ownerKind: r.owner_department_code,
    limit: r.time_limit_value === null ? null : { value: Number(r.time_limit_value), unit: r.time_limit_unit as TimeUnit },
  }]))
  const channels = new Map<string, Channel>(channelRows.map((r) => [r.code, {
    code: r.code, name: r.name, autoAccept: r.auto_accept, autoDispatch: r.auto_dispatch,
  }]))
  const rules: DispatchRule[] = ruleRows.map((r) => ({
    id: r.id, name: r.name, priority: r.priority, channels: r.channels, classPrefix: r.class_prefix,
    demandTypes: r.demand_types, areaPrefix: r.area_prefix, target: r.target as RuleTarget,
    departmentCode: r.department_code, cityCode: r.city_code,
  }))
  return { classes, channels, rules }
}

interface Entry { at: number; ref: Promise<Reference>; calendars: CalendarCache }
const entries = new WeakMap<Knex, Entry>()

function entry(knex: Knex): Entry {
  let e = entries.get(knex)
  if (!e || Date.now() - e.at > TTL_MS) {
    const ref = load(knex)
    e = { at: Date.now(), ref, calendars: e?.calendars ?? new CalendarCache(knex, TTL_MS) }
    ref.catch(() => entries.delete(knex))
    entries.set(knex, e)
  }
  return e
}

export function reference(knex: Knex): Promise<Reference> {
  return entry(knex).ref
}

export function calendars(knex: Knex): CalendarCache {
  return entry(knex).calendars
}

/** Forget cached reference data (tests that edit rules or calendars). */
export function invalidateReference(knex: Knex): void {
  entries.delete(knex)
}
