// Follow-up visits and the visit plan: visits recorded and listed newest first, the due day moved
// on by each visit, and the overdue visits listed and counted, checked against a hand count over
// records of a community of the test's own (so no other test's records are counted).
import { expect } from 'chai'
import type { Knex } from 'knex'
import { getTestDb } from '../support/db.ts'
import { loginAs, testClient, type Client } from '../support/http.ts'
import { DEFAULT_INTERVAL_DAYS, type Kind, type RiskLevel } from '../../server/special-groups/plan.ts'
import { auditRowsOf, plantResident, rid, removeOwnCommunities } from './support.ts'

const COMMUNITY = '990102001194'
const GRID = `${COMMUNITY}001`
const DAY = 86_400_000
const beijingDay = (t: Date) => new Date(t.getTime() + 8 * 3600_000).toISOString().slice(0, 10)
const dayNo = (d: string) => Date.parse(`${d}T00:00:00Z`) / DAY
const ago = (days: number, hour = 10) => new Date(Date.now() - days * DAY + (hour - 12) * 3600_000)

interface Planned { kind: Kind; risk: RiskLevel; sinceDaysAgo: number; visitsDaysAgo: number[]; untilDaysAgo?: number }

// the hand-counted plan: (interval) and which of them are overdue today
const PLANNED: Planned[] = [
  { kind: 'community_correction', risk: 'high', sinceDaysAgo: 60, visitsDaysAgo: [30, 9] }, // 7 days: 9 ago → overdue 2
  { kind: 'community_correction', risk: 'low', sinceDaysAgo: 60, visitsDaysAgo: [29] }, // 30: due tomorrow
  { kind: 'released', risk: 'low', sinceDaysAgo: 200, visitsDaysAgo: [] }, // 90 from since: overdue 110
  { kind: 'drug', risk: 'medium', sinceDaysAgo: 10, visitsDaysAgo: [] }, // 14 from since: not yet
  { kind: 'mental_risk', risk: 'high', sinceDaysAgo: 100, visitsDaysAgo: [50, 8, 20] }, // 7 from 8 ago: overdue 1 (the late entry of 20 does not move it back)
  { kind: 'minor_at_risk', risk: 'medium', sinceDaysAgo: 100, visitsDaysAgo: [31] }, // 30: overdue 1
  { kind: 'minor_at_risk', risk: 'high', sinceDaysAgo: 100, visitsDaysAgo: [14] }, // 14: due today, not overdue
  { kind: 'released', risk: 'high', sinceDaysAgo: 300, visitsDaysAgo: [], untilDaysAgo: 5 }, // ended: never counted
]

describe('special groups: visits, plans and overdue visits', function () {
  after(async () => removeOwnCommunities(await getTestDb()))
  this.timeout(60_000)
  let client: Client
  let knex: Knex
  let command: Record<string, string>
  let street1: Record<string, string>
  const ids: number[] = []

  before(async () => {
    client = await testClient()
    knex = await getTestDb()
    command = await loginAs(client, 'command')
    street1 = await loginAs(client, 'street1')
    const rect = JSON.stringify({ type: 'MultiPolygon', coordinates: [[[[116.36, 36.60], [116.37, 36.60], [116.37, 36.61], [116.36, 36.61], [116.36, 36.60]]]] })
    const geom = knex.raw('ST_SetSRID(ST_GeomFromGeoJSON(?), 4490)', [rect])
    await knex('admin_division').insert({ code: COMMUNITY, level: 'community', name: '走访测试社区', parent_code: '990102001000', city_code: '990100', geom })
    await knex('grid').insert({ code: GRID, kind: 'base', name: '走访测试网格', community_code: COMMUNITY, city_code: '990100', geom, valid_from: '2026-01-01' })
    for (const [k, p] of PLANNED.entries()) {
      const r = await plantResident(knex, GRID, { k, birth: p.kind === 'minor_at_risk' ? '20110101' : '19800101' })
      const res = await client.post('/api/v1/special-groups', {
        residentId: r.id, kind: p.kind, riskLevel: p.risk, since: beijingDay(ago(p.sinceDaysAgo)),
        ...(p.untilDaysAgo !== undefined ? { until: beijingDay(ago(p.untilDaysAgo)) } : {}),
      }, command)
      expect(res.statusCode, res.body).to.equal(201)
      ids.push(res.json().id)
      for (const d of p.visitsDaysAgo) {
        const v = await client.post(`/api/v1/special-groups/${res.json().id}/visits`, { visitedAt: ago(d).toISOString(), method: d % 2 ? 'phone' : 'home', situation: 'stable', notes: '按时报到' }, street1)
        expect(v.statusCode, v.body).to.equal(201)
      }
    }
  })

  /** The hand count: due = last visit's Beijing day (or the start) + the default interval; overdue when before today. */
  function handCount() {
    const today = dayNo(beijingDay(new Date()))
    return PLANNED.map((p, i) => {
      const last = p.visitsDaysAgo.length ? Math.max(...p.visitsDaysAgo.map((d) => dayNo(beijingDay(ago(d))))) : dayNo(beijingDay(ago(p.sinceDaysAgo)))
      const due = last + DEFAULT_INTERVAL_DAYS[p.kind][p.risk]
      const active = p.untilDaysAgo === undefined
      return { id: ids[i]!, kind: p.kind, overdueDays: active && due < today ? today - due : 0 }
    })
  }

  it('lists and counts the overdue visits as counted by hand, most overdue first', async () => {
    const hand = handCount().filter((h) => h.overdueDays > 0).sort((a, b) => b.overdueDays - a.overdueDays || a.id - b.id)
    expect(hand.length).to.be.within(3, 5) // the plan above: a positive control that the hand count counts something
    const res = await client.get(`/api/v1/special-groups/overdue?community=${COMMUNITY}`, command)
    expect(res.statusCode, res.body).to.equal(200)
    expect(res.json().total).to.equal(hand.length)
    expect(res.json().items.map((i: { id: number; overdueDays: number }) => [i.id, i.overdueDays])).to.deep.equal(hand.map((h) => [h.id, h.overdueDays]))
    // the list filter agrees, and the summary's counts per kind
    const list = await client.get(`/api/v1/special-groups?community=${COMMUNITY}&overdue=true`, command)
    expect(list.json().items.map((i: { id: number }) => i.id).sort()).to.deep.equal(hand.map((h) => h.id).sort())
    const summary = (await client.get(`/api/v1/special-groups/summary?community=${COMMUNITY}`, command)).json()
    expect(summary.overdue).to.equal(hand.length)
    expect(summary.total).to.equal(PLANNED.filter((p) => p.untilDaysAgo === undefined).length)
    for (const k of summary.byKind) expect(k.overdue, k.kind).to.equal(hand.filter((h) => h.kind === k.kind).length)
    // paged by one: the same records in the same order
    const seen: number[] = []
    let url = `/api/v1/special-groups/overdue?community=${COMMUNITY}&limit=1`
    for (let i = 0; i < 10; i++) {
      const page = (await client.get(url, command)).json()
      seen.push(...page.items.map((x: { id: number }) => x.id))
      if (!page.next) break
      url = `/api/v1/special-groups/overdue?community=${COMMUNITY}&limit=1&cursor=${page.next}`
    }
    expect(seen).to.deep.equal(hand.map((h) => h.id))
    // a kind filter counts that kind only
    const minors = (await client.get(`/api/v1/special-groups/overdue?community=${COMMUNITY}&kind=minor_at_risk`, command)).json()
    expect(minors.total).to.equal(hand.filter((h) => h.kind === 'minor_at_risk').length)
  })

  it('moves the due day on with a visit and clears the overdue record', async () => {
    const first = ids[0]!
    const before = (await client.get(`/api/v1/special-groups/${first}`, command)).json()
    expect(before.overdue).to.equal(true)
    const v = await client.post(`/api/v1/special-groups/${first}/visits`, { visitedAt: new Date(Date.now() - 60_000).toISOString(), method: 'home', situation: 'attention', notes: '情绪低落，已联系家属', lon: 116.365, lat: 36.605 }, street1)
    expect(v.statusCode, v.body).to.equal(201)
    const after = v.json().group
    expect(after).to.include({ overdue: false, overdueDays: 0, stale: false })
    expect(after.dueOn).to.equal(beijingDay(new Date(Date.now() + 7 * DAY - 60_000)))
    const visits = await client.get(`/api/v1/special-groups/${first}/visits?limit=2`, command)
    expect(visits.json().items.map((x: { situation: string }) => x.situation)).to.deep.equal(['attention', 'stable'])
    expect(visits.json().items[0]).to.include({ method: 'home', methodTitle: '入户走访', lon: 116.365, lat: 36.605 })
    const rest = await client.get(`/api/v1/special-groups/${first}/visits?limit=2&cursor=${visits.json().next}`, command)
    expect(rest.json().items).to.have.length(1)
    expect(rest.json().next).to.equal(null)
    ids.shift() // no longer part of the hand count above
    PLANNED.shift()
  })

  it('audits a read of the visits as a read of the record', async () => {
    const id = rid('visits')
    await client.get(`/api/v1/special-groups/${ids[0]}/visits`, { ...command, 'x-request-id': id })
    const rows = (await auditRowsOf(knex, id)).filter((r) => r.resource_type === 'special-groups')
    expect(rows.map((r) => r.resource_id)).to.deep.equal([String(ids[0])])
  })

  it('refuses broken visits with a 400 naming the field, and visits outside the jurisdiction with 404', async () => {
    const id = ids[0]!
    const base = { visitedAt: ago(1).toISOString(), method: 'home', situation: 'stable' }
    for (const [body, field] of [
      [{ ...base, visitedAt: new Date(Date.now() + 3600_000).toISOString() }, 'visitedAt'],
      [{ ...base, visitedAt: '2026-02-30' }, 'visitedAt'],
      [{ ...base, visitedAt: ago(400).toISOString() }, 'visitedAt'], // before the record began
      [{ ...base, method: 'telepathy' }, 'method'],
      [{ ...base, situation: undefined }, 'situation'],
      [{ ...base, notes: '记'.repeat(2001) }, 'notes'],
      [{ ...base, lon: 116.3 }, 'lon'],
      [{ ...base, lon: 200, lat: 36 }, 'lon'],
      [{ ...base, who: 'x' }, '(root)'],
    ] as const) {
      const res = await client.post(`/api/v1/special-groups/${id}/visits`, body, street1)
      expect(res.statusCode, `${field} ${res.body}`).to.equal(400)
      expect(JSON.stringify(res.json().errors), field).to.include(field)
    }
    const street2 = await loginAs(client, 'street2')
    expect((await client.post(`/api/v1/special-groups/${id}/visits`, base, street2)).statusCode).to.equal(404)
    expect((await client.get(`/api/v1/special-groups/${id}/visits`, street2)).statusCode).to.equal(404)
    expect((await client.get(`/api/v1/special-groups/${id}/visits?cursor=nope`, command)).statusCode).to.equal(400)
    expect((await client.get(`/api/v1/special-groups/overdue?limit=0`, command)).statusCode).to.equal(400)
  })
})
