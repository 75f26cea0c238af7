// 知识库 around the articles: ratings (the mean against a hand computation), favourites,
// corrections (纠错), requests (索要), citation from an event's handling (引用, the event's history
// shows it), drafts from closed events (工单转知识, no reporter or personal value in them), the
// department directory (部门通讯录), and broken input on each.
import { expect } from 'chai'
import type { Knex } from 'knex'
import { getTestDb } from '../support/db.ts'
import { loginAs, testClient, type Client } from '../support/http.ts'
import { pointIn, uniq } from '../events/helpers.ts'
import { close, closedEvent, report } from '../exemplary/support.ts'
import { draft, expectCode, expectField, published, send, tag, type Auth } from './support.ts'

describe('knowledge around the articles: ratings, favourites, corrections, requests, citations, drafts from events, directory', function () {
  let client: Client
  let knex: Knex
  const auth: Auth = {}
  let article: number

  before(async () => {
    client = await testClient()
    knex = await getTestDb()
    for (const u of ['command', 'district', 'street1', 'street2', 'community', 'inspector', 'department']) auth[u] = await loginAs(client, u)
    article = await published(client, auth, { title: `占道经营的处置流程 ${tag()}`, bodyHtml: '<p>劝导、登记、暂扣。</p>', visibility: 'public', category: '街面秩序' })
  })

  it('rates 1-5 once per reader (again replaces); the mean matches a hand computation and the table', async () => {
    const scores: Record<string, number> = { street1: 5, street2: 4, community: 2, inspector: 1 }
    for (const [who, score] of Object.entries(scores)) {
      const res = await send(client, 'PUT', `/api/v1/knowledge/${article}/rating`, { score }, auth[who]!)
      expect(res.statusCode, res.body).to.equal(200)
    }
    const again = await send(client, 'PUT', `/api/v1/knowledge/${article}/rating`, { score: 3 }, auth.inspector!)
    scores.inspector = 3
    const values = Object.values(scores)
    const mean = values.reduce((a, b) => a + b, 0) / values.length // (5 + 4 + 2 + 3) / 4
    expect(mean).to.equal(3.5)
    expect(again.json().rating).to.deep.equal({ mean, count: 4 })
    const rows = await knex('knowledge_rating').where({ article_id: article }).select('score')
    expect(rows.map((r: { score: number }) => Number(r.score)).sort()).to.deep.equal([...values].sort())
    const one = (await client.get(`/api/v1/knowledge/${article}`, auth.street1)).json()
    expect(one.rating).to.deep.equal({ mean, count: 4 })
    expect(one.myRating).to.equal(5)
    for (const score of [6, 0, 3.5, '5', null]) expectField(await send(client, 'PUT', `/api/v1/knowledge/${article}/rating`, { score }, auth.street1!), 400, 'score')
    expect(Number((await knex('knowledge_rating').where({ article_id: article }).count('* as n'))[0]!.n), 'nothing half-written').to.equal(4)
    const d = await draft(client, auth, { title: `未上架 ${tag()}`, bodyHtml: '<p>x</p>' })
    expectCode(await send(client, 'PUT', `/api/v1/knowledge/${d}/rating`, { score: 5 }, auth.street1!), 409, 'knowledge.not_on_shelf')
  })

  it('favours and unfavours; favourites=true lists only the favoured', async () => {
    expect((await send(client, 'PUT', `/api/v1/knowledge/${article}/favourite`, {}, auth.street2!)).json()).to.deep.equal({ id: article, favourite: true })
    const list = async () => ((await client.get('/api/v1/knowledge?favourites=true', auth.street2)).json().items as { id: number }[]).map((i) => i.id)
    expect(await list()).to.deep.equal([article])
    expect((await client.get(`/api/v1/knowledge/${article}`, auth.street2)).json().favourite).to.equal(true)
    await send(client, 'DELETE', `/api/v1/knowledge/${article}/favourite`, {}, auth.street2!)
    expect(await list()).to.deep.equal([])
    expectField(await client.get('/api/v1/knowledge?favourites=yes', auth.street2), 400, 'favourites')
  })

  it('takes corrections and lets a reviewer accept or reject each once', async () => {
    const res = await client.post(`/api/v1/knowledge/${article}/corrections`, { content: '暂扣物品须开具清单，原文漏写' }, auth.inspector)
    expect(res.statusCode, res.body).to.equal(201)
    const c = res.json()
    expect(c).to.deep.include({ status: 'open', articleId: article })
    const decide = (body: unknown, who = 'command') => client.post(`/api/v1/knowledge/${article}/corrections/${c.id}/decision`, body, auth[who])
    expectCode(await decide({ decision: 'accept' }, 'inspector'), 403, 'knowledge.reviewers_only')
    expectField(await decide({ decision: 'maybe' }), 400, 'decision')
    expect((await decide({ decision: 'accept', answer: '已补充' })).json()).to.deep.include({ status: 'accepted', answer: '已补充' })
    expectCode(await decide({ decision: 'reject' }), 409, 'knowledge.already_decided')
    expectCode(await client.post(`/api/v1/knowledge/${article}/corrections/987654/decision`, { decision: 'reject' }, auth.command), 404, 'knowledge.correction_not_found')
    expectField(await client.post(`/api/v1/knowledge/${article}/corrections`, { content: '' }, auth.inspector), 400, 'content')
    expectField(await client.post(`/api/v1/knowledge/${article}/corrections`, { content: '错'.repeat(2001) }, auth.inspector), 400, 'content')
    const mine = (await client.get(`/api/v1/knowledge/${article}/corrections`, auth.street2)).json().items
    expect(mine, 'others see their own corrections only').to.deep.equal([])
  })

  it('takes requests for missing knowledge; a reviewer answers one with an article or closes it, once', async () => {
    const q = `电动车在楼道充电谁来管 ${tag()}`
    const res = await client.post('/api/v1/knowledge/requests', { question: q }, auth.community)
    expect(res.statusCode, res.body).to.equal(201)
    const r = res.json()
    const answer = (body: unknown, id = r.id) => client.post(`/api/v1/knowledge/requests/${id}/answer`, body, auth.command)
    expectField(await answer({}), 400, 'articleId')
    expectField(await answer({ articleId: article, close: true }), 400, 'articleId')
    expectCode(await client.post(`/api/v1/knowledge/requests/${r.id}/answer`, { close: true }, auth.community), 403, 'knowledge.reviewers_only')
    const d = await draft(client, auth, { title: `未上架 ${tag()}`, bodyHtml: '<p>x</p>' })
    expectCode(await answer({ articleId: d }), 409, 'knowledge.not_on_shelf')
    expect((await answer({ articleId: article, answer: '见此文' })).json()).to.deep.include({ status: 'answered', articleId: article })
    expectCode(await answer({ close: true }), 409, 'knowledge.already_answered')
    const mine = (await client.get('/api/v1/knowledge/requests', auth.community)).json().items as { question: string; status: string }[]
    expect(mine.find((x) => x.question === q)?.status).to.equal('answered')
    const other = (await client.get('/api/v1/knowledge/requests', auth.street2)).json().items as { question: string }[]
    expect(other.map((x) => x.question), 'others do not see it').to.not.include(q)
    const seen = (await client.get('/api/v1/knowledge/requests?status=answered&limit=100', auth.command)).json().items as { question: string }[]
    expect(seen.map((x) => x.question)).to.include(q)
    expectField(await client.post('/api/v1/knowledge/requests', { question: '问'.repeat(501) }, auth.community), 400, 'question')
    expectCode(await answer({ close: true }, 987654), 404, 'knowledge.request_not_found')
  })

  it('cites a published article in an event\'s handling: a citation row and a history note the event shows', async () => {
    const e = await report(client, knex, auth, '990102001001', 3, '0501', uniq('知识引用测试：路口有人占道经营'))
    const res = await client.post(`/api/v1/knowledge/${article}/citations`, { event: e.number, note: '按知识库流程处置' }, auth.command)
    expect(res.statusCode, res.body).to.equal(201)
    const hist = (await client.get(`/api/v1/events/${e.number}/history`, auth.command)).json().items as { action: string; comment: string | null; note: { code: string; params: Record<string, unknown> } | null }[]
    const cited = hist.filter((h) => h.action === 'cite_knowledge')
    expect(cited).to.have.length(1)
    expect(cited[0]!.note).to.deep.equal({ code: 'knowledge.cited', params: { article, title: res.json().title, visibility: 'public' } })
    expect(cited[0]!.comment).to.equal('按知识库流程处置')
    const ev = await knex('event').where({ number: e.number }).first('id')
    const rows = await knex('knowledge_citation').where({ article_id: article, event_id: ev.id })
    expect(rows).to.have.length(1)
    expect(((await client.get(`/api/v1/knowledge/${article}/citations`, auth.command)).json().items as { event: string }[]).map((c) => c.event)).to.include(e.number)
    expectCode(await client.post(`/api/v1/knowledge/${article}/citations`, { event: e.number }, auth.command), 409, 'knowledge.already_cited')
    expectCode(await client.post(`/api/v1/knowledge/${article}/citations`, { event: 'E202001019999' }, auth.command), 404, 'knowledge.event_not_found')
    expectCode(await client.post(`/api/v1/knowledge/${article}/citations`, { event: e.number }, auth.street2), 404, 'knowledge.event_not_found')
    expectField(await client.post(`/api/v1/knowledge/${article}/citations`, { event: 'DROP TABLE' }, auth.command), 400, 'event')
    const historyAfter = (await client.get(`/api/v1/events/${e.number}/history`, auth.command)).json().items as unknown[]
    expect(historyAfter, 'refusals wrote no history').to.have.length(hist.length)
  })

  it('turns a closed event into a draft: class, description and handling, never the reporter\'s name or phone', async () => {
    const p = await pointIn(knex, '990102001001', 5)
    const name = '欧阳明远'
    const phone = '13987654321'
    const res = await client.post('/api/v1/events', {
      channel: 'superior', demandType: '投诉举报', classCode: '0102', location: { x: p.lon, y: p.lat },
      description: uniq(`${name}反映小区门口垃圾满溢无人清运，联系电话 139 8765 4321，另一号码 010-87654321`),
      reporter: { name, phone },
    }, auth.command)
    expect(res.statusCode, res.body).to.equal(201)
    const e = { number: res.json().event.number as string, community: '990102001001' }
    expectCode(await client.post('/api/v1/knowledge/from-event', { event: e.number }, auth.command), 409, 'knowledge.event_not_closed')
    await close(client, auth, e, `已联系${name}（${phone}），当日清运完毕`)
    const made = await client.post('/api/v1/knowledge/from-event', { event: e.number, visibility: 'public' }, auth.command)
    expect(made.statusCode, made.body).to.equal(201)
    const a = made.json()
    expect(a).to.deep.include({ status: 'draft', sourceEvent: e.number, visibility: 'public' })
    expect(a.bodyText, 'positive control: the description and handling are there').to.include('垃圾满溢').and.include('当日清运完毕')
    const row = await knex('knowledge_article').where({ id: a.id }).first()
    const all = JSON.stringify(row) + JSON.stringify(await knex('knowledge_article_version').where({ article_id: a.id }))
    for (const bad of [name, phone, '8765 4321', '87654321', '139 8765']) expect(all, bad).to.not.include(bad)
    expectCode(await client.post('/api/v1/knowledge/from-event', { event: 'E202001019999' }, auth.command), 404, 'knowledge.event_not_found')
    expectField(await client.post('/api/v1/knowledge/from-event', { event: e.number, visibility: 'everyone' }, auth.command), 400, 'visibility')
    const other = await closedEvent(client, knex, auth, '990102002001', 1, '0102', uniq('另一街道的暴露垃圾'))
    expectCode(await client.post('/api/v1/knowledge/from-event', { event: other.number }, auth.street1), 404, 'knowledge.event_not_found')
  })

  it('serves the department directory; reviewers keep the contact, others may not', async () => {
    const list = (await client.get('/api/v1/knowledge/directory', auth.inspector)).json().items as { code: string; name: string }[]
    const count = Number((await knex('department').where({ city_code: '990100' }).count('* as n'))[0]!.n)
    expect(list).to.have.length(count)
    const code = list[0]!.code
    const put = (body: unknown, who = 'command') => send(client, 'PUT', `/api/v1/knowledge/directory/${code}`, body, auth[who]!)
    const res = await put({ phone: '0451-12345678', hours: '工作日 8:30-17:00', responsibilities: '负责市容环境卫生管理' })
    expect(res.statusCode, res.body).to.equal(200)
    expect(res.json()).to.deep.include({ code, phone: '0451-12345678', hours: '工作日 8:30-17:00' })
    const found = (await client.get(`/api/v1/knowledge/directory?q=${encodeURIComponent('市容环境卫生')}`, auth.street1)).json().items as { code: string }[]
    expect(found.map((x) => x.code)).to.include(code)
    expectCode(await put({ phone: '0451-1' }, 'street1'), 403, 'knowledge.reviewers_only')
    expectField(await put({ phone: '<script>' }), 400, 'phone')
    expectField(await put({ responsibilities: '责'.repeat(1001) }), 400, 'responsibilities')
    expectCode(await client.get('/api/v1/knowledge/directory/NO-SUCH', auth.street1), 404, 'knowledge.department_not_found')
    expect((await client.get(`/api/v1/knowledge/directory/${code}`, auth.street1)).json().phone, 'the refused writes changed nothing').to.equal('0451-12345678')
  })
})
