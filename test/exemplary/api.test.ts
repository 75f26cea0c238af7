// 重点公示: POST/GET/DELETE /api/v1/exemplary-cases. Only closed, not dissatisfied events are
// pinned, one case per event on show; withdrawal keeps the row (and the database refuses to
// delete or rewrite one); the case tells how the event was handled (its history, the time taken
// against its limit recomputed in SQL, the evaluation); jurisdiction, roles, keyset paging and
// broken, hostile and oversized input.
import { expect } from 'chai'
import type { Knex } from 'knex'
import { getTestDb } from '../support/db.ts'
import { loginAs, testClient, type Client } from '../support/http.ts'
import { uniq } from '../events/helpers.ts'
import { close, closedEvent, evaluate, pin, report, type Auth, type Reported } from './support.ts'

interface CaseView {
  id: number; title: string; summary: string; reason: string; tags: string[]; onShow: boolean; stillWellHandled: boolean
  event: { number: string; class: { code: string }; communityCode: string; status: string; satisfaction: string | null }
  pinnedBy: { name: string }; withdrawn: { at: string; reason: string | null; by: { name: string } } | null
  timing: { takenMinutes: number | null; limitMinutes: number | null; totalMinutes: number | null; onTime: boolean | null; closedAt: string | null }
  handling?: { steps: { action: string; actor: { role: string }; comment: string | null }[]; evaluation: { satisfaction: string | null; comment: string | null } | null }
}

describe('exemplary cases (重点公示): pin, list, read, withdraw', function () {
  let client: Client
  let knex: Knex
  const auth: Auth = {}
  let a: Reported, other: Reported
  let aCase: number, otherCase: number

  const get = (url: string, who: string) => client.get(url, auth[who])
  const list = async (who: string, query = '') => {
    const res = await get(`/api/v1/exemplary-cases${query}`, who)
    expect(res.statusCode, res.body).to.equal(200)
    return res.json() as { items: CaseView[]; next: string | null; nextHref: string | null }
  }
  const del = (id: number | string, who: string, query = '') => client.request({ method: 'DELETE', url: `/api/v1/exemplary-cases/${id}${query}`, headers: auth[who] })
  const post = (body: unknown, who = 'command') => client.post('/api/v1/exemplary-cases', body, auth[who])
  const expectField = (res: { statusCode: number; body: string; json: () => unknown }, status: number, field: string) => {
    expect(res.statusCode, res.body).to.equal(status)
    const errors = (res.json() as { errors?: { field: string }[] }).errors ?? []
    expect(errors.map((e) => e.field), res.body).to.include(field)
  }

  before(async () => {
    client = await testClient()
    knex = await getTestDb()
    for (const u of ['command', 'district', 'street1', 'street2', 'community', 'inspector', 'department', 'analyst', 'system']) auth[u] = await loginAs(client, u)
    a = await closedEvent(client, knex, auth, '990102001001', 4, '0102', uniq('公示测试：暴露垃圾'))
    other = await closedEvent(client, knex, auth, '990102002001', 0, '0102', uniq('公示测试：另一街道暴露垃圾'))
  })

  it('pins a closed event and answers it with how it was handled: steps, time against the limit, pinned by whom', async () => {
    const res = await post({ event: a.number, title: '暴露垃圾当日清运', summary: '街道接单后两小时内清运完毕，并约谈物业', reason: '处置快、群众满意', tags: ['清运', '物业', '清运'] })
    expect(res.statusCode, res.body).to.equal(201)
    const c = res.json() as CaseView
    aCase = c.id
    expect(res.headers.location).to.equal(`/api/v1/exemplary-cases/${c.id}`)
    expect(c).to.deep.include({ title: '暴露垃圾当日清运', onShow: true, withdrawn: null, stillWellHandled: true })
    expect(c.tags, 'tags are deduplicated').to.deep.equal(['清运', '物业'])
    expect(c.event).to.deep.include({ number: a.number, communityCode: '990102001001', status: 'closed' })
    expect(c.pinnedBy.name).to.be.a('string').and.not.equal('')
    const steps = c.handling!.steps
    expect(steps.map((s) => s.action)).to.deep.equal(['report', 'accept', 'dispatch', 'reassign', 'sign', 'handle', 'feedback', 'verify', 'close'])
    expect(steps.find((s) => s.action === 'feedback')!.comment).to.equal('已处置完毕')
    expect(c.handling!.evaluation).to.equal(null)
    // the clock, recomputed by the database from the event's own columns
    const { rows: [t] } = await knex.raw(`SELECT round(extract(epoch FROM closed_at - dispatched_at) / 60) AS taken,
      round(extract(epoch FROM handle_due_at - dispatched_at) / 60) AS lim, round(extract(epoch FROM closed_at - created_at) / 60) AS total,
      closed_at <= handle_due_at AS on_time FROM event WHERE number = ?`, [a.number])
    expect(c.timing.takenMinutes).to.equal(Number(t.taken))
    expect(c.timing.limitMinutes).to.equal(Number(t.lim))
    expect(c.timing.totalMinutes).to.equal(Number(t.total))
    expect(c.timing.onTime).to.equal(t.on_time)
    const again = await get(`/api/v1/exemplary-cases/${c.id}`, 'street1')
    expect(again.statusCode).to.equal(200)
    expect(again.json().handling.steps).to.have.length(steps.length)
  })

  it('refuses an event that is still open (409), one already on show (409 with its case), and a dissatisfied one (422)', async () => {
    const open = await report(client, knex, auth, '990102001001', 5, '0102', uniq('公示测试：未结案'))
    const r1 = await post({ event: open.number, title: 't', summary: 's', reason: 'r' })
    expect(r1.statusCode, r1.body).to.equal(409)
    expect(r1.json()).to.deep.include({ code: 'exemplary.not_closed' })
    const zh = await client.post('/api/v1/exemplary-cases', { event: open.number, title: 't', summary: 's', reason: 'r' }, { ...auth.command, 'accept-language': 'zh-CN' })
    expect(zh.json().detail).to.match(/^事件 E\d+ 当前为“已派遣”，只有已结案或已评价的事件才能设为公示案例$/)
    const r2 = await post({ event: a.number, title: 't', summary: 's', reason: 'r' })
    expect(r2.statusCode).to.equal(409)
    expect(r2.json()).to.deep.include({ code: 'exemplary.already_pinned', caseId: aCase })
    await close(client, auth, open)
    await evaluate(client, auth, open.number, 'dissatisfied')
    const r3 = await post({ event: open.number, title: 't', summary: 's', reason: 'r' })
    expect(r3.statusCode).to.equal(422)
    expect(r3.json().code).to.equal('exemplary.dissatisfied')
  })

  it('pins an evaluated event with its evaluation; a case later evaluated dissatisfied is flagged', async () => {
    const ev = await closedEvent(client, knex, auth, '990102001002', 0, '0102', uniq('公示测试：已评价'))
    await evaluate(client, auth, ev.number, 'satisfied')
    const id = await pin(client, auth, ev.number)
    const c = (await get(`/api/v1/exemplary-cases/${id}`, 'command')).json() as CaseView
    expect(c.handling!.evaluation).to.deep.include({ satisfaction: 'satisfied', comment: '回访' })
    const later = await closedEvent(client, knex, auth, '990102001002', 1, '0102', uniq('公示测试：后评不满意'))
    const laterId = await pin(client, auth, later.number)
    await evaluate(client, auth, later.number, 'dissatisfied')
    const flagged = (await get(`/api/v1/exemplary-cases/${laterId}`, 'command')).json() as CaseView
    expect(flagged).to.deep.include({ stillWellHandled: false, onShow: true })
  })

  it('withdraws a case keeping it (with who and why), refuses a second withdrawal, and lets the event be pinned again', async () => {
    const e = await closedEvent(client, knex, auth, '990102001003', 0, '0103', uniq('公示测试：撤下'))
    const id = await pin(client, auth, e.number)
    const res = await del(id, 'district', `?reason=${encodeURIComponent('已有更好的案例')}`)
    expect(res.statusCode, res.body).to.equal(200)
    const c = res.json() as CaseView
    expect(c.onShow).to.equal(false)
    expect(c.withdrawn).to.deep.include({ reason: '已有更好的案例' })
    expect(c.withdrawn!.by.name).to.be.a('string')
    const twice = await del(id, 'command')
    expect(twice.statusCode).to.equal(409)
    expect(twice.json().code).to.equal('exemplary.already_withdrawn')
    expect((await list('command')).items.map((x) => x.id), 'on show by default').to.not.include(id)
    expect((await list('command', '?state=withdrawn')).items.map((x) => x.id)).to.include(id)
    const again = await pin(client, auth, e.number, { title: '重新公示' })
    expect(again).to.not.equal(id)
    const both = (await list('command', `?state=all&q=${e.number}`)).items
    expect(both.map((x) => [x.id, x.onShow])).to.deep.equal([[again, true], [id, false]])
  })

  it('keeps history in the database: a case row cannot be deleted or rewritten', async () => {
    let err: unknown
    await knex('exemplary_case').where({ id: aCase }).delete().catch((e: unknown) => { err = e })
    expect(String(err)).to.match(/DELETE refused/)
    err = undefined
    await knex('exemplary_case').where({ id: aCase }).update({ title: '改写' }).catch((e: unknown) => { err = e })
    expect(String(err)).to.match(/only withdrawing/)
    expect((await knex('exemplary_case').where({ id: aCase }).first('title')).title).to.equal('暴露垃圾当日清运')
  })

  it('filters by class, area and text, and pages by keyset without repeats', async () => {
    otherCase = await pin(client, auth, other.number, { title: '另一街道的案例', tags: ['夜间'] })
    const byClass = (await list('command', '?classCode=0103&state=all')).items
    expect(byClass.length).to.be.at.least(1)
    expect(byClass.every((x) => x.event.class.code === '0103')).to.equal(true)
    const big = (await list('command', '?classCode=01')).items
    expect(big.every((x) => x.event.class.code.startsWith('01'))).to.equal(true)
    const area = (await list('command', '?area=990102002000')).items
    expect(area.map((x) => x.id)).to.deep.equal([otherCase])
    expect((await list('command', `?q=${encodeURIComponent('当日清运')}`)).items.map((x) => x.id)).to.deep.equal([aCase])
    expect((await list('command', `?q=${encodeURIComponent('夜间')}`)).items.map((x) => x.id), 'an exact tag').to.include(otherCase)
    const all = (await list('command', '?state=all&limit=100')).items.map((x) => x.id)
    const paged: number[] = []
    let url: string | null = '/api/v1/exemplary-cases?state=all&limit=2'
    while (url) {
      const res = await client.get(url, auth.command)
      expect(res.statusCode, res.body).to.equal(200)
      const page = res.json() as { items: CaseView[]; nextHref: string | null }
      expect(page.items.length).to.be.at.most(2)
      paged.push(...page.items.map((x) => x.id))
      url = page.nextHref
    }
    expect(paged).to.deep.equal(all)
    expect(new Set(paged).size).to.equal(paged.length)
  })

  it('keeps to the jurisdiction: a street sees its own street\'s cases only; others are 404', async () => {
    const s1 = (await list('street1', '?state=all')).items
    expect(s1.map((x) => x.id)).to.include(aCase).and.not.include(otherCase)
    expect(s1.every((x) => x.event.communityCode.startsWith('990102001'))).to.equal(true)
    expect((await list('street2')).items.map((x) => x.id)).to.include(otherCase).and.not.include(aCase)
    expect((await get(`/api/v1/exemplary-cases/${otherCase}`, 'street1')).statusCode).to.equal(404)
    expect((await get(`/api/v1/exemplary-cases/${aCase}`, 'community')).statusCode).to.equal(200)
    expect((await get(`/api/v1/exemplary-cases/${otherCase}`, 'district')).statusCode).to.equal(200)
    const area = await get('/api/v1/exemplary-cases?area=990102002000', 'street1')
    expectField(area, 403, 'area')
    // the district covers both streets: it may pin the other street's event (already on show: 409, not 404)
    const outside = await post({ event: other.number, title: 't', summary: 's', reason: 'r' }, 'district')
    expect(outside.statusCode).to.equal(409) // in its district, already on show
    expect((await get(`/api/v1/exemplary-cases/${otherCase}`, 'inspector')).statusCode).to.equal(404)
  })

  it('lets the command centre and district staff pin and withdraw; others read; residents\' systems and the unsigned are refused', async () => {
    const e = await closedEvent(client, knex, auth, '990102001004', 0, '0102', uniq('公示测试：角色'))
    for (const who of ['street1', 'community', 'department', 'inspector', 'analyst', 'system']) {
      const res = await post({ event: e.number, title: 't', summary: 's', reason: 'r' }, who)
      expect(res.statusCode, `${who} pins`).to.equal(403)
      expect((await del(aCase, who)).statusCode, `${who} withdraws`).to.equal(403)
    }
    for (const who of ['street1', 'community', 'department', 'inspector', 'analyst']) expect((await get('/api/v1/exemplary-cases', who)).statusCode, who).to.equal(200)
    expect((await get('/api/v1/exemplary-cases', 'system')).statusCode).to.equal(403)
    expect((await client.get('/api/v1/exemplary-cases')).statusCode).to.equal(401)
    expect((await client.post('/api/v1/exemplary-cases', { event: e.number })).statusCode).to.equal(401)
    const id = await pin(client, auth, e.number, {}, 'district')
    expect((await get(`/api/v1/exemplary-cases/${id}`, 'command')).json().pinnedBy.name).to.be.a('string')
  })

  it('names the field of broken, hostile and oversized bodies', async () => {
    const base = { event: a.number, title: 't', summary: 's', reason: 'r' }
    expectField(await post({ ...base, title: 'x'.repeat(101) }), 400, 'title')
    expectField(await post({ ...base, title: '   ' }), 400, 'title')
    expectField(await post({ ...base, summary: 'x'.repeat(2001) }), 400, 'summary')
    expectField(await post({ ...base, reason: 42 }), 400, 'reason')
    expectField(await post({ ...base, tags: Array.from({ length: 11 }, (_, i) => `t${i}`) }), 400, 'tags')
    expectField(await post({ ...base, tags: ['两个 词'] }), 400, 'tags.0')
    expectField(await post({ ...base, tags: 'x' }), 400, 'tags')
    expectField(await post({ ...base, event: "E1'; DROP TABLE exemplary_case; --" }), 400, 'event')
    expectField(await post({ ...base, event: undefined }), 400, 'event')
    expectField(await post({ ...base, pinnedBy: 1 }), 400, '(root)')
    expect((await post([base])).statusCode).to.equal(400)
    expect((await post('not json')).statusCode).to.equal(400)
    const big = await post({ ...base, summary: 'x'.repeat(3_000_000) })
    expect(big.statusCode).to.equal(413)
    const missing = await post({ ...base, event: 'E209901010001' })
    expect(missing.statusCode).to.equal(404)
    expect(missing.json().code).to.equal('exemplary.event_not_found')
    expect(await knex('exemplary_case').where('title', 'like', '%DROP%').first()).to.equal(undefined)
  })

  it('names the parameter of broken, hostile and oversized queries and paths', async () => {
    expectField(await get('/api/v1/exemplary-cases?limit=0', 'command'), 400, 'limit')
    expectField(await get('/api/v1/exemplary-cases?limit=101', 'command'), 400, 'limit')
    expectField(await get('/api/v1/exemplary-cases?limit=abc', 'command'), 400, 'limit')
    expectField(await get('/api/v1/exemplary-cases?state=gone', 'command'), 400, 'state')
    expectField(await get('/api/v1/exemplary-cases?classCode=1', 'command'), 400, 'classCode')
    expectField(await get('/api/v1/exemplary-cases?area=9901', 'command'), 400, 'area')
    expectField(await get(`/api/v1/exemplary-cases?q=${'x'.repeat(101)}`, 'command'), 400, 'q')
    expectField(await get('/api/v1/exemplary-cases?cursor=bm9wZQ', 'command'), 400, 'cursor')
    expectField(await get('/api/v1/exemplary-cases?limit=1&limit=2', 'command'), 400, 'limit')
    expectField(await get('/api/v1/exemplary-cases?sort=id', 'command'), 400, '(root)')
    expectField(await get('/api/v1/exemplary-cases/abc', 'command'), 400, 'id')
    expectField(await get('/api/v1/exemplary-cases/99999999999999999', 'command'), 400, 'id')
    expectField(await del(aCase, 'command', `?reason=${'x'.repeat(501)}`), 400, 'reason')
    expect((await get('/api/v1/exemplary-cases/987654321', 'command')).statusCode).to.equal(404)
    // LIKE wildcards and quotes are text, not patterns or SQL
    for (const q of ["%", "_", "'; DROP TABLE exemplary_case; --", '\\']) {
      const res = await get(`/api/v1/exemplary-cases?q=${encodeURIComponent(q)}`, 'command')
      expect(res.statusCode, q).to.equal(200)
      expect(res.json().items, q).to.deep.equal([])
    }
  })
})
