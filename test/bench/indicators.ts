// Indicators of a whole month (and a whole year) for the whole city (issue 11, Speed: ≤ 1/10 of
// computing them from the event rows each time). Subject: indicators() reading the period
// roll-ups the triggers of migration 0021 keep (folded rows plus pending deltas). Baseline: the
// same call forced to read the event rows (`source: 'rows'`, the query any other window uses).
// Both answer the same document (checked every round). The city-scale bench database with the
// demo history of 1,000,000 events over two years (benchHistory: loaded once, then kept).
import { expect } from 'chai'
import { benchDatabase, median, timed } from './support.ts'
import { benchHistory } from './event-imports.ts'
import type { BenchResult } from './harness.ts'
import { Jurisdiction } from '../../server/db/jurisdiction.ts'
import { indicators, type Source } from '../../server/analytics/indicators.ts'
import { parsePeriod } from '../../server/analytics/calendarPeriods.ts'

const ROUNDS = 5
const CITY = Jurisdiction.of(['990100000000'])

export async function benchIndicators(results: BenchResult[]): Promise<void> {
  const { knex } = await benchDatabase('indicators')
  try {
    const events = Number((await knex('event').count({ n: '*' }))[0]!.n)
    if (events < 1_000_000) {
      const loaded = await timed(() => benchHistory(knex))
      process.stderr.write(`bench indicators: demo history loaded in ${loaded.toFixed(0)} s\n`)
      await knex.raw('ANALYZE')
    }
    await knex.raw('SELECT indicator_compact()')
    const stats = (await knex.raw(`SELECT (SELECT count(*) FROM event) AS events,
      (SELECT count(*) FROM indicator_rollup WHERE kind = 'm') AS month_rows, (SELECT count(*) FROM indicator_rollup) AS all_rows`)).rows[0]
    for (const [kind, label, unit] of [['monthly', '2026-10', 'street'], ['annual', '2025', 'street']] as const) {
      const p = parsePeriod(kind, label)
      const f = { from: p.from, to: p.to }
      const run = (source: Source) => indicators(knex, CITY, f, unit, { source })
      expect(await run('auto')).to.deep.equal(await run('rows')) // the same answer (and a warm-up)
      const b: number[] = [], s: number[] = []
      let total = 0
      for (let i = 0; i < ROUNDS; i++) {
        b.push(await timed(() => run('rows')))
        s.push(await timed(async () => { total = (await run('auto')).counts.total }))
      }
      const [bv, sv] = [median(b) * 1000, median(s) * 1000]
      results.push({
        name: `indicators of ${label} for the city, by ${unit}`, baseline: 'from the event rows each time', subject: 'period roll-ups (0021)',
        metric: 'p50', baselineValue: bv, subjectValue: sv, ratio: bv / sv, target: '≥ 10× (≤ 1/10 the time)', met: bv / sv >= 10,
        note: `ms per answer (counts, rates, breakdowns, units, 同比 and 环比), median of ${ROUNDS} interleaved rounds; ${total.toLocaleString('en')} events in the period, ` +
          `${Number(stats.events).toLocaleString('en')} in all; roll-ups: ${Number(stats.month_rows).toLocaleString('en')} month rows, ${Number(stats.all_rows).toLocaleString('en')} in all`,
      })
    }
  } finally {
    await knex.destroy()
  }
}
