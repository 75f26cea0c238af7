// 双随机 spot checks over HTTP: the candidates and the exclusion window checked against plain SQL,
// the draw against the test's independent reference implementation, verify re-running it (and
// catching a tampered record: the positive control); results, rectification, 督办 of overdue
// ones (counted against a hand count over the raw rows) and the teams' 绩效.
import { expect } from 'chai'
import type { Knex } from 'knex'
import { getTestDb } from '../support/db.ts'
import { loginAs, testClient, type Client } from '../support/http.ts'
import { expectRefusal, problemFields } from '../support/problem.ts'
import { enforcementReady, CITY } from './helpers.ts'
import { referenceDraw } from './reference.ts'
import { chinaDate } from '../../server/enforcement/results.ts'

const E = '/api/v1/enforcement'
type Json = Record<string, any> // eslint-disable-line @typescript-eslint/no-explicit-any
const DAY = 86_400_000

describe('enforcement API: 双随机 spot checks, results and supervision', () => {
  let client: Client
  let knex: Knex
  const auth: Record<string, Record<string, string>> = {}
  let teamIds: number[]
  let drawn: Json
  const post = (url: string, body: unknown, who: string) => client.post(url, body, auth[who])
  const get = (url: string, who: string) => client.get(url, auth[who])
  const plan = (over: Json = {}) => ({ title: '测试双随机抽查', communityCode: '990102001000', objectType: 'unit', kinds: ['enterprise', 'shop'], objectCount: 4, officersPerObject: 2, teamIds, ...over })

  before(async function () {
    this.timeout(300_000)
    knex = await getTestDb()
    await enforcementReady(knex)
    client = await testClient()
    for (const u of ['command', 'street1', 'street2', 'inspector', 'analyst']) auth[u] = await loginAs(client, u)
    const street = await knex('enforcement_team').where({ community_code: '990102001000', domain: 'general' }).orderBy('id').first('id')
    const urban = await knex('enforcement_team').where({ community_code: '990102000000', domain: 'urban' }).first('id')
    // street1 sees its street's team only (the district's teams lie outside its jurisdiction)
    expect(urban).to.not.equal(undefined)
    teamIds = [Number(street.id)]
  })

  it('draws from exactly the objects the criteria name (plain SQL), as the independent reference does, and verify reproduces it', async () => {
    const res = await post(`${E}/spot-checks`, plan({ seed: '00112233445566778899aabbccddeeff' }), 'street1')
    expect(res.statusCode, res.body).to.equal(201)
    drawn = res.json()
    const cands = (await knex('unit').whereLike('community_code', '990102001%').whereIn('kind', ['enterprise', 'shop']).orderBy('id').pluck('id')).map(Number)
    expect(drawn.candidateCount).to.equal(cands.length)
    const pool = (await knex('enforcement_officer').whereIn('team_id', teamIds).where({ active: true }).pluck('id')).map(Number)
    const conflicts = (await knex('enforcement_conflict').where({ object_type: 'unit' }).whereIn('officer_id', pool).select('officer_id', 'object_id'))
      .map((c: Json) => [Number(c.officer_id), Number(c.object_id)] as [number, number]).filter(([, o]) => cands.includes(o))
    const expected = referenceDraw('00112233445566778899aabbccddeeff', cands, 4, pool, 2, conflicts)
    expect(drawn.checks.map((c: Json) => ({ objectId: c.objectId, officerIds: c.officers.map((o: Json) => o.id) }))).to.deep.equal(expected)
    for (const c of drawn.checks as Json[]) {
      expect(c.officers).to.have.length(2)
      expect(cands).to.include(c.objectId)
      expect(c.objectName).to.equal((await knex('unit').where({ id: c.objectId }).first('name')).name)
    }
    const v = (await get(`${E}/spot-checks/${drawn.id}/verify`, 'street2'))
    expect(v.statusCode, 'street2 does not see street1\'s draw').to.equal(404)
    const verify = (await get(`${E}/spot-checks/${drawn.id}/verify`, 'command')).json()
    expect(verify).to.include({ reproduced: true, seed: '00112233445566778899aabbccddeeff', algorithm: 'sha256-fy-v1' })
    expect(verify.candidatesNow.unchanged).to.equal(true)
    expect(verify.input.candidates).to.deep.equal(cands)
    // anyone can re-run the published inputs
    expect(referenceDraw(verify.seed, verify.input.candidates, verify.input.objectCount, verify.input.officerPool, verify.input.officersPerObject, verify.input.conflicts))
      .to.deep.equal(verify.draw.map((d: Json) => ({ objectId: d.objectId, officerIds: d.officerIds })))
  })

  it('lists spot checks inside the jurisdiction and publishes one (一公开)', async () => {
    const mine = (await get(`${E}/spot-checks?limit=200`, 'street1')).json().items as Json[]
    const sql = (await knex('enforcement_spot_check').whereLike('community_code', '990102001%').orderBy('id').pluck('id')).map(Number)
    expect(mine.map((x) => x.id)).to.deep.equal(sql)
    expect(mine.map((x) => x.id)).to.include(drawn.id)
    expect(((await get(`${E}/spot-checks?limit=200`, 'street2')).json().items as Json[]).map((x) => x.id)).to.not.include(drawn.id)
    const demo = mine.find((x) => x.id !== drawn.id && x.resultsRecorded > 0)!
    const done = await knex('enforcement_result as r').join('enforcement_check as c', 'c.id', 'r.check_id').where('c.spot_check_id', demo.id).count<{ n: number }[]>({ n: '*' })
    expect(demo.resultsRecorded).to.equal(Number(done[0]!.n))
    expect((await post(`${E}/spot-checks/${drawn.id}/publish`, {}, 'inspector')).statusCode).to.equal(403)
    const pub = await post(`${E}/spot-checks/${drawn.id}/publish`, {}, 'street1')
    expect(pub.statusCode, pub.body).to.equal(200)
    expect(pub.json().publishedAt).to.be.a('string')
    const again = await post(`${E}/spot-checks/${drawn.id}/publish`, {}, 'street1')
    expect(again.json().publishedAt, 'published once').to.equal(pub.json().publishedAt)
    // every demo round re-runs to its record
    for (const x of mine.filter((m) => m.id !== drawn.id)) expect((await get(`${E}/spot-checks/${x.id}/verify`, 'command')).json().reproduced, `round ${x.id}`).to.equal(true)
  })

  it('verify catches a tampered record (positive control)', async () => {
    const check = drawn.checks[1] as Json
    const swap = (await knex('enforcement_officer').whereIn('team_id', teamIds).whereNotIn('id', check.officers.map((o: Json) => o.id)).first('id')).id
    const was = check.officers[0].id
    await knex('enforcement_check_officer').where({ check_id: check.id, officer_id: was }).update({ officer_id: swap })
    try {
      const v = (await get(`${E}/spot-checks/${drawn.id}/verify`, 'command')).json()
      expect(v.reproduced).to.equal(false)
      expect(v.mismatches.map((m: Json) => m.seq)).to.deep.equal([2])
    } finally {
      await knex('enforcement_check_officer').where({ check_id: check.id, officer_id: swap }).update({ officer_id: was })
    }
    expect((await get(`${E}/spot-checks/${drawn.id}/verify`, 'command')).json().reproduced).to.equal(true)
  })

  it('leaves out what was checked within the window (against plain SQL), honours conflicts, and draws the same from the same seed', async () => {
    // what was checked in the last day, read before the second draw (which is itself a check)
    const cutoff = new Date(Date.now() - DAY)
    const recent = new Set([
      ...(await knex('enforcement_check').where('object_type', 'unit').where('drawn_at', '>=', cutoff).pluck('object_id')),
      ...(await knex('enforcement_result').where('object_type', 'unit').where('checked_at', '>=', cutoff).pluck('object_id')),
      ...(await knex('register_inspection').whereNotNull('unit_id').where('inspected_at', '>=', cutoff).pluck('unit_id')),
    ].map(Number))
    const again = (await post(`${E}/spot-checks`, plan({ seed: '00112233445566778899aabbccddeeff', excludeCheckedWithinDays: 1 }), 'street1')).json()
    const first = drawn.checks.map((c: Json) => c.objectId) as number[]
    for (const o of first) expect(recent.has(o)).to.equal(true)
    const all = (await knex('unit').whereLike('community_code', '990102001%').whereIn('kind', ['enterprise', 'shop']).orderBy('id').pluck('id')).map(Number)
    const expected = all.filter((id) => !recent.has(id))
    const verify = (await get(`${E}/spot-checks/${again.id}/verify`, 'command')).json()
    expect(verify.input.candidates).to.deep.equal(expected)
    expect(again.checks.map((c: Json) => c.objectId).some((o: number) => first.includes(o))).to.equal(false)
    // conflicts for all the street team's officers but two on one unit: when every unit of its grid is drawn, those two check it
    const target = await knex('unit').where({ id: first[0] }).first('id', 'grid_code', 'kind')
    const inGrid = (await knex('unit').whereLike('community_code', '990102001%').where({ grid_code: target.grid_code, kind: target.kind }).count<{ n: number }[]>({ n: '*' }))[0]!.n
    const squad = (await knex('enforcement_officer').where({ team_id: teamIds[0], active: true }).orderBy('id').pluck('id')).map(Number)
    expect(squad.length).to.be.above(3)
    for (const o of squad.slice(2)) {
      const res = await post(`${E}/officers/${o}/conflicts`, { objectType: 'unit', objectId: target.id, reason: '近亲属经营' }, 'street1')
      expect(res.statusCode, res.body).to.equal(200)
    }
    expectRefusal(await post(`${E}/officers/${squad[0]}/conflicts`, { objectType: 'unit', objectId: target.id, reason: 'x' }, 'street1'), 'reason')
    const grid = { kinds: [target.kind], gridCodes: [target.grid_code], objectCount: Number(inGrid), seed: 'ffeeddccbbaa99887766554433221100' }
    const seedSame = (await post(`${E}/spot-checks`, plan(grid), 'street1')).json()
    const seedSame2 = (await post(`${E}/spot-checks`, plan(grid), 'street1')).json()
    const shape = (d: Json) => d.checks.map((c: Json) => [c.objectId, c.officers.map((o: Json) => o.id)])
    expect(shape(seedSame2)).to.deep.equal(shape(seedSame))
    const onTarget = (seedSame.checks as Json[]).find((c) => c.objectId === Number(target.id))!
    expect(onTarget.officers.map((o: Json) => o.id).sort()).to.deep.equal(squad.slice(0, 2).sort())
    const rows = await knex('enforcement_check_officer as co').join('enforcement_check as c', 'c.id', 'co.check_id')
      .join('enforcement_conflict as x', function () { this.on('x.officer_id', 'co.officer_id').andOn('x.object_id', 'c.object_id').andOn('x.object_type', 'c.object_type') })
      .join('enforcement_spot_check as s', 's.id', 'c.spot_check_id').whereRaw('x.created_at < s.drawn_at').count<{ n: number }[]>({ n: '*' })
    expect(Number(rows[0]!.n), 'no officer drawn for an object of their conflict list').to.equal(0)
  })

  it('refuses bad plans naming the field: too few objects or officers, one officer, teams outside, bad seed', async () => {
    const few = await post(`${E}/spot-checks`, plan({ objectCount: 1000 }), 'street1')
    expect(few.statusCode).to.equal(409)
    expect(problemFields(few)).to.include('objectCount')
    expect(few.json().code).to.equal('enforcement.too_few_candidates')
    expectRefusal(await post(`${E}/spot-checks`, plan({ officersPerObject: 1 }), 'street1'), 'officersPerObject')
    expectRefusal(await post(`${E}/spot-checks`, plan({ seed: 'XYZ' }), 'street1'), 'seed')
    expectRefusal(await post(`${E}/spot-checks`, plan({ kinds: ["'; DROP TABLE unit; --"] }), 'street1'), 'kinds.0')
    expectRefusal(await post(`${E}/spot-checks`, plan({ objectType: 'house' }), 'street1'), 'objectType')
    expectRefusal(await post(`${E}/spot-checks`, plan({ teamIds: [] }), 'street1'), 'teamIds')
    const other = await knex('enforcement_team').where({ community_code: '990102002000' }).first('id')
    const out = await post(`${E}/spot-checks`, plan({ teamIds: [teamIds[0], Number(other.id)] }), 'street1')
    expect(out.statusCode).to.equal(404)
    expect(problemFields(out)[0]).to.match(/^teamIds\.\d$/)
    expect((await post(`${E}/spot-checks`, plan({ communityCode: '990102002000' }), 'street1')).statusCode).to.equal(403)
    expect((await post(`${E}/spot-checks`, plan(), 'inspector')).statusCode).to.equal(403)
    const lone = (await post(`${E}/teams`, { name: '单人测试队', agency: '测试局', domain: 'general', communityCode: '990102001000' }, 'street1')).json()
    await post(`${E}/officers`, { teamId: lone.id, name: '孤测试', certificateNo: 'LONE00000001' }, 'street1')
    const short = await post(`${E}/spot-checks`, plan({ teamIds: [lone.id] }), 'street1')
    expect(short.statusCode).to.equal(409)
    expect(problemFields(short)).to.include('officersPerObject')
  })

  it('records results, counts overdue rectifications as a hand count does, supervises and closes them', async () => {
    const [a, b, c] = drawn.checks as [Json, Json, Json]
    const yesterday = chinaDate(new Date(Date.now() - DAY))
    const checkedAt = new Date(Date.now() - 5 * DAY).toISOString()
    expectRefusal(await post(`${E}/results`, { checkId: a.id, outcome: 'rectify', checkedAt }, 'street1'), 'rectifyDue')
    expectRefusal(await post(`${E}/results`, { checkId: a.id, taskId: 1, outcome: 'pass', checkedAt }, 'street1'), 'checkId')
    expectRefusal(await post(`${E}/results`, { checkId: a.id, outcome: 'pass', checkedAt: new Date(Date.now() + DAY).toISOString() }, 'street1'), 'checkedAt')
    expectRefusal(await post(`${E}/results`, { checkId: a.id, outcome: 'pass', checkedAt, penaltyYuan: 100 }, 'street1'), 'penaltyYuan')
    expectRefusal(await post(`${E}/results`, { checkId: a.id, outcome: 'rectify', checkedAt, rectifyDue: '2024-02-30' }, 'street1'), 'rectifyDue')
    const r1 = await post(`${E}/results`, { checkId: a.id, outcome: 'rectify', findings: '消防通道堆放杂物', checkedAt, rectifyDue: yesterday }, 'street1')
    expect(r1.statusCode, r1.body).to.equal(201)
    expect(r1.json()).to.include({ outcome: 'rectify', outcomeTitle: '责令整改', overdue: true, overdueDays: 1, spotCheckId: drawn.id })
    expect((await post(`${E}/results`, { checkId: a.id, outcome: 'pass', checkedAt }, 'street1')).statusCode).to.equal(409)
    await post(`${E}/results`, { checkId: b.id, outcome: 'penalty', checkedAt, rectifyDue: chinaDate(new Date(Date.now() + 3 * DAY)), penaltyYuan: 2000 }, 'street1')
    await post(`${E}/results`, { checkId: c.id, outcome: 'pass', checkedAt }, 'street1')

    const on = chinaDate()
    const handCount = async (prefix: string) => {
      const rows = await knex('enforcement_result').where({ city_code: CITY }).select('id', 'community_code', knex.raw('rectify_due::text AS due'), 'rectified_at') as Json[]
      return rows.filter((r) => r.community_code.startsWith(prefix) && r.due !== null && r.rectified_at === null && r.due < on).map((r) => Number(r.id)).sort((x, y) => x - y)
    }
    for (const [who, prefix] of [['command', '9901'], ['street1', '990102001'], ['street2', '990102002']] as const) {
      const hand = await handCount(prefix)
      const od = (await get(`${E}/overdue?on=${on}`, who)).json()
      expect(od.count, who).to.equal(hand.length)
      expect(od.items.map((i: Json) => i.id).sort((x: number, y: number) => x - y), who).to.deep.equal(hand)
      const listed: number[] = []
      let next: string | null = null
      do {
        const page: Json = (await get(`${E}/results?overdue=true&on=${on}&limit=7${next ? `&cursor=${next}` : ''}`, who)).json()
        listed.push(...page.items.map((i: Json) => i.id as number))
        next = page.next
      } while (next)
      expect(listed, who).to.deep.equal(hand)
    }
    expect((await handCount('9901')).length, 'the demo and this test make overdue rectifications').to.be.above(1)
    expect((await handCount('990102001')).includes(r1.json().id)).to.equal(true)

    expectRefusal(await post(`${E}/results/${r1.json().id}/supervisions`, { note: '请尽快整改', answerDue: '2020-01-01' }, 'street1'), 'answerDue')
    const sup = await post(`${E}/results/${r1.json().id}/supervisions`, { note: '请于三日内整改完毕', answerDue: chinaDate(new Date(Date.now() + 3 * DAY)) }, 'street1')
    expect(sup.statusCode, sup.body).to.equal(201)
    expect(sup.json().supervisions).to.equal(1)
    const noteId = sup.json().supervisionNotes[0].id
    const ans = await post(`${E}/results/${r1.json().id}/supervisions/${noteId}/answer`, { answer: '已清理，申请复查' }, 'street1')
    expect(ans.json().supervisionNotes[0]).to.include({ answer: '已清理，申请复查' })
    expect((await post(`${E}/results/${r1.json().id}/supervisions/${noteId}/answer`, { answer: '再答' }, 'street1')).statusCode).to.equal(409)
    const before = (await get(`${E}/overdue?on=${on}`, 'street1')).json().count
    const stale = await post(`${E}/results/${r1.json().id}/rectified`, { rectifiedAt: new Date().toISOString(), note: '复查合格', version: 9 }, 'street1')
    expect(stale.json().code).to.equal('registers.version_conflict')
    const done = await post(`${E}/results/${r1.json().id}/rectified`, { rectifiedAt: new Date().toISOString(), note: '复查合格', version: 1 }, 'street1')
    expect(done.statusCode, done.body).to.equal(200)
    expect(done.json()).to.include({ overdue: false, version: 2 })
    expect((await get(`${E}/overdue?on=${on}`, 'street1')).json().count).to.equal(before - 1)
    expect((await post(`${E}/results/${r1.json().id}/supervisions`, { note: '再次督办', answerDue: on }, 'street1')).statusCode).to.equal(409)
    expect((await get(`${E}/results/${r1.json().id}`, 'street2')).statusCode).to.equal(404)
    expectRefusal(await get(`${E}/overdue?on=2025-13-01`, 'street1'), 'on')
  })

  it('reports each team\'s 绩效 as a hand count over the raw rows does', async () => {
    const from = chinaDate(new Date(Date.now() - 90 * DAY))
    const to = chinaDate()
    const res = await get(`${E}/performance?from=${from}&to=${to}`, 'command')
    expect(res.statusCode, res.body).to.equal(200)
    const teams = res.json().teams as Json[]
    const links = await knex('enforcement_check_officer as co').join('enforcement_officer as o', 'o.id', 'co.officer_id').join('enforcement_check as c', 'c.id', 'co.check_id')
      .select('o.team_id', 'c.id as check_id') as Json[]
    const results = await knex('enforcement_result').whereNotNull('check_id').select('check_id', 'outcome', knex.raw('rectify_due::text AS due'), 'rectified_at') as Json[]
    const byCheck = new Map(results.map((r) => [Number(r.check_id), r]))
    let nonzero = 0
    for (const t of teams) {
      const checks = new Set(links.filter((l) => Number(l.team_id) === t.teamId).map((l) => Number(l.check_id)))
      const rs = [...checks].map((c) => byCheck.get(c)).filter((r): r is Json => r !== undefined)
      expect(t.checks, t.name).to.equal(checks.size)
      expect(t.results, t.name).to.equal(rs.length)
      expect(t.outcomes.pass, t.name).to.equal(rs.filter((r) => r.outcome === 'pass').length)
      expect(t.overdue, t.name).to.equal(rs.filter((r) => r.due !== null && r.rectified_at === null && r.due < res.json().on).length)
      if (t.checks > 0) nonzero++
    }
    expect(nonzero).to.be.above(1)
    expectRefusal(await get(`${E}/performance?from=${to}&to=${from}`, 'command'), 'from')
    expectRefusal(await get(`${E}/performance?from=${from}`, 'command'), 'to')
  })
})
