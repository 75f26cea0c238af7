// The demo registers (fixtures/registers/index.ts) as the test database holds them, and the
// engine's views over the real registers: the loader records each module once and runs again
// loading nothing; a grid's view counts residents and houses as independent SQL does (points in
// the grid's polygon, moved-out residents and demolished houses as the registers define them).
import { expect } from 'chai'
import type { Knex } from 'knex'
import { testClient, loginAs, type Client } from '../support/http.ts'
import { getTestDb } from '../support/db.ts'
import { CITY_CODE } from '../../fixtures/generate.ts'
import { DEFAULT_SEED } from '../../fixtures/random.ts'
import { DEMO_REGISTER_MODULES, loadDemoRegisters } from '../../fixtures/registers/index.ts'

let knex: Knex
let client: Client

describe('registers: the demo registers and the views over them', function () {
  this.timeout(120_000)
  before(async () => {
    knex = await getTestDb()
    client = await testClient()
  })

  it('loaded each written module once; a second run loads nothing', async () => {
    const modules = await knex('register_demo').orderBy('module').pluck('module') as string[]
    expect(modules).to.include('people')
    expect(modules.every((m) => (DEMO_REGISTER_MODULES as readonly string[]).includes(m))).to.equal(true)
    const people = (await knex('register_demo').where({ module: 'people' }).first()).rows as Record<string, number>
    expect(people.resident).to.be.greaterThan(1000)
    const again = await loadDemoRegisters(knex, { scale: 'small', seed: DEFAULT_SEED, cityCode: CITY_CODE })
    expect(again.loaded).to.deep.equal({})
    expect(again.skipped).to.have.members(modules)
  })

  it('lists the real registers with their columns', async () => {
    const items = (await client.get('/api/v1/registers', await loginAs(client, 'street1'))).json().items as { name: string; canWrite: boolean; columns: unknown[] }[]
    const residents = items.find((r) => r.name === 'residents')
    expect(residents, JSON.stringify(items.map((i) => i.name))).to.not.equal(undefined)
    expect(residents!.canWrite).to.equal(true)
    expect(residents!.columns.length).to.be.greaterThan(5)
    // a department reads places but not people
    const dept = (await client.get('/api/v1/registers', await loginAs(client, 'department'))).json().items.map((r: { name: string }) => r.name)
    expect(dept).to.not.include('residents')
  })

  it('counts the residents and houses of a grid as independent SQL does', async () => {
    const { rows } = await knex.raw(`SELECT g.code,
        (SELECT count(*)::int FROM resident r WHERE ST_Contains(g.geom, r.geom) AND r.moved_out_at IS NULL) AS residents,
        (SELECT count(*)::int FROM house h WHERE ST_Contains(g.geom, h.geom)) AS houses
      FROM grid g WHERE g.kind = 'base' AND g.valid_to IS NULL AND g.community_code LIKE '990102001%'
      ORDER BY 2 DESC LIMIT 1`)
    const g = rows[0]
    expect(g.residents).to.be.greaterThan(0)
    const res = await client.get(`/api/v1/registers/grids/${g.code}?limit=5`, await loginAs(client, 'command'))
    expect(res.statusCode, res.body).to.equal(200)
    const section = (name: string) => res.json().registers.find((r: { name: string }) => r.name === name)
    expect(section('residents').total).to.equal(g.residents)
    expect(section('residents').items.length).to.equal(Math.min(5, g.residents))
    if (section('houses')) expect(section('houses').total).to.equal(g.houses)
    expect(res.json().total).to.equal(res.json().registers.reduce((a: number, r: { total: number }) => a + r.total, 0))
  })
})
