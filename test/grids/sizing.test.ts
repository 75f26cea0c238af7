// Grid sizing (GET /api/v1/grids/sizing, issue 20 item 2): a large grid gets a split candidate
// along the road that crosses it, with each side's households shared by its doorplates (counted
// here independently, by which side of the road each doorplate lies); a small grid gets merge
// candidates with its edge neighbours, the best one first; the workload per member is recomputed
// here from the raw rows; the candidate's own request applies through the existing split; bad
// input is a 4xx naming the parameter.
import { expect } from 'chai'
import type { Knex } from 'knex'
import { testClient, loginAs, type Client } from '../support/http.ts'
import { A, insertGrid, setUp, tearDown } from './fixture.ts'
import { flagsOf, shareHouseholds } from '../../server/grids/sizing.ts'

const ROAD_X = 116.1025
// doorplates of the large grid (116.100-116.105 × 36.500-36.510): west and east of the road
const DOORPLATES: [number, number][] = [
  ...Array.from({ length: 12 }, (_, i) => [116.1005 + (i % 4) * 0.0005, 36.501 + Math.floor(i / 4) * 0.002] as [number, number]),
  ...Array.from({ length: 28 }, (_, i) => [116.1030 + (i % 4) * 0.0005, 36.501 + Math.floor(i / 4) * 0.0012] as [number, number]),
]

describe('grids: sizing (网格规模) with split and merge candidates', () => {
  let client: Client
  let knex: Knex
  const h: Record<string, Record<string, string>> = {}
  const G1 = `${A}001`, G2 = `${A}002`, G3 = `${A}003`

  before(async () => {
    client = await testClient()
    knex = client.context.knex
    await setUp(knex)
    await insertGrid(knex, { code: G1, community: A, box: [116.100, 36.500, 116.105, 36.510] })
    await insertGrid(knex, { code: G2, community: A, box: [116.105, 36.500, 116.110, 36.505] })
    await insertGrid(knex, { code: G3, community: A, box: [116.105, 36.505, 116.110, 36.510] })
    await knex('grid').where({ code: G1 }).update({ households: 700 })
    await knex('grid').where({ code: G2 }).update({ households: 120 })
    await knex('grid').where({ code: G3 }).update({ households: 150 })
    await knex('road').insert({ city_code: '990100', name: '测试南北路', kind: 'street', community_code: A,
      geom: knex.raw("ST_GeomFromText(?, 4490)", [`MULTILINESTRING((${ROAD_X} 36.499, ${ROAD_X} 36.511))`]) })
    await knex('std_address').insert(DOORPLATES.map(([x, y], i) => ({
      level: 50, full_address: `测试市测试南北路${i + 1}号`, community_code: A, city_code: '990100', road: '测试南北路', house_number: `${i + 1}号`,
      geom: knex.raw('ST_SetSRID(ST_MakePoint(?, ?), 4490)', [x, y]),
    })))
    const [member] = await knex('grid_member').insert({ name: '测试网格员', community_code: A, city_code: '990100' }).returning('id')
    await knex('grid_assignment').insert({ grid_code: G1, member_id: (member as { id: number }).id, is_primary: true })
    for (const u of ['street1', 'street2', 'command', 'inspector']) h[u] = await loginAs(client, u)
    for (let i = 0; i < 3; i++) {
      const res = await client.post('/api/v1/events', { channel: 'superior', demandType: '投诉举报', classCode: '0102',
        description: `测试网格规模第${i + 1}件`, location: { x: 116.1010, y: 36.502 + i * 0.001, crs: 'EPSG:4490' } }, h.command)
      expect(res.statusCode, res.body).to.equal(201)
    }
  })
  after(async () => {
    await knex('event').where('community_code', A).delete()
    await knex('road').where('community_code', A).delete()
    await knex('std_address').where('community_code', A).delete()
    await tearDown(knex)
  })

  const sizing = (query: string, who = 'street1') => client.get(`/api/v1/grids/sizing${query}`, h[who])

  it('flags by the 300-500 households range and by twice or half the median workload', () => {
    expect(flagsOf(700, 10, 4)).to.deep.equal(['large', 'overloaded'])
    expect(flagsOf(250, 1, 4)).to.deep.equal(['small', 'underloaded'])
    expect(flagsOf(400, 4, 4)).to.deep.equal([])
    expect(flagsOf(500, 8, 4)).to.deep.equal([])
    expect(flagsOf(null, 3, 0)).to.deep.equal([])
    expect(shareHouseholds(701, { addresses: 1, registered: 0, area: 1 }, { addresses: 2, registered: 0, area: 1 })).to.deep.equal({ basis: 'addresses', a: 234, b: 467 })
    expect(shareHouseholds(100, { addresses: 0, registered: 0, area: 3 }, { addresses: 0, registered: 0, area: 1 })).to.deep.equal({ basis: 'area', a: 75, b: 25 })
  })

  it('offers a split of the large grid along its road, households shared by the doorplates on each side', async () => {
    const res = await sizing(`?area=${A}`)
    expect(res.statusCode, res.body).to.equal(200)
    const body = res.json()
    const g1 = body.grids.find((g: { code: string }) => g.code === G1)
    expect(g1.flags).to.include('large')
    expect(g1.households).to.equal(700)
    expect(g1.splits).to.have.length(1)
    const split = g1.splits[0]
    expect(split.road.name).to.equal('测试南北路')
    expect(split.basis).to.equal('addresses')
    // independently: which side of x = ROAD_X each doorplate lies on (parts come west first)
    const west = DOORPLATES.filter(([x]) => x < ROAD_X).length
    const east = DOORPLATES.length - west
    expect(split.sides.map((s: { addresses: number }) => s.addresses)).to.deep.equal([west, east])
    const westHouseholds = Math.round(700 * west / DOORPLATES.length)
    expect(split.sides.map((s: { households: number }) => s.households)).to.deep.equal([westHouseholds, 700 - westHouseholds])
    // all three events lie west of the road
    expect(split.sides.map((s: { events: number }) => s.events)).to.deep.equal([3, 0])
    expect(split.apply).to.deep.include({ method: 'POST', path: `/api/v1/grids/${G1}/split` })
  })

  it('offers merges of a small grid with its edge neighbours, the one landing nearest the range first', async () => {
    const body = (await sizing(`?area=${A}`)).json()
    const g2 = body.grids.find((g: { code: string }) => g.code === G2)
    expect(g2.flags).to.include('small')
    expect(g2.merges.map((m: { with: { code: string } }) => m.with.code)).to.deep.equal([G3, G1])
    expect(g2.merges.map((m: { households: number }) => m.households)).to.deep.equal([120 + 150, 120 + 700])
    expect(g2.merges[0].apply).to.deep.equal({ method: 'POST', path: '/api/v1/grids/merge', body: { codes: [G2, G3] } })
    expect(g2.merges[0].sharedEdgeM).to.be.within(440, 450) // 0.005° of longitude at 36.5°N ≈ 447 m
  })

  it('counts the workload per member as recomputed from the raw rows, against the city median', async () => {
    const body = (await sizing(`?area=${A}&all=true`)).json()
    const g1 = body.grids.find((g: { code: string }) => g.code === G1)
    expect(g1.members).to.equal(1)
    expect(g1.events).to.equal(3)
    expect(g1.workload).to.equal(3)
    // the median over every current base grid of the city, computed here from raw counts
    const grids = await knex('grid').where({ kind: 'base' }).whereNull('valid_to').where('community_code', 'like', '9901%').pluck('code') as string[]
    const events = new Map((await knex('event').where('created_at', '>=', new Date(Date.now() - 90 * 86_400_000))
      .select('grid_code').count('* as n').groupBy('grid_code') as { grid_code: string; n: string }[]).map((r) => [r.grid_code, Number(r.n)]))
    const members = new Map((await knex('grid_assignment as a').join('grid_member as m', 'm.id', 'a.member_id')
      .whereNull('a.valid_to').where('m.active', true).whereNot('m.duty', 'volunteer')
      .select('a.grid_code').countDistinct('a.member_id as n').groupBy('a.grid_code') as { grid_code: string; n: string }[]).map((r) => [r.grid_code, Number(r.n)]))
    const loads = grids.map((c) => (events.get(c) ?? 0) / Math.max(members.get(c) ?? 0, 1)).sort((a, b) => a - b)
    const mid = loads.length / 2
    const median = loads.length % 2 ? loads[Math.floor(mid)]! : (loads[mid - 1]! + loads[mid]!) / 2
    expect(body.rules.medianWorkload).to.equal(Math.round(median * 100) / 100)
    expect(body.counts.grids).to.equal(3)
  })

  it('applies a split candidate through the existing split, as offered', async () => {
    const body = (await sizing(`?area=${A}`)).json()
    const split = body.grids.find((g: { code: string }) => g.code === G1).splits[0]
    const res = await client.request({ method: split.apply.method, url: split.apply.path, headers: { 'content-type': 'application/json', ...h.street1 },
      payload: JSON.stringify(split.apply.body) })
    expect(res.statusCode, res.body).to.equal(200)
    expect(res.json().retired).to.deep.equal([G1])
    const after = (await sizing(`?area=${A}&all=true`)).json()
    expect(after.grids.map((g: { code: string }) => g.code)).to.not.include(G1)
  })

  it('refuses bad input naming the parameter, and keeps to the jurisdiction and the editing roles', async () => {
    for (const [q, field] of [['?days=0', 'days'], ['?days=1000', 'days'], ['?area=abc', 'area'], ['?area=9901020011900', 'area'], ['?color=red', 'color'], ['?all=maybe', 'all']] as const) {
      const res = await sizing(q)
      expect(res.statusCode, q).to.equal(400)
      expect(res.body, q).to.include(field)
    }
    expect((await sizing(`?area=${A}`, 'street2')).statusCode).to.equal(404)
    expect((await sizing('?area=990102003000')).statusCode).to.equal(404)
    expect((await sizing('', 'inspector')).statusCode).to.equal(403)
    expect((await client.get('/api/v1/grids/sizing')).statusCode).to.equal(401)
    // a street user asking for the whole city gets its own street only
    const city = (await sizing('?all=true')).json()
    expect(city.grids.length).to.be.above(0)
    expect(city.grids.every((g: { communityCode: string }) => g.communityCode.startsWith('990102001'))).to.equal(true)
  })
})
