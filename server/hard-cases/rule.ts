// The 疑难 rule of a city: the thresholds that make an open event a hard case (passed between
// units N times, overdue by H hours, U units involved). One row per city, changed by the centre
// with a reason; a city without a row has the defaults.
import type { Knex } from 'knex'
import { z } from 'zod'
import type { Principal } from '../auth/users.ts'

export interface HardCaseRule { bounces: number; overdueHours: number; units: number; updatedAt: string | null; updatedBy: string | null; reason: string | null }

export const DEFAULT_RULE = { bounces: 3, overdueHours: 72, units: 3 } as const

export const ruleBody = z.object({
  bounces: z.number().int().min(1).max(100),
  overdueHours: z.number().int().min(1).max(8760),
  units: z.number().int().min(2).max(50),
  reason: z.string().trim().min(1).max(2000),
}).strict()

export async function readRule(db: Knex | Knex.Transaction, cityCode: string | null): Promise<HardCaseRule> {
  const row = cityCode === null ? undefined : await db('hard_case_rule as r').leftJoin('app_user as u', 'u.id', 'r.updated_by')
    .where('r.city_code', cityCode).first('r.bounces', 'r.overdue_hours', 'r.units', 'r.updated_at', 'r.reason', 'u.display_name')
  if (!row) return { ...DEFAULT_RULE, updatedAt: null, updatedBy: null, reason: null }
  return { bounces: row.bounces, overdueHours: row.overdue_hours, units: row.units, updatedAt: row.updated_at.toISOString(), updatedBy: row.display_name ?? null, reason: row.reason }
}

export async function writeRule(db: Knex, p: Principal, cityCode: string, body: z.output<typeof ruleBody>, now = new Date()): Promise<HardCaseRule> {
  await db('hard_case_rule').insert({ city_code: cityCode, bounces: body.bounces, overdue_hours: body.overdueHours, units: body.units,
    updated_by: p.userId, reason: body.reason, updated_at: now }).onConflict('city_code').merge()
  return readRule(db, cityCode)
}
