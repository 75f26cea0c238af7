// Broken, hostile and oversized input to the assessment API: each a 4xx naming the field.
import { expect } from 'chai'
import { testClient, loginAs, type Client } from '../support/http.ts'

describe('assessment API: bad input', () => {
  let client: Client
  let command: Record<string, string>
  const good = { code: 'T-IN', name: '输入测试', unit: 'community', items: [{ indicator: 'closeRate', weight: 1, better: 'higher' }] }

  before(async () => {
    client = await testClient()
    command = await loginAs(client, 'command')
    const res = await client.post('/api/v1/assessment-rules', good, command)
    expect(res.statusCode, res.body).to.equal(201)
    expect(res.json()).to.include({ effectiveFrom: '1970-01-01' })
    expect(res.json().periods).to.deep.equal(['monthly'])
  })

  const fields = (res: { statusCode: number; body: string; json(): { errors?: { field: string }[] } }, status = 400) => {
    expect(res.statusCode, res.body).to.equal(status)
    return (res.json().errors ?? []).map((e) => e.field)
  }
  const rule = (patch: Record<string, unknown>) => client.post('/api/v1/assessment-rules', { ...good, code: 'T-IN2', ...patch }, command)
  const item = (patch: Record<string, unknown>) => rule({ items: [{ ...good.items[0], ...patch }] })

  it('rule items: unknown indicator, weight ≤ 0, not a number or too large, bad direction, empty, repeated', async () => {
    expect(fields(await item({ indicator: 'happiness' }))).to.deep.equal(['items.0.indicator'])
    expect(fields(await item({ weight: 0 }))).to.deep.equal(['items.0.weight'])
    expect(fields(await item({ weight: -2 }))).to.deep.equal(['items.0.weight'])
    expect(fields(await item({ weight: '5' }))).to.deep.equal(['items.0.weight'])
    expect(fields(await item({ weight: null }))).to.deep.equal(['items.0.weight'])
    expect(fields(await client.post('/api/v1/assessment-rules', `{"code":"T-IN2","name":"x","unit":"street","items":[{"indicator":"closeRate","weight":1e400,"better":"higher"}]}`, command)))
      .to.deep.equal(['items.0.weight'])
    expect(fields(await item({ better: 'up' }))).to.deep.equal(['items.0.better'])
    expect(fields(await item({ extra: 1 }))).to.deep.equal(['items.0'])
    expect(fields(await rule({ items: [] }))).to.deep.equal(['items'])
    expect(fields(await rule({ items: 'closeRate' }))).to.deep.equal(['items'])
    expect(fields(await rule({ items: [good.items[0], good.items[0]] }))).to.deep.equal(['items'])
    expect(fields(await rule({ items: Array.from({ length: 17 }, () => good.items[0]) }))).to.include('items')
  })

  it('rule fields: unit, periods, code, name, effectiveFrom, unknown keys, a taken code', async () => {
    expect(fields(await rule({ unit: 'grid' }))).to.deep.equal(['unit'])
    expect(fields(await rule({ periods: ['hourly'] }))).to.deep.equal(['periods.0'])
    expect(fields(await rule({ periods: [] }))).to.deep.equal(['periods'])
    expect(fields(await rule({ code: "x'; DROP TABLE assessment_rule; --" }))).to.deep.equal(['code'])
    expect(fields(await rule({ code: 'a'.repeat(41) }))).to.deep.equal(['code'])
    expect(fields(await rule({ name: '' }))).to.deep.equal(['name'])
    expect(fields(await rule({ name: '考核\u0000\u001b[31m' }))).to.deep.equal(['name'])
    expect(fields(await rule({ name: '长'.repeat(101) }))).to.deep.equal(['name'])
    expect(fields(await rule({ name: { $ne: 1 } }))).to.deep.equal(['name'])
    expect(fields(await rule({ effectiveFrom: '2017-02-30' }))).to.deep.equal(['effectiveFrom'])
    expect(fields(await rule({ effectiveFrom: '17-01-01' }))).to.deep.equal(['effectiveFrom'])
    expect(fields(await rule({ reason: 'x'.repeat(501) }))).to.deep.equal(['reason'])
    const extra = await rule({ admin: true })
    expect(fields(extra)).to.deep.equal(['(root)'])
    expect(extra.json().detail).to.match(/admin/)
    expect(fields(await client.post('/api/v1/assessment-rules', '[1,2]', command))).to.deep.equal(['(root)'])
    expect(fields(await client.post('/api/v1/assessment-rules', good, command), 409)).to.deep.equal(['code'])
  })

  it('an oversized body is refused before it is parsed', async () => {
    const res = await client.post('/api/v1/assessment-rules', { ...good, code: 'T-BIG', name: 'x'.repeat(3 * 1024 * 1024) }, command)
    expect(res.statusCode).to.equal(413)
  })

  it('a change: reason required, unknown rule, bad path code', async () => {
    const put = (code: string, body: unknown) => client.request({ method: 'PUT', url: `/api/v1/assessment-rules/${code}`,
      headers: { ...command, 'content-type': 'application/json' }, payload: JSON.stringify(body) })
    const body = { items: good.items, effectiveFrom: '2020-01-01', reason: '测试' }
    expect(fields(await put('T-IN', { ...body, reason: undefined }))).to.deep.equal(['reason'])
    expect(fields(await put('T-IN', { ...body, reason: '   ' }))).to.deep.equal(['reason'])
    expect(fields(await put('T-IN', { ...body, unit: 'street' }))).to.deep.equal(['(root)'])
    expect((await put('T-NONE', body)).statusCode).to.equal(404)
    expect(fields(await put('a%27%3B--', body))).to.deep.equal(['code'])
  })

  it('reading rules: bad day, repeated or unknown parameter, unknown rule', async () => {
    const get = (url: string) => client.get(url, command)
    expect(fields(await get('/api/v1/assessment-rules/T-IN?at=2017-13-01'))).to.deep.equal(['at'])
    expect(fields(await get('/api/v1/assessment-rules/T-IN?at=2017-01-01&at=2018-01-01'))).to.deep.equal(['at'])
    expect(fields(await get('/api/v1/assessment-rules/T-IN?version=1'))).to.deep.equal(['(root)'])
    expect((await get('/api/v1/assessment-rules/T-NONE')).statusCode).to.equal(404)
    expect((await get('/api/v1/assessment-rules/T-NONE/versions')).statusCode).to.equal(404)
  })

  it('snapshots: bad period labels, kinds, rules, reasons, ids and limits', async () => {
    const post = (body: Record<string, unknown>) => client.post('/api/v1/assessments', { rule: 'T-IN', kind: 'monthly', period: '2017-05', ...body }, command)
    const month13 = await post({ period: '2026-13' })
    expect(fields(month13)).to.deep.equal(['period'])
    expect(month13.json().detail).to.match(/^invalid request body: period: a monthly period is written like 2026-11/)
    expect(fields(await post({ kind: 'weekly', period: '2026-W54' }))).to.deep.equal(['period'])
    expect(fields(await post({ kind: 'weekly', period: '2025-W53' }))).to.deep.equal(['period'])
    expect(fields(await post({ kind: 'daily', period: '2017-02-29' }))).to.deep.equal(['period'])
    expect(fields(await post({ kind: 'daily', period: '2017-05' }))).to.deep.equal(['period'])
    expect(fields(await post({ period: "2017-05'--" }))).to.deep.equal(['period'])
    expect(fields(await post({ period: 201705 }))).to.deep.equal(['period'])
    expect(fields(await post({ kind: 'hourly' }))).to.deep.equal(['kind'])
    expect(fields(await post({ rule: 'NO-SUCH-RULE' }))).to.deep.equal(['rule'])
    expect(fields(await post({ rule: '<script>' }))).to.deep.equal(['rule'])
    expect(fields(await post({ reason: 'x'.repeat(501) }))).to.deep.equal(['reason'])
    expect(fields(await post({ reason: 'a\u0007b' }))).to.deep.equal(['reason'])

    const get = (q: string) => client.get(`/api/v1/assessments?${q}`, command)
    expect(fields(await get('kind=weekly&period=2026-W54'))).to.deep.equal(['period'])
    expect(fields(await get('kind=monthly&period=2026-13'))).to.deep.equal(['period'])
    expect(fields(await get('period=2017-05'))).to.deep.equal(['kind'])
    expect(fields(await get('rule=NO-SUCH-RULE'))).to.deep.equal(['rule'])
    expect(fields(await get('limit=0'))).to.deep.equal(['limit'])
    expect(fields(await get('limit=abc'))).to.deep.equal(['limit'])
    expect(fields(await get('kind=monthly&kind=weekly'))).to.deep.equal(['kind'])
    expect(fields(await get('sort=score'))).to.deep.equal(['(root)'])
    expect(fields(await client.get('/api/v1/assessments/abc', command))).to.deep.equal(['id'])
    expect(fields(await client.get('/api/v1/assessments/99999999999999999999', command))).to.deep.equal(['id'])
    expect((await client.get('/api/v1/assessments/99999999', command)).statusCode).to.equal(404)
  })
})
