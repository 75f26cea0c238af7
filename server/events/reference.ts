// Reference data every intake needs (event classes, demand types, channels with the roles that
// may use them, dispatch rules, time limits, calendars): the versions of the configuration in
// force now (config_version, server/config/), kept until the next version starts or a minute
// passes, and dropped at once when any instance writes a version (the database announces it on
// the map change channel, which tiles/changes.ts hands to every registered cache).
import type { Knex } from 'knex'
import { CalendarCache, type Sla, type TimeUnit, type WorkCalendar } from './calendar.ts'
import type { DispatchRule, RuleTarget } from './dispatch.ts'
import type { Role } from '../auth/roles.ts'
import type { ChannelBody, ClassBody, ClassFieldRuleBody, DemandTypeBody, DispatchRuleBody, HardCaseRuleBody, SupervisionRuleBody,
  TimeLimitsBody } from '../config/kinds.ts'
import { sqlFile } from '../db/sql.ts'
import { onMapChanges } from '../../tiles/changes.ts'

export interface EventClass {
  code: string
  name: string
  parentCode: string | null
  limit: { value: number; unit: TimeUnit } | null
  ownerKind: string | null
  industryType: string | null
  responsibility: ClassBody['responsibility']
  /** the configuration version this is (config_version.id) */
  versionId: number
}

export interface Channel { code: string; name: string; autoAccept: boolean; autoDispatch: boolean; roles: readonly Role[]; versionId: number }
export interface DemandType { code: string; name: string; position: number; versionId: number }
export interface SupervisionRule extends SupervisionRuleBody { key: string; versionId: number }
export interface ClassFieldRule extends ClassFieldRuleBody { versionId: number }
export interface HardCaseThresholds extends HardCaseRuleBody { versionId: number }

export interface Reference {
  classes: Map<string, EventClass>
  channels: Map<string, Channel>
  demandTypes: Map<string, DemandType>
  /** rule ids are their version ids */
  rules: DispatchRule[]
  /** by city code ('000000': the national defaults) */
  timeLimits: Map<string, { sla: Sla; versionId: number }>
  supervisionRules: SupervisionRule[]
  /** by small class code: what the class asks in the field (classes without a rule ask nothing) */
  fieldRules: Map<string, ClassFieldRule>
  /** by city code ('000000': the national defaults) */
  hardCaseRules: Map<string, HardCaseThresholds>
}

/** The versions an event was reported under (event.config_versions): later steps use these. */
export interface ConfigPins {
  classes?: number; channels?: number; demand_types?: number; time_limits?: number
  dispatch_rules?: number[]; supervision_rules?: number[]
  class_field_rules?: number; hard_case_rules?: number
}

const TTL_MS = 60_000

interface Row { id: string; kind: string; key: string; body: Record<string, unknown>; next_change: Date | null }

const classOf = (key: string, id: number, b: ClassBody): EventClass => ({
  code: key, name: b.name, parentCode: key.length === 4 ? key.slice(0, 2) : null, ownerKind: b.ownerKind ?? null,
  industryType: b.industryType ?? null, responsibility: b.responsibility ?? [], versionId: id,
  limit: b.limit ? { value: Number(b.limit.value), unit: b.limit.unit } : null,
})
const ruleOf = (id: number, b: DispatchRuleBody): DispatchRule => ({
  id, name: b.name, priority: b.priority, channels: b.channels ?? null, classPrefix: b.classPrefix ?? null,
  demandTypes: b.demandTypes ?? null, areaPrefix: b.areaPrefix ?? null, target: b.target as RuleTarget,
  departmentCode: b.departmentCode ?? null, cityCode: b.cityCode ?? null,
})
export const slaOf = (b: TimeLimitsBody): Sla => ({
  signWorkHours: Number(b.signWorkHours), signRestDayHours: Number(b.signRestDayHours), planHours: Number(b.planHours),
  districtPlanHours: Number(b.districtPlanHours),
  escalateAfterHours: { community: b.escalateAfterHours.community ?? undefined, street: b.escalateAfterHours.street ?? undefined },
  answerHours: Number(b.answerHours), autoCloseGrid: b.autoCloseGrid, appealDays: Number(b.appealDays),
  arrivalRadiusM: Number(b.arrivalRadiusM ?? 50), arrivalInGrid: b.arrivalInGrid ?? false, arrivalRequired: b.arrivalRequired ?? false,
  ...(b.warnShare === undefined ? {} : { warnShare: Number(b.warnShare) }),
})

function build(rows: Row[]): Reference {
  const ref: Reference = { classes: new Map(), channels: new Map(), demandTypes: new Map(), rules: [], timeLimits: new Map(), supervisionRules: [],
    fieldRules: new Map(), hardCaseRules: new Map() }
  for (const r of rows) {
    const id = Number(r.id)
    switch (r.kind) {
      case 'classes': ref.classes.set(r.key, classOf(r.key, id, r.body as ClassBody)); break
      case 'channels': {
        const b = r.body as ChannelBody
        ref.channels.set(r.key, { code: r.key, name: b.name, autoAccept: b.autoAccept, autoDispatch: b.autoDispatch, roles: b.roles, versionId: id })
        break
      }
      case 'demand_types': {
        const b = r.body as DemandTypeBody
        ref.demandTypes.set(r.key, { code: r.key, name: b.name, position: b.position ?? 0, versionId: id })
        break
      }
      case 'dispatch_rules': ref.rules.push(ruleOf(id, r.body as DispatchRuleBody)); break
      case 'time_limits': ref.timeLimits.set(r.key, { sla: slaOf(r.body as TimeLimitsBody), versionId: id }); break
      case 'supervision_rules': ref.supervisionRules.push({ ...(r.body as SupervisionRuleBody), key: r.key, versionId: id }); break
      case 'class_field_rules': ref.fieldRules.set(r.key, { ...(r.body as ClassFieldRuleBody), versionId: id }); break
      case 'hard_case_rules': ref.hardCaseRules.set(r.key, { ...(r.body as HardCaseRuleBody), versionId: id }); break
    }
  }
  return ref
}

async function load(knex: Knex, now: Date): Promise<{ ref: Reference; until: number }> {
  const { rows } = await knex.raw(sqlFile('config/in_force'), { kind: null, at: now }) as { rows: Row[] }
  const next = rows[0]?.next_change ? new Date(rows[0].next_change).getTime() : Infinity
  return { ref: build(rows), until: Math.min(now.getTime() + TTL_MS, next) }
}

// Bumped when a version is written (here or, by notification, in another instance): every
// cached entry of an older generation is stale.
let generation = 0

/** The configuration changed: every cache of it in this process reloads on next use. */
export function configChanged(): void {
  generation++
}

onMapChanges({
  changed(table) {
    if (table === 'config_version') configChanged()
    return 0
  },
  // a lost notification may have been a configuration change
  missed() {
    configChanged()
    return 0
  },
})

interface Entry { generation: number; until: number; ref: Promise<Reference>; calendars: CalendarCache }
const entries = new WeakMap<Knex, Entry>()

function entry(knex: Knex): Entry {
  let e = entries.get(knex)
  if (!e || e.generation !== generation || Date.now() >= e.until) {
    const now = new Date()
    const loaded = load(knex, now)
    // until the load answers, the entry holds for the TTL; then until the next version starts
    const fresh: Entry = { generation, until: now.getTime() + TTL_MS, ref: loaded.then((l) => l.ref), calendars: new CalendarCache(knex, TTL_MS) }
    loaded.then((l) => { fresh.until = l.until }, () => entries.delete(knex))
    entries.set(knex, (e = fresh))
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

// Versions never change their body: kept by id for as long as the database is open (per
// database: ids of two databases, as in tests, name different versions).
const pinnedByDb = new WeakMap<Knex, Map<number, Row>>()

async function versionsById(knex: Knex, ids: number[]): Promise<Map<number, Row>> {
  let pinned = pinnedByDb.get(knex)
  if (!pinned) pinnedByDb.set(knex, (pinned = new Map()))
  const missing = ids.filter((id) => !pinned.has(id))
  if (missing.length) {
    const { rows } = await knex.raw(sqlFile('config/by_ids'), { ids: missing }) as { rows: Row[] }
    for (const r of rows) pinned.set(Number(r.id), r)
  }
  return new Map(ids.filter((id) => pinned.has(id)).map((id) => [id, pinned.get(id)!]))
}

/**
 * The reference and calendar an open event's later steps use: its class, dispatch rules,
 * supervision rules and time limits as they were when it was reported (event.config_versions), over today's for
 * everything else. An event from before versioning (no pins) uses today's.
 */
export async function pinnedReference(knex: Knex, pins: ConfigPins | null, classCode: string, base: Reference, cal: WorkCalendar):
  Promise<{ ref: Reference; cal: WorkCalendar }> {
  if (!pins) return { ref: base, cal }
  const ids = [pins.classes, pins.time_limits, ...(pins.dispatch_rules ?? []), ...(pins.supervision_rules ?? [])]
    .filter((x): x is number => typeof x === 'number')
  const rows = await versionsById(knex, ids)
  const ref: Reference = { ...base, classes: new Map(base.classes) }
  const cls = pins.classes === undefined ? undefined : rows.get(pins.classes)
  if (cls) ref.classes.set(classCode, classOf(classCode, pins.classes!, cls.body as ClassBody))
  if (pins.dispatch_rules) ref.rules = pins.dispatch_rules.flatMap((id) => (rows.has(id) ? [ruleOf(id, rows.get(id)!.body as DispatchRuleBody)] : []))
  if (pins.supervision_rules) {
    ref.supervisionRules = pins.supervision_rules.flatMap((id) => {
      const r = rows.get(id)
      return r ? [{ ...(r.body as SupervisionRuleBody), key: r.key, versionId: id }] : []
    })
  }
  const limits = pins.time_limits === undefined ? undefined : rows.get(pins.time_limits)
  return { ref, cal: limits ? cal.withSla(slaOf(limits.body as TimeLimitsBody)) : cal }
}

/** The version ids in force for an event reported now: what event.config_versions records. */
export function pinsFor(ref: Reference, f: { classCode: string; channel: string; demandType: string; cityCode: string }): ConfigPins {
  const limits = ref.timeLimits.get(f.cityCode.slice(0, 6)) ?? ref.timeLimits.get('000000')
  return {
    classes: ref.classes.get(f.classCode)?.versionId, channels: ref.channels.get(f.channel)?.versionId,
    demand_types: ref.demandTypes.get(f.demandType)?.versionId, time_limits: limits?.versionId,
    dispatch_rules: ref.rules.map((r) => r.id), supervision_rules: ref.supervisionRules.map((r) => r.versionId),
    class_field_rules: ref.fieldRules.get(f.classCode)?.versionId, hard_case_rules: hardCaseRuleOf(ref, f.cityCode)?.versionId,
  }
}

/** A city's 疑难 thresholds in force: its own version, else the national defaults. */
export const hardCaseRuleOf = (ref: Reference, cityCode: string | null): HardCaseThresholds | undefined =>
  (cityCode ? ref.hardCaseRules.get(cityCode.slice(0, 6)) : undefined) ?? ref.hardCaseRules.get('000000')

/** The warning share (预警) of an event's pinned time limits, or null: 0.8 and no notice, as before the field. */
export const warnShareOf = (ref: Reference, cityCode: string): number | null => {
  const limits = ref.timeLimits.get(cityCode.slice(0, 6)) ?? ref.timeLimits.get('000000')
  return limits?.sla.warnShare ?? null
}
