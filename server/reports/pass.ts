// The scheduled report pass: for every city, the reports of the periods that ended last
// (yesterday, last ISO week, last month, last year) in every format, generated once. State is the
// table `report`: a period already stored is skipped, and two instances racing store it once
// (primary key, INSERT … ON CONFLICT DO NOTHING). Called from the analytics loop.
import type { Knex } from 'knex'
import { Jurisdiction } from '../db/jurisdiction.ts'
import { PERIOD_KINDS, periodOf, previousPeriod, type Period } from '../analytics/calendarPeriods.ts'
import { reportData } from './content.ts'
import { FORMATS, render } from './render.ts'
import { cityCodes, storeReport, storedFormats } from './store.ts'

export interface ReportPassResult { generated: number; stored: number; skipped: number }

/** The periods whose reports are due at `now`: the last whole day, week, month and year. */
export const duePeriods = (now: Date): Period[] => PERIOD_KINDS.map((k) => previousPeriod(periodOf(k, now)))

export async function runReportPass(knex: Knex, now = new Date()): Promise<ReportPassResult> {
  const out: ReportPassResult = { generated: 0, stored: 0, skipped: 0 }
  for (const city of await cityCodes(knex)) {
    const scope = Jurisdiction.of([city])
    for (const p of duePeriods(now)) {
      const have = await storedFormats(knex, city.slice(0, 6), p)
      const missing = FORMATS.filter((f) => !have.includes(f))
      out.skipped += FORMATS.length - missing.length
      if (missing.length === 0) continue
      const data = await reportData(knex, scope, p, undefined, now)
      for (const f of missing) {
        const r = await render(data, f)
        out.generated++
        if (await storeReport(knex, city.slice(0, 6), p, f, r, now)) out.stored++
      }
    }
  }
  return out
}
