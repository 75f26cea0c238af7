// GET /api/v1/queues: the work queues of a member and a unit, counted against the event table
// directly, the desk's returned events, the verifiers' queue, jurisdiction and bad input.
import { expect } from 'chai'
import { uniq } from '../events/helpers.ts'
import { fieldOf, world, type World } from './support.ts'

interface Item { number: string; status: string; dueAt: string | null; overdue: boolean }
interface Queues { holder: { scope: string; member: { id: number } | null; units: { code: string }[] }; counts: Record<string, number>; queues: Record<string, Item[]> }

describe('work queues (GET /api/v1/queues)', function () {
  let w: World
  const get = async (who: string, query = '') => {
    const res = await w.client.get(`/api/v1/queues${query}`, w.auth[who])
    expect(res.statusCode, res.body).to.equal(200)
    return res.json() as Queues
  }
  before(async () => { w = await world() })

  it("an inspector's own queues: to sign, to handle, due soon, counted like the event table says", async () => {
    const a = await w.report()
    const b = await w.report()
    for (const e of [a, b]) await w.ok(e.number, 'command', { action: 'reassign', departmentCode: 'SQ-990102001001', memberId: w.me })
    await w.ok(b.number, 'inspector', { action: 'sign' })
    const q = await get('inspector', '?dueWithinHours=720')
    expect(q.holder.member!.id).to.equal(w.me)
    // independent: the member's open events straight from the table
    const { rows } = await w.knex.raw(`SELECT status, count(*)::int AS n FROM event WHERE assignee_member_id = ? AND status IN ('dispatched', 'signed', 'handling') GROUP BY status`, [w.me])
    const by = Object.fromEntries(rows.map((r: { status: string; n: number }) => [r.status, r.n])) as Record<string, number>
    expect(q.counts.to_sign).to.equal(by.dispatched ?? 0)
    expect(q.counts.to_handle).to.equal((by.signed ?? 0) + (by.handling ?? 0))
    expect(q.queues.to_sign!.map((i) => i.number)).to.include(a.number)
    expect(q.queues.to_handle!.map((i) => i.number)).to.include(b.number)
    // within 720 h every open event with a deadline is due soon; the running deadline is the sign one while dispatched
    const { rows: [due] } = await w.knex.raw(`SELECT count(*)::int AS n FROM event WHERE assignee_member_id = ? AND
      ((status = 'dispatched' AND sign_due_at <= now() + interval '720 hours') OR (status IN ('signed', 'handling') AND handle_due_at <= now() + interval '720 hours'))`, [w.me])
    expect(q.counts.due_soon).to.equal(due.n)
    const signDue = (await w.knex('event').where('number', a.number).first('sign_due_at')).sign_due_at as Date
    expect(q.queues.due_soon!.find((i) => i.number === a.number)!.dueAt).to.equal(signDue.toISOString())
    // the list is ordered by the running deadline
    const dues = q.queues.due_soon!.map((i) => Date.parse(i.dueAt!))
    expect(dues).to.deep.equal([...dues].sort((x, y) => x - y))
    // a short window leaves out what is due later
    const soon = await get('inspector', '?dueWithinHours=0.001')
    expect(soon.queues.due_soon!.every((i) => i.overdue)).to.equal(true)
  })

  it('pages one queue by offset: the pages joined are the whole queue in order; every count stays whole', async () => {
    await w.ok((await w.report()).number, 'command', { action: 'reassign', departmentCode: 'SQ-990102001001', memberId: w.me })
    const whole = await get('inspector', '?scope=unit&limit=200')
    const name = 'to_sign'
    expect(whole.counts[name]).to.be.at.least(2)
    const pages: string[] = []
    for (let offset = 0; offset < whole.counts[name]! + 1; offset += 2) {
      const q = await get('inspector', `?scope=unit&queue=${name}&offset=${offset}&limit=2`)
      expect(q.counts, 'counts of a page').to.deep.equal(whole.counts)
      for (const [k, items] of Object.entries(q.queues)) if (k !== name) expect(items, k).to.deep.equal([])
      pages.push(...q.queues[name]!.map((i) => i.number))
    }
    expect(pages).to.deep.equal(whole.queues[name]!.map((i) => i.number))
  })

  it("the unit's queue holds its members' events too; a department's is its own unit", async () => {
    const q = await get('inspector', '?scope=unit&limit=200')
    expect(q.holder.units.map((u) => u.code)).to.deep.equal(['SQ-990102001001'])
    const dep = await w.knex('department').where('code', 'SQ-990102001001').first('id')
    const { rows: [n] } = await w.knex.raw(`SELECT count(*)::int AS n FROM event WHERE assignee_department_id = ? AND status = 'dispatched'`, [dep.id])
    expect(q.counts.to_sign).to.equal(n.n)
    const d = await get('department')
    expect(d.holder.units.map((u) => u.code)).to.deep.equal(['CGJ-990102'])
    const cgj = await w.knex('department').where('code', 'CGJ-990102').first('id')
    const { rows: [m] } = await w.knex.raw(`SELECT count(*)::int AS n FROM event WHERE assignee_department_id = ? AND status IN ('signed', 'handling')`, [cgj.id])
    expect(d.counts.to_handle).to.equal(m.n)
  })

  it('returned: what a unit sent back is in the desk\'s queue', async () => {
    const e = await w.report()
    await w.ok(e.number, 'department', { action: 'return', comment: '不属本单位职责' })
    const q = await get('command', '?limit=200')
    expect(q.queues.returned!.map((i) => i.number)).to.include(e.number)
    expect(q.queues.returned!.find((i) => i.number === e.number)!.status).to.equal('accepted')
  })

  it('to verify: reports waiting for an on-site verification, for the inspectors of the area', async () => {
    const e = await w.report({ channel: 'resident', classCode: '0101', description: uniq('私搭乱建') })
    const q = await get('inspector', '?limit=200')
    expect(q.queues.to_verify!.map((i) => i.number)).to.include(e.number)
    const other = await get('street2', '?limit=200')
    expect(other.queues.to_verify!.map((i) => i.number)).to.not.include(e.number)
  })

  it('a desk looks at a member or unit of its jurisdiction; outside it, 404; bad input names the field', async () => {
    const m = await get('street1', `?memberId=${w.me}`)
    expect(m.holder.member!.id).to.equal(w.me)
    const away = await w.client.get(`/api/v1/queues?memberId=${w.me}`, w.auth.street2)
    expect(away.statusCode).to.equal(404)
    expect(away.json().code).to.equal('queues.not_found')
    const notDesk = await w.client.get('/api/v1/queues?departmentCode=CGJ-990102', w.auth.inspector)
    expect(notDesk.statusCode).to.equal(404)
    const bad = await w.client.get('/api/v1/queues?limit=0', w.auth.inspector)
    expect(bad.statusCode).to.equal(400)
    expect(fieldOf(bad.body)).to.equal('limit')
    for (const [query, field] of [['offset=-1', 'offset'], ['queue=all', 'queue']]) {
      const r = await w.client.get(`/api/v1/queues?${query}`, w.auth.inspector)
      expect(r.statusCode, query).to.equal(400)
      expect(fieldOf(r.body), query).to.equal(field)
    }
    const unknown = await w.client.get('/api/v1/queues?colour=red', w.auth.inspector)
    expect(unknown.statusCode).to.equal(400)
    expect((await w.client.get('/api/v1/queues')).statusCode).to.equal(401)
  })
})
