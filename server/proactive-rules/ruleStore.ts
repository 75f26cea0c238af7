// Proactive rules of a city: create, change (optimistic: the version read; 409 when stale),
// delete (kept for its tasks, out of force) and every version with who and why. The row and its
// version are written in one transaction, so the history never misses a change.
import type { Knex } from 'knex'
import { z } from 'zod'
import { AppError, notFound } from '../http/errors.ts'
import type { Principal } from '../auth/users.ts'
import { validate } from '../http/validate.ts'
import { paramSchemas, type RuleKind, type RuleRow } from './rules.ts'

export interface RuleChange { name?: string; params?: Record<string, unknown>; enabled?: boolean; version: number; reason: string }

/** The params of a kind, validated (missing ones take their defaults), the field named `params.<x>`. */
export function paramsOf(kind: RuleKind, raw: unknown): Record<string, unknown> {
  // wrapped so a refusal names params.<field>
  const wrapped = z.object({ params: paramSchemas[kind] as z.ZodType<Record<string, unknown>> })
  return validate(wrapped, { params: raw ?? {} }, `${kind} rule`).params
}

async function recordVersion(trx: Knex.Transaction, r: RuleRow, reason: string, actor: Principal): Promise<void> {
  await trx('proactive_rule_version').insert({
    rule_id: r.id, version: r.version, name: r.name, params: JSON.stringify(r.params), enabled: r.enabled,
    deleted: r.deleted_at !== null, reason, changed_by: actor.userId, changed_by_name: actor.displayName,
  })
}

export async function createRule(knex: Knex, city: string, input: { kind: RuleKind; name: string; params: Record<string, unknown>; enabled: boolean; reason: string },
  actor: Principal): Promise<RuleRow> {
  return knex.transaction(async (trx) => {
    const [row] = await trx('proactive_rule').insert({
      city_code: city, kind: input.kind, name: input.name, params: JSON.stringify(input.params), enabled: input.enabled,
    }).returning('*') as RuleRow[]
    await recordVersion(trx, row!, input.reason, actor)
    return row!
  })
}

/** A rule of the caller's city (deleted ones too when asked); another city's is a 404. */
export async function ruleOf(db: Knex | Knex.Transaction, city: string, id: number, withDeleted = false): Promise<RuleRow> {
  const row = await db('proactive_rule').where({ id, city_code: city })
    .modify((b) => { if (!withDeleted) b.whereNull('deleted_at') }).first() as RuleRow | undefined
  if (!row) throw notFound(`no proactive rule ${id} in your city`).coded('proactive.rule_not_found', { id })
  return row
}

export async function changeRule(knex: Knex, city: string, id: number, c: RuleChange, actor: Principal, remove = false): Promise<RuleRow> {
  return knex.transaction(async (trx) => {
    const current = await trx('proactive_rule').where({ id, city_code: city }).whereNull('deleted_at').forUpdate().first() as RuleRow | undefined
    if (!current) throw notFound(`no proactive rule ${id} in your city`).coded('proactive.rule_not_found', { id })
    if (current.version !== c.version) {
      throw new AppError(409, 'stale_version', `proactive rule ${id} is at version ${current.version}, not ${c.version}: read it again and repeat your change`,
        { errors: [{ field: 'version', message: `stale: the current version is ${current.version}` }], currentVersion: current.version })
        .coded('proactive.stale_version', { field: 'version', current: current.version })
    }
    const params = c.params === undefined ? current.params : paramsOf(current.kind, c.params)
    const [row] = await trx('proactive_rule').where({ id }).update({
      name: c.name ?? current.name, params: JSON.stringify(params), enabled: c.enabled ?? current.enabled,
      version: current.version + 1, updated_at: trx.fn.now(), ...(remove ? { deleted_at: trx.fn.now() } : {}),
    }).returning('*') as RuleRow[]
    await recordVersion(trx, row!, c.reason, actor)
    return row!
  })
}

export async function ruleVersions(knex: Knex, id: number) {
  const rows = await knex('proactive_rule_version').where({ rule_id: id }).orderBy('version', 'desc') as {
    version: number; name: string; params: Record<string, unknown>; enabled: boolean; deleted: boolean; reason: string
    changed_by: string | null; changed_by_name: string | null; changed_at: Date }[]
  return rows.map((v) => ({
    version: v.version, name: v.name, params: v.params, enabled: v.enabled, deleted: v.deleted, reason: v.reason,
    changedBy: { userId: v.changed_by === null ? null : Number(v.changed_by), name: v.changed_by_name }, changedAt: v.changed_at.toISOString(),
  }))
}
