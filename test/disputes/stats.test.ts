// GET /api/v1/disputes/stats against a hand count: every dispute row of the jurisdiction read
// plainly and counted in JS (types, streets, communities, states, Beijing months, outcomes,
// success rate, amounts), for the whole city and for one street; positive controls so the
// comparison cannot pass on empty figures.
import { expect } from 'chai'
import type { Knex } from 'knex'
import { testClient, type Client } from '../support/http.ts'
import { signIn } from './support.ts'

type Json = Record<string, any> // eslint-disable-line @typescript-eslint/no-explicit-any

interface Raw { type: string; community_code: string; status: string; created_at: Date; amount: string; agreement_amount: string | null }

function handCount(rows: Raw[]) {
  const group = (key: (r: Raw) => string) => {
    const m = new Map<string, { total: number; agreed: number; failed: number; transferred: number; amount: number; agreedAmount: number }>()
    for (const r of rows) {
      const k = key(r)
      const g = m.get(k) ?? { total: 0, agreed: 0, failed: 0, transferred: 0, amount: 0, agreedAmount: 0 }
      g.total++
      if (r.status === 'agreed') { g.agreed++; g.agreedAmount += Number(r.agreement_amount ?? 0) }
      if (r.status === 'failed') g.failed++
      if (r.status === 'transferred') g.transferred++
      g.amount += Number(r.amount)
      m.set(k, g)
    }
    return m
  }
  // Beijing month: UTC+8, no daylight saving
  const month = (t: Date) => new Date(t.getTime() + 8 * 3_600_000).toISOString().slice(0, 7)
  return {
    all: group(() => 'all').get('all')!, type: group((r) => r.type), street: group((r) => `${r.community_code.slice(0, 9)}000`),
    community: group((r) => r.community_code), status: group((r) => r.status), month: group((r) => month(r.created_at)),
  }
}

describe('dispute statistics (案件受理 · 处理分析)', function () {
  this.timeout(120_000)
  let client: Client
  let knex: Knex
  let auth: Record<string, Record<string, string>>

  before(async () => {
    client = await testClient()
    knex = client.context.knex
    auth = await signIn(client)
  })

  const check = async (who: string, prefix: string) => {
    const res = await client.get('/api/v1/disputes/stats', auth[who])
    expect(res.statusCode, res.body).to.equal(200)
    const s = res.json()
    const rows = await knex('dispute').where('community_code', 'like', `${prefix}%`).select('type', 'community_code', 'status', 'created_at', 'amount', 'agreement_amount') as Raw[]
    const h = handCount(rows)
    const concluded = h.all.agreed + h.all.failed + h.all.transferred
    expect(s).to.deep.include({ total: rows.length, agreed: h.all.agreed, failed: h.all.failed, transferred: h.all.transferred, concluded, open: rows.length - concluded })
    expect(s.successRate).to.be.closeTo(h.all.agreed / concluded, 1e-4)
    expect(s.amount).to.be.closeTo(h.all.amount, 0.005)
    expect(s.agreedAmount).to.be.closeTo(h.all.agreedAmount, 0.005)
    expect(s.byOutcome).to.deep.equal({ agreement: h.all.agreed, failed: h.all.failed, transferred: h.all.transferred })
    const same = (got: { total: number; agreed?: number }[], keyOf: (x: Json) => string, want: Map<string, { total: number; agreed: number }>) => {
      expect(Object.fromEntries(got.map((g) => [keyOf(g), [g.total, g.agreed]]))).to.deep.equal(Object.fromEntries([...want].map(([k, v]) => [k, [v.total, v.agreed]])))
    }
    same(s.byType, (x) => x.type, h.type)
    same(s.byStreet, (x) => x.code, h.street)
    same(s.byCommunity, (x) => x.code, h.community)
    same(s.byMonth, (x) => x.month, h.month)
    expect(Object.fromEntries(s.byStatus.map((x: Json) => [x.status, x.total]))).to.deep.equal(Object.fromEntries([...h.status].map(([k, v]) => [k, v.total])))
    return { s, h }
  }

  it('counts the whole city as a hand count does', async () => {
    const { s, h } = await check('command', '9901')
    // positive controls: real figures, not empty ones
    expect(s.total).to.be.at.least(150)
    expect(h.type.size).to.be.at.least(8)
    expect(s.byMonth.length).to.be.at.least(5)
    expect(s.successRate).to.be.above(0).and.below(1)
    expect(s.byType.find((t: Json) => t.type === 'neighbour').typeName).to.equal('邻里纠纷')
    expect(s.byStreet.every((x: Json) => typeof x.name === 'string')).to.equal(true)
  })

  it('counts one street for its staff, and only it', async () => {
    const { s } = await check('street1', '990102001')
    const city = (await client.get('/api/v1/disputes/stats', auth.command)).json()
    expect(s.total).to.be.above(0).and.below(city.total)
    expect(s.byStreet.map((x: Json) => x.code)).to.deep.equal(['990102001000'])
  })

  it('filters by area and period, and refuses an area outside the jurisdiction', async () => {
    const area = await client.get('/api/v1/disputes/stats?area=990102001001', auth.command)
    const n = Number((await knex('dispute').where({ community_code: '990102001001' }).count('* as n').first())!.n)
    expect(area.json().total).to.equal(n)
    const from = new Date(Date.now() - 30 * 86_400_000)
    const recent = (await client.get(`/api/v1/disputes/stats?from=${from.toISOString()}`, auth.command)).json()
    expect(recent.total).to.equal(Number((await knex('dispute').where('created_at', '>=', from).count('* as n').first())!.n))
    expect((await client.get('/api/v1/disputes/stats?area=990102002000', auth.street1)).statusCode).to.equal(404)
    expect((await client.get('/api/v1/disputes/stats', auth.analyst)).statusCode).to.equal(200)
    expect((await client.get('/api/v1/disputes/stats', auth.auditor)).statusCode).to.equal(403)
  })
})
