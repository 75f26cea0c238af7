// The scheduled assessment: for every rule of every city (its latest version decides which period
// kinds are assessed) and each kind, the last period that ended before `now` is snapshotted once.
// Safe with several instances: writers of a rule are serialised in the database and the first
// snapshot of a period is unique there; an instance that finds it written writes nothing.
import type { Knex } from 'knex'
import { sqlFile } from '../db/sql.ts'
import { periodOf, previousPeriod, type PeriodKind } from '../analytics/calendarPeriods.ts'
import { writeSnapshot } from './snapshots.ts'

export interface AssessmentPassResult { rules: number; written: number; skipped: number }

export async function runAssessmentPass(knex: Knex, now = new Date()): Promise<AssessmentPassResult> {
  const { rows } = await knex.raw(sqlFile('assessment/rule_cities')) as { rows: { city_code: string; code: string; periods: PeriodKind[] }[] }
  const out: AssessmentPassResult = { rules: rows.length, written: 0, skipped: 0 }
  const failed: unknown[] = []
  for (const r of rows) {
    for (const kind of r.periods) {
      const p = previousPeriod(periodOf(kind, now))
      try {
        const made = await writeSnapshot(knex, r.city_code, r.code, p, { userId: null, reason: null }, true, now)
        if (made) out.written++
        else out.skipped++
      } catch (err) {
        // one rule failing must not keep the others from their snapshots; the loop logs the failure
        failed.push(new Error(`assessment ${r.city_code}/${r.code} ${p.label}: ${(err as Error).message}`, { cause: err }))
      }
    }
  }
  if (failed.length > 0) throw new AggregateError(failed, `${failed.length} assessment snapshot(s) failed (${out.written} written)`)
  return out
}
