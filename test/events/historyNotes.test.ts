// History explanations as codes with parameters (server/events/historyNotes.ts): every code the
// server can write has a Chinese wording on the page, the history answer carries the notes of
// intake and dispatch, rows written before the codes (English server strings) get the same notes,
// and the OpenAPI description lists every code.
import { expect } from 'chai'
import type { Knex } from 'knex'
import { getTestDb } from '../support/db.ts'
import { pointIn, uniq } from './helpers.ts'
import { loginAs, testClient, type Client } from '../support/http.ts'
import { DEMO_API_KEY } from '../../fixtures/users.ts'
import { HISTORY_CODES, noteOf, type HistoryCode } from '../../server/events/historyNotes.ts'
import { HISTORY_WORDING, wordNote } from '../../web-map/src/panels/events/historyWording.ts'

/** Latin words a Chinese line may contain: none of the server's own English code words. */
const ENGLISH_CODE_WORDS = /\b(owner_department|grid_inspector|third_party|work_days|work_hours|sign_overdue|reported_back|refused|undefined|null|NaN|\[object)\b/

describe('events: history notes (codes worded by the page)', function () {
  let client: Client
  let knex: Knex
  const auth: Record<string, Record<string, string>> = {}
  let point: { lon: number; lat: number; grid: string }

  before(async () => {
    client = await testClient()
    knex = await getTestDb()
    auth.command = await loginAs(client, 'command')
    auth.system = { 'x-api-key': DEMO_API_KEY }
    point = await pointIn(knex, '990102001001', 7)
  })

  it('the page has a wording for every code the server writes, and none for codes it does not', () => {
    const server = Object.keys(HISTORY_CODES).sort()
    expect(Object.keys(HISTORY_WORDING).sort()).to.deep.equal(server)
  })

  it('every wording reads as Chinese with its parameters filled in, with or without them', () => {
    for (const [code, names] of Object.entries(HISTORY_CODES) as [HistoryCode, readonly string[]][]) {
      const full = Object.fromEntries(names.map((n) => [n, n.endsWith('At') ? '2026-12-03T01:47:00Z' : n === 'inGrid' ? true : `v_${n}`]))
      const line = wordNote({ code, params: full })!
      expect(line, code).to.match(/[\u4e00-\u9fff]/)
      expect(line, code).not.to.match(ENGLISH_CODE_WORDS)
      // times in Beijing time: 01:47 UTC is 09:47
      if (names.some((n) => n.endsWith('At'))) expect(line, code).to.include('2026-12-03 09:47')
      const empty = wordNote({ code, params: {} })!
      expect(empty, code).not.to.match(ENGLISH_CODE_WORDS)
    }
    expect(wordNote({ code: 'no.such', params: {} })).to.equal(null)
    expect(wordNote(null)).to.equal(null)
  })

  it('an intake by the command centre: reported, filed and dispatched by rule to the owner department, as codes', async () => {
    const res = await client.post('/api/v1/events', {
      channel: 'superior', demandType: '投诉举报', classCode: '0102', description: uniq('路口有暴露垃圾，影响通行'),
      location: { x: point.lon, y: point.lat, crs: 'EPSG:4490' },
    }, auth.command)
    expect(res.statusCode, res.body).to.equal(201)
    const { event, dispatch } = res.json()
    const hist = await client.get(`/api/v1/events/${event.number}/history`, auth.command)
    expect(hist.statusCode).to.equal(200)
    const items = hist.json().items as { action: string; comment: string | null; note: { code: string; params: Record<string, string | number | boolean | null> } | null }[]
    expect(items.map((h) => h.note?.code)).to.deep.equal(['report.channel', 'accept.auto', 'dispatch.rule'])
    // the base grid's code (it named the community before issue 18)
    expect(items[0]!.note!.params).to.deep.equal({ channel: 'superior', grid: event.grid.code })
    expect(items[1]!.note!.params).to.deep.equal({ channel: 'superior' })
    const chosenTrace = dispatch.rules.find((r: { result: string }) => r.result === 'chosen')
    expect(items[2]!.note!.params).to.include({
      rule: dispatch.chosen.ruleId, ruleName: chosenTrace.name, basis: chosenTrace.reason.replace('target ', ''),
      unit: 'CGJ-990102', unitName: event.assignee.department.name, level: 'district', member: null,
    })
    expect(items[2]!.note!.params.basis).to.equal('owner_department')
    // the old text stays for API clients that read it
    expect(items[2]!.comment).to.match(/^rule \d+ /)
    const line = wordNote(items[2]!.note)!
    expect(line).to.include(`派遣规则 ${dispatch.chosen.ruleId}`).and.include('权属部门').and.not.match(ENGLISH_CODE_WORDS)
  })

  it('a third-party platform report is filed automatically: accept.auto names the channel', async () => {
    const res = await client.post('/api/v1/events', {
      channel: 'third_party', demandType: '投诉举报', classCode: '0102', description: uniq('第三方平台转来：井盖缺失'),
      location: { x: point.lon, y: point.lat, crs: 'EPSG:4490' },
    }, auth.system)
    expect(res.statusCode, res.body).to.equal(201)
    const hist = await client.get(`/api/v1/events/${res.json().event.number}/history`, auth.command)
    const accept = (hist.json().items as { action: string; note: { code: string; params: Record<string, string | number | boolean | null> } }[]).find((h) => h.action === 'accept')!
    expect(accept.note).to.deep.equal({ code: 'accept.auto', params: { channel: 'third_party' } })
    expect(wordNote(accept.note)).to.equal('第三方平台渠道的事件按规定自动立案')
  })

  it('a dispatcher\'s reassignment is dispatch.manual with the unit', async () => {
    const res = await client.post('/api/v1/events', {
      channel: 'superior', demandType: '投诉举报', classCode: '0102', description: uniq('绿化带内堆放建筑垃圾'),
      location: { x: point.lon, y: point.lat, crs: 'EPSG:4490' },
    }, auth.command)
    const { event } = res.json()
    const r = await client.post(`/api/v1/events/${event.number}/transitions`, { action: 'reassign', departmentCode: 'JD-990102001000', comment: '街道牵头处置' }, auth.command)
    expect(r.statusCode, r.body).to.equal(200)
    const items = (await client.get(`/api/v1/events/${event.number}/history`, auth.command)).json().items
    const last = items.at(-1)
    expect(last.comment).to.equal('街道牵头处置')
    expect(last.note.code).to.equal('dispatch.manual')
    expect(last.note.params).to.include({ unit: 'JD-990102001000' })
  })

  it('rows written before the codes (English strings, no structured fields) get the same notes', () => {
    expect(noteOf({ action: 'accept', actor_role: 'system', comment: 'channel third_party is filed automatically', explanation: null }))
      .to.deep.equal({ code: 'accept.auto', params: { channel: 'third_party' } })
    const chosen = { department: { id: 9, code: 'CGJ-990102', name: '城管局' }, member: null, level: 'district', basis: '属主', ruleId: 4 }
    const rule = noteOf({ action: 'dispatch', actor_role: 'system', comment: null,
      explanation: { mode: 'auto', rules: [], chosen: { ...chosen, why: 'rule 4 "市容环境 → 城管" → owner_department CGJ-990102' } } })
    expect(rule).to.deep.equal({ code: 'dispatch.rule', params: { rule: 4, ruleName: '市容环境 → 城管', basis: 'owner_department',
      unit: 'CGJ-990102', unitName: '城管局', member: null, level: 'district', assisting: null } })
    const fallback = noteOf({ action: 'dispatch', actor_role: 'system', comment: null, explanation: { mode: 'auto', rules: [],
      chosen: { ...chosen, ruleId: null, member: { id: 1, name: '张网格' }, why: 'no rule chose a unit: territory fallback (属地兜底) → grid_inspector SQ-990102001001' } } })
    expect(fallback).to.deep.include({ code: 'dispatch.fallback' })
    expect(fallback!.params).to.include({ basis: 'grid_inspector', member: '张网格' })
    const up = noteOf({ action: 'escalate', actor_role: 'street_staff', comment: null, explanation: { mode: 'auto', rules: [],
      chosen: { ...chosen, ruleId: null, why: 'escalated (提级) from street to district' } } })
    expect(up).to.deep.include({ code: 'dispatch.escalated' })
    expect(up!.params).to.include({ from: 'street', to: 'district' })
  })

  it('the scheduler\'s, arrival\'s and follow-ups\' rows, as they write them, have notes', () => {
    const due = '2026-12-03T01:47:00.000Z'
    const cases: [Parameters<typeof noteOf>[0], string][] = [
      [{ action: 'supervise', actor_role: 'system', comment: '超时未签收，系统督办（黄牌）', explanation: { timer: 1, kind: 'sign_overdue', dueAt: due } }, 'supervise.sign_overdue'],
      [{ action: 'supervise', actor_role: 'system', comment: 'x', explanation: { timer: 1, kind: 'answer_overdue', supervision: 3, dueAt: due } }, 'supervise.answer_overdue'],
      [{ action: 'escalate', actor_role: 'system', comment: 'x', explanation: { timer: 1, from: 'street', to: 'district', unit: 'QZF-990102', dueAt: due } }, 'escalate.timeout'],
      [{ action: 'close', actor_role: 'system', comment: 'x', explanation: { auto: true, verifiedBy: '张网格' } }, 'close.auto'],
      [{ action: 'petition', actor_role: 'system', comment: 'x', explanation: { satisfaction: 'dissatisfied', office: 'JD-990102001000' } }, 'petition.dissatisfied'],
      [{ action: 'arrive', actor_role: 'grid_inspector', comment: 'x', explanation: { distanceM: 12.5, radiusM: 50, inGrid: false } }, 'arrive.geofence'],
      [{ action: 'link_duplicate', actor_role: 'command_center', comment: 'x', explanation: { duplicate: 'E202612030001' } }, 'duplicate.linked'],
    ]
    for (const [row, code] of cases) {
      const n = noteOf(row)
      expect(n?.code, row.action).to.equal(code)
      expect(wordNote(n), code).to.match(/[\u4e00-\u9fff]/)
    }
    expect(wordNote(noteOf(cases[0]![0]))).to.equal('超时未签收，系统督办（黄牌）。签收时限 2026-12-03 09:47')
    // a person's plain step has no note: its comment is what they wrote
    expect(noteOf({ action: 'sign', actor_role: 'department', comment: '已签收', explanation: null })).to.equal(null)
    expect(noteOf({ action: 'supervise', actor_role: 'command_center', comment: '请尽快处置', explanation: { supervision: 5 } })).to.equal(null)
  })

  it('every system-written row in the database has a note the page words (all the suite has written so far)', async () => {
    const rows = await knex('event_history').where('actor_role', 'system').orWhereIn('action', ['arrive', 'import', 'link_duplicate'])
      .select('action', 'actor_role', 'comment', 'explanation')
    expect(rows.length).to.be.greaterThan(0)
    for (const r of rows) {
      const n = noteOf(r)
      expect(n, `${r.action}: ${r.comment}`).to.not.equal(null)
      expect(wordNote(n), n!.code).to.match(/[\u4e00-\u9fff]/)
    }
  })

  it('the OpenAPI description of the history path lists every code with its parameters', async () => {
    const doc = (await client.get('/api/v1/openapi.json')).json()
    const text = doc.paths['/api/v1/events/{number}/history'].get.description as string
    for (const [code, params] of Object.entries(HISTORY_CODES)) expect(text).to.include(`\`${code}\`: ${params.join(', ')}`)
  })
})
