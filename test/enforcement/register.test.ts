// The officers as a register of the generic services: a CSV import upserts on the certificate
// number, all or nothing, naming row and field when a team is outside the caller's jurisdiction;
// the export is masked by the one rule.
import { expect } from 'chai'
import type { Knex } from 'knex'
import { getTestDb } from '../support/db.ts'
import { loginAs, testClient, type Client } from '../support/http.ts'
import { enforcementReady } from './helpers.ts'

const CSV = 'text/csv; charset=utf-8'

describe('enforcement: the officers register (import and export)', () => {
  let client: Client
  let knex: Knex
  const auth: Record<string, Record<string, string>> = {}
  const importAs = (who: string, body: string) => client.request({ method: 'POST', url: '/api/v1/registers/enforcement-officers/import', headers: { ...auth[who], 'content-type': CSV }, payload: body })

  before(async function () {
    this.timeout(300_000)
    knex = await getTestDb()
    await enforcementReady(knex)
    client = await testClient()
    for (const u of ['command', 'street1']) auth[u] = await loginAs(client, u)
  })

  it('imports officers all or nothing, upserting by certificate number; a team outside is named by row and field', async () => {
    const team = Number((await knex('enforcement_team').where({ community_code: '990102001000' }).orderBy('id').first('id')).id)
    const other = Number((await knex('enforcement_team').where({ community_code: '990102002000' }).first('id')).id)
    const count = async () => Number((await knex('enforcement_officer').count<{ n: number }[]>({ n: '*' }))[0]!.n)
    const before = await count()
    const header = '执法队伍编号,姓名,执法证号,联系电话'
    const bad = await importAs('street1', [header, `${team},赵导入,IMP0000000001,13900000001`, `${other},钱导入,IMP0000000002,13900000002`].join('\n'))
    expect(bad.statusCode, bad.body).to.equal(422)
    expect(bad.json().problems.map((p: { row: number; field: string }) => `${p.row}:${p.field}`)).to.deep.equal(['3:teamId'])
    expect(await count()).to.equal(before)
    const twice = await importAs('street1', [header, `${team},赵导入,IMP0000000001,`, `${team},钱导入,IMP0000000001,`].join('\n'))
    expect(twice.json().problems.map((p: { row: number; field: string }) => `${p.row}:${p.field}`)).to.deep.equal(['3:certificateNo'])
    const ok = await importAs('street1', [header, `${team},赵导入,IMP0000000001,13900000001`, `${team},钱导入,IMP0000000002,`].join('\n'))
    expect(ok.statusCode, ok.body).to.equal(200)
    expect(await count()).to.equal(before + 2)
    const again = await importAs('street1', [header, `${team},赵导入改,IMP0000000001,13900000009`].join('\n'))
    expect(again.statusCode, again.body).to.equal(200)
    expect(await count()).to.equal(before + 2)
    expect(await knex('enforcement_officer').where({ certificate_no: 'IMP0000000001' }).first('name', 'phone', 'version')).to.deep.equal({ name: '赵导入改', phone: '13900000009', version: 2 })
  })

  it('exports officers masked for street staff and in full for the command centre', async () => {
    const street = await client.get('/api/v1/registers/enforcement-officers/export?format=csv', auth.street1)
    expect(street.statusCode, street.body.slice(0, 300)).to.equal(200)
    expect(street.body).to.include('赵***')
    expect(street.body).to.not.include('赵导入改')
    expect(street.body).to.not.include('IMP0000000001')
    const city = await client.get('/api/v1/registers/enforcement-officers/export?format=csv', auth.command)
    expect(city.body).to.include('赵导入改')
    expect(city.body).to.include('IMP0000000001')
    // the street's export holds exactly the street's officers
    const n = Number((await knex('enforcement_officer').whereLike('community_code', '990102001%').count<{ n: number }[]>({ n: '*' }))[0]!.n)
    expect(street.body.trim().split('\n').length - 1).to.be.within(n, n + 1)
  })
})
