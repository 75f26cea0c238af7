// GET /api/v1/analytics/series: calendar edges (29 February, ISO week 53, the 1,000-period cap),
// roles and broken, hostile and oversized input (a 400 naming the parameter).
import { expect } from 'chai'
import { testClient, loginAs, type Client } from '../support/http.ts'

interface Period { label: string; start: string; count: number; yoy: { count: number | null; change: number | null } }

describe('analytics series API: calendar edges and bad input', () => {
  let client: Client
  let analyst: Record<string, string>
  const get = (q: string, h: Record<string, string> = analyst) => client.get(`/api/v1/analytics/series?${q}`, h)

  before(async () => {
    client = await testClient()
    analyst = await loginAs(client, 'analyst')
  })

  describe('calendar edges', () => {
    it('29 February has no year-earlier day: yoy count and change are null', async () => {
      const r = await get('interval=day&from=2016-02-28&to=2016-03-02')
      const periods = r.json().periods as Period[]
      expect(periods.map((p) => p.label)).to.deep.equal(['2016-02-28', '2016-02-29', '2016-03-01'])
      expect(periods.map((p) => p.yoy.count)).to.deep.equal([0, null, 0])
    })

    it('ISO week 53 of 2015 has no twin in 2014 (52 weeks); 2015-W01 starts on Monday 29 December 2014', async () => {
      const r = await get('interval=week&from=2014-12-29&to=2016-01-11')
      const periods = r.json().periods as Period[]
      expect(periods[0]).to.include({ label: '2015-W01', start: '2014-12-29T00:00:00+08:00' })
      expect(periods).to.have.length(54)
      expect(periods[52]).to.include({ label: '2015-W53', start: '2015-12-28T00:00:00+08:00' })
      expect(periods[52]!.yoy.count).to.equal(null)
      expect(periods[53]).to.include({ label: '2016-W01', start: '2016-01-04T00:00:00+08:00' })
      expect(periods[53]!.yoy.count).to.equal(0)
    })

    it('accepts 1,000 periods and refuses 1,001, naming from and to', async () => {
      expect((await get('interval=day&from=2014-01-01&to=2016-09-27')).json().periods).to.have.length(1000)
      const r = await get('interval=day&from=2014-01-01&to=2016-09-28')
      expect(r.statusCode).to.equal(400)
      expect(r.json().detail).to.include('from').and.to.include('to').and.to.include('1000')
      expect(r.json().errors.map((e: { field: string }) => e.field)).to.deep.equal(['from', 'to'])
      // the same range by month is fine
      expect((await get('interval=month&from=2014-01-01&to=2016-09-28')).json().periods).to.have.length(33)
    })

    it('defaults to days over the last 30 days', async () => {
      const r = await get('')
      expect(r.statusCode).to.equal(200)
      expect(r.json().interval).to.equal('day')
      expect(r.json().periods.length).to.be.within(30, 31)
    })
  })

  describe('bad input: a 400 naming the parameter', () => {
    const bad = async (q: string, field: string) => {
      const r = await get(q)
      expect(r.statusCode, `${q}: ${r.body}`).to.equal(400)
      expect(r.headers['content-type']).to.match(/problem\+json/)
      expect(r.json().detail, q).to.include(field)
    }
    it('interval other than day, week or month', async () => {
      for (const v of ['year', 'DAY', '', 'quarter', 'day;drop table event']) await bad(`interval=${encodeURIComponent(v)}`, 'interval')
      await bad('interval=day&interval=week', 'interval')
    })
    it('unknown or hostile by', async () => {
      for (const v of ['grid', 'class_code', "class' OR 1=1 --", 'x'.repeat(10_000)]) await bad(`by=${encodeURIComponent(v)}`, 'by')
    })
    it('the shared filters: dates, range, class, channel, status, area, unknown parameters', async () => {
      await bad('from=2014-02-30', 'from')
      await bad('from=2014-03-01&to=2014-02-01', 'to')
      await bad('interval=month&from=2000-01-01&to=2014-01-01', 'to')
      await bad('class=0777', 'class')
      await bad(`class=${encodeURIComponent("01' OR '1'='1")}`, 'class')
      await bad('channel=carrier_pigeon', 'channel')
      await bad('status=lost', 'status')
      await bad('area=12', 'area')
      await bad('step=week', 'step')
    })
    it('an area outside the jurisdiction is a 403 naming area', async () => {
      const r = await get('area=990102002001', await loginAs(client, 'street1'))
      expect(r.statusCode).to.equal(403)
      expect(r.json().detail).to.include('area')
    })
    it('refuses anonymous callers and field roles', async () => {
      expect((await get('', {})).statusCode).to.equal(401)
      expect((await get('', await loginAs(client, 'inspector'))).statusCode).to.equal(403)
      expect((await get('', await loginAs(client, 'department'))).statusCode).to.equal(200)
    })
  })
})
