// Forecasts at city scale (gridgov_bench with the demo history of fixtures/history.ts, seeded once
// if missing):
// 1. every community × small class of the city: one scan of the last 365 days, a fit and a 14-day
//    forecast with intervals per series; target ≤ 60 s in all;
// 2. the rolling-origin backtest (8 origins a week apart, 14 days ahead, MASE) of the model against
//    the seasonal naive forecast (which it must beat) and plain exponential smoothing, on the
//    city's daily total and on every community × class group series (mean MASE over the series).
import type { Knex } from 'knex'
import { backtest, fitEts, forecastEts } from '../../server/analytics/ets.ts'
import { dayOf, datesFrom, loadWorkdays, plusDays, shanghaiToday } from '../../server/analytics/forecast.ts'
import { sqlFile } from '../../server/db/sql.ts'
import { CITY_CODE } from '../../fixtures/generate.ts'
import { seedHistory } from '../../fixtures/history.ts'
import type { BenchResult } from './harness.ts'
import { benchDatabase } from './support.ts'

const HISTORY = 365
const BACKTEST_HISTORY = 730
const HORIZON = 14
const MIN_HISTORY_EVENTS = 500_000

export async function benchForecasts(results: BenchResult[]): Promise<void> {
  const { knex } = await benchDatabase('forecasts')
  try {
    await measureForecasts(knex, results)
  } finally {
    await knex.destroy()
  }
}

export async function measureForecasts(knex: Knex, results: BenchResult[], now = new Date()): Promise<void> {
  const today = shanghaiToday(now)
  const from = plusDays(today, -BACKTEST_HISTORY)
  const counted = await knex('event').where('created_at', '>=', new Date(`${from}T00:00:00+08:00`)).count<{ n: string }[]>('* as n')
  if (Number(counted[0]?.n ?? 0) < MIN_HISTORY_EVENTS) {
    process.stderr.write('bench forecasts: seeding the demo history (1,000,000 events over 730 days, once)…\n')
    await seedHistory(knex, { count: 1_000_000 })
  }
  const city = CITY_CODE
  const cal = await loadWorkdays(knex, city)
  const patterns = [`${CITY_CODE.slice(0, 4)}%`]

  // 1. every community × small class
  const t0 = process.hrtime.bigint()
  const first = plusDays(today, -HISTORY)
  const series = await matrix(knex, patterns, first, today)
  const communities = (await knex('admin_division').where({ level: 'community' }).andWhere('code', 'like', patterns[0]!).pluck('code')) as string[]
  const classes = (await knex('event_class').whereRaw('length(code) = 4').pluck('code')) as string[]
  const past = datesFrom(first, HISTORY)
  const pastDays = past.map((d) => dayOf(cal, d))
  const futureDays = datesFrom(today, HORIZON).map((d) => dayOf(cal, d))
  let fitted = 0
  let withEvents = 0
  for (const c of communities) {
    for (const k of classes) {
      const s = series.get(`${c}:${k}`)
      if (s) withEvents++
      const y = past.map((d) => s?.get(d) ?? 0)
      forecastEts(fitEts(y, pastDays), futureDays)
      fitted++
    }
  }
  const allMs = Number(process.hrtime.bigint() - t0) / 1e6
  results.push({
    name: 'forecasts: every community × class of the city', baseline: '60 s budget', subject: `${fitted.toLocaleString('en')} series`,
    metric: 'mean', baselineValue: 60_000, subjectValue: allMs, ratio: 60_000 / allMs, target: '≤ 60 s', met: allMs <= 60_000,
    note: `ms in all: one scan of ${HISTORY} days, ETS(A,N,A) fit + ${HORIZON}-day forecast with 80/95 % intervals per series ` +
      `(${communities.length} communities × ${classes.length} classes, ${withEvents} with events)`,
  })

  // 2. the backtest: the city's daily total, then every community × class group
  const btFirst = plusDays(today, -BACKTEST_HISTORY)
  const btPast = datesFrom(btFirst, BACKTEST_HISTORY)
  const btDays = btPast.map((d) => dayOf(cal, d))
  const long = await matrix(knex, patterns, btFirst, today)
  const total = new Map<string, number>()
  const groups = new Map<string, Map<string, number>>()
  for (const [key, s] of long) {
    const [c, k] = key.split(':') as [string, string]
    const g = groups.get(`${c}:${k.slice(0, 2)}`) ?? new Map<string, number>()
    for (const [d, v] of s) { total.set(d, (total.get(d) ?? 0) + v); g.set(d, (g.get(d) ?? 0) + v) }
    groups.set(`${c}:${k.slice(0, 2)}`, g)
  }
  const opts = { horizon: HORIZON, count: 8, step: 7 }
  const cityBt = backtest(btPast.map((d) => total.get(d) ?? 0), btDays, opts).mase!
  const sums = { model: 0, seasonalNaive: 0, ses: 0 }
  let judged = 0
  let beaten = 0
  for (const g of groups.values()) {
    const m = backtest(btPast.map((d) => g.get(d) ?? 0), btDays, opts).mase
    if (!m) continue
    judged++
    if (m.model < m.seasonalNaive) beaten++
    for (const k of ['model', 'seasonalNaive', 'ses'] as const) sums[k] += m[k]
  }
  const mean = { model: sums.model / judged, seasonalNaive: sums.seasonalNaive / judged, ses: sums.ses / judged }
  const f = (v: number) => v.toFixed(3)
  results.push({
    name: 'forecast backtest: MASE, city daily total', baseline: 'seasonal naive', subject: 'ETS(A,N,A) + calendar',
    metric: 'mean', baselineValue: cityBt.seasonalNaive, subjectValue: cityBt.model, ratio: cityBt.seasonalNaive / cityBt.model,
    target: 'MASE below the seasonal naive', met: cityBt.model < cityBt.seasonalNaive,
    note: `MASE model ${f(cityBt.model)}, seasonal naive ${f(cityBt.seasonalNaive)}, simple exponential smoothing ${f(cityBt.ses)}; ` +
      `8 origins a week apart, ${HORIZON} days ahead, ${BACKTEST_HISTORY} days of history`,
  })
  results.push({
    name: 'forecast backtest: mean MASE, community × class group', baseline: 'seasonal naive', subject: 'ETS(A,N,A) + calendar',
    metric: 'mean', baselineValue: mean.seasonalNaive, subjectValue: mean.model, ratio: mean.seasonalNaive / mean.model,
    target: 'MASE below the seasonal naive', met: mean.model < mean.seasonalNaive,
    note: `mean over ${judged} series: model ${f(mean.model)}, seasonal naive ${f(mean.seasonalNaive)}, simple exponential smoothing ${f(mean.ses)}; ` +
      `the model beats the seasonal naive on ${beaten} of ${judged}`,
  })
}

/** community:class → day → count, from one scan. */
async function matrix(knex: Knex, patterns: string[], first: string, end: string): Promise<Map<string, Map<string, number>>> {
  const { rows } = await knex.raw(sqlFile('analytics/forecast_matrix'), {
    lo: new Date(`${first}T00:00:00+08:00`), hi: new Date(`${end}T00:00:00+08:00`), patterns,
  }) as { rows: { community: string; klass: string; day: string; n: number }[] }
  const out = new Map<string, Map<string, number>>()
  for (const r of rows) {
    const key = `${r.community}:${r.klass}`
    const s = out.get(key) ?? new Map<string, number>()
    s.set(r.day, r.n)
    out.set(key, s)
  }
  return out
}
