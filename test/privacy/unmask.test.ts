// POST /api/v1/events/{number}/unmask: the full fields for a role that holds the right, with a
// reason, recorded (who, when, which record, which fields, the reason, the request id) in the
// append-only privacy_unmask; refused without a reason, for a role without the right, outside
// the jurisdiction, and for broken, hostile and oversized input.
import { expect } from 'chai'
import type { Knex } from 'knex'
import { getTestDb } from '../support/db.ts'
import { testClient, type Client } from '../support/http.ts'
import { pointIn } from '../events/helpers.ts'
import { expectNoFull, newReporter, reportWith, signIn } from './support.ts'

describe('privacy: unmasking one record', function () {
  let client: Client
  let knex: Knex
  let auth: Record<string, Record<string, string>>
  const r = newReporter()
  let number = ''
  const unmask = (who: string, body: unknown, n = number, extra: Record<string, string> = {}) =>
    client.post(`/api/v1/events/${n}/unmask`, body, { ...auth[who], ...extra })
  const rows = () => knex('privacy_unmask').where({ record_number: number }).orderBy('id')

  before(async () => {
    client = await testClient()
    knex = await getTestDb()
    auth = await signIn(client, knex)
    number = (await reportWith(client, auth.command!, await pointIn(knex, '990102001001', 3), r)).json().event.number
  })

  it('answers the full fields to a street that may unmask, and records who, what, why and the request id', async () => {
    const reason = '回访核实诉求人联系方式'
    const res = await unmask('street1', { reason }, number, { 'x-request-id': 'privacy-test-req-1' })
    expect(res.statusCode, res.body).to.equal(200)
    expect(res.json()).to.deep.include({ number, fields: ['reporter.name', 'reporter.phone'] })
    expect(res.json().reporter).to.deep.include({ name: r.name, phone: r.phone })
    expect(res.headers['cache-control']).to.equal('no-store')
    const street1 = await knex('app_user').where({ username: 'street1' }).first('id')
    const [row] = await rows()
    expect(row).to.deep.include({ username: 'street1', role: 'street_staff', principal_kind: 'user', record_kind: 'event', record_number: number,
      community_code: '990102001001', reason, request_id: 'privacy-test-req-1' })
    expect(Number(row.user_id)).to.equal(Number(street1.id))
    expect(row.fields).to.deep.equal(['reporter.name', 'reporter.phone'])
    expect(Number(row.id)).to.equal(res.json().audit.id)
    expect(new Date(row.at).toISOString()).to.equal(res.json().audit.at)
    // the views stay masked afterwards: the unmask is for this one answer
    expect((await client.get(`/api/v1/events/${number}`, auth.street1)).json().reporter).to.deep.include({ phone: r.maskedPhone })
  })

  it('lets the command centre and the holding department unmask too (recorded as well)', async () => {
    for (const who of ['command', 'department']) {
      const res = await unmask(who, { reason: `${who} 回访核实` })
      expect(res.statusCode, res.body).to.equal(200)
      expect(res.json().reporter.phone).to.equal(r.phone)
    }
    expect((await rows()).map((x) => x.username)).to.deep.equal(['street1', 'command', 'department'])
  })

  it('refuses roles without the right (403), outside the jurisdiction (404), and records nothing', async () => {
    const before = (await rows()).length
    for (const who of ['otherDept', 'analyst', 'system']) {
      const res = await unmask(who, { reason: '想看看完整号码' }, number, { 'accept-language': 'zh-CN' })
      expect(res.statusCode, `${who}: ${res.body}`).to.equal(403)
      expect(res.json().code).to.equal('privacy.unmask_forbidden')
      expect(res.json().title + res.json().detail).to.include(`无权查看事件 ${number} 上报人的完整个人信息`)
      expectNoFull(res.body, r, who)
    }
    const away = await unmask('street2', { reason: '想看看完整号码' })
    expect(away.statusCode).to.equal(404)
    expectNoFull(away.body, r, 'street2')
    expect((await rows()).length).to.equal(before)
  })

  it('refuses a missing, short, oversized, broken or hostile body with a 400 naming reason, and records nothing', async () => {
    const before = (await rows()).length
    for (const body of [{}, { reason: '' }, { reason: '   ' }, { reason: '短' }, { reason: 'x'.repeat(501) }, { reason: 5 }, { reason: ['a'] },
      { reason: '正当理由正当理由', extra: 1 }, 'not json', '{"reason":', [], null]) {
      const res = await unmask('street1', body)
      expect(res.statusCode, `${JSON.stringify(body)}: ${res.body}`).to.equal(400)
      if (body !== null && typeof body === 'object' && !Array.isArray(body)) {
        expect(res.json().errors.map((e: { field: string }) => e.field), JSON.stringify(body)).to.include('extra' in body ? '(root)' : 'reason')
      }
      expectNoFull(res.body, r, JSON.stringify(body))
    }
    const big = await unmask('street1', { reason: '理由'.repeat(2_000_000) })
    expect(big.statusCode).to.be.oneOf([400, 413])
    for (const n of ['E2026', '../../etc', 'E20261301000001', "E20260101'0001"]) {
      const res = await unmask('street1', { reason: '回访核实联系方式' }, encodeURIComponent(n))
      expect(res.statusCode, n).to.equal(404)
    }
    expect((await rows()).length).to.equal(before)
  })

  it('keeps the record append-only', async () => {
    const [row] = await rows()
    let refused = 0
    for (const sql of ['UPDATE privacy_unmask SET reason = ? WHERE id = ?', 'DELETE FROM privacy_unmask WHERE id = ? OR reason = ?']) {
      await knex.raw(sql, sql.startsWith('UPDATE') ? ['篡改', row.id] : [row.id, 'x']).catch((err: Error) => {
        expect(err.message).to.include('append-only')
        refused++
      })
    }
    expect(refused).to.equal(2)
    expect((await rows())[0].reason).to.equal('回访核实诉求人联系方式')
  })
})
