// Data quality per base grid (一格一档, issue 20 item 7): the score and its parts recomputed here
// from the rows the test plants (houses fresh or stale, with or without an address, one twice;
// places; a doorplate; a primary member with a phone), the stale records told once to the
// grid's member in the inbox, the grid_quality layer in OGC API Features, and bad input.
import { expect } from 'chai'
import type { Knex } from 'knex'
import { testClient, loginAs, type Client } from '../support/http.ts'
import { A, insertGrid, setUp, tearDown } from '../grids/fixture.ts'

const G1 = `${A}001`
const DAY = 86_400_000

describe('quality: data quality per base grid (一格一档)', () => {
  let client: Client
  let knex: Knex
  const h: Record<string, Record<string, string>> = {}
  let memberId: number
  let createdMember = false
  // houses: [verified days ago (null: never), has an address, room]: the first two are one house twice
  const HOUSES: [number | null, boolean, string][] = [[10, true, '1'], [30, true, '1'], [400, true, '3'], [null, false, '4'], [5, false, '5'], [800, false, '6']]
  // places: [name, verified days ago]
  const PLACES: [string, number | null][] = [['测试超市', 20], ['测试菜场', 500], ['测试药店', 100]]

  before(async () => {
    client = await testClient()
    knex = client.context.knex
    await setUp(knex)
    await insertGrid(knex, { code: G1, community: A, box: [116.100, 36.500, 116.105, 36.510] })
    const [addr] = await knex('std_address').insert({ level: 50, full_address: '测试市测试路1号', community_code: A, city_code: '990100', road: '测试路',
      house_number: '1号', geom: knex.raw('ST_SetSRID(ST_MakePoint(116.101, 36.501), 4490)') }).returning('id')
    const now = Date.now()
    await knex('house').insert(HOUSES.map(([days, withAddress, room], i) => ({
      city_code: '990100', community_code: A, grid_code: G1, full_address: `测试市测试路1号${i + 1}号房`, room,
      address_id: withAddress ? (addr as { id: number }).id : null, geom: knex.raw('ST_SetSRID(ST_MakePoint(116.101, 36.501), 4490)'),
      verified_at: days === null ? null : new Date(now - days * DAY),
    })))
    await knex('place').insert(PLACES.map(([name, days]) => ({ city_code: '990100', community_code: A, grid_code: G1, name, kind: 'market',
      geom: knex.raw('ST_SetSRID(ST_MakePoint(116.102, 36.502), 4490)'), verified_at: days === null ? null : new Date(now - days * DAY) })))
    const user = await knex('app_user').where({ username: 'inspector' }).first('id')
    const existing = await knex('grid_member').where({ user_id: user.id }).first('id')
    if (existing) memberId = Number(existing.id)
    else {
      const [m] = await knex('grid_member').insert({ user_id: user.id, name: '测试网格员', phone: '13800000000', community_code: A, city_code: '990100' }).returning('id')
      memberId = Number((m as { id: number }).id)
      createdMember = true
    }
    await knex('grid_member').where({ id: memberId }).update({ phone: '13800000000', active: true })
    await knex('grid_assignment').insert({ grid_code: G1, member_id: memberId, is_primary: true })
    for (const u of ['street1', 'street2', 'inspector', 'analyst']) h[u] = await loginAs(client, u)
  })
  after(async () => {
    await knex('grid_data_quality').where('community_code', A).delete()
    await knex('inbox_item').where('title', 'like', `%${G1}%`).delete().catch(() => undefined)
    await knex('house').where('community_code', A).delete()
    await knex('place').where('community_code', A).delete()
    await knex('std_address').where('community_code', A).delete()
    await knex('grid_assignment').where({ grid_code: G1 }).delete()
    if (createdMember) await knex('grid_member').where({ id: memberId }).delete()
    await tearDown(knex)
  })

  it('scores a grid as the mean of its parts, recomputed here from the planted rows', async () => {
    const res = await client.post('/api/v1/quality/grids/refresh', { area: A }, h.street1)
    expect(res.statusCode, res.body).to.equal(200)
    expect(res.json()).to.include({ area: A, grids: 1, told: 1 })
    const q = (await client.get(`/api/v1/quality/grids/${G1}`, h.street1)).json()
    // independently, from the rows above
    const fresh = (days: number | null) => days !== null && days < 365
    const houseFresh = HOUSES.filter(([d]) => fresh(d)).length
    const houseComplete = HOUSES.filter(([, a]) => a).length
    const housesShare = (houseFresh + houseComplete) / (2 * HOUSES.length)
    const placesShare = PLACES.filter(([, d]) => fresh(d)).length / PLACES.length
    const shares = [housesShare, placesShare, 1 /* a doorplate */, 1 /* a primary member with a phone */]
    const withAddress = HOUSES.filter(([, a]) => a)
    const duplicates = withAddress.length - new Set(withAddress.map(([, , room]) => room)).size
    const score = Math.round(1000 * shares.reduce((a, b) => a + b) / shares.length * (1 - duplicates / HOUSES.length)) / 10
    expect(q.parts.houses).to.deep.include({ rows: HOUSES.length, fresh: houseFresh, complete: houseComplete })
    expect(q.parts.houses.share).to.be.closeTo(housesShare, 1e-9)
    expect(q.parts.places.share).to.be.closeTo(placesShare, 1e-9)
    expect(q.parts.addresses.share).to.equal(1)
    expect(q.parts.members).to.include({ primary: true, phone: true, share: 1 })
    expect(q.parts).to.not.have.property('residents')
    expect(q.duplicates).to.equal(duplicates)
    expect(q.stale).to.equal(HOUSES.length - houseFresh + PLACES.length - placesShare * PLACES.length)
    expect(q.score).to.equal(score)
  })

  it('tells the grid\'s member once which records to verify again', async () => {
    const inbox = (await client.get('/api/v1/inbox?limit=50', h.inspector)).json()
    const items = (inbox.items ?? inbox) as { title: string; body: string; kind: string }[]
    const mine = items.filter((i) => i.title.includes(G1))
    expect(mine).to.have.length(1)
    expect(mine[0]!.kind).to.equal('todo')
    expect(mine[0]!.body).to.include('房屋 3 条').and.include('场所 1 条')
    const again = await client.post('/api/v1/quality/grids/refresh', { area: A }, h.street1)
    expect(again.json().told).to.equal(0)
  })

  it('lists the area worst first, filters by score, and draws the grid_quality layer', async () => {
    const list = (await client.get(`/api/v1/quality/grids?area=${A}`, h.street1)).json()
    expect(list.total).to.equal(1)
    expect(list.items[0].gridCode).to.equal(G1)
    const below = (await client.get(`/api/v1/quality/grids?area=${A}&below=10`, h.street1)).json()
    expect(below.total).to.equal(0)
    const items = (await client.get('/ogc/features/collections/grid_quality/items?bbox=116.1,36.5,116.105,36.51&limit=10', h.analyst)).json()
    const f = items.features.find((x: { properties: { code: string } }) => x.properties.code === G1)
    expect(f.properties.score).to.equal(list.items[0].score)
    expect(f.properties.band).to.equal(list.items[0].score >= 80 ? 'good' : list.items[0].score >= 60 ? 'fair' : 'poor')
  })

  it('refuses bad input naming the field and keeps to the jurisdiction', async () => {
    for (const [q, field] of [['?below=abc', 'below'], ['?limit=0', 'limit'], ['?area=12', 'area'], ['?sort=x', 'sort']] as const) {
      const res = await client.get(`/api/v1/quality/grids${q}`, h.street1)
      expect(res.statusCode, q).to.equal(400)
      expect(res.body, q).to.include(field)
    }
    expect((await client.get('/api/v1/quality/grids/12', h.street1)).statusCode).to.equal(400)
    expect((await client.get(`/api/v1/quality/grids/${G1}`, h.street2)).statusCode).to.equal(404)
    expect((await client.get(`/api/v1/quality/grids?area=${A}`, h.street2)).statusCode).to.equal(404)
    expect((await client.post('/api/v1/quality/grids/refresh', { area: A, extra: 1 }, h.street1)).statusCode).to.equal(400)
    expect((await client.post('/api/v1/quality/grids/refresh', { area: A }, h.inspector)).statusCode).to.equal(403)
    expect((await client.get('/api/v1/quality/grids')).statusCode).to.equal(401)
  })
})
