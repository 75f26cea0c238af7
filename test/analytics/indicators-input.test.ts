// GET /api/v1/analytics/indicators: broken, hostile and oversized input answers a clear 4xx
// naming the parameter; an area outside the caller's jurisdiction is a 403 naming `area`.
import { expect } from 'chai'
import { testClient, loginAs, type Client } from '../support/http.ts'

describe('analytics indicators API input', () => {
  let client: Client
  let street1: Record<string, string>
  before(async () => {
    client = await testClient()
    street1 = await loginAs(client, 'street1')
  })
  const refused = async (q: string, status: number, field: string) => {
    const r = await client.get(`/api/v1/analytics/indicators?${q}`, street1)
    expect(r.statusCode, `${q}: ${r.body}`).to.equal(status)
    expect(r.body, q).to.contain(field)
  }

  it('refuses an unknown unit naming unit', () => refused('unit=grid', 400, 'unit'))
  it('refuses an unknown or malformed class naming class', async () => {
    await refused('class=0000', 400, 'class')
    await refused('class=1', 400, 'class')
    await refused('class=00', 400, 'class')
  })
  it('refuses a range over ten years naming to', () => refused('from=2010-01-01&to=2024-01-01', 400, 'to'))
  it('refuses to before from, a bad date and a repeated parameter', async () => {
    await refused('from=2024-03-01&to=2024-02-01', 400, 'to')
    await refused('from=2024-02-30', 400, 'from')
    await refused('unit=street&unit=community', 400, 'unit')
  })
  it('refuses an unknown parameter and an oversized one', async () => {
    await refused('bogus=1', 400, 'bogus')
    await refused(`channel=${'x'.repeat(600)}`, 400, 'channel')
  })
  it('answers 403 naming area for an area outside the jurisdiction', () => refused('area=990102002000', 403, 'area'))
  it('answers 401 without a login', async () => {
    const r = await client.get('/api/v1/analytics/indicators')
    expect(r.statusCode).to.equal(401)
  })
})

describe('analytics indicators comparison windows', () => {
  it('moves a window a Shanghai calendar year back, 29 February to 28 February', async () => {
    const { yearBack } = await import('../../server/analytics/indicators.ts')
    const at = (s: string) => yearBack(new Date(s)).toISOString()
    expect(at('2024-03-01T00:00:00+08:00')).to.equal(new Date('2023-03-01T00:00:00+08:00').toISOString())
    expect(at('2024-02-29T12:30:00+08:00')).to.equal(new Date('2023-02-28T12:30:00+08:00').toISOString())
    expect(at('2025-01-01T07:59:59+08:00')).to.equal(new Date('2024-01-01T07:59:59+08:00').toISOString())
  })
})
