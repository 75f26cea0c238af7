// GET /api/v1/analytics/forecast and /analytics/reporters on the test's own database: a small
// generated history (fixtures/history.ts) for the forecast, planted reporters for the groups.
// Every figure is checked against an independent computation: history counts and backtest
// actuals against a day-by-day count of the rows, the MASE figures recomputed from the rows and
// the returned forecasts, the reporter cells from the rows and the people register in Node.
import { expect } from 'chai'
import type { Knex } from 'knex'
import { openOwnContext } from '../support/ownDatabase.ts'
import { testClient, loginAs, type Client } from '../support/http.ts'
import { seedHistory } from '../../fixtures/history.ts'
import { insertIndicatorEvents } from './indicatorsSupport.ts'
import { FORECAST_WARNING, raiseForecastWarnings } from '../../server/analytics/forecastWarning.ts'

const END = '2026-11-01'
const DAY_MS = 86_400_000
const day = (d: string, n: number) => new Date(Date.parse(`${d}T00:00:00Z`) + n * DAY_MS).toISOString().slice(0, 10)
const STREET2_COMMUNITY = '990102002001'

interface Origin { origin: number; scale: number; actual: number[]; model: number[]; seasonalNaive: number[]; ses: number[] }

describe('analytics forecast and reporter groups', function () {
  let close: () => Promise<void>
  let knex: Knex
  let client: Client
  const h: Record<string, Record<string, string>> = {}

  /** Events per Shanghai day, counted in Node from the rows. */
  async function dailyCounts(from: string, to: string, where: (q: Knex.QueryBuilder) => Knex.QueryBuilder): Promise<Map<string, number>> {
    const rows = await where(knex('event').where('created_at', '>=', `${from}T00:00:00+08:00`).andWhere('created_at', '<', `${to}T00:00:00+08:00`))
      .select('created_at') as { created_at: Date }[]
    const m = new Map<string, number>()
    for (const r of rows) {
      const d = new Date(new Date(r.created_at).getTime() + 8 * 3_600_000).toISOString().slice(0, 10)
      m.set(d, (m.get(d) ?? 0) + 1)
    }
    return m
  }

  before(async function () {
    this.timeout(300_000)
    const own = await openOwnContext('forecast')
    close = own.close
    knex = own.context.knex
    await seedHistory(knex, { count: 9000, seed: 5, days: 400, end: new Date(`${END}T00:00:00+08:00`) })
    client = await testClient(own.context)
    for (const u of ['analyst', 'street1', 'command', 'department']) h[u] = await loginAs(client, u)
  })
  after(async () => { await close?.() })

  describe('forecast', () => {
    const get = (q: string, who = 'analyst') => client.get(`/api/v1/analytics/forecast?${q}`, h[who])

    it('fits the days it was given: each history count equals a count of the rows; the forecast days follow with ordered intervals', async () => {
      const r = await get(`at=${END}&horizon=21&class=05&history=200`)
      expect(r.statusCode, r.body).to.equal(200)
      const a = r.json()
      expect(a).to.include({ at: END, horizon: 21, class: '05', area: null })
      const counts = await dailyCounts(day(END, -56), END, (q) => q.where('class_code', 'like', '05%'))
      expect(a.history).to.have.length(56)
      for (const x of a.history) expect(x.count, x.date).to.equal(counts.get(x.date) ?? 0)
      expect(a.forecast.map((f: { date: string }) => f.date)).to.deep.equal(Array.from({ length: 21 }, (_, i) => day(END, i)))
      for (const f of a.forecast) {
        expect(f.lo95 <= f.lo80 && f.lo80 <= f.point && f.point <= f.hi80 && f.hi80 <= f.hi95, JSON.stringify(f)).to.equal(true)
      }
      // 2026-11-01 is a Sunday, 2026-11-02 a Monday: a rest day is forecast below a workday
      expect(a.forecast[0].kind).to.equal('weekend')
      expect(a.forecast[1].kind).to.equal('workday')
      expect(a.forecast[0].point).to.be.below(a.forecast[1].point)
    })

    it('backtests on rolling origins: the MASE figures equal an independent computation, and the model beats the seasonal naive forecast and plain exponential smoothing', async () => {
      const r = await get(`at=${END}&horizon=14&history=400&backtest=true`)
      expect(r.statusCode, r.body).to.equal(200)
      const b = r.json().backtest as { horizon: number; originDates: string[]; origins: Origin[]; mase: { model: number; seasonalNaive: number; ses: number } }
      expect(b.origins).to.have.length(8)
      const first = day(END, -400)
      const counts = await dailyCounts(first, END, (q) => q)
      const y = Array.from({ length: 400 }, (_, i) => counts.get(day(first, i)) ?? 0)
      const mase = { model: 0, seasonalNaive: 0, ses: 0 }
      b.origins.forEach((o, k) => {
        expect(b.originDates[k]).to.equal(day(first, o.origin))
        expect(o.actual).to.deep.equal(y.slice(o.origin, o.origin + 14))
        const train = y.slice(0, o.origin)
        let q = 0
        for (let t = 7; t < train.length; t++) q += Math.abs(train[t]! - train[t - 7]!)
        q /= train.length - 7
        const err = (f: number[]) => f.reduce((s, v, i) => s + Math.abs(o.actual[i]! - v), 0) / 14 / q
        // the seasonal naive forecast rebuilt here: the same weekday of the last week
        const naive = Array.from({ length: 14 }, (_, i) => train[train.length - 7 + (i % 7)]!)
        mase.model += err(o.model) / 8
        mase.seasonalNaive += err(naive) / 8
        mase.ses += err(o.ses) / 8
      })
      for (const k of ['model', 'seasonalNaive', 'ses'] as const) expect(b.mase[k], k).to.be.closeTo(mase[k], 1e-9)
      expect(b.mase.model).to.be.below(b.mase.seasonalNaive)
      expect(b.mase.model).to.be.below(b.mase.ses)
    })

    it('a street sees its own street: the history counts only its events', async () => {
      const r = await get(`at=${END}&horizon=7`, 'street1')
      expect(r.statusCode, r.body).to.equal(200)
      const counts = await dailyCounts(day(END, -56), END, (q) => q.where('community_code', 'like', '990102001%'))
      for (const x of r.json().history) expect(x.count, x.date).to.equal(counts.get(x.date) ?? 0)
    })

    it('refuses bad input naming the field; an area outside the jurisdiction (or unknown, or a city) is a 404', async () => {
      const bad = async (q: string, field: string) => {
        const r = await get(q)
        expect(r.statusCode, `${q}: ${r.body}`).to.equal(400)
        expect(r.json().detail, q).to.include(field)
      }
      await bad('horizon=366', 'horizon')
      await bad('horizon=0', 'horizon')
      await bad('horizon=abc', 'horizon')
      await bad('class=77', 'class')
      await bad('at=2026-02-30', 'at')
      await bad('history=10', 'history')
      await bad('horizon=3&horizon=4', 'horizon')
      await bad('colour=red', 'colour')
      expect((await get(`horizon=365&at=${END}`)).statusCode).to.equal(200)
      for (const [q, who] of [[`area=${STREET2_COMMUNITY}`, 'street1'], ['area=990102009001', 'analyst'], ['area=990100000000', 'analyst']] as const) {
        const r = await get(q, who)
        expect(r.statusCode, `${who} ${q}: ${r.body}`).to.equal(404)
      }
      expect((await get(`area=${STREET2_COMMUNITY}&at=${END}`, 'analyst')).json().areaName).to.be.a('string')
    })
  })

  describe('reporters', () => {
    const FROM = '2026-11-10'
    const TO = '2026-11-20'
    const get = (q: string, who = 'command') => client.get(`/api/v1/analytics/reporters?from=${FROM}&to=${TO}&${q}`, h[who])
    type Ref = Map<string, { who: Set<string>; demands: number }>
    let rows: { key: Record<string, string>; who: string }[] = []

    before(async function () {
      this.timeout(120_000)
      // residents with a phone: 24 from street 1, some reporting several times, at several hours and channels
      const people = await knex('resident').whereNotNull('phone').andWhere('community_code', 'like', '990102001%').orderBy('id').limit(24)
        .select('id', 'phone', 'gender', knex.raw("to_char(birth_date, 'YYYY-MM-DD') AS birth")) as { id: string; phone: string; gender: string; birth: string }[]
      expect(people).to.have.length(24)
      const channels = ['resident', 'hotline_12345', 'police_110']
      const specs: { community: string; at: string; channel: string; phone: string | null }[] = []
      people.forEach((p, i) => {
        for (let k = 0; k <= i % 3; k++) {
          const hour = [3, 9, 14, 20][(i + k) % 4]!
          specs.push({ community: '990102001001', at: `${day(FROM, (i + k) % 9)}T${String(hour).padStart(2, '0')}:30:00+08:00`, channel: channels[(i * 7 + k) % 3]!, phone: p.phone })
        }
      })
      // two callers not in the register and one anonymous report
      specs.push({ community: '990102001001', at: `${FROM}T10:00:00+08:00`, channel: 'hotline_12345', phone: '13900000001' })
      specs.push({ community: '990102001001', at: `${FROM}T11:00:00+08:00`, channel: 'hotline_12345', phone: '13900000002' })
      specs.push({ community: '990102001001', at: `${FROM}T12:00:00+08:00`, channel: 'resident', phone: null })
      await insertIndicatorEvents(knex, specs.map((s) => ({ community: s.community, at: s.at, channel: s.channel })))
      // the planted events, in insertion order (ids ascend), get their phones
      const ids = (await knex('event').where('created_at', '>=', `${FROM}T00:00:00+08:00`).andWhere('created_at', '<', `${TO}T00:00:00+08:00`)
        .orderBy('id').select('id')).map((r: { id: string }) => r.id)
      expect(ids).to.have.length(specs.length)
      for (const [i, id] of ids.entries()) await knex('event').where({ id }).update({ reporter_phone: specs[i]!.phone })
      const byPhone = new Map(people.map((p) => [p.phone, p]))
      const band = (age: number) => (age < 18 ? 'under18' : age < 30 ? '18-29' : age < 45 ? '30-44' : age < 60 ? '45-59' : age < 75 ? '60-74' : '75plus')
      rows = specs.filter((s) => s.phone !== null).map((s) => {
        const p = byPhone.get(s.phone!)
        const local = s.at.slice(0, 10)
        let age = -1
        if (p) {
          age = Number(local.slice(0, 4)) - Number(p.birth.slice(0, 4))
          if (local.slice(5) < p.birth.slice(5)) age--
        }
        const hour = Number(s.at.slice(11, 13))
        return {
          who: p ? `r${p.id}` : `p${s.phone}`,
          key: {
            ageBand: p ? band(age) : 'unknown', gender: p ? (p.gender === 'M' ? 'male' : 'female') : 'unknown', channel: s.channel,
            timeOfDay: hour < 6 ? 'night' : hour < 12 ? 'morning' : hour < 18 ? 'afternoon' : 'evening',
          },
        }
      })
    })

    const reference = (by: string[]): Ref => {
      const m: Ref = new Map()
      for (const r of rows) {
        const k = by.map((d) => r.key[d]).join('|')
        const c = m.get(k) ?? { who: new Set<string>(), demands: 0 }
        c.who.add(r.who)
        c.demands++
        m.set(k, c)
      }
      return m
    }

    for (const by of [['ageBand'], ['gender', 'timeOfDay'], ['channel', 'ageBand']]) {
      it(`by ${by.join(' × ')}: visible cells equal a count of the rows; cells under 5 reporters are hidden; no margin gives a hidden cell away`, async () => {
        const r = await get(`by=${by.join(',')}`)
        expect(r.statusCode, r.body).to.equal(200)
        const a = r.json()
        const ref = reference(by)
        expect(a.total).to.deep.equal({ people: new Set(rows.map((x) => x.who)).size, demands: rows.length })
        expect(a.anonymousDemands).to.equal(1)
        const cells = a.cells as { key: Record<string, string>; people: number | null; demands: number | null; suppressed: string | null }[]
        let primaries = 0
        for (const c of cells) {
          const k = by.map((d) => c.key[d]).join('|')
          const want = ref.get(k)
          const people = want?.who.size ?? 0
          if (people > 0 && people < 5) { expect(c.suppressed, k).to.equal('primary'); primaries++ }
          if (c.suppressed === null) expect({ people: c.people, demands: c.demands }, k).to.deep.equal({ people, demands: want?.demands ?? 0 })
          else expect([c.people, c.demands]).to.deep.equal([null, null])
        }
        expect(primaries, 'the planted data has small cells').to.be.above(0)
        // margins: the grand total and, for two dimensions, each row and column
        const margins: string[][] = [[]]
        if (by.length === 2) for (const [i, d] of by.entries()) for (const v of new Set(cells.map((c) => c.key[d]!))) margins.push([`${i}`, v])
        for (const m of margins) {
          const inside = cells.filter((c) => m.length === 0 || c.key[by[Number(m[0])]!] === m[1])
          const hidden = inside.filter((c) => c.suppressed !== null)
          if (!hidden.length) continue
          const hiddenPeople = hidden.reduce((s, c) => s + (ref.get(by.map((d) => c.key[d]).join('|'))?.who.size ?? 0), 0)
          const visibleNonEmpty = inside.filter((c) => c.suppressed === null && (c.people ?? 0) > 0)
          if (visibleNonEmpty.length) {
            expect(hidden.length, `margin ${m}`).to.be.at.least(2)
            expect(hiddenPeople, `margin ${m}`).to.be.at.least(5)
          }
        }
      })
    }

    it('only roles that may read the people register; an area outside the jurisdiction is a 404; bad input names the field', async () => {
      expect((await get('by=gender', 'department')).statusCode).to.equal(403)
      expect((await get('by=gender', 'analyst')).statusCode).to.equal(403)
      expect((await get(`by=gender&area=${STREET2_COMMUNITY}`, 'street1')).statusCode).to.equal(404)
      expect((await get('by=gender&area=990102001001', 'street1')).statusCode).to.equal(200)
      for (const [q, field] of [['by=age', 'by'], ['by=gender,gender', 'by'], ['by=gender,channel,ageBand', 'by'], ['by=gender&area=12', 'area']] as const) {
        const r = await get(q)
        expect(r.statusCode, q).to.equal(400)
        expect(r.json().detail, q).to.include(field)
      }
    })
  })

  describe('warning when the day leaves the upper interval', () => {
    it('raises one 超出预测 warning for the street and class group whose count today exceeds the 95 % bound, once however often it runs', async () => {
      const now = new Date(`${END}T15:00:00+08:00`)
      await insertIndicatorEvents(knex, Array.from({ length: 12 }, (_, i) => ({ community: '990102001001', at: `${END}T0${i % 9}:10:00+08:00`, classCode: '0102' })))
      const f = (await client.get(`/api/v1/analytics/forecast?at=${END}&area=990102001000&class=01&history=182&horizon=1`, h.analyst!)).json().forecast[0]
      expect(f.hi95).to.be.below(12)
      expect(await raiseForecastWarnings(knex, now)).to.equal(1)
      expect(await raiseForecastWarnings(knex, now)).to.equal(0)
      const rows = await knex('warning').where({ kind: FORECAST_WARNING }).select('area_code', 'detail', 'dedupe_key')
      expect(rows).to.have.length(1)
      expect(rows[0]).to.include({ area_code: '990102001000', dedupe_key: `990102001000:01:${END}` })
      expect(rows[0].detail).to.include({ observed: 12, classCode: '01', day: END })
      expect(rows[0].detail.hi95).to.be.closeTo(f.hi95, 0.011)
    })
  })
})
