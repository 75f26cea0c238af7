// deliver() never sends a notice for roles to every city (issue 18 gap f): roles are reached in
// the notice's area, or else in the community of the event it names; with neither, no one. Two
// cities' command centres: only the one whose jurisdiction covers the event hears of it.
import { expect } from 'chai'
import type { Knex } from 'knex'
import { getTestDb } from '../support/db.ts'
import { loginAs, testClient, type Client } from '../support/http.ts'
import { deliver } from '../../server/inbox/deliver.ts'
import { pointIn, uniq } from '../events/helpers.ts'

const ROLLBACK = new Error('rollback')

describe('inbox: deliver() scopes roles to an area', function () {
  let knex: Knex
  let client: Client
  let number: string
  let ours: string

  before(async () => {
    client = await testClient()
    knex = await getTestDb()
    const command = await loginAs(client, 'command')
    const p = await pointIn(knex, '990102001001')
    const r = await client.post('/api/v1/events', { channel: 'superior', demandType: '投诉举报', classCode: '0102', description: uniq('暴露垃圾'),
      location: { x: p.lon, y: p.lat } }, command)
    expect(r.statusCode, r.body).to.equal(201)
    number = r.json().event.number
    ours = String((await knex('app_user').where({ username: 'command' }).first('id')).id)
  })

  /** Runs fn beside a command centre of another city (990200), all rolled back; answers who got what. */
  const withOtherCity = async (fn: (trx: Knex.Transaction) => Promise<void>) => {
    let got: { user_id: string; title: string }[] = []
    let other = ''
    await knex.transaction(async (trx) => {
      // a second city exists only inside this transaction
      await trx('admin_division').insert({ code: '990200000000', level: 'city', name: '测试第二城', city_code: '990200',
        geom: trx.raw("ST_Multi(ST_MakeEnvelope(118, 37, 118.1, 37.1, 4490))") })
      const [u] = await trx('app_user').insert({ username: `command2-${process.pid}`, display_name: '另一城市指挥中心', role: 'command_center', city_code: '990200' }).returning('id')
      other = String(u.id)
      await trx('user_jurisdiction').insert({ user_id: other, admin_code: '990200000000' })
      await fn(trx)
      got = (await trx('inbox_item').whereIn('user_id', [ours, other]).where('title', 'like', '范围测试%').select('user_id', 'title'))
        .map((r: { user_id: string | number; title: string }) => ({ user_id: String(r.user_id), title: r.title }))
      throw ROLLBACK
    }).catch((err) => { if (err !== ROLLBACK) throw err })
    return { got, other }
  }

  it('a notice naming an event but no area reaches the roles of that event\'s city only', async () => {
    const { got, other } = await withOtherCity(async (trx) => {
      await deliver(trx, { kind: 'todo', title: '范围测试：事件', eventId: number }, { roles: ['command_center'] })
    })
    expect(got.map((g) => g.user_id)).to.deep.equal([ours])
    expect(got.map((g) => g.user_id)).to.not.include(other)
  })

  it('an explicit area reaches that city\'s roles; no area and no event reaches no one by role', async () => {
    const { got, other } = await withOtherCity(async (trx) => {
      await deliver(trx, { kind: 'todo', title: '范围测试：区域', areaCode: '990200000000' }, { roles: ['command_center'] })
      expect(await deliver(trx, { kind: 'todo', title: '范围测试：无范围' }, { roles: ['command_center'] })).to.equal(0)
    })
    expect(got).to.deep.equal([{ user_id: other, title: '范围测试：区域' }])
  })
})
