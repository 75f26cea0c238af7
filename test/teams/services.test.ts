// Team services (服务管理 6.3.4.2) and the ledger (活动管理 6.3.4.3): dispatching a demand (an event
// of the caller's jurisdiction, or a description and a place), its states and quality rating, the
// event history note, the ledger's hours, and the statistics per team and area checked against a
// hand computation and an independent SQL count.
import { expect } from 'chai'
import type { Knex } from 'knex'
import { getTestDb } from '../support/db.ts'
import { loginAs, testClient, type Client } from '../support/http.ts'
import { pointIn, uniq } from '../events/helpers.ts'
import { code, ensureDemo, fields, newTeam, signIn, type User } from './helpers.ts'

describe('team services, ledger and statistics (群防群治)', () => {
  let client: Client
  let knex: Knex
  let auth: Record<User, Record<string, string>>
  let team: { id: number }
  let p: { lon: number; lat: number; grid: string }

  before(async () => {
    client = await testClient()
    knex = await getTestDb()
    await ensureDemo(knex)
    auth = await signIn(client, loginAs)
    p = await pointIn(knex, '990102001003', 1)
    team = await newTeam(client, auth.street1, { communityCode: '990102001003', kind: 'patrol_volunteer', lon: p.lon, lat: p.lat })
  })

  const step = (sid: number, name: string, body: unknown, who: Record<string, string>) => client.post(`/api/v1/teams/${team.id}/services/${sid}/${name}`, body, who)
  const dispatch = (body: unknown, who: Record<string, string> = auth.street1) => client.post(`/api/v1/teams/${team.id}/services`, body, who)

  it('dispatches an event of the jurisdiction, notes it in the event history, and follows it to a rating', async () => {
    const ev = await client.post('/api/v1/events', { channel: 'superior', demandType: '求助', classCode: '0601', description: uniq('老人家中水管漏水'),
      location: { x: p.lon, y: p.lat } }, auth.command)
    expect(ev.statusCode, ev.body).to.equal(201)
    const number = ev.json().event.number as string
    const before = await knex('event_history').join('event', 'event.id', 'event_history.event_id').where('event.number', number).orderBy('seq').select('action', 'to_status')
    const res = await dispatch({ eventNumber: number })
    expect(res.statusCode, res.body).to.equal(201)
    const s = res.json()
    expect(s).to.deep.include({ status: 'assigned', eventNumber: number, communityCode: '990102001003', teamId: team.id })
    const after = await knex('event_history').join('event', 'event.id', 'event_history.event_id').where('event.number', number).orderBy('seq').select('action', 'to_status', 'comment')
    expect(after.length).to.equal(before.length + 1)
    expect(after.at(-1)).to.deep.include({ action: 'team_service', to_status: before.at(-1)!.to_status })
    // the workflow's state is untouched
    expect((await knex('event').where({ number }).first('status')).status).to.equal(before.at(-1)!.to_status)

    expect(code(await step(s.id, 'rate', { rating: 5 }, auth.street1))).to.equal('teams.service_state')
    // another community's staff do not see it; the street's do
    expect((await step(s.id, 'accept', {}, auth.community)).statusCode).to.equal(404)
    expect((await step(s.id, 'accept', {}, auth.street1)).json().status).to.equal('accepted')
    const done = await step(s.id, 'done', { result: '已更换阀门', hours: 2.5, participants: 2 }, auth.street1)
    expect(done.statusCode, done.body).to.equal(200)
    expect(done.json()).to.deep.include({ status: 'done', hours: 2.5, participants: 2 })
    expect((await step(s.id, 'rate', { rating: 4, comment: '及时' }, auth.inspector)).statusCode).to.equal(403)
    const rated = await step(s.id, 'rate', { rating: 4, comment: '及时' }, auth.street1)
    expect(rated.json()).to.deep.include({ status: 'rated', rating: 4, ratingComment: '及时' })
    expect((await step(s.id, 'cancel', { reason: '太晚了' }, auth.street1)).statusCode).to.equal(409)
    const ledger = (await client.get(`/api/v1/teams/${team.id}/activities?kind=service`, auth.street1)).json()
    expect(ledger.items.find((a: { serviceId: number }) => a.serviceId === s.id)).to.deep.include({ kind: 'service', hours: 2.5, participants: 2, personHours: 5 })
  })

  it('refuses demands outside the caller\'s jurisdiction or the team\'s area, naming the field', async () => {
    const other = await pointIn(knex, '990102002001', 0)
    const ev = await client.post('/api/v1/events', { channel: 'superior', demandType: '求助', classCode: '0601', description: uniq('外街道诉求'),
      location: { x: other.lon, y: other.lat } }, auth.command)
    const foreign = await dispatch({ eventNumber: ev.json().event.number })
    expect(foreign.statusCode).to.equal(404)
    expect(fields(foreign)).to.deep.equal(['eventNumber'])
    const neighbour = await pointIn(knex, '990102001001', 0)
    const outside = await dispatch({ description: '隔壁社区的诉求', lon: neighbour.lon, lat: neighbour.lat })
    expect(outside.statusCode).to.equal(400)
    expect(code(outside)).to.equal('teams.demand_outside_area')
    const byCommand = await dispatch({ description: '指挥中心派发', lon: p.lon, lat: p.lat }, auth.command)
    expect(byCommand.statusCode, byCommand.body).to.equal(201)
    expect((await dispatch({ description: '网格员不能派发', lon: p.lon, lat: p.lat }, auth.inspector)).statusCode).to.equal(403)
    expect(fields(await dispatch({ description: '只有描述' }))).to.deep.equal(['eventNumber'])
    expect(fields(await dispatch({ eventNumber: 'E1' }))).to.deep.equal(['eventNumber'])
  })

  it('masks personal numbers typed into a demand for callers without the full right', async () => {
    const res = await dispatch({ description: '居民张先生求助，电话13812345678', lon: p.lon, lat: p.lat }, auth.command)
    expect(res.json().description).to.equal('居民张先生求助，电话13812345678')
    const seen = (await client.get(`/api/v1/teams/${team.id}/services/${res.json().id}`, auth.street1)).json()
    expect(seen.description).to.equal('居民张先生求助，电话138****5678')
  })

  it('counts services, ratings and ledger hours per team as computed by hand', async () => {
    const t = await newTeam(client, auth.street1, { communityCode: '990102001003', kind: 'patrol_volunteer' })
    const go = async (hours: number | null, participants: number, rating: number | null) => {
      const s = (await client.post(`/api/v1/teams/${t.id}/services`, { description: '测试诉求', lon: p.lon, lat: p.lat }, auth.street1)).json()
      if (hours === null) return
      await client.post(`/api/v1/teams/${t.id}/services/${s.id}/accept`, {}, auth.street1)
      await client.post(`/api/v1/teams/${t.id}/services/${s.id}/done`, { result: '完成', hours, participants }, auth.street1)
      if (rating !== null) await client.post(`/api/v1/teams/${t.id}/services/${s.id}/rate`, { rating }, auth.street1)
    }
    await go(2, 1, 5)
    await go(3.5, 2, 2)
    await go(1, 3, null)
    await go(null, 1, null)
    const at = new Date().toISOString()
    for (const a of [{ kind: 'patrol', hours: 2, participants: 4 }, { kind: 'training', hours: 1.5, participants: 10 }]) {
      const r = await client.post(`/api/v1/teams/${t.id}/activities`, { ...a, title: '测试活动', startedAt: at }, auth.street1)
      expect(r.statusCode, r.body).to.equal(201)
    }
    // by hand: 4 dispatched, 1 open, 3 done, 2 rated, (5 + 2) / 2 = 3.5; hours 2 + 3.5 + 1 + 2 + 1.5 = 10,
    // person-hours 2x1 + 3.5x2 + 1x3 + 2x4 + 1.5x10 = 35
    const stats = (await client.get('/api/v1/teams/stats?area=990102001003', auth.street1)).json()
    const mine = stats.byTeam.find((x: { teamId: number }) => x.teamId === t.id)
    expect(mine).to.deep.include({ dispatched: 4, open: 1, done: 3, rated: 2, cancelled: 0, averageRating: 3.5, activities: 5, hours: 10, personHours: 35 })
    expect(mine.byKind).to.deep.equal({ service: { count: 3, hours: 6.5 }, patrol: { count: 1, hours: 2 }, training: { count: 1, hours: 1.5 } })
    const ledger = (await client.get(`/api/v1/teams/${t.id}/activities?limit=2`, auth.street1)).json()
    expect(ledger.items.length).to.equal(2)
    expect(ledger.totals).to.deep.equal({ count: 5, hours: 10, personHours: 35 })
    const page2 = (await client.get(`/api/v1/teams/${t.id}/activities?limit=2&cursor=${ledger.next}`, auth.street1)).json()
    expect(page2.items.map((x: { id: number }) => x.id)).to.not.include.members(ledger.items.map((x: { id: number }) => x.id))
  })

  it('groups a street by its communities, agreeing with an independent SQL count', async () => {
    const stats = (await client.get('/api/v1/teams/stats?area=990102001000', auth.street1)).json()
    const { rows } = await knex.raw(`SELECT CASE WHEN t.community_code LIKE '%000' THEN t.community_code ELSE t.community_code END AS code,
        count(DISTINCT t.id) AS teams,
        (SELECT count(*) FROM team_service s JOIN team u ON u.id = s.team_id WHERE u.community_code = t.community_code) AS dispatched,
        (SELECT coalesce(sum(a.hours), 0) FROM team_activity a JOIN team u ON u.id = a.team_id WHERE u.community_code = t.community_code) AS hours,
        (SELECT avg(s.rating) FROM team_service s JOIN team u ON u.id = s.team_id WHERE u.community_code = t.community_code) AS avg
      FROM team t WHERE t.community_code LIKE '990102001%' GROUP BY t.community_code ORDER BY 1`)
    expect(rows.length).to.be.greaterThan(3)
    expect(stats.byArea.map((a: { code: string }) => a.code)).to.deep.equal(rows.map((r: { code: string }) => r.code))
    for (const r of rows as { code: string; teams: string; dispatched: string; hours: string; avg: string | null }[]) {
      const a = stats.byArea.find((x: { code: string }) => x.code === r.code)
      expect(a.teams, r.code).to.equal(Number(r.teams))
      expect(a.dispatched, r.code).to.equal(Number(r.dispatched))
      expect(a.hours, r.code).to.be.closeTo(Number(r.hours), 0.01)
      if (r.avg === null) expect(a.averageRating).to.equal(null)
      else expect(a.averageRating, r.code).to.be.closeTo(Number(r.avg), 0.006)
    }
    expect(stats.total.teams).to.equal(rows.reduce((s: number, r: { teams: string }) => s + Number(r.teams), 0))
  })

  it('refuses broken, hostile and oversized input with 400 naming the field', async () => {
    const s = (await dispatch({ description: '输入测试', lon: p.lon, lat: p.lat })).json()
    const cases: [string, unknown, string][] = [
      ['done', { result: '完成', hours: -1 }, 'hours'],
      ['done', { result: '完成', hours: 'two' }, 'hours'],
      ['done', { result: 'x'.repeat(2001), hours: 1 }, 'result'],
      ['done', { hours: 1 }, 'result'],
      ['rate', { rating: 6 }, 'rating'],
      ['rate', { rating: 3.5 }, 'rating'],
      ['rate', { rating: 0 }, 'rating'],
      ['cancel', {}, 'reason'],
      ['accept', { sneaky: "'; DROP TABLE team; --" }, '(root)'],
    ]
    for (const [name, body, field] of cases) {
      const res = await step(s.id, name, body, auth.street1)
      expect(res.statusCode, `${name} ${JSON.stringify(body)}`).to.equal(400)
      expect(fields(res), `${name} ${JSON.stringify(body)}`).to.include(field)
    }
    const bad: [unknown, string][] = [
      [{ description: 'x'.repeat(2001), lon: p.lon, lat: p.lat }, 'description'],
      [{ description: '经纬度反了', lon: p.lat, lat: p.lon }, 'lon'],
      [{ description: '缺纬度', lon: p.lon }, 'lat'],
      [{ eventNumber: ["E2026"] }, 'eventNumber'],
    ]
    for (const [body, field] of bad) expect(fields(await dispatch(body)), JSON.stringify(body)).to.include(field)
    const acts: [unknown, string][] = [
      [{ kind: 'service', title: 'x', startedAt: new Date().toISOString(), hours: 1 }, 'kind'],
      [{ kind: 'patrol', title: 'x', startedAt: 'yesterday', hours: 1 }, 'startedAt'],
      [{ kind: 'patrol', title: 'x', startedAt: new Date().toISOString(), hours: 1001 }, 'hours'],
      [{ kind: 'patrol', title: 'x', startedAt: new Date().toISOString(), hours: 1, gridCode: '1' }, 'gridCode'],
    ]
    for (const [body, field] of acts) expect(fields(await client.post(`/api/v1/teams/${team.id}/activities`, body, auth.street1)), JSON.stringify(body)).to.include(field)
    for (const [url, field] of [['/api/v1/teams/stats?area=99', 'area'], ['/api/v1/teams/stats?from=2026-12-01T00:00:00Z&to=2026-11-01T00:00:00Z', 'to'],
      ['/api/v1/teams?limit=0', 'limit'], ['/api/v1/teams?limit=100000', 'limit'], ['/api/v1/teams?cursor=abc', 'cursor'], ['/api/v1/teams?kind=army', 'kind'],
      ['/api/v1/teams?q=a&q=b', 'q'], ['/api/v1/teams?evil=1', '(root)'], ['/api/v1/teams/abc', 'id'], ['/api/v1/teams/0', 'id'],
      [`/api/v1/teams/${team.id}/services?status=lost`, 'status'], [`/api/v1/teams/${team.id}/activities?from=now`, 'from']] as const) {
      const res = await client.get(url, auth.street1)
      expect(res.statusCode, url).to.equal(400)
      expect(fields(res), url).to.include(field)
    }
    const teamBad: [unknown, string][] = [
      [{ name: 'x'.repeat(101), kind: 'org', communityCode: '990102001001' }, 'name'],
      [{ name: '电话错', kind: 'org', communityCode: '990102001001', leaderPhone: '12345' }, 'leaderPhone'],
      [{ name: '区划错', kind: 'org', communityCode: '990102001999' }, 'communityCode'],
      [{ name: '类型错', kind: 'army', communityCode: '990102001001' }, 'kind'],
      [{ name: '专长重复', kind: 'org', communityCode: '990102001001', specialties: ['repair', 'repair'] }, 'specialties'],
      [{ name: '无处安放', kind: 'org' }, 'communityCode'],
    ]
    for (const [body, field] of teamBad) {
      const res = await client.post('/api/v1/teams', body, auth.street1)
      expect(res.statusCode, JSON.stringify(body)).to.equal(400)
      expect(fields(res), JSON.stringify(body)).to.include(field)
    }
    const huge = await client.request({ method: 'POST', url: '/api/v1/teams', headers: { ...auth.street1, 'content-type': 'application/json' },
      payload: JSON.stringify({ name: '大', kind: 'org', note: 'x'.repeat(5_000_000) }) })
    expect(huge.statusCode).to.be.oneOf([400, 413])
  })

  it('words refusals in Chinese when asked', async () => {
    const res = await client.request({ method: 'PATCH', url: `/api/v1/teams/${team.id}`, headers: { ...auth.street1, 'content-type': 'application/json', 'accept-language': 'zh-CN' },
      payload: JSON.stringify({ version: 99 }) })
    expect(res.statusCode).to.equal(409)
    expect(res.json().detail).to.match(/已被他人修改/)
  })
})
