// Bad input on GET /api/v1/reports/{kind}/{period}: broken, hostile and oversized values are a 4xx
// naming the field (kind, period, format, area, an unknown or repeated parameter).
import { expect } from 'chai'
import { testClient, loginAs, type Client } from '../support/http.ts'

describe('periodic reports API: bad input', () => {
  let client: Client
  let command: Record<string, string>
  const nextYear = new Date().getUTCFullYear() + 1

  before(async () => {
    client = await testClient()
    command = await loginAs(client, 'command')
  })

  const cases: [string, string, number?][] = [
    ['quarterly/2026-Q1', 'kind'],
    ['DAILY/2026-11-30', 'kind'],
    ['monthly/2026-13', 'period'],
    ['monthly/2026-00', 'period'],
    ['monthly/2026-1', 'period'],
    ['weekly/2026-W54', 'period'],
    ['weekly/2026-W00', 'period'],
    ['weekly/2021-W53', 'period'], // 2021 has 52 ISO weeks
    ['daily/2026-02-30', 'period'],
    ['daily/2026-11-31', 'period'],
    ['daily/2026-11', 'period'],
    ['annual/26', 'period'],
    ['annual/0000', 'period'],
    [`annual/${nextYear}`, 'period'],
    [`monthly/${nextYear}-01`, 'period'],
    ['daily/9999-12-31', 'period'],
    [`daily/${encodeURIComponent("2026-11-30' OR '1'='1")}`, 'period'],
    [`daily/${encodeURIComponent('<script>alert(1)</script>')}`, 'period'],
    [`daily/${'9'.repeat(5000)}`, 'period'],
    ['daily/%E2%80%AE2026-11-30', 'period'],
    ['monthly/2025-06?format=doc', 'format'],
    ['monthly/2025-06?format=PDF', 'format'],
    ['monthly/2025-06?format=xlsx&format=pdf', 'format'],
    ['monthly/2025-06?area=9901', 'area'],
    [`monthly/2025-06?area=${encodeURIComponent("990100000000' --")}`, 'area'],
    [`monthly/2025-06?area=${'1'.repeat(3000)}`, 'area'],
    ['monthly/2025-06?area=990199000000', 'area'], // well-formed, no such division
    ['monthly/2025-06?area=110100000000', 'area', 403], // another city
    ['monthly/2025-06?unit=district', 'unit'],
  ]

  for (const [path, field, status = 400] of cases) {
    it(`${path.slice(0, 60)} → ${status} naming ${field}`, async () => {
      const r = await client.get(`/api/v1/reports/${path}`, command)
      expect(r.statusCode, r.body.slice(0, 300)).to.equal(status)
      expect(r.headers['content-type']).to.match(/problem\+json/)
      const body = r.json() as { detail: string; errors?: { field: string }[] }
      const named = (body.errors ?? []).map((e) => e.field).join(',') + body.detail
      expect(named, body.detail).to.include(field)
    })
  }
})
