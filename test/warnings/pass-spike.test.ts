// 类别突增: today's count per street and big class against the same part of the day on the last 8
// days of the same kind. The events are placed at chosen hours; the recount counts them in JS and
// computes the Poisson tail by summing the pmf in log space, and the EWMA in its closed form.
import { expect } from 'chai'
import type { Knex } from 'knex'
import { getTestDb } from '../support/db.ts'
import { runWarningPass } from '../../server/warnings/pass.ts'
import { loadCalendar } from '../../server/events/calendar.ts'
import { CITY, cleanup, insertEvents, only, pointIn, warningsAt, type WarnEvent } from './support.ts'

const DAY = 86_400_000
const NOW = new Date('2025-09-17T15:00:00+08:00') // a Wednesday
const day = (t: number) => new Date(t + 8 * 3600_000).toISOString().slice(0, 10)
const mid = (d: string) => Date.parse(`${d}T00:00:00+08:00`)
const at = (d: string, hh: number) => new Date(mid(d) + hh * 3600_000)

function tail(k: number, lambda: number): number {
  if (lambda === 0) return 0
  let lf = 0
  for (let i = 2; i <= k; i++) lf += Math.log(i)
  let s = 0
  for (let j = k; j < k + 500; j++) {
    if (j > k) lf += Math.log(j)
    s += Math.exp(j * Math.log(lambda) - lambda - lf)
  }
  return s
}

interface Group { key: string; street: string; big: string; today: number; history: number[] }

describe('warning pass: 类别突增 (spike)', () => {
  let knex: Knex
  let events: WarnEvent[]
  let groups: Group[]

  before(async () => {
    knex = await getTestDb()
    await cleanup(knex)
    const cal = await loadCalendar(knex, CITY)
    const today = day(NOW.getTime())
    const C = { s1: '990102001001', s2: '990102002001', s3: '990102003001' }
    const pts = { s1: await pointIn(knex, C.s1, 1), s2: await pointIn(knex, C.s2, 2), s3: await pointIn(knex, C.s3, 3) }
    const ev = (c: keyof typeof C, t: Date, classCode: string, status = 'reported'): WarnEvent => ({ community: C[c], ...pts[c], at: t, classCode, status })
    events = []
    for (let i = 1; i <= 25; i++) {
      const d = day(NOW.getTime() - i * DAY)
      if (cal.isWorkday(d)) {
        events.push(ev('s1', at(d, 9), '0101'), ev('s1', at(d, 11), '0102'), ev('s1', at(d, 16), '0101'))
        for (let k = 0; k < 5; k++) events.push(ev('s2', at(d, 10), '0501'))
      } else {
        for (let k = 0; k < 10; k++) events.push(ev('s1', at(d, 10), '0101'), ev('s2', at(d, 10), '0501'))
      }
    }
    for (let k = 0; k < 12; k++) events.push(ev('s1', at(today, 9 + (k % 5)), '0101'))
    for (let k = 0; k < 3; k++) events.push(ev('s1', at(today, 15.5), '0101')) // after now
    for (let k = 0; k < 8; k++) events.push(ev('s2', at(today, 10), '0501'))
    events.push(ev('s2', at(today, 11), '0501', 'voided'))
    for (let k = 0; k < 6; k++) events.push(ev('s3', at(today, 14), '0101'))
    for (let k = 0; k < 4; k++) events.push(ev('s3', at(today, 14), '0501'))
    await insertEvents(knex, events)

    // the recount
    const same: string[] = []
    for (let i = 1; same.length < 8; i++) {
      const d = day(NOW.getTime() - i * DAY)
      if (cal.isWorkday(d) === cal.isWorkday(today)) same.push(d)
    }
    const elapsed = NOW.getTime() - mid(today)
    const byKey = new Map<string, Group>()
    for (const e of events) {
      if (e.status === 'voided') continue
      const street = `${e.community.slice(0, 9)}000`, big = e.classCode!.slice(0, 2), key = `${street}:${big}`
      const g = byKey.get(key) ?? { key, street, big, today: 0, history: new Array<number>(8).fill(0) }
      byKey.set(key, g)
      const t = e.at.getTime()
      if (t >= mid(today) && t < NOW.getTime()) g.today++
      const i = same.findIndex((d) => t >= mid(d) && t < mid(d) + elapsed)
      if (i >= 0) g.history[7 - i]!++ // oldest first
    }
    groups = [...byKey.values()]
  })
  after(async () => { await cleanup(knex) })

  it('poisson: warns exactly the groups whose upper tail is below alpha, with the tail summed independently', async () => {
    await only(knex, ['spike'])
    const r = await runWarningPass(knex, NOW, { ignoreSchedule: true })
    const expected = groups.map((g) => ({ ...g, lambda: g.history.reduce((a, b) => a + b, 0) / 8 }))
      .map((g) => ({ ...g, p: tail(g.today, g.lambda) })).filter((g) => g.today >= 5 && g.p < 0.001)
    expect(expected.map((g) => g.key).sort()).to.deep.equal(['990102001000:01', '990102003000:01'])
    expect(r.spike).to.equal(expected.length)
    const got = await warningsAt(knex, 'spike', NOW)
    expect(got.map((w) => `${w.area_code}:${w.detail.classCode}`).sort()).to.deep.equal(expected.map((g) => g.key).sort())
    for (const w of got) {
      const g = expected.find((x) => x.key === `${w.area_code}:${w.detail.classCode}`)!
      expect(w.detail.observed).to.equal(g.today)
      expect(w.detail.expected).to.be.closeTo(g.lambda, 1e-12)
      expect(w.detail.history).to.deep.equal(g.history)
      expect(w.detail.dayKind).to.equal('workday')
      if (g.p === 0) expect(w.detail.pValue).to.equal(0)
      else expect(Math.abs((w.detail.pValue as number) - g.p) / g.p).to.be.below(1e-9)
      expect(w.level).to.equal(g.p < 0.00001 ? 1 : g.p < 0.0001 ? 2 : 3)
      expect(w.event_ids).to.have.length(g.today)
      expect(w.title).to.match(/^类别突增：.+街道「市容环境」今日已\d+件/)
    }
    expect((await runWarningPass(knex, NOW, { ignoreSchedule: true })).spike).to.equal(0)
  })

  it('ewma: warns exactly where the closed-form EWMA exceeds its limit', async () => {
    await knex('warning').where({ kind: 'spike' }).delete()
    await only(knex, ['spike'], { spike: { method: 'ewma' } })
    await runWarningPass(knex, NOW, { ignoreSchedule: true })
    const lambda = 0.3, L = 3
    const expected = groups.filter((g) => {
      if (g.today < 5) return false
      const m = g.history.reduce((a, b) => a + b, 0) / 8
      const sample = Math.sqrt(g.history.reduce((a, b) => a + (b - m) ** 2, 0) / 7)
      const sd = sample > 0 ? sample : Math.max(Math.sqrt(m), 1)
      const xs = [...g.history, g.today]
      const z = (1 - lambda) ** 9 * m + lambda * xs.reduce((s, x, i) => s + (1 - lambda) ** (8 - i) * x, 0)
      return z > m + L * sd * Math.sqrt((lambda / (2 - lambda)) * (1 - (1 - lambda) ** 18))
    }).map((g) => g.key).sort()
    expect(expected).to.have.length.at.least(1)
    const got = await warningsAt(knex, 'spike', NOW)
    expect(got.map((w) => `${w.area_code}:${w.detail.classCode}`).sort()).to.deep.equal(expected)
    expect(got.every((w) => w.detail.method === 'ewma')).to.equal(true)
  })
})
