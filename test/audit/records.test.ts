// The access audit records (server/audit/): one row per change request and sign-in/out, one row
// per record whose personal fields were delivered in full (judged by the answer's content, with
// none for masked deliveries), no row for plain reads (tiles, WFS), and a failed write withholds
// personal data (503) but not a committed change.
import { expect } from 'chai'
import type { Knex } from 'knex'
import { getTestContext, getTestDb } from '../support/db.ts'
import { testClient, loginAs, type Client } from '../support/http.ts'
import { DEMO_PASSWORD } from '../../fixtures/users.ts'
import { pointIn } from '../events/helpers.ts'
import { newReporter, reportWith } from '../privacy/support.ts'
import { registerDevice } from '../positions/helpers.ts'

interface Item { number: string; reporter?: { name: string | null; phone: string | null; masked: boolean } }

describe('access audit: what is recorded', function () {
  this.timeout(120_000)
  let client: Client
  let knex: Knex
  const auth: Record<string, Record<string, string>> = {}
  const r = newReporter()
  const numbers: string[] = []
  let seq = 0
  const rid = (what: string) => `audit-${what}-${process.pid}-${++seq}`
  const rowsOf = (requestId: string) => knex('access_audit').where({ request_id: requestId }).orderBy('id')

  before(async () => {
    client = await testClient()
    knex = await getTestDb()
    for (const u of ['command', 'street1', 'analyst']) auth[u] = await loginAs(client, u)
    for (let i = 0; i < 3; i++) numbers.push((await reportWith(client, auth.command!, await pointIn(knex, '990102001001', i), r)).json().event.number)
  })

  it('records a change with who, what, the resource from the route, the status, the address and the request id', async () => {
    const id = rid('create')
    const res = await client.post('/api/v1/events', {
      channel: 'superior', demandType: '投诉举报', classCode: '0102', description: '审计测试 暴露垃圾',
      location: await pointIn(knex, '990102001001', 3).then((p) => ({ x: p.lon, y: p.lat })),
    }, { ...auth.command, 'x-request-id': id })
    expect(res.statusCode, res.body).to.equal(201)
    const number = res.json().event.number
    const rows = await rowsOf(id)
    expect(rows, 'one row for the request (no reporter: no personal row)').to.have.length(1)
    expect(rows[0]).to.deep.include({ username: 'command', role: 'command_center', principal_kind: 'user', method: 'POST', path: '/api/v1/events',
      action: 'create', resource_type: 'events', resource_id: number, personal: false, status: 201, city_code: '990100', client_address: '127.0.0.1' })
    // a transition on it: an update of that event, from the route's :number
    const tid = rid('t')
    const t = await client.post(`/api/v1/events/${number}/transitions`, { action: 'sign' }, { ...auth.command, 'x-request-id': tid })
    const [tr] = (await rowsOf(tid)).filter((x) => !x.personal)
    expect(tr).to.deep.include({ action: 'update', resource_type: 'events', resource_id: number, status: t.statusCode })
    // a refused change is recorded too, with its status
    const bad = rid('bad')
    expect((await client.post('/api/v1/events', { channel: 'nope' }, { ...auth.street1, 'x-request-id': bad })).statusCode).to.equal(400)
    expect((await rowsOf(bad)).map((x) => [x.username, x.action, x.status])).to.deep.equal([['street1', 'create', 400]])
    // a hostile, oversized route key is recorded too (a NUL would make PostgreSQL refuse the row)
    for (const key of [`%00${'x'.repeat(5000)}`, '%F0%9F%98%80%00', `${'e'.repeat(3000)}`]) {
      const hostile = rid('hostile')
      const h = await client.request({ method: 'DELETE', url: `/api/v1/fences/${key}`, headers: { ...auth.command, 'x-request-id': hostile } })
      expect(h.statusCode).to.be.within(400, 499)
      const [row, ...more] = await rowsOf(hostile)
      expect(more).to.have.length(0)
      expect(row).to.deep.include({ action: 'delete', resource_type: 'fences', status: h.statusCode })
      expect(row.path.length).to.be.at.most(1000)
      expect(row.resource_id === null || (row.resource_id.length <= 128 && !row.resource_id.includes('\u0000'))).to.equal(true)
    }
  })

  it('records sign-in (also a failed one, by the name given) and sign-out', async () => {
    const ok = rid('login')
    const res = await client.post('/api/v1/auth/login', { username: 'street2', password: DEMO_PASSWORD }, { 'x-request-id': ok })
    expect(res.statusCode).to.equal(200)
    expect((await rowsOf(ok)).map((x) => [x.username, x.role, x.action, x.status, x.city_code])).to.deep.equal([['street2', 'street_staff', 'login', 200, '990100']])
    const failed = rid('login-failed')
    expect((await client.post('/api/v1/auth/login', { username: 'street2', password: 'wrong-password-1' }, { 'x-request-id': failed })).statusCode).to.equal(401)
    const hostile = rid('login-hostile')
    const h = await client.post('/api/v1/auth/login', { username: "x' OR 1=1 --", password: 'y' }, { 'x-request-id': hostile })
    expect(h.statusCode).to.be.oneOf([400, 401])
    expect((await rowsOf(failed)).map((x) => [x.username, x.action, x.status])).to.deep.equal([['street2', 'login', 401]])
    expect((await rowsOf(hostile)).map((x) => [x.username, x.action, x.status])).to.deep.equal([['(invalid)', 'login', h.statusCode]])
    const out = rid('logout')
    expect((await client.post('/api/v1/auth/logout', {}, { authorization: `Bearer ${res.json().token}`, 'x-request-id': out })).statusCode).to.be.lessThan(300)
    expect((await rowsOf(out)).map((x) => [x.username, x.action])).to.deep.equal([['street2', 'logout']])
    // no password ever reaches the audit
    const all = JSON.stringify(await knex('access_audit').where('request_id', 'in', [ok, failed, hostile, out]))
    expect(all).to.not.include(DEMO_PASSWORD)
    expect(all).to.not.include('wrong-password-1')
  })

  it('records one row per record delivered in full, and none for masked deliveries (by the answer’s content)', async () => {
    // the centre reads its reports in full: as many personal rows as items shown unmasked
    const full = rid('full')
    const res = await client.get('/api/v1/events?limit=40', { ...auth.command, 'x-request-id': full })
    expect(res.statusCode).to.equal(200)
    const items = res.json().items as Item[]
    const shownFull = items.filter((i) => i.reporter && !i.reporter.masked && (i.reporter.name !== null || i.reporter.phone !== null))
    // positive control: this run's reports are among them, their phone in full in the answer
    expect(shownFull.map((i) => i.number)).to.include.members(numbers)
    expect(res.body).to.include(r.phone)
    const rows = await rowsOf(full)
    expect(rows.every((x) => x.personal && x.action === 'read' && x.resource_type === 'events')).to.equal(true)
    expect(rows.map((x) => x.resource_id).sort()).to.deep.equal(shownFull.map((i) => i.number).sort())
    const mine = rows.find((x) => x.resource_id === numbers[0])
    expect(mine.fields).to.deep.equal(['reporter.name', 'reporter.phone'])
    expect(mine.community_code).to.equal('990102001001')
    // one item read twice in one request is still one row; a single read is one row
    const one = rid('one')
    await client.get(`/api/v1/events/${numbers[1]}`, { ...auth.command, 'x-request-id': one })
    expect((await rowsOf(one)).map((x) => x.resource_id)).to.deep.equal([numbers[1]])
    // the street reads them masked (it does not hold them): items with masked reporters, no row
    for (const who of ['street1', 'analyst']) {
      const masked = rid(`masked-${who}`)
      const m = await client.get('/api/v1/events?limit=40', { ...auth[who], 'x-request-id': masked })
      const mItems = m.json().items as Item[]
      const shownMasked = mItems.filter((i) => i.reporter?.masked && i.reporter.phone !== null)
      expect(shownMasked.length, `${who}: masked reporters in the answer (positive control)`).to.be.greaterThan(0)
      const unmaskedShown = mItems.filter((i) => i.reporter && !i.reporter.masked && (i.reporter.phone !== null || i.reporter.name !== null))
      expect((await rowsOf(masked)).map((x) => x.resource_id).sort(), who).to.deep.equal(unmaskedShown.map((i) => i.number).sort())
      expect(m.body).to.not.include(r.phone)
    }
  })

  it('records each grid member whose phone a search shows in full, and none when shown masked', async () => {
    const { rows: [m] } = await knex.raw(`SELECT id::text AS id, phone FROM grid_member WHERE active AND phone IS NOT NULL
      AND community_code LIKE '990102001%' ORDER BY id LIMIT 1`)
    const full = rid('search-full')
    const res = await client.get(`/api/v1/search?q=${m.phone.slice(-6)}`, { ...auth.command, 'x-request-id': full })
    expect(res.statusCode).to.equal(200)
    type Hit = { kind: string; id: string; extra?: { phone?: string | null } }
    const hits = (res.json().groups as { items: Hit[] }[]).flatMap((g) => g.items).filter((h) => h.kind === 'member')
    const fullHits = hits.filter((h) => h.extra?.phone && !h.extra.phone.includes('*'))
    expect(fullHits.map((h) => h.id), 'positive control: the member found, phone in full').to.include(m.id)
    const rows = await rowsOf(full)
    expect(rows.map((x) => [x.resource_type, x.resource_id, x.fields.join()]).sort())
      .to.deep.equal(fullHits.map((h) => ['members', h.id, 'phone']).sort())
    // the analyst reads phones masked: hits, no rows
    const masked = rid('search-masked')
    const a = await client.get(`/api/v1/search?q=${m.phone.slice(-6)}`, { ...auth.analyst, 'x-request-id': masked })
    const aHits = (a.json().groups as { items: Hit[] }[]).flatMap((g) => g.items).filter((h) => h.kind === 'member')
    expect(aHits.some((h) => h.extra?.phone?.includes('*')), 'positive control: masked phones shown').to.equal(true)
    expect(await rowsOf(masked)).to.have.length(0)
  })

  it('adds no row for reads without personal data (tiles, WFS, masked lists)', async () => {
    const p = await pointIn(knex, '990102001001')
    const z = 14
    const tx0 = Math.floor((p.lon + 180) / 360 * 2 ** z)
    const ty0 = Math.floor((1 - Math.asinh(Math.tan(p.lat * Math.PI / 180)) / Math.PI) / 2 * 2 ** z)
    const reads = ['/tiles/all.json', `/tiles/events/${z}/${tx0}/${ty0}.mvt`, '/ogc/wfs?SERVICE=WFS&REQUEST=GetCapabilities',
      '/ogc/wfs?SERVICE=WFS&VERSION=2.0.0&REQUEST=GetFeature&TYPENAMES=events&COUNT=5', '/api/v1/auth/me']
    // every statement sent while they run: none of them is the audit's (no extra round trip)
    const sent: string[] = []
    const spy = (q: { sql: string }) => sent.push(q.sql)
    knex.on('query', spy)
    try {
      for (const url of reads) {
        const id = rid('plain')
        const res = await client.get(url, { ...auth.command, 'x-request-id': id })
        expect(res.statusCode, `${url}: ${res.body.slice(0, 200)}`).to.be.oneOf([200, 204])
        expect(await rowsOf(id), url).to.have.length(0)
      }
      expect(sent.filter((q) => /INSERT INTO access_audit|gridgov\.request_id/.test(q)), 'audit statements on plain reads').to.deep.equal([])
      // positive control: the spy sees the audit's insert of a change
      await client.post('/api/v1/events', { channel: 'nope' }, auth.command)
      expect(sent.some((q) => q.includes('INSERT INTO access_audit'))).to.equal(true)
    } finally {
      knex.off('query', spy)
    }
    // a GetFeature posted as XML is a read; a Transaction posted is recorded (and refused)
    const tx = rid('wfs-t')
    const t = await client.request({ method: 'POST', url: '/ogc/wfs', headers: { ...auth.command, 'content-type': 'text/xml', 'x-request-id': tx },
      payload: '<wfs:Transaction xmlns:wfs="http://www.opengis.net/wfs/2.0" service="WFS" version="2.0.0"><wfs:Delete typeName="events"/></wfs:Transaction>' })
    expect(t.statusCode).to.be.greaterThanOrEqual(400)
    expect((await rowsOf(tx)).map((x) => [x.action, x.resource_type, x.status])).to.deep.equal([['create', 'ogc:wfs', t.statusCode]])
  })

  it('records device telemetry only when it is refused (an accepted position batch gets no row)', async () => {
    const { token } = await registerDevice(client, auth.command!)
    const fix = { positions: [{ lon: 116.0, lat: 36.45, time: new Date().toISOString() }] }
    const ok = rid('telemetry-ok')
    expect((await client.post('/api/v1/positions', fix, { 'x-device-token': token, 'x-request-id': ok })).statusCode).to.equal(200)
    expect(await rowsOf(ok), 'accepted batch').to.have.length(0)
    // positive control: the same batch with a wrong token is an attempt at access, recorded
    const refused = rid('telemetry-refused')
    expect((await client.post('/api/v1/positions', fix, { 'x-device-token': `${token}x`, 'x-request-id': refused })).statusCode).to.equal(401)
    expect((await rowsOf(refused)).map((x) => [x.method, x.path, x.status])).to.deep.equal([['POST', '/api/v1/positions', 401]])
  })

  it('withholds personal data read with a 503 when the audit cannot be written, but answers a committed change', async () => {
    const ctx = await getTestContext()
    const real = ctx.knex
    const broken = new Proxy(real, {
      get(target, key, receiver) {
        if (key !== 'raw') return Reflect.get(target, key, receiver)
        return (sql: string, b?: unknown) => (String(sql).includes('INSERT INTO access_audit')
          ? Promise.reject(new Error('simulated: no space left on device'))
          : (target.raw as (s: string, b?: unknown) => unknown)(sql, b))
      },
    })
    const failing = await testClient({ ...ctx, knex: broken })
    const read = await failing.get(`/api/v1/events/${numbers[2]}`, auth.command)
    expect(read.statusCode, read.body).to.equal(503)
    expect(read.json().code).to.equal('audit.unavailable')
    expect(read.body).to.not.include(r.phone)
    expect(read.body).to.not.include(r.name)
    // positive control: the same read through the working audit answers the phone
    expect((await client.get(`/api/v1/events/${numbers[2]}`, auth.command)).body).to.include(r.phone)
    // a change is committed and answered, its full reporter too (the lost rows are logged at error level)
    const change = await reportWith(failing, auth.command!, await pointIn(knex, '990102001001', 4), r)
    const made = change.json().event.number
    expect(change.json().event.reporter.phone).to.equal(r.phone)
    expect(await knex('event').where({ number: made }).first('id')).to.not.equal(undefined)
    expect(await knex('access_audit').where({ resource_id: made })).to.have.length(0)
  })
})
