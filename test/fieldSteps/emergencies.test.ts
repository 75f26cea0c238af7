// Major emergencies (重大突发): priority 1 and configured classes skip the desk's queue and alert
// the named leaders and lead bodies at once (inbox, stream, outbox); the time line every involved
// unit reads; a supervisor's later declaration; who may follow one.
import { expect } from 'chai'
import { getTestContext } from '../support/db.ts'
import { until } from '../support/wait.ts'
import { uniq } from '../events/helpers.ts'
import { world, type World } from './support.ts'

describe('major emergencies', function () {
  let w: World
  const field: { type: string; items: Record<string, unknown>[] }[] = []
  let stop: (() => Promise<void>) | undefined
  const PLATFORM = 'fieldsteps_test'

  before(async () => {
    w = await world()
    stop = await (await getTestContext()).listen('gridgov_field', (payload) => field.push(JSON.parse(payload)))
    // a platform that takes only emergencies: the outbox row is the proof of the push to other platforms
    await w.knex('integration_platform').insert({ code: PLATFORM, name: '应急平台（测试）', city_code: '990100', endpoint: 'http://127.0.0.1:9/hook', actions: ['emergency', 'declare_emergency'] })
  })
  after(async () => {
    await stop?.()
    await w.knex('outbox').where('platform_code', PLATFORM).delete()
    await w.knex('integration_platform').where('code', PLATFORM).delete()
  })

  /** The users an emergency of community 990102001001 alerts by name, from the contact table directly. */
  const namedUsers = async () => {
    const { rows } = await w.knex.raw(`SELECT DISTINCT u.id FROM app_user u WHERE NOT u.disabled AND (u.username IN ('district', 'command')
      OR u.department_id = (SELECT id FROM department WHERE code = 'CGJ-990102'))`)
    return rows.map((r: { id: string }) => Number(r.id)).sort((a: number, b: number) => a - b)
  }

  it('priority 1 on a channel filed by hand skips the queue: filed, dispatched and alerted at once', async () => {
    const e = await w.report({ channel: 'resident', priority: 1, description: uniq('大量垃圾堵塞消防通道') })
    expect(e.status, 'skips the desk').to.equal('dispatched')
    const steps = (await w.history(e.number)).map((h) => h.action)
    expect(steps).to.deep.equal(['report', 'accept', 'dispatch', 'emergency'])
    const row = await w.knex('event_emergency').where('number', e.number).first()
    expect(row.source).to.equal('priority')
    expect(row.alerted_user_ids.map(Number).sort((a: number, b: number) => a - b)).to.deep.equal(await namedUsers())
    // inbox: every named user has the notice
    const inbox = await w.knex('inbox_item').where({ event_ref: e.number, kind: 'emergency' }).pluck('user_id')
    for (const id of await namedUsers()) expect(inbox.map(Number), `user ${id}`).to.include(id)
    // the stream: one 'emergency' item for the community
    expect(await until(() => field.some((m) => m.type === 'emergency' && m.items.some((i) => i.number === e.number)))).to.equal(true)
    const item = field.flatMap((m) => m.items).find((i) => i.number === e.number)!
    expect(item).to.deep.include({ community: '990102001001', source: 'priority' })
    // the outbox: the emergency row goes to the subscribed platform
    const out = await w.knex('outbox').where({ platform_code: PLATFORM }).whereRaw("payload->'change'->>'action' = 'emergency'").whereRaw("payload->'event'->>'number' = ?", [e.number]).count('* as n').first()
    expect(Number(out!.n)).to.equal(1)
  })

  it('a configured class is an emergency at any priority; its time line is what every follower reads', async () => {
    const e = await w.report({ channel: 'resident', classCode: '0403', priority: 3, description: uniq('燃气管道破裂 有燃气味') })
    expect(e.status).to.equal('dispatched')
    const one = await w.client.get(`/api/v1/emergencies/${e.number}`, w.auth.command)
    expect(one.statusCode, one.body).to.equal(200)
    const body = one.json()
    expect(body).to.deep.include({ number: e.number, source: 'class', sourceTitle: '重大突发类别' })
    expect(body.alerted.map((a: { title: string }) => a.title)).to.deep.equal(['区网格中心分管领导', '市指挥中心值班领导', '区城市管理局'])
    expect(body.timeline.map((t: { action: string }) => t.action)).to.deep.equal(['report', 'accept', 'dispatch', 'emergency'])
    expect(body.timeline[3].title).to.equal('重大突发')
    // a street office elsewhere does not follow it
    const away = await w.client.get(`/api/v1/emergencies/${e.number}`, w.auth.street2)
    expect(away.statusCode).to.equal(404)
    expect(away.json().code).to.equal('emergencies.not_found')
    // the time line grows with every step
    await w.ok(e.number, 'command', { action: 'reassign', departmentCode: 'CGJ-990102' })
    await w.ok(e.number, 'department', { action: 'sign', comment: '已到场处置' })
    const later = (await w.client.get(`/api/v1/emergencies/${e.number}`, w.auth.command)).json()
    expect(later.timeline.at(-1)).to.deep.include({ action: 'sign', comment: '已到场处置' })
    const list = (await w.client.get('/api/v1/emergencies', w.auth.district)).json()
    expect(list.items.map((i: { number: string }) => i.number)).to.include(e.number)
    expect((await w.client.get('/api/v1/emergencies', w.auth.street2)).json().items.map((i: { number: string }) => i.number)).to.not.include(e.number)
  })

  it('a supervisor declares an open event an emergency later, once; a direct reply cannot close one', async () => {
    const e = await w.report({ channel: 'resident', demandType: '求助', description: uniq('路口积水严重') })
    expect(e.status).to.equal('reported')
    const noReason = await w.fire(e.number, 'street1', { action: 'declare_emergency' })
    expect(noReason.statusCode).to.equal(400)
    const r = await w.ok(e.number, 'street1', { action: 'declare_emergency', comment: '积水深度超过 50 厘米，影响通行' })
    expect(r.event.status).to.equal('reported')
    expect(r.allowed).to.not.include('declare_emergency')
    expect(r.allowed).to.not.include('direct_reply')
    const row = await w.knex('event_emergency').where('number', e.number).first('source', 'reason')
    expect(row).to.deep.equal({ source: 'manual', reason: '积水深度超过 50 厘米，影响通行' })
    const reply = await w.fire(e.number, 'command', { action: 'direct_reply', comment: '已知悉' })
    expect(reply.statusCode).to.equal(409)
    expect(reply.json().code).to.equal('transition.emergency_no_direct_reply')
    const fresh = await w.report({ channel: 'resident', description: uniq('路灯不亮') })
    expect((await w.fire(fresh.number, 'inspector', { action: 'declare_emergency', comment: 'x' })).statusCode).to.equal(403)
  })

  it('a leader named for an area follows its emergencies wherever the leader sits', async () => {
    const [c] = await w.knex('emergency_contact').insert({ city_code: '990100', area_code: '990102001', class_prefix: '0401', kind: 'leader', title: '第二街道应急联络员', username: 'street2' }).returning('id')
    try {
      const collapse = await w.report({ channel: 'resident', classCode: '0401', description: uniq('路面塌陷 出现大坑') })
      const gas = await w.report({ channel: 'resident', classCode: '0403', description: uniq('燃气泄漏') })
      const read = await w.client.get(`/api/v1/emergencies/${collapse.number}`, w.auth.street2)
      expect(read.statusCode, 'alerted by name: follows it outside its jurisdiction').to.equal(200)
      expect(read.json().alerted.map((a: { title: string }) => a.title)).to.include('第二街道应急联络员')
      expect((await w.client.get(`/api/v1/emergencies/${gas.number}`, w.auth.street2)).statusCode, 'another class: not named').to.equal(404)
      const street2 = Number((await w.knex('app_user').where('username', 'street2').first('id')).id)
      expect((await w.knex('inbox_item').where({ event_ref: collapse.number, user_id: street2 }).pluck('kind'))).to.deep.equal(['emergency'])
    } finally {
      await w.knex('emergency_contact').where('id', c.id).delete()
    }
  })

  it('bad list input names the field', async () => {
    const res = await w.client.get('/api/v1/emergencies?limit=999', w.auth.command)
    expect(res.statusCode).to.equal(400)
    expect(res.json().errors[0].field).to.equal('limit')
    expect((await w.client.get('/api/v1/emergencies/X1', w.auth.command)).statusCode).to.equal(404)
    expect((await w.client.get('/api/v1/emergencies', w.auth.system)).statusCode).to.equal(403)
  })
})
