// The ten-year range limit of every analytics path counts Shanghai calendar years: 29 February
// moves to 28 February, and a range of exactly ten Shanghai years is accepted, one second more is
// not. (It used to shift the UTC year: 2016-03-01 00:00 Shanghai is 29 February in UTC, so the
// limit fell on 2 March 2026 in Shanghai, a day too late.)
import { expect } from 'chai'
import { testClient, loginAs, type Client } from '../support/http.ts'
import { yearsLater } from '../../server/analytics/filters.ts'

describe('analytics ten-year range limit in Shanghai time', () => {
  it('moves an instant ten Shanghai calendar years on, 29 February to 28 February', () => {
    const at = (s: string) => yearsLater(new Date(s), 10).toISOString()
    // independent reference: the expected Shanghai wall-clock times written out
    expect(at('2016-03-01T00:00:00+08:00')).to.equal(new Date('2026-03-01T00:00:00+08:00').toISOString())
    expect(at('2016-02-29T00:00:00+08:00')).to.equal(new Date('2026-02-28T00:00:00+08:00').toISOString())
    expect(at('2016-02-29T23:59:59.999+08:00')).to.equal(new Date('2026-02-28T23:59:59.999+08:00').toISOString())
    expect(at('2015-12-31T23:30:00+08:00')).to.equal(new Date('2025-12-31T23:30:00+08:00').toISOString())
    expect(at('2020-01-01T07:59:59+08:00')).to.equal(new Date('2030-01-01T07:59:59+08:00').toISOString())
    // a year below 100 is not read as 19xx
    expect(at('0050-06-01T00:00:00+08:00')).to.equal(new Date('0060-06-01T00:00:00+08:00').toISOString())
    expect(yearsLater(new Date('2024-02-29T12:00:00+08:00'), 1).toISOString()).to.equal(new Date('2025-02-28T12:00:00+08:00').toISOString())
  })

  describe('API', () => {
    let client: Client
    let analyst: Record<string, string>
    before(async () => {
      client = await testClient()
      analyst = await loginAs(client, 'analyst')
    })
    const status = async (from: string, to: string) =>
      (await client.get(`/api/v1/analytics/heatmap?resolution=5&from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`, analyst))

    it('accepts exactly ten Shanghai years from 1 March 2016 (29 February in UTC), refuses one second more naming to', async () => {
      expect((await status('2016-03-01', '2026-03-01')).statusCode).to.equal(200)
      const r = await status('2016-03-01', '2026-03-01T00:00:01+08:00')
      expect(r.statusCode).to.equal(400)
      expect(r.json().errors.map((e: { field: string }) => e.field)).to.deep.equal(['to'])
      expect(r.json().detail).to.include('10 years')
    })
    it('from 29 February the limit is 28 February ten years on', async () => {
      expect((await status('2016-02-29', '2026-02-28')).statusCode).to.equal(200)
      expect((await status('2016-02-29', '2026-02-28T00:00:01+08:00')).statusCode).to.equal(400)
    })
    it('counts the time of day in Shanghai: from 07:30 Shanghai (the previous UTC day)', async () => {
      expect((await status('2016-06-01T07:30:00+08:00', '2026-06-01T07:30:00+08:00')).statusCode).to.equal(200)
      expect((await status('2016-06-01T07:30:00+08:00', '2026-06-01T07:30:01+08:00')).statusCode).to.equal(400)
    })
  })
})
