// The forecast model (server/analytics/ets.ts) and the reporter-group suppression on hand-made
// data, no database: an exactly weekly series is forecast exactly, holidays are scaled by their
// own factor, the 80/95 % intervals follow the ETS(A,N,A) variance, MASE equals a direct
// computation, and suppression leaves no hidden cell recoverable from a margin.
import { expect } from 'chai'
import { Z80, Z95, backtest, calendarFactors, fitEts, forecastEts, maseScale, seasonalNaive, sesForecast, type Day, type DayKind } from '../../server/analytics/ets.ts'
import { THRESHOLD, suppress, type Suppression } from '../../server/analytics/reporters.ts'

const WEEK = [3, 10, 12, 11, 10, 9, 4] // Sunday … Saturday
const plain = (n: number, first = 0): Day[] => Array.from({ length: n }, (_, i) => {
  const weekday = (first + i) % 7
  return { weekday, kind: weekday === 0 || weekday === 6 ? 'weekend' : 'workday' }
})

describe('forecast model (ETS(A,N,A) on calendar-adjusted counts)', () => {
  it('forecasts an exactly weekly series exactly, with zero-width intervals', () => {
    const days = plain(10 * 7)
    const y = days.map((d) => WEEK[d.weekday]!)
    const fit = fitEts(y, days)
    expect(fit.sigma).to.be.below(1e-9)
    const f = forecastEts(fit, plain(14, 0))
    f.forEach((p, i) => {
      // workday and weekend factors rescale and the season undoes them: the same count comes back
      expect(p.point, `day ${i}`).to.be.closeTo(WEEK[i % 7]!, 1e-6)
      expect(p.hi95 - p.lo95).to.be.below(1e-6)
    })
    expect(seasonalNaive(y, 14)).to.deep.equal([...WEEK, ...WEEK])
  })

  it('scales a holiday by its own factor: half-volume holidays are forecast at about half a workday', () => {
    // 20 weeks of 10 a workday and 6 a weekend day, every third week's Wednesday a holiday at 5
    const days = plain(20 * 7)
    days.forEach((d, i) => { if (d.weekday === 3 && Math.floor(i / 7) % 3 === 0) d.kind = 'holiday' })
    const y = days.map((d) => (d.kind === 'holiday' ? 5 : d.kind === 'weekend' ? 6 : 10))
    const factors = calendarFactors(y, days)
    // 40 weekend days at 6 and 5 pseudo-days at 1 × the workday mean 10; the holidays' 5
    // pseudo-days at the weekend factor
    const holidays = days.filter((d) => d.kind === 'holiday').length
    const weekend = (40 * 6 + 5 * 10) / (45 * 10)
    expect(factors.weekend).to.be.closeTo(weekend, 1e-9)
    expect(factors.holiday).to.be.closeTo((holidays * 5 + 5 * weekend * 10) / ((holidays + 5) * 10), 1e-9)
    const fit = fitEts(y, days)
    const next: Day[] = plain(7, (20 * 7) % 7)
    const wednesday = next.findIndex((d) => d.weekday === 3)
    const asWorkday = forecastEts(fit, next)[wednesday]!.point
    next[wednesday]!.kind = 'holiday'
    const asHoliday = forecastEts(fit, next)[wednesday]!.point
    expect(asHoliday / asWorkday).to.be.closeTo(factors.holiday, 1e-9)
  })

  it('widens the intervals as ETS(A,N,A) does: σ²(1 + (h−1)α² + ⌊(h−1)/7⌋γ(2α+γ))', () => {
    let s = 7
    const rand = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648)
    const days = plain(30 * 7)
    const y = days.map((d) => WEEK[d.weekday]! + Math.round(rand() * 6))
    const fit = fitEts(y, days)
    const f = forecastEts(fit, plain(21, (30 * 7) % 7))
    for (const h of [1, 8, 15, 21]) {
      const v = fit.sigma ** 2 * (1 + (h - 1) * fit.alpha ** 2 + Math.floor((h - 1) / 7) * fit.gamma * (2 * fit.alpha + fit.gamma))
      const p = f[h - 1]!
      const factor = fit.factors[plain(21, (30 * 7) % 7)[h - 1]!.kind as DayKind]
      expect(p.hi80 - p.point, `h=${h}`).to.be.closeTo(factor * Z80 * Math.sqrt(v), 1e-9)
      expect(p.hi95 - p.point, `h=${h}`).to.be.closeTo(factor * Z95 * Math.sqrt(v), 1e-9)
    }
  })

  it('computes MASE per origin from the weekly-difference scale, the same as a direct computation', () => {
    let s = 11
    const rand = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648)
    const days = plain(26 * 7)
    const y = days.map((d) => WEEK[d.weekday]! * (1 + 0.3 * rand()))
    const b = backtest(y, days, { horizon: 7, count: 3, step: 7 })
    expect(b.origins.map((o) => o.origin)).to.deep.equal([y.length - 21, y.length - 14, y.length - 7])
    let sum = 0
    for (const o of b.origins) {
      const train = y.slice(0, o.origin)
      let q = 0
      for (let t = 7; t < train.length; t++) q += Math.abs(train[t]! - train[t - 7]!)
      q /= train.length - 7
      expect(maseScale(train)).to.be.closeTo(q, 1e-12)
      const naive = y.slice(o.origin - 7, o.origin)
      expect(o.seasonalNaive).to.deep.equal(naive)
      sum += naive.reduce((a, v, i) => a + Math.abs(y[o.origin + i]! - v), 0) / 7 / q
    }
    expect(b.mase!.seasonalNaive).to.be.closeTo(sum / 3, 1e-12)
    // a flat forecast from simple exponential smoothing
    expect(new Set(sesForecast(y, 5)).size).to.equal(1)
  })
})

describe('reporter groups: small-cell suppression', () => {
  const cells = (people: number[]) => people.map((p, i) => ({ key: [String(i)], people: p, demands: 2 * p, suppressed: null as Suppression }))

  it('hides cells of 1-4 reporters, and a second cell when one would be the total minus the rest', () => {
    const c = cells([20, 3, 40, 0, 9])
    suppress(c, [[0, 1, 2, 3, 4]])
    expect(c.map((x) => x.suppressed)).to.deep.equal([null, 'primary', null, null, 'secondary'])
  })

  it('keeps hiding until the hidden cells of a margin carry the threshold between them', () => {
    const c = cells([1, 1, 30, 8, 50])
    suppress(c, [[0, 1, 2, 3, 4]])
    // 1 + 1 < 5: the 8 is hidden too
    expect(c.map((x) => x.suppressed)).to.deep.equal(['primary', 'primary', null, 'secondary', null])
  })

  it('protects every row and column of a two-way table (each a cell of a one-way table)', () => {
    // 3 × 3, row-major
    const c = cells([2, 30, 40, 25, 35, 45, 50, 60, 7])
    const rows = [[0, 1, 2], [3, 4, 5], [6, 7, 8]]
    const cols = [[0, 3, 6], [1, 4, 7], [2, 5, 8]]
    suppress(c, [[0, 1, 2, 3, 4, 5, 6, 7, 8], ...rows, ...cols])
    for (const m of [[0, 1, 2, 3, 4, 5, 6, 7, 8], ...rows, ...cols]) {
      const hidden = m.filter((i) => c[i]!.suppressed !== null)
      if (!hidden.length) continue
      expect(hidden.length, `margin ${m}`).to.be.at.least(2)
      expect(hidden.reduce((a, i) => a + c[i]!.people, 0), `margin ${m}`).to.be.at.least(THRESHOLD)
    }
    expect(c[0]!.suppressed).to.equal('primary')
    expect(c.filter((x) => x.suppressed === 'primary')).to.have.length(1) // the 7 is above the threshold
  })
})
