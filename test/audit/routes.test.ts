// GET /api/v1/audit: the auditor only (every other role 403, anonymous 401), its filters checked
// against the table read directly, the keyset pages, CSV, hostile and oversized filters (400
// naming the field), and no way to write or delete through the API.
import { expect } from 'chai'
import type { Knex } from 'knex'
import { getTestDb } from '../support/db.ts'
import { testClient, loginAs, type Client } from '../support/http.ts'
import { DEMO_API_KEY, demoUsers } from '../../fixtures/users.ts'
import { roles } from '../../server/auth/roles.ts'
import { pointIn } from '../events/helpers.ts'
import { newReporter, reportWith } from '../privacy/support.ts'

interface Item { id: number; at: string; requestId: string; user: { username: string }; action: string; resource: { type: string; id: string }; personal: boolean; fields: string[] }

describe('access audit: GET /api/v1/audit', function () {
  this.timeout(120_000)
  let client: Client
  let knex: Knex
  let auditor: Record<string, string>
  let command: Record<string, string>
  const tag = `audq-${process.pid}`
  let number = ''
  const list = (qs: string, headers = auditor) => client.get(`/api/v1/audit?${qs}`, headers)

  before(async () => {
    client = await testClient()
    knex = await getTestDb()
    auditor = await loginAs(client, 'auditor')
    command = await loginAs(client, 'command')
    const r = newReporter()
    number = (await reportWith(client, { ...command, 'x-request-id': `${tag}-create` }, await pointIn(knex, '990102001001', 5), r)).json().event.number
    for (let i = 0; i < 3; i++) await client.get(`/api/v1/events/${number}`, { ...command, 'x-request-id': `${tag}-read-${i}` })
  })

  it('is the auditor’s alone: every other demo role and the API key 403, anonymous 401', async () => {
    expect((await list('limit=1')).statusCode).to.equal(200)
    const others = demoUsers.filter((u) => u.role !== 'auditor' && u.role !== 'external_system')
    // every role but the auditor and public (which has no sign-in) has a demo user here
    expect(new Set([...others.map((u) => u.role), 'external_system', 'public', 'auditor'])).to.deep.equal(new Set(roles))
    for (const u of others) {
      const res = await list('limit=1', await loginAs(client, u.username))
      expect(res.statusCode, u.username).to.equal(403)
      expect(res.body, u.username).to.not.include(tag)
    }
    expect((await list('limit=1', { 'x-api-key': DEMO_API_KEY })).statusCode).to.equal(403)
    expect((await list('limit=1', {})).statusCode).to.equal(401)
  })

  it('filters by user, action, resource, request id, personal and time, as the table says', async () => {
    const byResource = (await list(`resourceType=events&resourceId=${number}&limit=100`)).json().items as Item[]
    const direct = await knex('access_audit').where({ resource_type: 'events', resource_id: number }).orderBy([{ column: 'at', order: 'desc' }, { column: 'id', order: 'desc' }])
    expect(byResource.map((i) => i.id)).to.deep.equal(direct.map((d) => Number(d.id)))
    // positive control: the create and three full reads (and the intake answer's own full read)
    expect(byResource.filter((i) => i.action === 'read' && i.personal).length).to.equal(4)
    expect(byResource.filter((i) => i.action === 'create').length).to.equal(1)
    const personal = (await list(`resourceId=${number}&personal=true`)).json().items as Item[]
    expect(personal.map((i) => i.requestId).sort()).to.deep.equal([`${tag}-create`, `${tag}-read-0`, `${tag}-read-1`, `${tag}-read-2`])
    expect(personal.every((i) => i.fields.includes('reporter.phone'))).to.equal(true)
    const byRequest = (await list(`requestId=${tag}-read-1`)).json().items as Item[]
    expect(byRequest.map((i) => [i.user.username, i.action, i.resource.id])).to.deep.equal([['command', 'read', number]])
    const creates = (await list('user=command&action=create&limit=1000')).json().items as Item[]
    const n = await knex('access_audit').where({ username: 'command', action: 'create' }).where((q) => q.where('city_code', '990100').orWhereNull('city_code')).count<{ n: string }[]>('* as n')
    expect(creates.length).to.equal(Number(n[0]!.n)).and.to.be.greaterThan(0)
    expect(creates.every((i) => i.user.username === 'command' && i.action === 'create')).to.equal(true)
    // time: a window ending before the reads holds none of them
    const first = byResource[byResource.length - 1]!.at
    const before = (await list(`resourceId=${number}&to=${encodeURIComponent(first)}`)).json().items as Item[]
    expect(before).to.have.length(0)
    const after = (await list(`resourceId=${number}&from=${encodeURIComponent(first)}&to=2099-01-01`)).json().items as Item[]
    expect(after).to.have.length(byResource.length)
  })

  it('pages newest first with a cursor, with no row twice and none left out', async () => {
    const all = (await list('user=command&limit=1000')).json().items as Item[]
    expect(all.length).to.be.greaterThan(5)
    const seen: number[] = []
    let cursor: string | null = null
    do {
      const res = await list(`user=command&limit=2${cursor ? `&cursor=${cursor}` : ''}`)
      expect(res.statusCode).to.equal(200)
      seen.push(...(res.json().items as Item[]).map((i) => i.id))
      cursor = res.json().next
    } while (cursor && seen.length < 2000)
    expect(seen).to.deep.equal(all.map((i) => i.id))
  })

  it('exports CSV with the same rows and neutralised formulas', async () => {
    // a path a spreadsheet would run as a formula
    await client.request({ method: 'DELETE', url: '/api/v1/=cmd|calc', headers: { ...command, 'x-request-id': `${tag}-formula` } })
    const res = await list(`requestId=${tag}-formula&format=csv`)
    expect(res.statusCode).to.equal(200)
    expect(res.headers['content-type']).to.match(/^text\/csv/)
    const lines = res.body.replace(/^\uFEFF/, '').trim().split('\r\n')
    expect(lines[0]).to.match(/^id,at,request_id,username/)
    expect(lines).to.have.length(2)
    // the resource type taken from that path starts with '=': written as text, not as a formula
    expect(lines[1]).to.include("\"'=cmd|calc\"").and.not.match(/,=cmd/)
    const json = (await list(`resourceId=${number}`)).json().items as Item[]
    const csv = (await list(`resourceId=${number}&format=csv`)).body.trim().split('\r\n').slice(1)
    expect(csv.map((l) => Number(l.split(',')[0]))).to.deep.equal(json.map((i) => i.id))
  })

  it('refuses hostile, broken and oversized filters with a 400 naming the field', async () => {
    const cases: [string, string][] = [
      ['user=' + 'x'.repeat(1000), 'user'], [`user=${encodeURIComponent("a' OR 1=1 --")}`, 'user'], ['user=a&user=b', 'user'],
      ['action=drop', 'action'], ['resourceType=EVENTS%3BDROP', 'resourceType'], ['resourceId=' + 'x'.repeat(129), 'resourceId'],
      ['resourceId=a%01b', 'resourceId'], ['requestId=' + 'r'.repeat(65), 'requestId'], ['requestId=a%20b', 'requestId'],
      ['from=2026-02-30', 'from'], ['to=2026-13-01', 'to'], ['from=' + '9'.repeat(500), 'from'], ['from=2026-06-01&to=2026-05-01', 'to'],
      ['personal=yes', 'personal'], ['limit=0', 'limit'], ['limit=100000', 'limit'], ['limit=-1', 'limit'], ['limit=1e3', 'limit'],
      ['cursor=not-a-cursor', 'cursor'], ['cursor=' + 'A'.repeat(300), 'cursor'], ['format=xlsx', 'format'], ['sql=select', '(root)'],
    ]
    for (const [qs, field] of cases) {
      const res = await list(qs)
      expect(res.statusCode, `${qs.slice(0, 60)}: ${res.body.slice(0, 200)}`).to.equal(400)
      expect(res.json().errors.map((e: { field: string }) => e.field), qs.slice(0, 60)).to.include(field)
    }
  })

  it('offers no way to write or delete: every other method is refused and nothing changes', async () => {
    const before = await knex('access_audit').count<{ n: string }[]>('* as n')
    const lastId = (await knex('access_audit').max<{ m: string }[]>('id as m'))[0]!.m
    for (const method of ['POST', 'PUT', 'PATCH', 'DELETE'] as const) {
      for (const url of ['/api/v1/audit', `/api/v1/audit/${lastId}`]) {
        const res = await client.request({ method, url, headers: { ...auditor, 'content-type': 'application/json' }, payload: '{"reason":"x"}' })
        expect(res.statusCode, `${method} ${url}`).to.be.oneOf([404, 405])
      }
    }
    // the attempts themselves are recorded (8 rows), none is changed or removed
    const after = await knex('access_audit').count<{ n: string }[]>('* as n')
    expect(Number(after[0]!.n)).to.equal(Number(before[0]!.n) + 8)
    expect(await knex('access_audit').where('id', lastId).first()).to.not.equal(undefined)
  })

  it('shows the auditor nothing of the city beyond the audit: no events in its jurisdiction', async () => {
    const events = await client.get('/api/v1/events?limit=5', auditor)
    expect(events.statusCode).to.equal(200)
    expect(events.json().items).to.have.length(0)
    // positive control: the centre sees events there
    expect((await client.get('/api/v1/events?limit=5', command)).json().items.length).to.be.greaterThan(0)
    expect((await client.get(`/api/v1/events/${number}`, auditor)).statusCode).to.equal(404)
    expect((await client.post(`/api/v1/events/${number}/unmask`, { reason: '审计抽查记录' }, auditor)).statusCode).to.be.oneOf([403, 404])
  })
})
