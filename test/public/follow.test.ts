// Following a report by number and SMS code, the follow token, evaluation and appeal once
// through the events workflow, and the throttles (database counters): resend, per address,
// 20 wrong codes for a number.
import { expect } from 'chai'
import type { Knex } from 'knex'
import type { Client } from '../support/http.ts'
import { closeGateway, codeFor, fresh, pointInCity, postForm, publicClient, smsGateway } from './helpers.ts'
import { deliverDue } from '../../server/integrations/deliverer.ts'

describe('public: following, evaluating and appealing a report', function () {
  this.timeout(60_000)
  let client: Client
  let knex: Knex
  let here: { lon: number; lat: number }

  before(async () => {
    client = await publicClient()
    knex = client.context.knex
    await smsGateway()
    here = await pointInCity(knex)
  })
  after(closeGateway)

  async function report(phone: string, ip: string): Promise<{ number: string; followToken: string }> {
    const code = await codeFor(client, phone, ip)
    const res = await postForm(client, '/api/v1/public/reports', [
      { name: 'description', value: '楼道里堆满杂物，存在消防隐患' }, { name: 'lon', value: String(here.lon) }, { name: 'lat', value: String(here.lat) },
      { name: 'crs', value: 'EPSG:4326' }, { name: 'phone', value: phone }, { name: 'code', value: code }], ip)
    expect(res.statusCode, res.body).to.equal(201)
    return res.json()
  }

  it('sends a follow code only to the reporter phone, answering 202 alike; the code gives a token that reads the report', async () => {
    const { phone, ip } = fresh()
    const { number } = await report(phone, ip)
    const gateway = await smsGateway()
    // 61 s later for the resend interval: move the last code back in time
    await knex('public_code').update({ created_at: knex.raw("created_at - interval '61 seconds'") })
    const other = fresh()
    const before = gateway.received.length
    const wrong = await client.post('/api/v1/public/codes', { phone: other.phone, purpose: 'follow', number }, { 'x-forwarded-for': other.ip })
    expect(wrong.statusCode).to.equal(202)
    const third = fresh()
    const missing = await client.post('/api/v1/public/codes', { phone: third.phone, purpose: 'follow', number: 'E202001019999' }, { 'x-forwarded-for': third.ip })
    expect(missing.statusCode).to.equal(202)
    await deliverDue(knex)
    expect(gateway.received.length).to.equal(before)
    const code = await codeFor(client, phone, ip, 'follow', number)
    expect(gateway.received.length).to.equal(before + 1)
    const f = await client.post(`/api/v1/public/reports/${number}/follow`, { phone, code }, { 'x-forwarded-for': ip })
    expect(f.statusCode, f.body).to.equal(200)
    const view = await client.get(`/api/v1/public/reports/${number}`, { 'x-follow-token': f.json().followToken })
    expect(view.statusCode).to.equal(200)
    expect(view.json()).to.include({ number, status: 'reported', canEvaluate: false, canAppeal: false })
    // a wrong token, or a token of another number: 401 coded, worded in Chinese
    const bad = await client.get(`/api/v1/public/reports/${number}`, { 'x-follow-token': 'A'.repeat(43), 'accept-language': 'zh-CN' })
    expect(bad.statusCode).to.equal(401)
    expect(bad.json().code).to.equal('public.follow_token_invalid')
    expect(bad.json().detail).to.match(/凭证/)
  })

  it('evaluates once and appeals once after closing, through the workflow; the page shows both', async () => {
    const { phone, ip } = fresh()
    const { number, followToken } = await report(phone, ip)
    const h = { 'x-follow-token': followToken, 'x-forwarded-for': ip }
    const early = await client.post(`/api/v1/public/reports/${number}/evaluation`, { satisfaction: 'satisfied' }, h)
    expect(early.statusCode, early.body).to.equal(409)
    // the handling is not this test's subject: the event is closed as the workflow would leave it
    await knex('event').where('number', number).update({ status: 'closed', closed_at: new Date() })
    const before = await client.get(`/api/v1/public/reports/${number}`, h)
    expect(before.json()).to.include({ canEvaluate: true, canAppeal: true })
    expect((await client.post(`/api/v1/public/reports/${number}/evaluation`, { satisfaction: 'fine' }, h)).statusCode).to.equal(400)
    const ev = await client.post(`/api/v1/public/reports/${number}/evaluation`, { satisfaction: 'basic', comment: '<b>还行</b>' }, h)
    expect(ev.statusCode, ev.body).to.equal(200)
    expect(ev.json().evaluation).to.include({ satisfaction: 'basic', comment: '<b>还行</b>' })
    expect(ev.json().status).to.equal('evaluated')
    expect((await knex('event').where('number', number).first('satisfaction')).satisfaction).to.equal('basically_satisfied')
    expect((await client.post(`/api/v1/public/reports/${number}/evaluation`, { satisfaction: 'satisfied' }, h)).statusCode).to.equal(409)
    expect((await client.post(`/api/v1/public/reports/${number}/appeal`, { reason: '短' }, h)).statusCode).to.equal(400)
    const ap = await client.post(`/api/v1/public/reports/${number}/appeal`, { reason: '问题没有解决，杂物还在楼道里' }, h)
    expect(ap.statusCode, ap.body).to.equal(201)
    const child = await knex('event').where('number', ap.json().number).first('parent_event_id', 'reporter_phone')
    expect(child.reporter_phone).to.equal(phone)
    const again = await client.post(`/api/v1/public/reports/${number}/appeal`, { reason: '再次申诉一下试试看' }, h)
    expect(again.statusCode).to.equal(409)
    const v = (await client.get(`/api/v1/public/reports/${number}`, h)).json()
    expect(v.appeal).to.include({ reason: '问题没有解决，杂物还在楼道里', number: ap.json().number })
    expect(v.steps.map((s: { name: string }) => s.name)).to.deep.equal(['上报', '评价', '申诉'])
    expect(v).to.include({ canEvaluate: false, canAppeal: false })
  })

  it('throttles: a resend within 60 s, and 20 wrong codes for a number, are 429 with Retry-After', async () => {
    const { phone, ip } = fresh()
    const { number } = await report(phone, ip)
    const resend = await client.post('/api/v1/public/codes', { phone, purpose: 'report' }, { 'x-forwarded-for': ip, 'accept-language': 'zh-CN' })
    expect(resend.statusCode).to.equal(429)
    expect(Number(resend.headers['retry-after'])).to.be.within(1, 60)
    expect(resend.json().detail).to.match(/秒后再试/)
    for (let i = 0; i < 20; i++) {
      // from different addresses and phones: the number's own counter is what trips
      const g = fresh()
      const res = await client.post(`/api/v1/public/reports/${number}/follow`, { phone: g.phone, code: String(100000 + i) }, { 'x-forwarded-for': g.ip })
      expect(res.statusCode, res.body).to.equal(400)
      expect(res.json().code).to.equal('public.code_invalid')
    }
    const g = fresh()
    const locked = await client.post(`/api/v1/public/reports/${number}/follow`, { phone: g.phone, code: '123456' }, { 'x-forwarded-for': g.ip })
    expect(locked.statusCode).to.equal(429)
    expect(locked.json().code).to.equal('public.throttled')
    expect(Number(locked.headers['retry-after'])).to.be.above(0)
    // the counter lives in the database: every instance sees the lock
    const rows = await knex('login_throttle').where('scope', 'code_number').whereNotNull('locked_until').count<{ count: string }[]>('* as count')
    expect(Number(rows[0]!.count)).to.be.at.least(1)
  })

  it('20 wrong codes from one address lock that address; a token reads only its own report and photos', async () => {
    const a = fresh()
    const b = fresh()
    const ra = await report(a.phone, a.ip)
    const rb = await report(b.phone, b.ip)
    // another report's token: 401 for the report, its evaluation and its appeal
    for (const url of [`/api/v1/public/reports/${rb.number}`]) {
      expect((await client.get(url, { 'x-follow-token': ra.followToken })).statusCode).to.equal(401)
    }
    expect((await client.post(`/api/v1/public/reports/${rb.number}/appeal`, { reason: '用别人的凭证申诉' }, { 'x-follow-token': ra.followToken })).statusCode).to.equal(401)
    // positive control: its own token reads it
    expect((await client.get(`/api/v1/public/reports/${rb.number}`, { 'x-follow-token': rb.followToken })).statusCode).to.equal(200)
    const guesser = fresh()
    for (let i = 0; i < 20; i++) {
      const res = await client.post(`/api/v1/public/reports/${i % 2 ? ra.number : rb.number}/follow`, { phone: fresh().phone, code: String(200000 + i) }, { 'x-forwarded-for': guesser.ip })
      expect(res.statusCode, res.body).to.equal(400)
    }
    const locked = await client.post('/api/v1/public/reports/E202001010001/follow', { phone: fresh().phone, code: '123456' }, { 'x-forwarded-for': guesser.ip })
    expect(locked.statusCode).to.equal(429)
    // another address is not locked
    const other = await client.post('/api/v1/public/reports/E202001010001/follow', { phone: fresh().phone, code: '123456' }, { 'x-forwarded-for': fresh().ip })
    expect(other.statusCode).to.equal(400)
  })

  it('refuses broken code requests naming the field', async () => {
    const { ip } = fresh()
    for (const [body, field] of [[{ phone: '1380013800', purpose: 'report' }, 'phone'], [{ phone: '13800138000', purpose: 'x' }, 'purpose'],
      [{ phone: '13800138000', purpose: 'follow' }, 'number'], [{ phone: '13800138000', purpose: 'report', more: 1 }, '(root)']] as const) {
      const res = await client.post('/api/v1/public/codes', body, { 'x-forwarded-for': ip })
      expect(res.statusCode, res.body).to.equal(400)
      expect(JSON.stringify(res.json().errors)).to.contain(field)
    }
  })
})
