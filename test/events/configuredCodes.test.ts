// Channels and demand types are configuration (issue 18 gap g): the event list's filters and the
// event imports accept what the configuration holds, a channel and a demand type added by a
// version included, and refuse unknown ones naming the field. The versions it adds are undone after.
import { expect } from 'chai'
import type { Knex } from 'knex'
import { getTestDb } from '../support/db.ts'
import { configSnapshot } from '../config/restore.ts'
import { loginAs, testClient, type Client } from '../support/http.ts'
import { pointIn, uniq } from './helpers.ts'

const HEADER = '案卷号,渠道,诉求类型,小类代码,问题描述,经度,纬度,上报时间,状态,结案时间,满意度,地址'

describe('events: channels and demand types from the configuration', function () {
  let client: Client
  let knex: Knex
  let command: Record<string, string>
  let p: { lon: number; lat: number }
  const restore: (() => Promise<void>)[] = []
  let made: { number: string }
  let plain: { number: string }
  const tag = uniq('配置渠道')

  const postImport = (csv: string) => client.request({ method: 'POST', url: '/api/v1/event-imports?dryRun=true',
    headers: { 'content-type': 'text/csv', ...command }, payload: csv })
  const row = (channel: string, demandType: string) =>
    [`T${process.pid}-${Date.now()}`, channel, demandType, '0102', '暴露垃圾', p.lon, p.lat, '2024-07-15 09:30:00', 'closed', '2024-07-15 15:00:00', '', '示范路1号'].join(',')

  before(async () => {
    client = await testClient()
    knex = await getTestDb()
    command = await loginAs(client, 'command')
    p = await pointIn(knex, '990102001001')
    for (const kind of ['channels', 'demand_types']) restore.push(await configSnapshot(knex, kind))
    const ch = await client.post('/api/v1/config/channels', { key: 'wechat_mini', name: '微信小程序', autoAccept: true, autoDispatch: true,
      roles: ['command_center'], reason: '新增渠道' }, command)
    expect(ch.statusCode, ch.body).to.equal(201)
    const dt = await client.post('/api/v1/config/demand-types', { key: '意见征集', name: '意见征集', position: 5, reason: '新增诉求类型' }, command)
    expect(dt.statusCode, dt.body).to.equal(201)
    const report = async (channel: string, demandType: string) => {
      const r = await client.post('/api/v1/events', { channel, demandType, classCode: '0102', description: `${tag} 暴露垃圾`,
        location: { x: p.lon, y: p.lat } }, command)
      expect(r.statusCode, r.body).to.equal(201)
      return { number: r.json().event.number as string }
    }
    made = await report('wechat_mini', '意见征集')
    plain = await report('superior', '投诉举报')
  })
  after(async () => { for (const undo of restore) await undo() })

  it('filters the list by a configured channel and demand type', async () => {
    const list = async (qs: string) => {
      const r = await client.get(`/api/v1/events?q=${encodeURIComponent(tag)}&${qs}`, command)
      expect(r.statusCode, r.body).to.equal(200)
      return r.json().items.map((i: { number: string }) => i.number)
    }
    expect(await list('channel=wechat_mini')).to.deep.equal([made.number])
    expect(await list(`demandType=${encodeURIComponent('意见征集')}`)).to.deep.equal([made.number])
    expect(await list(`demandType=${encodeURIComponent('投诉举报,意见征集')}`)).to.have.members([made.number, plain.number])
  })

  it('refuses an unknown channel or demand type, naming the field', async () => {
    for (const [qs, field] of [['channel=carrier_pigeon', 'channel'], [`demandType=${encodeURIComponent('闲聊')}`, 'demandType']]) {
      const r = await client.get(`/api/v1/events?${qs}`, command)
      expect(r.statusCode).to.equal(400)
      expect(r.json().errors).to.deep.equal([{ field, message: r.json().errors[0].message }])
      expect(r.json().detail).to.include(field)
    }
  })

  it('imports accept the configured demand type and name the field of an unknown one', async () => {
    const ok = await postImport([HEADER, row('微信小程序', '意见征集')].join('\n'))
    expect(ok.statusCode, ok.body).to.equal(200)
    expect(ok.json()).to.include({ valid: true })
    const bad = await postImport([HEADER, row('wechat_mini', '闲聊')].join('\n'))
    const problems = (bad.json().report ?? bad.json()).problems as { line: number; field: string; reason: string }[]
    expect(problems.map((x) => `${x.line}:${x.field}`)).to.deep.equal(['2:demand_type'])
    expect(problems[0]!.reason).to.match(/unknown demand type/)
  })
})
