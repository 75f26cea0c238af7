// 超出预测: a warning when a street's count of a class group today has already left the upper 95 %
// bound of its forecast for the whole day (server/analytics/ets.ts, fitted to the HISTORY_DAYS
// before today). Today's count so far is compared with the whole day's bound, so a warning never
// fires on a day that might still end inside it. Raised through the warnings registry
// (warnings/kinds.ts, kind forecast_exceeded, level 3 黄): the list, filter and stream show it like
// the others; stored once per street, class group and day (dedupe key), however often this runs.
// Run by the analytics loop (server/analytics/loop.ts), one instance at a time.
import type { Knex } from 'knex'
import { sqlFile } from '../db/sql.ts'
import { raiseWarnings, registerWarningKind, type RaisedWarning } from '../warnings/kinds.ts'
import { fitEts, forecastEts } from './ets.ts'
import { dayOf, datesFrom, loadWorkdays, plusDays, shanghaiToday } from './forecast.ts'

export const FORECAST_WARNING = 'forecast_exceeded'
export const HISTORY_DAYS = 182
/** Below this many events today, no warning: a sparse series' bound is a fraction of one event. */
export const MIN_COUNT = 3

export function registerForecastWarning(): void {
  registerWarningKind(FORECAST_WARNING, '超出预测')
}

/** Every city's streets × class groups; answers the warnings stored by this run. */
export async function raiseForecastWarnings(knex: Knex, now = new Date()): Promise<number> {
  registerForecastWarning()
  const cities = (await knex('admin_division').where({ level: 'city' }).select('city_code') as { city_code: string }[]).map((r) => r.city_code)
  let stored = 0
  for (const city of cities) stored += await raiseWarnings(knex, city, await forecastCandidates(knex, city, now), now)
  return stored
}

export async function forecastCandidates(knex: Knex, city: string, now: Date): Promise<RaisedWarning[]> {
  const today = shanghaiToday(now)
  const first = plusDays(today, -HISTORY_DAYS)
  const { rows } = await knex.raw(sqlFile('analytics/forecast_street_days'), {
    city, lo: new Date(`${first}T00:00:00+08:00`), hi: now,
  }) as { rows: { street: string; big: string; day: string; n: number }[] }
  const series = new Map<string, Map<string, number>>()
  for (const r of rows) {
    const key = `${r.street}:${r.big}`
    const s = series.get(key) ?? new Map<string, number>()
    s.set(r.day, r.n)
    series.set(key, s)
  }
  const cal = await loadWorkdays(knex, city)
  const past = datesFrom(first, HISTORY_DAYS)
  const pastDays = past.map((d) => dayOf(cal, d))
  const todayDay = dayOf(cal, today)
  const { rows: streets } = await knex.raw(sqlFile('analytics/street_points'), { city }) as { rows: { code: string; name: string; lon: number; lat: number }[] }
  const where = new Map(streets.map((s) => [s.code, s]))
  const classNames = new Map((await knex('event_class').whereRaw('length(code) = 2').select('code', 'name') as { code: string; name: string }[]).map((r) => [r.code, r.name]))
  const out: RaisedWarning[] = []
  for (const [key, s] of series) {
    const observed = s.get(today) ?? 0
    const place = where.get(key.split(':')[0]!)
    if (observed < MIN_COUNT || !place) continue
    const [street, big] = key.split(':') as [string, string]
    const fit = fitEts(past.map((d) => s.get(d) ?? 0), pastDays)
    const [f] = forecastEts(fit, [todayDay])
    if (!f || observed <= f.hi95) continue
    const className = classNames.get(big) ?? big
    out.push({
      kind: FORECAST_WARNING, level: 3, area: street, lon: Number(place.lon), lat: Number(place.lat),
      title: `超出预测：${place.name}「${className}」今日已${observed}件（预测${f.point.toFixed(1)}件，95%上限${f.hi95.toFixed(1)}件）`,
      detail: {
        street, streetName: place.name, classCode: big, className, day: today, dayKind: todayDay.kind, observed,
        point: round(f.point), hi80: round(f.hi80), hi95: round(f.hi95), alpha: fit.alpha, gamma: fit.gamma, historyDays: HISTORY_DAYS,
      },
      dedupeKey: `${street}:${big}:${today}`,
    })
  }
  return out
}

const round = (v: number) => Math.round(v * 100) / 100
