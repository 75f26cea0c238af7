// The producers' feed: a dispatch (through the API), a 督办 order, a warning, a stored report and
// an assessment snapshot queue feed rows by trigger in their own transaction, and the inbox
// pass turns them into notices for the right people (recipients worked out here from the rows).
import { expect } from 'chai'
import type { Knex } from 'knex'
import type { AppContext } from '../../server/context.ts'
import { getTestContext } from '../support/db.ts'
import { loginAs, testClient, type Client } from '../support/http.ts'
import { pointIn, uniq } from '../events/helpers.ts'
import { processFeed } from '../../server/inbox/feed.ts'
import '../../server/inbox/feeds.ts'

describe('inbox feed', () => {
  let ctx: AppContext
  let knex: Knex
  let client: Client
  const auth: Record<string, Record<string, string>> = {}

  const drain = async () => { while (await processFeed(knex) > 0) { /* until nothing is pending */ } }
  const recipients = async (where: Record<string, unknown>) => ((await knex('inbox_item').where(where).pluck('user_id')) as string[]).map(Number).sort((a, b) => a - b)

  before(async () => {
    ctx = await getTestContext()
    knex = ctx.knex
    client = await testClient(ctx)
    for (const u of ['command', 'street1']) auth[u] = await loginAs(client, u)
    await drain()
  })

  it('gives the new assignee of a dispatch a to-do: the member\'s account, else the department\'s accounts', async () => {
    const here = await pointIn(knex, '990102001001')
    const res = await client.post('/api/v1/events', {
      channel: 'resident', demandType: '投诉举报', classCode: '0102', description: uniq('待办测试：道路破损'), location: { x: here.lon, y: here.lat },
    }, auth.command)
    expect(res.statusCode, res.body).to.equal(201)
    const number = res.json().event.number as string
    expect((await client.post(`/api/v1/events/${number}/transitions`, { action: 'accept' }, auth.command)).statusCode).to.equal(200)
    const d = await client.post(`/api/v1/events/${number}/transitions`, { action: 'dispatch' }, auth.street1)
    expect(d.statusCode, d.body).to.equal(200)
    const queued = await knex('inbox_feed').where({ source: 'event' }).whereRaw("ref->>'action' = 'dispatch'").whereNull('done_at').count({ n: '*' })
    expect(Number(queued[0]!.n)).to.be.at.least(1)
    await drain()
    const e = await knex('event').where({ number }).first('assignee_member_id', 'assignee_department_id')
    const member = e.assignee_member_id === null ? null : await knex('grid_member').where({ id: e.assignee_member_id }).first('user_id')
    const expected = member?.user_id
      ? [Number(member.user_id)]
      : ((await knex('app_user').where({ department_id: e.assignee_department_id, disabled: false }).pluck('id')) as string[]).map(Number).sort((a, b) => a - b)
    const got = await recipients({ event_ref: number, kind: 'todo' })
    expect(got).to.deep.equal(expected)
    if (got.length) {
      const item = await knex('inbox_item').where({ event_ref: number, kind: 'todo' }).first('title', 'link', 'area_code')
      expect(item.title).to.include(number)
      expect(item).to.include({ link: `#event=${number}`, area_code: '990102001001' })
    }
    expect(await knex('inbox_feed').whereNull('done_at').count({ n: '*' }).then((r) => Number(r[0]!.n))).to.equal(0)
  })

  it('tells a 督办 order to its department\'s accounts', async () => {
    const e = await knex('event').where({ city_code: '990100' }).orderBy('id', 'desc').first('id', 'number', 'city_code')
    const dept = await knex('department').where({ code: 'CGJ-990102' }).first('id')
    await knex('event_supervision').insert({ event_id: e.id, city_code: e.city_code, kind: 'manual', card: 'yellow', department_id: dept.id, reason: '测试督办：请尽快处置' })
    await drain()
    const expected = ((await knex('app_user').where({ department_id: dept.id, disabled: false }).pluck('id')) as string[]).map(Number).sort((a, b) => a - b)
    expect(expected.length).to.be.at.least(1)
    expect(await recipients({ event_ref: e.number, kind: 'supervision' })).to.deep.equal(expected)
    const item = await knex('inbox_item').where({ event_ref: e.number, kind: 'supervision' }).first('title', 'body')
    expect(item.title).to.equal(`督办：${e.number}（黄牌）`)
    expect(item.body).to.equal('测试督办：请尽快处置')
  })

  it('tells a warning to the staff whose jurisdiction covers its area', async () => {
    const title = uniq('测试预警')
    await knex.raw(`INSERT INTO warning (city_code, kind, rule_version, level, title, area_code, geom, dedupe_key, raised_at)
      VALUES ('990100', 'spike', 0, 2, ?, '990102001000', ST_SetSRID(ST_MakePoint(0, 0), 4490), ?, now())`, [title, title])
    await drain()
    // independently: command (9901), district (990102) and street1 (990102001) cover street 990102001; street2 and the community do not
    const ids = ((await knex('app_user').whereIn('username', ['command', 'district', 'street1']).pluck('id')) as string[]).map(Number).sort((a, b) => a - b)
    const others = ((await knex('app_user').whereIn('role', ['command_center', 'district_staff', 'street_staff', 'community_staff']).whereNotIn('username', ['command', 'district', 'street1', 'street2', 'community']).select('id', 'role'))) as { id: string }[]
    const got = await recipients({ title: `橙色预警：${title}` })
    expect(got.filter((u) => !others.some((o) => Number(o.id) === u))).to.deep.equal(ids)
  })

  it('tells a stored report once (not once per format) to the city\'s command centre', async () => {
    const label = '2003-02-01'
    await knex('report').where({ city_code: '990100', kind: 'daily', label }).delete()
    for (const format of ['html', 'pdf']) {
      await knex('report').insert({ city_code: '990100', kind: 'daily', label, format, period_from: '2003-02-01T00:00:00+08:00', period_to: '2003-02-02T00:00:00+08:00',
        content: Buffer.from('x'), bytes: 1, sha256: '0'.repeat(64) })
    }
    await drain()
    const command = Number((await knex('app_user').where({ username: 'command' }).first('id')).id)
    const rows = await knex('inbox_item').where({ title: `日报已生成：${label}` }).select('user_id')
    expect(rows.filter((r) => Number(r.user_id) === command)).to.have.length(1)
  })
})
