// The team and party registers through the generic engine (server/registers/): a CSV import that
// upserts on the natural key and is refused whole when one row is wrong (row and field named), the
// export masked by the one rule, and the grid view.
import { expect } from 'chai'
import type { Knex } from 'knex'
import { getTestDb } from '../support/db.ts'
import { loginAs, testClient, type Client } from '../support/http.ts'
import { pointIn } from '../events/helpers.ts'
import { ensureDemo, signIn, type User } from './helpers.ts'

const CSV = 'text/csv; charset=utf-8'

describe('teams and party through the register engine', () => {
  let client: Client
  let knex: Knex
  let auth: Record<User, Record<string, string>>
  const tag = `${Date.now() % 1_000_000}`
  const importAs = (name: string, who: Record<string, string>, body: string) =>
    client.request({ method: 'POST', url: `/api/v1/registers/${name}/import`, headers: { ...who, 'content-type': CSV }, payload: body })

  before(async () => {
    client = await testClient()
    knex = await getTestDb()
    await ensureDemo(knex)
    auth = await signIn(client, loginAs)
  })

  it('imports teams all or nothing (403 naming the row outside), upserting on name within the area, placed in grids by PostGIS', async () => {
    const p = await pointIn(knex, '990102001002', 3)
    const header = 'name,kind,leaderName,leaderPhone,communityCode,lon,lat'
    const rows = [`导入巡防队${tag},义务巡防队,陈静,13712340000,990102001002,${p.lon},${p.lat}`, `导入志愿队${tag},volunteer_group,,,990102001002,,`]
    const bad = await importAs('teams', auth.street1, [header, ...rows, `越界队${tag},org,,,990102002001,,`].join('\n'))
    // the engine's own jurisdiction check answers 403 naming the rows outside
    expect(bad.statusCode).to.equal(403)
    expect(JSON.stringify(bad.json())).to.match(/"row":4/)
    expect(await knex('team').where('name', 'like', `%${tag}`).count({ n: '*' })).to.deep.equal([{ n: 0 }])
    const ok = await importAs('teams', auth.street1, [header, ...rows].join('\n'))
    expect(ok.statusCode, ok.body).to.equal(200)
    expect(ok.json()).to.include({ inserted: 2, updated: 0 })
    const t = await knex('team').where({ name: `导入巡防队${tag}` }).first('kind', 'grid_code', 'leader_name')
    expect(t).to.deep.equal({ kind: 'patrol_volunteer', grid_code: p.grid, leader_name: '陈静' })
    const again = await importAs('teams', auth.street1, [header, ...rows].join('\n'))
    expect(again.json()).to.include({ inserted: 0, updated: 2 })
  })

  it('exports teams with leaders masked for street staff and in full for the command centre', async () => {
    const street = await client.get('/api/v1/registers/teams/export?format=csv&community=990102001002', auth.street1)
    expect(street.statusCode, street.body).to.equal(200)
    expect(street.body).to.include('陈*')
    expect(street.body).to.not.include('陈静')
    const command = await client.get('/api/v1/registers/teams/export?format=csv&community=990102001002', auth.command)
    expect(command.body).to.include('陈静')
  })

  it('refuses a party member whose organisation does not contain the member\'s area, naming row and field (422)', async () => {
    const org = await knex('party_org').where({ community_code: '990102001002', kind: 'branch' }).first('id')
    const header = 'name,orgId,status,communityCode'
    const res = await importAs('party-members', auth.street1, [header, `导入党员甲${tag},${org.id},正式党员,990102001002`,
      `导入党员乙${tag},${org.id},full,990102001003`].join('\n'))
    expect(res.statusCode).to.equal(422)
    expect(JSON.stringify(res.json())).to.match(/"row":3/).and.match(/orgId/)
    const ok = await importAs('party-members', auth.street1, [header, `导入党员甲${tag},${org.id},正式党员,990102001002`].join('\n'))
    expect(ok.statusCode, ok.body).to.equal(200)
    expect(ok.json()).to.include({ inserted: 1 })
  })
})
