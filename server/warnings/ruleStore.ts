// Warning rules for the API: the effective rules of the caller's city (defaults until tuned), a
// change with optimistic locking (the version read; 409 when stale), and every stored version.
import type { Knex } from 'knex'
import { sqlFile } from '../db/sql.ts'
import { AppError } from '../http/errors.ts'
import { effectiveRules, KIND_NAMES, RUN_EVERY_MINUTES, defaultParams, paramSchemas, type Kind, type Rule } from './rules.ts'
import { toJSONSchema } from 'zod'

export function ruleView(city: string, r: Rule) {
  return {
    cityCode: city, kind: r.kind, kindName: KIND_NAMES[r.kind], enabled: r.enabled, params: r.params, version: r.version,
    isDefault: r.version === 0, defaults: defaultParams(r.kind), runEveryMinutes: RUN_EVERY_MINUTES[r.kind],
    updatedBy: r.updatedBy, updatedAt: r.updatedAt?.toISOString() ?? null,
  }
}

/** JSON Schema of a kind's params (answered with the rules, so a console can build its form). */
export const paramsJsonSchema = (kind: Kind) => {
  const { $schema: _, ...s } = toJSONSchema(paramSchemas[kind], { io: 'input' }) as Record<string, unknown>
  return s
}

export async function listRules(knex: Knex, city: string) {
  return (await effectiveRules(knex, city)).map((r) => ({ ...ruleView(city, r), paramsSchema: paramsJsonSchema(r.kind) }))
}

export interface RuleChange { enabled: boolean; params: Record<string, unknown>; version: number; reason: string }

/** Stores the next version; a version other than the current one is a 409 naming the current. */
export async function updateRule(knex: Knex, city: string, kind: Kind, c: RuleChange, user: number | null, now = new Date()) {
  return knex.transaction(async (trx) => {
    const { rows } = await trx.raw(sqlFile('warnings/rule_update'), {
      city, kind, enabled: c.enabled, params: JSON.stringify(c.params), version: c.version, user, now, reason: c.reason,
    }) as { rows: { version: number }[] }
    const rule = (await effectiveRules(trx, city)).find((r) => r.kind === kind)!
    if (!rows.length) {
      throw new AppError(409, 'stale_version', `warning rule ${kind} is at version ${rule.version}, not ${c.version}: read it again and repeat your change`,
        { errors: [{ field: 'version', message: `stale: the current version is ${rule.version}` }], currentVersion: rule.version })
    }
    return ruleView(city, rule)
  })
}

interface RevisionRow { version: number; enabled: boolean; params: Record<string, unknown>; changed_by: string | null; changed_by_name: string | null; changed_at: Date; reason: string }

/** Every stored version, newest first; version 0 (the defaults) closes the list. */
export async function ruleVersions(knex: Knex, city: string, kind: Kind) {
  const rows = await knex('warning_rule_revision as r').leftJoin('app_user as u', 'u.id', 'r.changed_by')
    .where({ 'r.city_code': city, 'r.kind': kind }).orderBy('r.version', 'desc')
    .select('r.version', 'r.enabled', 'r.params', 'r.changed_by', 'u.display_name as changed_by_name', 'r.changed_at', 'r.reason') as RevisionRow[]
  return {
    cityCode: city, kind, kindName: KIND_NAMES[kind],
    versions: [
      ...rows.map((r) => ({
        version: r.version, enabled: r.enabled, params: r.params, changedBy: r.changed_by === null ? null : Number(r.changed_by),
        changedByName: r.changed_by_name, changedAt: r.changed_at.toISOString(), reason: r.reason,
      })),
      { version: 0, enabled: true, params: defaultParams(kind), changedBy: null, changedByName: null, changedAt: null, reason: '系统默认' },
    ],
  }
}
