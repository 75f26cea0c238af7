// Inspection records of places and units, their rectifications and the overdue list.
import { expect } from 'chai'
import { COMMUNITY, getWorld, newCreditCode, type World } from './support.ts'
import { today } from '../../server/places/inspections.ts'

let w: World
const DAY = 86_400_000
const ago = (days: number) => new Date(Date.now() - days * DAY).toISOString()
const dayAgo = (days: number) => today(new Date(Date.now() - days * DAY))

describe('places: inspections and overdue rectifications', function () {
  this.timeout(120_000)
  let place: number
  let unit: number
  const made: Record<string, number> = {}

  before(async () => {
    w = await getWorld()
    place = (await w.client.post('/api/v1/places', { name: '检查测试农贸市场', kind: 'market', communityCode: COMMUNITY }, w.as.street1)).json().id
    unit = (await w.client.post('/api/v1/units', { name: '检查测试餐馆', kind: 'individual', creditCode: newCreditCode(), communityCode: COMMUNITY }, w.as.street1)).json().id
  })

  const inspect = (target: string, id: number, body: unknown, who = 'street1') => w.client.post(`/api/v1/${target}/${id}/inspections`, body, w.as[who])

  it('records inspections (who defaults to the caller) and stamps 核实 on the row', async () => {
    const cases: [string, string, number, unknown][] = [
      ['overdue', 'places', place, { inspectedAt: ago(20), result: 'rectify', findings: '消防通道堆放杂物', rectificationDue: dayAgo(5) }],
      ['open', 'places', place, { inspectedAt: ago(3), result: 'failed', findings: '灭火器过期', rectificationDue: dayAgo(-10), inspectorName: '张检查' }],
      ['done', 'places', place, { inspectedAt: ago(30), result: 'rectify', rectificationDue: dayAgo(15) }],
      ['passed', 'places', place, { inspectedAt: ago(1), result: 'passed' }],
      ['unitOverdue', 'units', unit, { inspectedAt: ago(12), result: 'rectify', findings: '健康证过期', rectificationDue: dayAgo(1) }],
    ]
    for (const [key, target, id, body] of cases) {
      const res = await inspect(target, id, body)
      expect(res.statusCode, res.body).to.equal(201)
      made[key] = res.json().id
    }
    const list = (await w.client.get(`/api/v1/places/${place}/inspections`, w.as.street1)).json().items
    expect(list.map((i: { id: number }) => i.id)).to.deep.equal([made.passed, made.open, made.overdue, made.done])
    expect(list.find((i: { id: number }) => i.id === made.open)).to.include({ inspectorName: '张检查', result: 'failed', overdue: false })
    expect(list.find((i: { id: number }) => i.id === made.overdue)).to.include({ inspectorName: '第一街道网格站', overdue: true, rectificationDue: dayAgo(5) })
    const row = (await w.client.get(`/api/v1/places/${place}`, w.as.street1)).json()
    expect(Date.parse(row.verifiedAt)).to.be.closeTo(Date.parse(ago(1)), 60_000)
    expect(row.stale).to.equal(false)
  })

  it('records a rectification done once; it then leaves the overdue list', async () => {
    const done = await w.client.post(`/api/v1/places/${place}/inspections/${made.done}/rectified`, { rectifiedAt: ago(20), note: '已清理' }, w.as.street1)
    expect(done.statusCode, done.body).to.equal(200)
    expect(done.json()).to.include({ rectificationNote: '已清理', overdue: false })
    const again = await w.client.post(`/api/v1/places/${place}/inspections/${made.done}/rectified`, {}, w.as.street1)
    expect(again.statusCode).to.equal(409)
    expect((await w.client.post(`/api/v1/places/${place}/inspections/${made.passed}/rectified`, {}, w.as.street1)).statusCode).to.equal(409)
    expect((await w.client.post(`/api/v1/places/${place}/inspections/${made.unitOverdue}/rectified`, {}, w.as.street1)).statusCode).to.equal(404)
    const early = await w.client.post(`/api/v1/places/${place}/inspections/${made.open}/rectified`, { rectifiedAt: ago(10) }, w.as.street1)
    expect(early.statusCode).to.equal(400)
  })

  it('lists exactly the overdue rectifications of places and units, oldest due first, in the jurisdiction', async () => {
    const res = await w.client.get(`/api/v1/places/rectifications/overdue?community=${COMMUNITY}&limit=500`, w.as.street1)
    expect(res.statusCode, res.body).to.equal(200)
    const items = res.json().items as { id: number; target: string; targetId: number; rectificationDue: string; daysOverdue: number; targetName: string }[]
    const mine = items.filter((i) => (i.target === 'place' && i.targetId === place) || (i.target === 'unit' && i.targetId === unit))
    expect(mine.map((i) => i.id)).to.deep.equal([made.overdue, made.unitOverdue])
    expect(mine[0]).to.include({ daysOverdue: 5, targetName: '检查测试农贸市场' })
    expect(mine[1]).to.include({ daysOverdue: 1, target: 'unit' })
    // the whole community: a hand count over the table agrees
    const { rows } = await w.knex.raw(`SELECT id, rectification_due::text AS due, rectified_at FROM register_inspection WHERE community_code = ?`, [COMMUNITY])
    const expected = (rows as { due: string | null; rectified_at: Date | null }[]).filter((r) => r.due !== null && r.rectified_at === null && r.due < today()).length
    expect(items.length).to.equal(expected)
    expect(items.map((i) => i.rectificationDue)).to.deep.equal(items.map((i) => i.rectificationDue).sort())
    const units = (await w.client.get(`/api/v1/places/rectifications/overdue?community=${COMMUNITY}&target=unit&limit=500`, w.as.street1)).json().items
    expect(units.every((i: { target: string }) => i.target === 'unit')).to.equal(true)
    expect(units.map((i: { id: number }) => i.id)).to.include(made.unitOverdue)
    expect((await w.client.get('/api/v1/places/rectifications/overdue?limit=500', w.as.street2)).json().items.map((i: { id: number }) => i.id)).to.not.include(made.overdue)
    // paging walks the same list
    const seen: number[] = []
    let cursor: string | null = null
    do {
      const page: { items: { id: number }[]; next: string | null } = (await w.client.get(`/api/v1/places/rectifications/overdue?community=${COMMUNITY}&limit=3${cursor ? `&cursor=${cursor}` : ''}`, w.as.street1)).json()
      seen.push(...page.items.map((i: { id: number }) => i.id))
      cursor = page.next
    } while (cursor)
    expect(seen).to.deep.equal(items.map((i) => i.id))
  })

  it('refuses broken inspections naming the field, and rows outside the jurisdiction', async () => {
    const cases: [unknown, string][] = [
      [{ inspectedAt: ago(1), result: 'rectify' }, 'rectificationDue'],
      [{ inspectedAt: ago(1), result: 'passed', rectificationDue: dayAgo(-3) }, 'rectificationDue'],
      [{ inspectedAt: ago(1), result: 'failed', rectificationDue: dayAgo(9) }, 'rectificationDue'],
      [{ inspectedAt: ago(1), result: 'failed', rectificationDue: '2026-02-31x' }, 'rectificationDue'],
      [{ inspectedAt: ago(-2), result: 'passed' }, 'inspectedAt'],
      [{ inspectedAt: 'yesterday', result: 'passed' }, 'inspectedAt'],
      [{ inspectedAt: "\\'; --", result: 'passed', rectificationDue: 'fuzz' }, 'inspectedAt'],
      [{ inspectedAt: ago(1), result: 'great' }, 'result'],
      [{ inspectedAt: ago(1), result: 'passed', findings: 'x'.repeat(2001) }, 'findings'],
      [{ inspectedAt: ago(1), result: 'passed', inspectorId: 1 }, '(root)'],
    ]
    for (const [body, field] of cases) {
      const res = await inspect('places', place, body)
      expect(res.statusCode, JSON.stringify(body).slice(0, 80)).to.equal(400)
      expect(res.json().errors.map((e: { field: string }) => e.field)).to.include(field)
    }
    expect((await inspect('places', place, { inspectedAt: ago(1), result: 'passed' }, 'street2')).statusCode).to.equal(404)
    expect((await inspect('places', place, { inspectedAt: ago(1), result: 'passed' }, 'analyst')).statusCode).to.equal(403)
    expect((await w.client.get(`/api/v1/units/${unit}/inspections`, w.as.street2)).statusCode).to.equal(404)
    expect((await w.client.get('/api/v1/places/rectifications/overdue?target=house', w.as.street1)).statusCode).to.equal(400)
    // dates PostgreSQL refuses though they look like dates (year 0, 31 February): a 400, nothing written
    const [{ n: before }] = (await w.knex.raw('SELECT count(*)::int AS n FROM register_inspection')).rows
    for (const body of [{ inspectedAt: '0000-01-01T00:00:00Z', result: 'passed' }, { inspectedAt: ago(1), result: 'failed', rectificationDue: '2099-02-31' }]) {
      const res = await inspect('places', place, body)
      expect(res.statusCode, JSON.stringify(body)).to.equal(400)
      expect(res.json().code).to.equal('http.bad_datetime')
    }
    expect((await w.knex.raw('SELECT count(*)::int AS n FROM register_inspection')).rows[0].n).to.equal(before)
    // positive control: the same body by the right caller is accepted
    expect((await inspect('units', unit, { inspectedAt: ago(1), result: 'passed' })).statusCode).to.equal(201)
  })
})
