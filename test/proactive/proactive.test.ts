// 主动服务 (issue 20 item 4): each rule's selection over the demo registers checked against an
// independent computation in this file (date arithmetic on Date objects, households grouped in
// JS), a pass run twice makes no second task, a done visit moves the lone elderly resident's next
// period on, the task list masks the person by role, and bad input names its field.
import { expect } from 'chai'
import type { Knex } from 'knex'
import { getTestDb } from '../support/db.ts'
import { loginAs, testClient, type Client } from '../support/http.ts'
import { runProactivePass } from '../../server/proactive-rules/pass.ts'
import { plantResident } from '../special-groups/support.ts'

const CITY = '990100'
const GRID = '990102001001001' // the demo inspector's grid
const DAY = 86_400_000

/** The Beijing calendar day of an instant, as a UTC-midnight Date. */
const beijing = (t: Date) => { const w = new Date(t.getTime() + 8 * 3_600_000); return new Date(Date.UTC(w.getUTCFullYear(), w.getUTCMonth(), w.getUTCDate())) }
const ymd = (d: Date) => `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}-${String(d.getUTCDate()).padStart(2, '0')}`
const yearsBefore = (d: Date, n: number) => new Date(Date.UTC(d.getUTCFullYear() - n, d.getUTCMonth(), d.getUTCDate()))

interface Person { id: number; birth: string; household: number | null; movedOut: boolean; validUntil: string | null }

describe('proactive services: rules, the pass and the task list', function () {
  this.timeout(60_000)
  let client: Client
  let knex: Knex
  const auth: Record<string, Record<string, string>> = {}
  const rules: Record<string, number> = {}
  const now = new Date()
  const today = beijing(now)
  let people: Person[] = []
  let marked: { id: number; v: string | null }[] = []
  let planted: { resident: number; household: number } | undefined

  const tasksOf = async (rule: number) => (await knex('proactive_task').where({ rule_id: rule }).select('resident_id', 'period_key', 'id', 'grid_code', 'community_code'))
    .map((t) => ({ resident: Number(t.resident_id), period: t.period_key as string, id: Number(t.id), grid: t.grid_code as string | null, community: t.community_code as string }))

  const list = async (who: string, query: string) => {
    const res = await client.get(`/api/v1/proactive-rules/tasks?${query}`, auth[who])
    expect(res.statusCode, res.body).to.equal(200)
    return res.json().items as { id: number; gridCode: string; communityCode: string; access: string; resident: { id: number; name: string; idNumber: string } }[]
  }

  before(async () => {
    client = await testClient()
    knex = await getTestDb()
    for (const u of ['command', 'community', 'street2', 'inspector', 'analyst']) auth[u] = await loginAs(client, u)
    // a lone elderly resident in the demo inspector's grid (the demo households there may have none)
    const [h] = await knex('household').insert({ city_code: CITY, community_code: '990102001001', grid_code: GRID, household_number: `PR${Date.now().toString(36).slice(-8)}` }).returning('id')
    const r = await plantResident(knex, GRID, { birth: '19480506' })
    await knex('resident').where({ id: r.id }).update({ household_id: h.id })
    planted = { resident: r.id, household: Number(h.id) }
    // card dates spread around today on every seventh resident (a column no other test reads; put back after)
    marked = (await knex('resident').where({ city_code: CITY }).whereRaw('id % 7 = 0')
      .select('id', knex.raw("to_char(id_card_valid_until, 'YYYY-MM-DD') AS v"))).map((r) => ({ id: Number(r.id), v: r.v as string | null }))
    await knex.raw("UPDATE resident SET id_card_valid_until = ?::date + (id % 61)::int - 15 WHERE city_code = ? AND id % 7 = 0", [ymd(today), CITY])
    people = (await knex('resident').where({ city_code: CITY }).select('id', 'household_id', 'moved_out_at',
      knex.raw("to_char(birth_date, 'YYYY-MM-DD') AS birth"), knex.raw("to_char(id_card_valid_until, 'YYYY-MM-DD') AS valid_until")))
      .map((r) => ({ id: Number(r.id), birth: r.birth, household: r.household_id === null ? null : Number(r.household_id), movedOut: r.moved_out_at !== null, validUntil: r.valid_until }))
    const create = async (kind: string, params: Record<string, unknown>) => {
      const res = await client.post('/api/v1/proactive-rules', { kind, name: `测试${kind}`, params, reason: '测试' }, auth.command)
      expect(res.statusCode, res.body).to.equal(201)
      return res.json().id as number
    }
    rules.card = await create('id_card_expiry', { withinDays: 30 })
    rules.school = await create('school_age', { leadDays: 365 })
    rules.lone = await create('lone_elderly_visit', { minAge: 60, intervalDays: 30 })
  })

  after(async () => {
    if (!knex) return
    const ids = Object.values(rules)
    await knex('inbox_item').whereRaw("(data->>'proactiveRule')::bigint = ANY(?)", [ids]).delete()
    await knex('resident_visit').whereIn('task_id', knex('proactive_task').whereIn('rule_id', ids).select('id')).delete()
    await knex('proactive_task').whereIn('rule_id', ids).delete()
    await knex('proactive_rule').whereIn('id', ids).delete()
    for (const m of marked) await knex('resident').where({ id: m.id }).update({ id_card_valid_until: m.v })
    if (planted) {
      await knex('resident').where({ id: planted.resident }).delete()
      await knex('household').where({ id: planted.household }).delete()
    }
  })

  it('selects exactly the people an independent computation over the registers selects, and a second run makes nothing', async () => {
    const first = await runProactivePass(knex, now, { ruleIds: Object.values(rules) })
    const current = people.filter((p) => !p.movedOut)
    // the card expires today or within 30 days
    const last = new Date(today.getTime() + 30 * DAY)
    const card = current.filter((p) => p.validUntil !== null && p.validUntil >= ymd(today) && p.validUntil <= ymd(last)).map((p) => p.id)
    // 6 by the next 1 September (today included), not yet 6 by the one a year before: walk the days to it
    let sept = today
    while (!(sept.getUTCMonth() === 8 && sept.getUTCDate() === 1)) sept = new Date(sept.getTime() + DAY)
    const latest = ymd(yearsBefore(sept, 6))
    const earliest = ymd(yearsBefore(sept, 7))
    const school = current.filter((p) => p.birth <= latest && p.birth > earliest).map((p) => p.id)
    // alone in the household, 60 or older today, never visited
    const perHousehold = new Map<number, Person[]>()
    for (const p of current) if (p.household !== null) perHousehold.set(p.household, [...(perHousehold.get(p.household) ?? []), p])
    const born = ymd(yearsBefore(today, 60))
    const lone = [...perHousehold.values()].filter((h) => h.length === 1 && h[0]!.birth <= born).map((h) => h[0]!.id)
    for (const set of [card, school, lone]) expect(set.length).to.be.greaterThan(0)
    const got = async (rule: number) => (await tasksOf(rule)).map((t) => t.resident).sort((a, b) => a - b)
    expect(await got(rules.card!)).to.deep.equal(card.sort((a, b) => a - b))
    expect(await got(rules.school!)).to.deep.equal(school.sort((a, b) => a - b))
    expect(await got(rules.lone!)).to.deep.equal(lone.sort((a, b) => a - b))
    expect(first.created).to.equal(card.length + school.length + lone.length)
    expect((await tasksOf(rules.school!)).every((t) => t.period === String(sept.getUTCFullYear()))).to.equal(true)
    // the inspectors were told once per rule and grid with tasks (no names in the notice)
    const notices = await knex('inbox_item').whereRaw("(data->>'proactiveRule')::bigint = ANY(?)", [Object.values(rules)]).select('title', 'body', 'data')
    expect(notices.length).to.be.greaterThan(0)
    const second = await runProactivePass(knex, now, { ruleIds: Object.values(rules) })
    expect(second.created).to.equal(0)
    expect(second.told).to.equal(0)
    expect((await knex('inbox_item').whereRaw("(data->>'proactiveRule')::bigint = ANY(?)", [Object.values(rules)])).length).to.equal(notices.length)
  })

  it('lists tasks as the role may see the person: the grid\'s inspector in full, community staff masked, others not at all', async () => {
    const mine = await list('inspector', `rule=${rules.lone}&limit=500`)
    expect(mine.length).to.be.greaterThan(0)
    const served = (await knex.raw(`SELECT DISTINCT a.grid_code FROM grid_assignment a JOIN grid_member m ON m.id = a.member_id
      JOIN app_user u ON u.id = m.user_id WHERE u.username = 'inspector' AND a.valid_from <= now() AND (a.valid_to IS NULL OR a.valid_to > now())`)).rows.map((r: { grid_code: string }) => r.grid_code)
    const expected = (await tasksOf(rules.lone!)).filter((t) => t.grid !== null && served.includes(t.grid)).map((t) => t.id).sort()
    expect(mine.map((t) => t.id).sort()).to.deep.equal(expected)
    const stored = await knex('resident').where({ id: mine[0]!.resident.id }).first('name', 'id_number_masked')
    expect(mine[0]!.access).to.equal('full')
    expect(mine[0]!.resident.name).to.equal(stored.name)
    expect(mine[0]!.resident.idNumber).to.equal(stored.id_number_masked)
    const staff = await list('community', `rule=${rules.lone}&limit=500`)
    const same = staff.find((t) => t.id === mine[0]!.id)!
    expect(same.access).to.equal('unmaskable')
    expect(same.resident.name).to.not.equal(stored.name)
    expect(same.resident.name).to.include('*')
    expect(staff.every((t) => t.communityCode === '990102001001')).to.equal(true)
    const other = await list('street2', `rule=${rules.lone}&limit=500`)
    expect(other.some((t) => t.id === mine[0]!.id)).to.equal(false)
    expect((await client.get('/api/v1/proactive-rules/tasks', auth.analyst)).statusCode).to.equal(403)
  })

  it('a done visit closes the task once and starts the next period from the visit', async () => {
    const task = (await list('inspector', `rule=${rules.lone}&limit=1`))[0]!
    expect((await client.post(`/api/v1/proactive-rules/tasks/${task.id}/done`, {}, auth.street2)).statusCode).to.equal(404)
    const done = await client.post(`/api/v1/proactive-rules/tasks/${task.id}/done`, { note: '上门走访，身体良好', visit: { method: 'home' } }, auth.inspector)
    expect(done.statusCode, done.body).to.equal(200)
    expect(done.json().status).to.equal('done')
    expect((await client.post(`/api/v1/proactive-rules/tasks/${task.id}/done`, {}, auth.inspector)).statusCode).to.equal(409)
    expect((await runProactivePass(knex, now, { ruleIds: [rules.lone!] })).created).to.equal(0)
    // 31 days on the visit is due again: a new period for this resident, none for the ones still open
    const later = new Date(now.getTime() + 31 * DAY)
    await runProactivePass(knex, later, { ruleIds: [rules.lone!] })
    const periods = (await tasksOf(rules.lone!)).filter((t) => t.resident === task.resident.id).map((t) => t.period).sort()
    expect(periods).to.deep.equal([ymd(new Date(today.getTime() + 30 * DAY)), 'never'])
    const open = await knex('proactive_task').where({ rule_id: rules.lone, status: 'open' }).groupBy('resident_id').havingRaw('count(*) > 1').select('resident_id')
    expect(open).to.deep.equal([])
  })

  it('keeps each change as a version and refuses bad input naming the field', async () => {
    const bad = await client.post('/api/v1/proactive-rules', { kind: 'id_card_expiry', name: 'x', params: { withinDays: 0 }, reason: 'r' }, auth.command)
    expect(bad.statusCode).to.equal(400)
    expect(bad.json().errors.map((e: { field: string }) => e.field)).to.deep.equal(['params.withinDays'])
    const kind = await client.post('/api/v1/proactive-rules', { kind: 'nope', name: 'x', reason: 'r' }, auth.command)
    expect(kind.json().errors.map((e: { field: string }) => e.field)).to.deep.equal(['kind'])
    const cutoff = await client.post('/api/v1/proactive-rules', { kind: 'school_age', name: 'x', params: { cutoff: '02-29' }, reason: 'r' }, auth.command)
    expect(cutoff.json().errors.map((e: { field: string }) => e.field)).to.deep.equal(['params.cutoff'])
    expect((await client.post('/api/v1/proactive-rules', { kind: 'school_age', name: 'x', reason: 'r' }, auth.community)).statusCode).to.equal(403)
    const put = await client.request({ method: 'PUT', url: `/api/v1/proactive-rules/${rules.card}`, headers: { ...auth.command, 'content-type': 'application/json' },
      payload: JSON.stringify({ params: { withinDays: 45 }, version: 1, reason: '延长提醒期' }) })
    expect(put.statusCode, put.body).to.equal(200)
    expect(put.json()).to.include({ version: 2 })
    const stale = await client.request({ method: 'PUT', url: `/api/v1/proactive-rules/${rules.card}`, headers: { ...auth.command, 'content-type': 'application/json' },
      payload: JSON.stringify({ enabled: false, version: 1, reason: '重复' }) })
    expect(stale.statusCode).to.equal(409)
    const one = (await client.get(`/api/v1/proactive-rules/${rules.card}`, auth.inspector)).json()
    expect(one.versions.map((v: { version: number; reason: string; params: { withinDays: number } }) => [v.version, v.reason, v.params.withinDays]))
      .to.deep.equal([[2, '延长提醒期', 45], [1, '测试', 30]])
    const dismiss = await client.post('/api/v1/proactive-rules/tasks/1/dismiss', { reason: '' }, auth.command)
    expect(dismiss.json().errors.map((e: { field: string }) => e.field)).to.deep.equal(['reason'])
    expect((await client.get('/api/v1/proactive-rules/999999999', auth.command)).statusCode).to.equal(404)
  })
})
