// Versions of configuration items: reading (in force at a moment, the whole history) and writing
// a new version. A new version names its effective date, who and why; it may start now or later,
// never in the past (what was in force is history). The open-ended version in force before it
// ends where it starts; any other overlap with a version of the same item is refused, naming
// the field. Identity rows (event_class, event_channel) and the event_sla mirror follow a
// version in force at once, so foreign keys and list views that join them stay true.
import type { Knex } from 'knex'
import { AppError, badRequest, forbidden, notFound } from '../http/errors.ts'
import { sqlFile } from '../db/sql.ts'
import type { Principal } from '../auth/users.ts'
import { configChanged } from '../events/reference.ts'
import { kindsWithEnd, segmentOfKind, type ClassBody, type ChannelBody, type ConfigKind, type TimeLimitsBody } from './kinds.ts'

export interface VersionRow {
  id: string | number; kind: ConfigKind; key: string; effective_from: Date; effective_to: Date | null
  body: Record<string, unknown>; reason: string; created_by: string | number | null; created_by_name: string; created_at: Date
  in_force?: boolean
}

/** Backdating by less than this is "now": the client's clock and ours differ a little. */
const CLOCK_SKEW_MS = 60_000
const HISTORY_LIMIT = 2000

export function versionView(r: VersionRow, now = new Date()) {
  const inForce = r.in_force ?? (r.effective_from <= now && (r.effective_to === null || r.effective_to > now))
  return {
    id: Number(r.id), kind: r.kind, key: r.key,
    effectiveFrom: r.effective_from.toISOString(), effectiveTo: r.effective_to?.toISOString() ?? null, inForce,
    value: r.body, reason: r.reason,
    createdBy: { userId: r.created_by === null ? null : Number(r.created_by), name: r.created_by_name },
    createdAt: r.created_at.toISOString(),
    href: `/api/v1/config/${segmentOfKind[r.kind]}/${encodeURIComponent(r.key)}`,
  }
}

export async function inForce(knex: Knex, kind: ConfigKind | null, at: Date): Promise<VersionRow[]> {
  const { rows } = await knex.raw(sqlFile('config/in_force'), { kind, at }) as { rows: VersionRow[] }
  return rows
}

export async function versions(knex: Knex, kind: ConfigKind, key: string | null, now = new Date()): Promise<VersionRow[]> {
  const { rows } = await knex.raw(sqlFile('config/versions'), { kind, key, now, limit: HISTORY_LIMIT }) as { rows: VersionRow[] }
  return rows
}

export interface NewVersion {
  key: string
  effectiveFrom?: Date
  effectiveTo?: Date
  reason: string
  body: Record<string, unknown>
}

/** 'create': a new item (its key must be new); 'change': a new version of an item that exists. */
export async function writeVersion(trx: Knex.Transaction, kind: ConfigKind, v: NewVersion, actor: Principal,
  mode: 'create' | 'change'): Promise<VersionRow> {
  const now = new Date()
  const keyField = kind === 'classes' ? 'code' : 'key'
  const from = v.effectiveFrom ?? now
  if (from.getTime() < now.getTime() - CLOCK_SKEW_MS) {
    throw badRequest(`effectiveFrom ${from.toISOString()} lies in the past: a version starts now or later`)
      .coded('config.effective_in_past', { field: 'effectiveFrom', at: from.toISOString() })
  }
  if (v.effectiveTo && !kindsWithEnd.has(kind)) {
    throw badRequest(`effectiveTo: a ${kind} item is replaced by its next version, it does not end by itself`)
      .coded('config.no_end_for_kind', { field: 'effectiveTo', kind })
  }
  if (v.effectiveTo && v.effectiveTo <= from) {
    throw badRequest('effectiveTo must be after effectiveFrom').coded('config.end_before_start', { field: 'effectiveTo' })
  }
  if (kind === 'time_limits' || kind === 'hard_case_rules') cityRuleAllowed(actor, kind, v.key)
  // one writer per item at a time: the overlap check and the insert must see the same history
  await trx.raw('SELECT pg_advisory_xact_lock(hashtext(?))', [`config:${kind}:${v.key}`])
  const existing = await trx('config_version').where({ kind, key: v.key }).orderBy('effective_from') as VersionRow[]
  if (mode === 'create' && existing.length) {
    throw new AppError(409, 'conflict', `${keyField} ${v.key} already exists in ${kind}: change it with POST /api/v1/config/${segmentOfKind[kind]}/${v.key}/versions`)
      .coded('config.duplicate_key', { field: keyField, key: v.key })
  }
  if (mode === 'change' && !existing.length) {
    throw notFound(`no ${kind} item ${v.key}`).coded('config.not_found', { key: v.key })
  }
  const to = v.effectiveTo ?? null
  let superseded: VersionRow | undefined
  for (const e of existing) {
    const open = e.effective_to === null
    if (open && e.effective_from < from && e === existing.at(-1)) { superseded = e; continue }
    const overlaps = e.effective_from < (to ?? new Date(8.64e15)) && (e.effective_to ?? new Date(8.64e15)) > from
    if (overlaps) {
      const field = to && e.effective_from >= from ? 'effectiveTo' : 'effectiveFrom'
      throw new AppError(409, 'conflict', `${field}: the version would overlap version ${e.id} of ${v.key} ` +
        `(${e.effective_from.toISOString()} – ${e.effective_to?.toISOString() ?? 'open'})`,
      { conflictsWith: Number(e.id) })
        .coded('config.overlap', { field, key: v.key, version: Number(e.id), from: e.effective_from.toISOString(), to: e.effective_to?.toISOString() ?? null })
    }
  }
  if (superseded) await trx('config_version').where('id', superseded.id).update({ effective_to: from })
  const [row] = await trx('config_version').insert({
    kind, key: v.key, effective_from: from, effective_to: to, body: JSON.stringify(v.body), reason: v.reason,
    created_by: actor.userId, created_by_name: actor.displayName,
  }).returning('*') as VersionRow[]
  await identityRows(trx, kind, v.key, v.body, mode, from <= now)
  return row!
}

/** A city's command centre writes its own city's time limits and 疑难 rule; the national defaults change by migration. */
function cityRuleAllowed(actor: Principal, kind: ConfigKind, key: string): void {
  if (key === '000000') throw forbidden(`the national ${kind} are changed by migration, not by a city`).coded('config.national_time_limits')
  const city = actor.cityCode?.slice(0, 6)
  if (city !== key) throw forbidden(`you may change the ${kind} of your own city (${city ?? 'none'}) only`).coded('config.other_city', { key })
}

async function identityRows(trx: Knex.Transaction, kind: ConfigKind, key: string, body: Record<string, unknown>,
  mode: 'create' | 'change', now: boolean): Promise<void> {
  if (kind === 'classes') {
    const b = body as ClassBody
    if (b.industryType && !(await trx('industry_type').where('code', b.industryType).first('code'))) {
      throw badRequest(`industryType ${b.industryType} is no industry grid type`).coded('config.unknown_industry', { field: 'industryType', value: b.industryType })
    }
    const parent = key.length === 4 ? key.slice(0, 2) : null
    if (parent && !(await trx('event_class').where('code', parent).first('code'))) {
      throw badRequest(`code ${key}: its big class ${parent} is not configured; create it first`).coded('config.no_big_class', { field: 'code', parent })
    }
    if (key.length === 2 && b.limit) throw badRequest('limit: a big (2-digit) class carries no time limit').coded('config.big_class_limit', { field: 'limit' })
    const row = {
      name: b.name, domain: b.domain, industry_type: b.industryType, filing_condition: b.filingCondition ?? null,
      closure_condition: b.closureCondition ?? null, time_limit_value: b.limit?.value ?? null, time_limit_unit: b.limit?.unit ?? null,
      owner_department_code: b.ownerKind,
    }
    if (mode === 'create') await trx('event_class').insert({ code: key, parent_code: parent, ...row })
    else if (now) await trx('event_class').where('code', key).update(row)
  } else if (kind === 'class_field_rules') {
    // a rule for a class that is not configured would never apply: refuse it
    if (!(await trx('event_class').where('code', key).first('code'))) {
      throw badRequest(`key ${key}: no such event class; create the class first`, { errors: [{ field: 'key', message: 'no such event class' }] })
        .coded('config.no_class', { field: 'key', code: key })
    }
  } else if (kind === 'channels') {
    const b = body as ChannelBody
    const row = { name: b.name, auto_accept: b.autoAccept, auto_dispatch: b.autoDispatch }
    if (mode === 'create') await trx('event_channel').insert({ code: key, ...row })
    else if (now) await trx('event_channel').where('code', key).update(row)
  } else if (kind === 'time_limits' && now) {
    const b = body as TimeLimitsBody
    await trx('event_sla').insert({
      city_code: key, sign_work_hours: b.signWorkHours, sign_rest_day_hours: b.signRestDayHours, plan_hours: b.planHours,
      district_plan_hours: b.districtPlanHours, escalate_community_hours: b.escalateAfterHours.community ?? null,
      escalate_street_hours: b.escalateAfterHours.street ?? null, answer_hours: b.answerHours, auto_close_grid: b.autoCloseGrid,
      appeal_days: b.appealDays, arrival_radius_m: b.arrivalRadiusM, arrival_in_grid: b.arrivalInGrid,
      arrival_required: b.arrivalRequired, updated_at: new Date(), updated_by: null,
    }).onConflict('city_code').merge()
  }
}

/** Writes a version in its own transaction and drops this instance's cache (others hear the notification). */
export async function commitVersion(knex: Knex, kind: ConfigKind, v: NewVersion, actor: Principal, mode: 'create' | 'change'): Promise<VersionRow> {
  const row = await knex.transaction((trx) => writeVersion(trx, kind, v, actor, mode))
  configChanged()
  return row
}
