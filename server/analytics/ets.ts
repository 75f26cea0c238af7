// Daily demand forecasts: additive Holt-Winters with a weekly season (ETS(A,N,A), Hyndman et al.,
// "Forecasting with Exponential Smoothing", 2008, class 1 variances) on counts adjusted for the
// working calendar, and the two benchmarks it is judged against: the seasonal naive forecast and
// plain (simple) exponential smoothing. Pure functions over plain arrays, so the backtest, the
// API, the warning and the bench share one implementation.
//
// Calendar adjustment: each day is a workday, a weekend day, a holiday or a 调休 make-up workday
// (a weekend day worked). A day kind's factor is its mean count over the workdays' mean, shrunk
// towards a prior (1; a holiday: the weekend's factor) by PRIOR_DAYS pseudo-days (a year has only ~30 holidays and ~6 make-up
// days). The model smooths count / factor; a forecast multiplies back by the day's factor. The
// weekly season still carries what differs between weekdays (Monday backlogs, Friday lulls).
//
// Parameters α (level) and γ (season) are chosen from a fixed grid by the in-sample one-step
// squared error after a two-week burn-in. Intervals are the model's analytic ones, scaled by the
// day's factor and cut at 0: counts cannot be negative.

export type DayKind = 'workday' | 'weekend' | 'holiday' | 'makeup'
export const DAY_KINDS: readonly DayKind[] = ['workday', 'weekend', 'holiday', 'makeup']
export const SEASON = 7
const BURN_IN = 2 * SEASON
const PRIOR_DAYS = 5
const ALPHAS = [0.01, 0.02, 0.05, 0.1, 0.15, 0.2, 0.3, 0.5]
const GAMMAS = [0, 0.01, 0.02, 0.05, 0.1, 0.2]
/** Two-sided standard normal quantiles of the 80 % and 95 % intervals. */
export const Z80 = 1.2815515655446004
export const Z95 = 1.959963984540054

/** A day of the series: its count (history) and its calendar facts. */
export interface Day { kind: DayKind; weekday: number }

export interface EtsFit {
  alpha: number
  gamma: number
  /** standard deviation of the one-step errors of the adjusted series */
  sigma: number
  level: number
  /** season by weekday (0 Sunday … 6 Saturday), summing to 0 */
  season: number[]
  factors: Record<DayKind, number>
  /** days of history fitted */
  n: number
}

export interface ForecastPoint { point: number; lo80: number; hi80: number; lo95: number; hi95: number }

/** Per day kind: mean count / mean workday count, shrunk towards 1 (all 1 when workdays have no events). */
export function calendarFactors(y: readonly number[], days: readonly Day[]): Record<DayKind, number> {
  const sum = { workday: 0, weekend: 0, holiday: 0, makeup: 0 }
  const n = { workday: 0, weekend: 0, holiday: 0, makeup: 0 }
  y.forEach((v, i) => { const k = days[i]!.kind; sum[k] += v; n[k]++ })
  const base = n.workday ? sum.workday / n.workday : 0
  const out = { workday: 1, weekend: 1, holiday: 1, makeup: 1 }
  if (base <= 0) return out
  const shrunk = (k: DayKind, prior: number) => (sum[k] + PRIOR_DAYS * prior * base) / ((n[k] + PRIOR_DAYS) * base)
  // a make-up day is a workday in all but the weekday; a holiday leans on the weekend's factor
  out.weekend = shrunk('weekend', 1)
  out.makeup = shrunk('makeup', 1)
  out.holiday = shrunk('holiday', out.weekend)
  return out
}

interface Run { sse: number; count: number; level: number; season: number[] }

/** The initial state: the mean of the first two weeks, the weekday means around it. */
function initial(x: readonly number[], days: readonly Day[]): { level: number; season: number[] } {
  const m = Math.min(BURN_IN, x.length)
  const season = new Array<number>(SEASON).fill(0)
  const seen = new Array<number>(SEASON).fill(0)
  let level = 0
  for (let i = 0; i < m; i++) { level += x[i]!; season[days[i]!.weekday]! += x[i]!; seen[days[i]!.weekday]!++ }
  level = m ? level / m : 0
  for (let j = 0; j < SEASON; j++) season[j] = seen[j] ? season[j]! / seen[j]! - level : 0
  const mean = season.reduce((a, b) => a + b, 0) / SEASON
  return { level, season: season.map((s) => s - mean) }
}

/** One pass of the error-correction recursion: ℓ += αe, s[weekday] += γe. */
function run(x: readonly number[], days: readonly Day[], alpha: number, gamma: number): Run {
  const start = initial(x, days)
  let level = start.level
  const season = start.season
  let sse = 0
  let count = 0
  for (let i = 0; i < x.length; i++) {
    const w = days[i]!.weekday
    const e = x[i]! - (level + season[w]!)
    if (i >= BURN_IN) { sse += e * e; count++ }
    level += alpha * e
    season[w]! += gamma * e
  }
  return { sse, count, level, season }
}

/** Fits the calendar-adjusted weekly Holt-Winters model to a history (at least one day). */
export function fitEts(y: readonly number[], days: readonly Day[]): EtsFit {
  if (y.length !== days.length || y.length === 0) throw new Error('fitEts: one calendar day per count, at least one')
  const factors = calendarFactors(y, days)
  const x = y.map((v, i) => v / factors[days[i]!.kind])
  let best: (Run & { alpha: number; gamma: number }) | undefined
  for (const alpha of ALPHAS) {
    for (const gamma of GAMMAS) {
      if (gamma > 1 - alpha) continue
      const r = run(x, days, alpha, gamma)
      if (!best || r.sse < best.sse - 1e-12) best = { ...r, alpha, gamma }
    }
  }
  const b = best!
  return { alpha: b.alpha, gamma: b.gamma, sigma: b.count ? Math.sqrt(b.sse / b.count) : 0, level: b.level, season: b.season, factors, n: y.length }
}

/** The forecast of the days after the history (h = 1, 2, …), with 80 % and 95 % intervals. */
export function forecastEts(fit: EtsFit, future: readonly Day[]): ForecastPoint[] {
  return future.map((d, i) => {
    const h = i + 1
    const k = Math.floor((h - 1) / SEASON)
    const variance = fit.sigma ** 2 * (1 + (h - 1) * fit.alpha ** 2 + k * fit.gamma * (2 * fit.alpha + fit.gamma))
    const f = fit.factors[d.kind]
    const mean = fit.level + fit.season[d.weekday]!
    const sd = Math.sqrt(variance)
    const at = (z: number) => Math.max(0, f * (mean + z * sd))
    return { point: Math.max(0, f * mean), lo80: at(-Z80), hi80: at(Z80), lo95: at(-Z95), hi95: at(Z95) }
  })
}

/** Seasonal naive: the count of the same weekday in the last week of the history. */
export function seasonalNaive(y: readonly number[], horizon: number): number[] {
  if (y.length < SEASON) throw new Error('seasonalNaive: needs a full season of history')
  return Array.from({ length: horizon }, (_, i) => y[y.length - SEASON + (i % SEASON)]!)
}

/** Simple exponential smoothing, α from the same grid by one-step squared error: a flat forecast. */
export function sesForecast(y: readonly number[], horizon: number): number[] {
  let bestLevel = 0
  let bestSse = Infinity
  for (const alpha of ALPHAS) {
    let level = y[0] ?? 0
    let sse = 0
    for (let i = 1; i < y.length; i++) {
      const e = y[i]! - level
      if (i >= BURN_IN) sse += e * e
      level += alpha * e
    }
    if (sse < bestSse - 1e-12) { bestSse = sse; bestLevel = level }
  }
  return new Array<number>(horizon).fill(bestLevel)
}

/** The in-sample scale of MASE: the mean absolute one-season difference (null when 0: an all-flat history). */
export function maseScale(y: readonly number[]): number | null {
  let s = 0
  for (let i = SEASON; i < y.length; i++) s += Math.abs(y[i]! - y[i - SEASON]!)
  const q = y.length > SEASON ? s / (y.length - SEASON) : 0
  return q > 0 ? q : null
}

export interface BacktestOrigin { origin: number; actual: number[]; model: number[]; seasonalNaive: number[]; ses: number[]; scale: number }
export interface Backtest {
  horizon: number
  origins: BacktestOrigin[]
  /** mean over the origins of each forecast's MASE (absolute error over the origin's own scale) */
  mase: { model: number; seasonalNaive: number; ses: number } | null
}

/**
 * Rolling origins: `count` origins `step` days apart, the last one `horizon` days before the
 * end, each forecasting the next `horizon` days from the history before it (which must hold at
 * least four weeks). Origins whose history has no MASE scale are left out.
 */
export function backtest(y: readonly number[], days: readonly Day[], o: { horizon: number; count: number; step: number }): Backtest {
  const origins: BacktestOrigin[] = []
  for (let j = o.count - 1; j >= 0; j--) {
    const origin = y.length - o.horizon - j * o.step
    if (origin < 4 * SEASON) continue
    const train = y.slice(0, origin)
    const scale = maseScale(train)
    if (scale === null) continue
    const fit = fitEts(train, days.slice(0, origin))
    origins.push({
      origin, scale, actual: y.slice(origin, origin + o.horizon),
      model: forecastEts(fit, days.slice(origin, origin + o.horizon)).map((p) => p.point),
      seasonalNaive: seasonalNaive(train, o.horizon), ses: sesForecast(train, o.horizon),
    })
  }
  return { horizon: o.horizon, origins, mase: origins.length ? meanMase(origins) : null }
}

function meanMase(origins: readonly BacktestOrigin[]): { model: number; seasonalNaive: number; ses: number } {
  const of = (pick: (o: BacktestOrigin) => number[]) => origins.reduce((acc, o) => {
    const f = pick(o)
    return acc + o.actual.reduce((a, v, i) => a + Math.abs(v - f[i]!), 0) / o.actual.length / o.scale
  }, 0) / origins.length
  return { model: of((o) => o.model), seasonalNaive: of((o) => o.seasonalNaive), ses: of((o) => o.ses) }
}
