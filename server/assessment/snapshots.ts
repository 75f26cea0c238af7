// Assessment snapshots (考核快照): the ranking of one closed period under the rule version in
// force on its first day, stored once and never changed. A recalculation writes a new snapshot
// that supersedes the current one and says why; the chain stays readable.
import type { Knex } from 'knex'
import { sqlFile } from '../db/sql.ts'
import { Jurisdiction } from '../db/jurisdiction.ts'
import { AppError } from '../http/errors.ts'
import type { Principal } from '../auth/users.ts'
import { indicators, UNASSIGNED, type Unit } from '../analytics/indicators.ts'
import type { Period, PeriodKind } from '../analytics/calendarPeriods.ts'
import { civilDay, isoDate } from '../analytics/periods.ts'
import { lockRule, ruleInForce, type RuleVersion } from './rules.ts'
import { rankUnits, type UnitInput, type UnitScore } from './score.ts'
import { extraRates } from './extraRates.ts'

export interface Snapshot {
  id: number
  rule: { code: string; version: number }
  period: { kind: PeriodKind; label: string; from: string; to: string }
  unit: Unit
  computedAt: string
  /** null: written by the scheduler */
  computedBy: number | null
  supersedes: number | null
  supersededBy: number | null
  reason: string | null
  rows: UnitScore[]
}
interface SnapshotRow {
  id: number; rule_code: string; rule_version: number; period_kind: PeriodKind; period_label: string; period_from: Date; period_to: Date
  unit: Unit; computed_at: Date; computed_by: number | null; supersedes: number | null; superseded_by: number | null; reason: string | null
  rows: UnitScore[]
}

const iso = (d: Date) => new Date(d).toISOString()
const toSnapshot = (r: SnapshotRow): Snapshot => ({
  id: r.id, rule: { code: r.rule_code, version: r.rule_version },
  period: { kind: r.period_kind, label: r.period_label, from: iso(r.period_from), to: iso(r.period_to) },
  unit: r.unit, computedAt: iso(r.computed_at), computedBy: r.computed_by, supersedes: r.supersedes,
  supersededBy: r.superseded_by, reason: r.reason, rows: r.rows,
})

/** The first day of a period, as rule versions name days. */
export const firstDayOf = (p: Period) => isoDate(civilDay(p.from))

/** Every unit of the rule's kind in the city, scored from the indicators of the period and ranked. */
export async function computeRows(knex: Knex, city: string, rule: RuleVersion, p: Period): Promise<UnitScore[]> {
  const out = await indicators(knex, Jurisdiction.of([`${city}000000`]), { from: p.from, to: p.to }, rule.unit)
  const { rows: known } = await knex.raw(sqlFile('assessment/units'), { city, unit: rule.unit }) as { rows: { key: string; name: string; area: string }[] }
  const units = new Map<string, UnitInput>(known.map((u) => [u.key, { key: u.key, name: u.name, area: u.area, rates: null }]))
  const extra = await extraRates(knex, city, rule.unit, p, rule.items.map((i) => i.indicator))
  for (const r of out.units ?? []) {
    // events with no assignee department are no unit to rank
    if (r.key === UNASSIGNED) continue
    const u = units.get(r.key)
    units.set(r.key, { key: r.key, name: u?.name ?? r.name, area: u?.area ?? (rule.unit === 'department' ? null : r.key), rates: { ...r.rates, ...extra.get(r.key) } })
  }
  return rankUnits(rule.items, [...units.values()])
}

export interface Who { userId: number | null; reason: string | null }

const conflict = (field: string, message: string) =>
  new AppError(409, 'conflict', `${field}: ${message}`, { errors: [{ field, message }] })

/**
 * Computes and stores a snapshot of `p` under the version in force on its first day.
 * firstOnly (the scheduler): nothing is written when the period has a snapshot already, and null
 * is returned. Otherwise (a request) an existing snapshot is superseded, which needs a reason.
 * Writers of one rule are serialised by a transaction lock; the partial unique index keeps a
 * second first snapshot out even so.
 */
export async function writeSnapshot(knex: Knex, city: string, code: string, p: Period, who: Who, firstOnly: boolean,
  now = new Date()): Promise<Snapshot | null> {
  return knex.transaction(async (trx) => {
    await lockRule(trx, city, code)
    const rule = await ruleInForce(trx, city, code, firstDayOf(p))
    if (!rule) {
      if (firstOnly) return null
      throw conflict('period', `rule ${code} has no version in force on ${firstDayOf(p)}`)
    }
    if (!rule.periods.includes(p.kind)) {
      if (firstOnly) return null
      throw new AppError(400, 'validation_failed', `invalid request body: kind: version ${rule.version} of ${code} assesses ${rule.periods.join(', ')}`,
        { errors: [{ field: 'kind', message: `version ${rule.version} of rule ${code} (in force on ${firstDayOf(p)}) assesses ${rule.periods.join(', ')} periods` }] })
    }
    const { rows: [current] } = await trx.raw(sqlFile('assessment/snapshot_current_of'), { city, code, kind: p.kind, label: p.label }) as { rows: { id: number }[] }
    if (current && firstOnly) return null
    if (current && !who.reason) {
      throw new AppError(400, 'validation_failed', `invalid request body: reason: a recalculation of ${p.label} must say why`,
        { errors: [{ field: 'reason', message: `required: ${p.label} has a snapshot (${current.id}) and a recalculation supersedes it` }] })
    }
    const rows = await computeRows(trx, city, rule, p)
    const { rows: [made] } = await trx.raw(sqlFile('assessment/snapshot_insert'), {
      city, code, version: rule.version, kind: p.kind, label: p.label, from: p.from, to: p.to, unit: rule.unit, computedAt: now,
      computedBy: who.userId, supersedes: current?.id ?? null, reason: who.reason, rows: JSON.stringify(rows),
    }) as { rows: { id: number }[] }
    if (!made) {
      if (firstOnly) return null
      throw conflict('period', `${p.label} was assessed meanwhile; reload and try again`)
    }
    return (await readChain(trx, city, made.id))[0]!
  })
}

/** A snapshot (any, current or superseded) and the snapshots it superseded, newest first. */
export async function readChain(knex: Knex, city: string, id: number): Promise<Snapshot[]> {
  const { rows } = await knex.raw(sqlFile('assessment/snapshot_chain'), { city, id }) as { rows: SnapshotRow[] }
  return rows.map(toSnapshot)
}

export interface SnapshotFilter { code: string | null; kind: PeriodKind | null; label: string | null; limit: number }

export async function currentSnapshots(knex: Knex, city: string, f: SnapshotFilter): Promise<Snapshot[]> {
  const { rows } = await knex.raw(sqlFile('assessment/snapshots_current'), { city, ...f }) as { rows: SnapshotRow[] }
  return rows.map(toSnapshot)
}

/**
 * The rows a caller may read, ranks unchanged (they are the city's): command centre and analysts
 * see all; department staff their own department; others the units inside their jurisdiction.
 */
export function visibleRows(p: Principal, s: Snapshot): UnitScore[] {
  if (p.role === 'command_center' || p.role === 'gis_analyst') return s.rows
  if (p.role === 'department' && s.unit === 'department') return s.rows.filter((r) => p.departmentId !== null && r.key === String(p.departmentId))
  return s.rows.filter((r) => r.area !== null && p.jurisdiction.covers(r.area))
}
