// The 疑难 rule of a city: the thresholds that make an open event a hard case (passed between
// units N times, overdue by H hours, U units involved). Versioned configuration
// (/api/v1/config/hard-case-rules, key the city code; 000000 the national defaults): an event
// measures against the version in force when it was reported (config_versions.hard_case_rules),
// and PUT /api/v1/hard-cases/rule writes a new version in force at once.
import type { Knex } from 'knex'
import { z } from 'zod'
import type { Principal } from '../auth/users.ts'
import { commitVersion, inForce } from '../config/store.ts'
import type { HardCaseRuleBody } from '../config/kinds.ts'

export interface HardCaseRule { bounces: number; overdueHours: number; units: number; updatedAt: string | null; updatedBy: string | null; reason: string | null
  /** the configuration version (config_version.id) and its item: the city's own, or 000000 */
  version: number | null; key: string | null }

export const DEFAULT_RULE = { bounces: 3, overdueHours: 72, units: 3 } as const

export const ruleBody = z.object({
  bounces: z.number().int().min(1).max(100),
  overdueHours: z.number().int().min(1).max(8760),
  units: z.number().int().min(2).max(50),
  reason: z.string().trim().min(1).max(500),
}).strict()

export async function readRule(db: Knex | Knex.Transaction, cityCode: string | null, at = new Date()): Promise<HardCaseRule> {
  const rows = await inForce(db, 'hard_case_rules', at)
  const city = cityCode?.slice(0, 6)
  const row = rows.find((r) => r.key === city) ?? rows.find((r) => r.key === '000000')
  if (!row) return { ...DEFAULT_RULE, updatedAt: null, updatedBy: null, reason: null, version: null, key: null }
  const b = row.body as HardCaseRuleBody
  return { bounces: b.bounces, overdueHours: b.overdueHours, units: b.units, updatedAt: row.effective_from.toISOString(),
    updatedBy: row.created_by_name, reason: row.reason, version: Number(row.id), key: row.key }
}

/** A new version of the city's rule, in force now (the city's first makes its item). */
export async function writeRule(db: Knex, p: Principal, cityCode: string, body: z.output<typeof ruleBody>): Promise<HardCaseRule> {
  const city = cityCode.slice(0, 6)
  const exists = await db('config_version').where({ kind: 'hard_case_rules', key: city }).first('id')
  const { reason, ...value } = body
  await commitVersion(db, 'hard_case_rules', { key: city, reason, body: value }, p, exists ? 'change' : 'create')
  return readRule(db, city)
}
