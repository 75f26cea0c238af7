// The resident and house registers over HTTP: bad input named by field, jurisdiction, roles,
// masking through the one rule and its audited unmask, a move keeping history, a demolition
// flagging the residents, and the figures a user reads checked against independent counts.
import { expect } from 'chai'
import type { Knex } from 'knex'
import { testClient, loginAs, type Client } from '../support/http.ts'
import { getTestDb } from '../support/db.ts'
import { checkCharacter } from '../../server/privacy/idNumber.ts'
import { housesLayer } from '../../server/houses/layer.ts'
import { PERSONAL_FIELDS } from '../../server/privacy/fields.ts'
import { ageOn, beijingDay } from '../../server/residents/identity.ts'

const COMMUNITY = '990102001001' // street1's first community, the demo inspector's
const validId = (first17: string) => first17 + checkCharacter(first17)
let serial = 0
/** A fresh valid number born on the given day (the sequence digits vary per call). */
const freshId = (birth = '19850317', male = true) => {
  serial++
  const seq = String(100 + (serial % 400) * 2 + (male ? 1 : 0)).slice(-3)
  return validId(`110105${birth}${seq}`)
}

describe('people: residents and houses', function () {
  let client: Client
  let knex: Knex
  let street1: Record<string, string>
  let command: Record<string, string>
  let street2: Record<string, string>
  let houseA: number
  let houseB: number

  const send = (method: 'POST' | 'PATCH', url: string, body: unknown, headers: Record<string, string>) =>
    client.request({ method, url, headers: { 'content-type': 'application/json', ...headers }, payload: JSON.stringify(body) })
  const fieldsOf = (res: { json(): unknown }) => ((res.json() as { errors?: { field: string }[] }).errors ?? []).map((e) => e.field)

  before(async () => {
    client = await testClient()
    knex = await getTestDb()
    ;[street1, command, street2] = await Promise.all([loginAs(client, 'street1'), loginAs(client, 'command'), loginAs(client, 'street2')])
    const addr = await knex('std_address').where({ community_code: COMMUNITY, level: 50 }).orderBy('id').limit(2).select('id', 'full_address') as { id: string; full_address: string }[]
    const make = async (i: number) => {
      const res = await send('POST', '/api/v1/houses', { addressId: Number(addr[i]!.id), fullAddress: `${addr[i]!.full_address}测试${i}室`, room: `测试${i}室`, ownerName: '王建国', ownerPhone: '13912345678', rented: i === 1 }, street1)
      expect(res.statusCode, res.body).to.equal(201)
      return res.json().id as number
    }
    houseA = await make(0)
    houseB = await make(1)
  })

  it('the demo people are loaded and consistent: one current registered house at most, every resident placed by a current residence', async () => {
    const [{ residents, houses }] = (await knex.raw(`SELECT (SELECT count(*) FROM resident)::int AS residents, (SELECT count(*) FROM house)::int AS houses`)).rows
    expect(residents).to.be.greaterThan(1000)
    expect(houses).to.be.greaterThan(500)
    const { rows } = await knex.raw(`SELECT count(*)::int AS n FROM resident r WHERE r.house_id IS NOT NULL
      AND NOT EXISTS (SELECT 1 FROM resident_residence rr WHERE rr.resident_id = r.id AND rr.house_id = r.house_id AND rr.valid_to IS NULL)`)
    expect(rows[0].n).to.equal(0)
    // grids of houses are those containing their points (PostGIS, independently)
    const wrong = await knex.raw(`SELECT count(*)::int AS n FROM house h WHERE h.grid_code IS NOT NULL AND NOT EXISTS
      (SELECT 1 FROM grid g WHERE g.code = h.grid_code AND g.valid_to IS NULL AND ST_Intersects(g.geom, h.geom))`)
    expect(wrong.rows[0].n).to.equal(0)
  })

  it('creates a resident: gender, birth date and age from the ID number; the list counts match a SQL count', async () => {
    const id = freshId('19900615', false)
    const res = await send('POST', '/api/v1/residents', { name: '李秀英', idNumber: id, phone: '139 1234 0001', kind: 'registered', houseId: houseA, householdNumber: 'T-0001' }, command)
    expect(res.statusCode, res.body).to.equal(201)
    const r = res.json()
    expect(r).to.include({ name: '李秀英', idNumber: id, gender: 'F', birthDate: '1990-06-15', kind: 'registered', houseId: houseA, residenceRole: 'registered', householdNumber: 'T-0001', phone: '13912340001' })
    // the age by hand: the years since 1990, one less before 15 June
    const today = beijingDay(new Date())
    const [y, md] = [Number(today.slice(0, 4)), today.slice(5)]
    expect(r.age).to.equal(y - 1990 - (md < '06-15' ? 1 : 0)).and.equal(ageOn('1990-06-15', today))
    // stored sealed: no column holds the number
    const row = await knex('resident').where({ id: r.id }).first()
    expect(JSON.stringify(row)).not.to.include(id)
    // the house's resident count: the list against a count in SQL
    const list = await client.get(`/api/v1/residents?house=${houseA}&limit=200`, command)
    const { rows } = await knex.raw('SELECT count(*)::int AS n FROM resident_residence WHERE house_id = ? AND valid_to IS NULL', [houseA])
    expect(list.json().items.length).to.equal(rows[0].n).and.be.greaterThan(0)
    const house = await client.get(`/api/v1/houses/${houseA}`, command)
    expect(house.json().residentCount).to.equal(rows[0].n)
  })

  it('bad input: a check digit, a phone, a house that does not exist, an oversized name, a foreign field: 4xx naming each', async () => {
    const good = freshId()
    const badCheck = good.slice(0, 17) + (good[17] === '1' ? '2' : '1')
    const cases: [unknown, number, string][] = [
      [{ name: '张三', idNumber: badCheck, kind: 'registered', houseId: houseA }, 400, 'idNumber'],
      [{ name: '张三', idNumber: freshId(), phone: '12345', kind: 'registered', houseId: houseA }, 400, 'phone'],
      [{ name: '张三', idNumber: freshId(), kind: 'registered', houseId: 987654321 }, 400, 'houseId'],
      [{ name: '张三', idNumber: freshId(), kind: 'registered', houseAddress: '没有这个地址' }, 400, 'houseAddress'],
      [{ name: '张'.repeat(51), idNumber: freshId(), kind: 'registered', houseId: houseA }, 400, 'name'],
      [{ name: '张三', idNumber: freshId(), kind: 'alien', houseId: houseA }, 400, 'kind'],
      [{ name: '张三', idNumber: freshId(), kind: 'registered', houseId: houseA, gender: 'M' }, 400, '(root)'],
      [{ name: '张三', idNumber: freshId(), kind: 'registered' }, 400, 'houseId'],
    ]
    for (const [body, status, field] of cases) {
      const res = await send('POST', '/api/v1/residents', body, street1)
      expect(res.statusCode, `${field}: ${res.body}`).to.equal(status)
      expect(fieldsOf(res), res.body).to.include(field)
    }
    const check = await send('POST', '/api/v1/residents', { name: '张三', idNumber: badCheck, kind: 'registered', houseId: houseA }, street1)
    expect(check.json().code).to.equal('residents.id_number')
    expect((await send('POST', '/api/v1/residents', 'x'.repeat(3_000_000), street1)).statusCode).to.be.within(400, 413)
    const q = await client.get('/api/v1/residents?limit=500&cursor=%%%', street1)
    expect(q.statusCode).to.equal(400)
    // positive control: the same body with a valid number is accepted
    expect((await send('POST', '/api/v1/residents', { name: '张三', idNumber: freshId(), kind: 'floating', houseId: houseB }, street1)).statusCode).to.equal(201)
  })

  it('one registered house at a time: a second registered link is a 409 naming role; a living link elsewhere is fine', async () => {
    const res = await send('POST', '/api/v1/residents', { name: '赵磊', idNumber: freshId(), kind: 'registered', houseId: houseA }, street1)
    const id = res.json().id
    const twice = await send('POST', `/api/v1/residents/${id}/residences`, { houseId: houseB, role: 'registered' }, street1)
    expect(twice.statusCode, twice.body).to.equal(409)
    expect(twice.json().code).to.equal('residents.registered_twice')
    expect(fieldsOf(twice)).to.include('role')
    const living = await send('POST', `/api/v1/residents/${id}/residences`, { houseId: houseB, role: 'living' }, street1)
    expect(living.statusCode, living.body).to.equal(201)
    const { rows } = await knex.raw('SELECT role, house_id FROM resident_residence WHERE resident_id = ? AND valid_to IS NULL ORDER BY role', [id])
    expect(rows.map((r: { role: string; house_id: string }) => [r.role, Number(r.house_id)])).to.deep.equal([['living', houseB], ['registered', houseA]])
  })

  it('a move keeps the history (closed rows, a new one) and a stale version is a 409', async () => {
    const created = (await send('POST', '/api/v1/residents', { name: '孙丽', idNumber: freshId(), kind: 'floating', houseId: houseA }, street1)).json()
    const stale = await send('POST', `/api/v1/residents/${created.id}/move`, { houseId: houseB, version: created.version + 5 }, street1)
    expect(stale.statusCode).to.equal(409)
    expect(stale.json().code).to.equal('registers.version_conflict')
    const moved = await send('POST', `/api/v1/residents/${created.id}/move`, { houseId: houseB, role: 'tenant', reason: '租住', version: created.version }, street1)
    expect(moved.statusCode, moved.body).to.equal(200)
    expect(moved.json()).to.include({ houseId: houseB, residenceRole: 'tenant', version: created.version + 1 })
    const history = (await client.get(`/api/v1/residents/${created.id}/residences`, command)).json().items as { houseId: number; validTo: string | null; role: string }[]
    expect(history.map((h) => [h.houseId, h.role, h.validTo === null])).to.deep.equal([[houseB, 'tenant', true], [houseA, 'living', false]])
  })

  it('demolishing a house flags its current residents; the list filters flagged ones; a demolished house takes nobody in', async () => {
    const addr = await knex('std_address').where({ community_code: COMMUNITY, level: 50 }).orderBy('id').offset(2).first('id', 'full_address')
    const house = (await send('POST', '/api/v1/houses', { addressId: Number(addr.id), fullAddress: `${addr.full_address}拆迁测试`, status: 'in_use' }, street1)).json()
    const ids: number[] = []
    for (let i = 0; i < 3; i++) ids.push((await send('POST', '/api/v1/residents', { name: `周${'明亮平'[i]}`, idNumber: freshId(), kind: 'floating', houseId: house.id }, street1)).json().id)
    const before = (await client.get(`/api/v1/residents?flagged=true&house=${house.id}`, street1)).json().items
    expect(before).to.have.length(0)
    const res = await send('PATCH', `/api/v1/houses/${house.id}`, { status: 'demolished', version: house.version }, street1)
    expect(res.statusCode, res.body).to.equal(200)
    expect(res.json().demolishedAt).to.be.a('string')
    const flagged = (await client.get(`/api/v1/residents?flagged=true&house=${house.id}`, street1)).json().items as { id: number; flag: string }[]
    expect(flagged.map((r) => r.id).sort()).to.deep.equal([...ids].sort())
    expect(flagged.every((r) => r.flag === 'house_demolished')).to.equal(true)
    const other = (await client.get(`/api/v1/residents?flagged=false&house=${houseA}`, street1)).json().items as { flag: string | null }[]
    expect(other.length).to.be.greaterThan(0)
    expect(other.every((r) => r.flag === null)).to.equal(true)
    const into = await send('POST', '/api/v1/residents', { name: '吴刚', idNumber: freshId(), kind: 'floating', houseId: house.id }, street1)
    expect(into.statusCode).to.equal(400)
    expect(into.json().code).to.equal('houses.demolished')
  })

  it('masking: territory staff see masked fields and may unmask with a reason (audited); command sees them in full', async () => {
    const id = freshId('19770101')
    const created = (await send('POST', '/api/v1/residents', { name: '欧阳娜娜', idNumber: id, phone: '13700001111', kind: 'registered', houseId: houseB }, command)).json()
    const seen = (await client.get(`/api/v1/residents/${created.id}`, street1)).json()
    expect(seen).to.include({ name: '欧***', idNumber: `${id.slice(0, 4)}**********${id.slice(-4)}`, phone: '137****1111' })
    expect((await client.get(`/api/v1/residents/${created.id}`, command)).json()).to.include({ name: '欧阳娜娜', idNumber: id })
    const bad = await send('POST', `/api/v1/residents/${created.id}/unmask`, { reason: 'x' }, street1)
    expect(bad.statusCode).to.equal(400)
    expect(fieldsOf(bad)).to.include('reason')
    const un = await send('POST', `/api/v1/residents/${created.id}/unmask`, { reason: '核实户籍信息' }, street1)
    expect(un.statusCode, un.body).to.equal(200)
    expect(un.json()).to.include({ name: '欧阳娜娜', idNumber: id, phone: '13700001111' })
    const audit = await knex('access_audit').where({ action: 'unmask', resource_type: 'residents', resource_id: String(created.id) }).count<{ n: string }[]>({ n: '*' })
    expect(Number(audit[0]!.n)).to.equal(1)
    // the exact ID number finds the person; the list by the number too
    const found = (await client.get(`/api/v1/residents?q=${id}`, street1)).json().items
    expect(found.map((r: { id: number }) => r.id)).to.deep.equal([created.id])
  })

  it('jurisdiction and roles: another street gets 404 on a row, 403 placing one in our community; the analyst gets 403', async () => {
    const mine = (await send('POST', '/api/v1/residents', { name: '郑洁', idNumber: freshId(), kind: 'floating', houseId: houseA }, street1)).json()
    expect((await client.get(`/api/v1/residents/${mine.id}`, street2)).statusCode).to.equal(404)
    expect((await client.get(`/api/v1/houses/${houseA}`, street2)).statusCode).to.equal(404)
    const outside = await send('POST', '/api/v1/residents', { name: '郑洁', idNumber: freshId(), kind: 'floating', houseId: houseA }, street2)
    expect(outside.statusCode, outside.body).to.equal(403)
    expect(fieldsOf(outside)).to.include('houseId')
    const analyst = await loginAs(client, 'analyst')
    expect((await client.get('/api/v1/residents', analyst)).statusCode).to.equal(403)
    expect((await client.get('/api/v1/houses', analyst)).statusCode).to.equal(403)
    const list = (await client.get('/api/v1/residents?limit=200', street2)).json().items as { communityCode: string }[]
    expect(list.length).to.be.greaterThan(0)
    expect(list.every((r) => r.communityCode.startsWith('990102002'))).to.equal(true)
  })

  it('paging walks the whole filtered list once (the count against SQL)', async () => {
    const seen = new Set<number>()
    let url = `/api/v1/houses?community=${COMMUNITY}&limit=100`
    for (let guard = 0; guard < 100; guard++) {
      const page = (await client.get(url, street1)).json()
      for (const h of page.items) seen.add(h.id)
      if (!page.next) break
      url = `/api/v1/houses?community=${COMMUNITY}&limit=100&cursor=${page.next}`
    }
    const { rows } = await knex.raw('SELECT count(*)::int AS n FROM house WHERE community_code = ?', [COMMUNITY])
    expect(seen.size).to.equal(rows[0].n).and.be.greaterThan(2)
  })

  it('the houses layer has no personal attribute', () => {
    const personal = PERSONAL_FIELDS.filter((f) => f.column.startsWith('house.') || f.column.startsWith('resident.')).map((f) => f.column.split('.')[1]!)
    expect(personal).to.include.members(['owner_name', 'owner_phone', 'name', 'phone'])
    for (const a of housesLayer.attributes) for (const col of [...personal, 'full_address', 'id_number']) expect(a.sql).not.to.match(new RegExp(`\\b${col}\\b`))
  })
})
