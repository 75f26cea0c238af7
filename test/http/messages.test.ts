// Coded refusals: every code thrown in server/ has a Chinese wording once the app is built (the
// catalogues are registered by the capabilities), Accept-Language picks the language with its
// q-values, and each family an operator meets answers in Chinese when asked (English otherwise).
import { expect } from 'chai'
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Knex } from 'knex'
import type { Response } from 'light-my-request'
import { CODE_PATTERN, messageFor, negotiateLanguage, registeredCodes } from '../../server/http/messages/registry.ts'
import { genericCode } from '../../server/http/messages/httpZh.ts'
import { loginAs, testClient, type Client } from '../support/http.ts'
import { pointIn, uniq } from '../events/helpers.ts'

const serverDir = fileURLToPath(new URL('../../server', import.meta.url))
const ZH = { 'accept-language': 'zh-CN,zh;q=0.9,en;q=0.8' }

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    return statSync(path).isDirectory() ? sources(path) : path.endsWith('.ts') ? [path] : []
  })
}

/** The first argument of every `.coded(` and workflow `because(` call: its literal codes, or the raw text when none. */
function codesThrown(): { codes: Map<string, string>; dynamic: string[] } {
  const codes = new Map<string, string>()
  const dynamic: string[] = []
  for (const file of sources(serverDir)) {
    const text = readFileSync(file, 'utf8')
    for (const m of text.matchAll(/(?:\.coded|\bbecause)\(/g)) {
      const line = text.slice(text.lastIndexOf('\n', m.index) + 1, m.index).trim()
      if (/^(\/\/|\/?\*)/.test(line)) continue
      const rest = text.slice(m.index + m[0].length, m.index + m[0].length + 200)
      const arg = rest.slice(0, firstTopLevelEnd(rest))
      const literals = [...arg.matchAll(/'([^']+)'/g)].map((x) => x[1]!).filter((s) => CODE_PATTERN.test(s))
      if (literals.length) for (const c of literals) codes.set(c, file.slice(serverDir.length + 1))
      else dynamic.push(`${file.slice(serverDir.length + 1)}: ${arg.trim()}`)
    }
  }
  // codes handed to a helper that codes its error (fieldError(400, 'houseId', 'residents.house_not_found', …)):
  // every literal of a family that some .coded() literal uses
  const families = new Set([...codes.keys()].map((c) => c.split('.')[0]!))
  for (const file of sources(serverDir)) {
    const text = readFileSync(file, 'utf8').replace(/^\s*(\/\/|\*).*$/gm, '')
    for (const m of text.matchAll(/'([a-z][a-z0-9_]*\.[a-z0-9_.]+)'/g)) {
      if (CODE_PATTERN.test(m[1]!) && families.has(m[1]!.split('.')[0]!) && !codes.has(m[1]!)) codes.set(m[1]!, file.slice(serverDir.length + 1))
    }
  }
  return { codes, dynamic }
}

function firstTopLevelEnd(s: string): number {
  let depth = 0
  for (let i = 0; i < s.length; i++) {
    const c = s[i]
    if (c === '(' || c === '{' || c === '[') depth++
    else if (c === ')' || c === '}' || c === ']') { if (depth === 0) return i; depth-- }
    else if (c === ',' && depth === 0) return i
  }
  return s.length
}

const hasHan = (s: string) => /[\u4e00-\u9fff]/.test(s)

/** A refusal answered in Chinese: the catalogue's wording of its code and params, Content-Language set. */
function expectChinese(res: Response, status: number, code: string): { detail: string; params: Record<string, unknown> } {
  expect(res.statusCode, res.body).to.equal(status)
  expect(res.headers['content-type']).to.match(/^application\/problem\+json/)
  expect(res.headers['content-language']).to.equal('zh-CN')
  const p = res.json() as { code: string; params: Record<string, unknown>; detail: string }
  expect(p.code).to.equal(code)
  expect(p.detail).to.equal(messageFor('zh', code, p.params))
  expect(hasHan(p.detail), p.detail).to.equal(true)
  return p
}

describe('messages: coded refusals in Chinese', function () {
  let client: Client
  let knex: Knex
  const auth: Record<string, Record<string, string>> = {}

  before(async () => {
    client = await testClient()
    knex = client.context.knex
    for (const u of ['command', 'department', 'inspector', 'street1']) auth[u] = await loginAs(client, u)
  })

  describe('the catalogue', () => {
    it('words every code thrown in server/ (built app: the capabilities have registered theirs)', () => {
      const { codes, dynamic } = codesThrown()
      expect(codes.size).to.be.greaterThan(60)
      const zh = new Set(registeredCodes('zh'))
      const missing = [...codes].filter(([c]) => !zh.has(c)).map(([c, f]) => `${c} (${f})`)
      expect(missing, 'codes without Chinese').to.deep.equal([])
      // codes chosen at run time come only from places whose codes are literals elsewhere
      expect(dynamic.sort()).to.deep.equal([
        'collection-tasks/routes.ts: code',
        'disputes/machine.ts: code',
        'events/transitions.ts: d.code',
        'forms/xform.ts: code',
        'forms/xml.ts: code',
        'houses/register.ts: err.code',
        'http/errors.ts: genericCode(err.status)',
        'offline/upload.ts: code',
        'ogc/wfs/transaction.ts: err.code',
        'public/photos.ts: code',
        'registers/routes.ts: err.code',
        'residents/move.ts: code',
        'teams/location.ts: code',
      ])
    })

    it('words the generic code of every status and the workflow refusal of every guard', () => {
      for (const s of [400, 401, 403, 404, 405, 406, 409, 410, 413, 415, 422, 429, 500, 502, 503]) {
        expect(hasHan(messageFor('zh', genericCode(s), { requestId: 'r' }) ?? ''), String(s)).to.equal(true)
      }
      expect(messageFor('zh', 'transition.no_open_supervision', { action: 'answer_supervision' })).to.equal('无法督办回复：没有等待回复的督办单')
      expect(messageFor('zh', 'transition.wrong_status', { action: 'close', status: 'dispatched' })).to.equal('无法结案：事件当前为「已派遣」状态')
    })
  })

  describe('Accept-Language', () => {
    it('honours q-values, q=0 and the zh family', () => {
      const cases: [string | undefined, string][] = [
        [undefined, 'en'], ['', 'en'], ['zh', 'zh'], ['zh-CN', 'zh'], ['zh-Hans-CN', 'zh'], ['ZH-cn', 'zh'],
        ['en-US,en;q=0.9', 'en'], ['en;q=0.9, zh-CN;q=0.8', 'en'], ['en;q=0.5, zh-CN', 'zh'], ['fr, zh-Hans;q=0.5', 'zh'],
        ['zh;q=0', 'en'], ['zh;q=0, *;q=0.1', 'en'], ['*', 'en'], ['zhx', 'en'], ['zh;q=abc', 'en'], ['zh;q=2', 'en'],
        [`${'x,'.repeat(5000)}zh`, 'en'],
      ]
      for (const [header, lang] of cases) expect(negotiateLanguage(header), String(header).slice(0, 40)).to.equal(lang)
    })
  })

  describe('each family answers in the negotiated language', () => {
    let number: string

    before(async () => {
      const p = await pointIn(knex, '990102001001')
      const res = await client.post('/api/v1/events', {
        channel: 'superior', demandType: '投诉举报', classCode: '0102', description: uniq('消息测试'), location: { x: p.lon, y: p.lat },
      }, auth.command)
      expect(res.statusCode, res.body).to.equal(201)
      number = res.json().event.number
    })
    const fire = (body: Record<string, unknown>, who: string, lang: Record<string, string> = ZH) =>
      client.post(`/api/v1/events/${number}/transitions`, body, { ...auth[who], ...lang })

    it('transition: a wrong state is a 409 in Chinese; English, code and params without the header', async () => {
      const zh = expectChinese(await fire({ action: 'close' }, 'command'), 409, 'transition.wrong_status')
      expect(zh.detail).to.equal('无法结案：事件当前为「已派遣」状态')
      expect(zh.params).to.deep.equal({ action: 'close', status: 'dispatched' })
      const en = await fire({ action: 'close' }, 'command', {})
      expect(en.headers['content-language']).to.equal(undefined)
      expect(en.headers.vary).to.match(/accept-language/i)
      expect(en.json()).to.include({ type: 'https://gridgov.invalid/problems/illegal_transition', code: 'transition.wrong_status', detail: 'close: not possible in status dispatched' })
      const q = await fire({ action: 'close' }, 'command', { 'accept-language': 'en;q=0.9, zh-CN;q=0.8' })
      expect(q.json().detail).to.equal('close: not possible in status dispatched')
    })

    it('transition: the guards (supervision) and the roles', async () => {
      const sup = expectChinese(await fire({ action: 'answer_supervision', comment: '已处理' }, 'department'), 409, 'transition.no_open_supervision')
      expect(sup.detail).to.equal('无法督办回复：没有等待回复的督办单')
      const role = expectChinese(await fire({ action: 'sign' }, 'command'), 403, 'transition.role_not_permitted')
      expect(role.detail).to.equal('无法签收：市指挥中心无权执行此操作')
      expectChinese(await fire({ action: 'sign' }, 'inspector'), 403, 'transition.not_assignee')
      expectChinese(await fire({ action: 'sign', expectedVersion: 99 }, 'department'), 409, 'transition.version_conflict')
      expectChinese(await fire({ action: 'supervise' }, 'command'), 400, 'transition.supervise_needs_comment')
    })

    it('dispatch: a unit that is not of the city is named in Chinese', async () => {
      const res = expectChinese(await fire({ action: 'reassign', departmentCode: 'NOWHERE-1' }, 'command'), 422, 'transition.unknown_unit')
      expect(res.detail).to.equal('本市没有单位 NOWHERE-1')
      const radius = expectChinese(await client.get(`/api/v1/events/${number}/dispatch-options?radius=abc`, { ...auth.command, ...ZH }), 400, 'http.validation_failed')
      expect(radius.detail).to.match(/^查询参数有误：字段 radius /)
    })

    it('validation: a Chinese sentence naming each field, the field path kept', async () => {
      const long = expectChinese(await fire({ action: 'sign', comment: 'x'.repeat(2001) }, 'department'), 400, 'http.validation_failed')
      expect(long.detail).to.equal('操作有误：字段 comment 不能超过 2000 个字符')
      const several = expectChinese(await fire({ action: 'fly', memberId: -1, extra: 1 }, 'department'), 400, 'http.validation_failed')
      expect(several.detail).to.match(/^操作有误：/)
      expect(several.detail).to.include('字段 action 取值不在允许范围内')
      expect(several.detail).to.include('字段 memberId 须大于 0')
      expect(several.detail).to.include('含有不认识的字段 extra')
      const missing = expectChinese(await fire({}, 'department'), 400, 'http.validation_failed')
      expect(missing.detail).to.equal('操作有误：字段 action 必须填写')
      const en = await fire({}, 'department', {})
      expect(en.json().detail).to.match(/^invalid transition: action: /)
      expect(en.json().errors[0].field).to.equal('action')
    })

    it('generic: 404 of an event out of reach, of a path; uncoded refusals keep their English beside the Chinese', async () => {
      const nf = expectChinese(await client.get('/api/v1/events/E999999999999', { ...auth.street1, ...ZH }), 404, 'events.not_found')
      expect(nf.detail).to.equal('辖区内没有事件 E999999999999')
      expectChinese(await client.get('/api/v1/no-such-thing', ZH), 404, 'http.no_route')
      expectChinese(await client.get(`/api/v1/events/${number}/attachments/999999`, { ...auth.command, ...ZH }), 404, 'events.no_attachment')
      // a refusal nobody coded (the body parser's): the status's Chinese, its English kept in brackets
      const raw = await client.request({ method: 'POST', url: `/api/v1/events/${number}/transitions`,
        headers: { ...auth.command, ...ZH, 'content-type': 'application/json' }, payload: '{"action": ' })
      expect(raw.statusCode).to.equal(400)
      expect(raw.headers['content-language']).to.equal('zh-CN')
      expect(raw.json().code).to.equal('http.bad_request')
      expect(raw.json().detail).to.match(/^请求有误（.+）$/)
      expectChinese(await client.get('/api/v1/events', ZH), 401, 'http.unauthorized')
      const forbidden = expectChinese(await client.get('/api/v1/warning-rules', { ...auth.inspector, ...ZH }), 403, 'auth.role_forbidden')
      expect(forbidden.detail).to.equal('您的角色无权执行此操作')
    })

    it('login: a wrong password and a bad token', async () => {
      const res = expectChinese(await client.post('/api/v1/auth/login', { username: 'command', password: 'wrong-password' }, ZH), 401, 'auth.invalid_credentials')
      expect(res.detail).to.equal('用户名或密码错误')
      expectChinese(await client.get('/api/v1/auth/me', { authorization: 'Bearer not.a.valid-token', ...ZH }), 401, 'auth.invalid_token')
      const empty = expectChinese(await client.post('/api/v1/auth/login', { username: '', password: 'x' }, ZH), 400, 'http.validation_failed')
      expect(empty.detail).to.equal('请求内容有误：字段 username 不能为空')
    })

    it('warnings and fence alerts: acknowledge refusals', async () => {
      const [w] = await knex('warning').insert({
        city_code: '990100', kind: 'near_deadline', rule_version: 0, level: 1, title: '消息测试预警', detail: '{}', area_code: '990102001001',
        geom: knex.raw('ST_SetSRID(ST_MakePoint(116, 36.46), 4490)'), event_ids: [], dedupe_key: `messages:${uniq('w')}`, raised_at: new Date(),
      }).returning('id')
      try {
        const id = Number(w.id)
        expect((await client.post(`/api/v1/warnings/${id}/acknowledge`, {}, auth.command)).statusCode).to.equal(200)
        const again = expectChinese(await client.post(`/api/v1/warnings/${id}/acknowledge`, {}, { ...auth.street1, ...ZH }), 409, 'warnings.already_acknowledged')
        expect(again.detail).to.match(/^该预警已于 \d{4}-\d{2}-\d{2} \d{2}:\d{2} 由.+确认，无需重复确认$/)
        expectChinese(await client.post('/api/v1/warnings/999999999/acknowledge', {}, { ...auth.command, ...ZH }), 404, 'warnings.not_found')
        const long = expectChinese(await client.post(`/api/v1/warnings/${id}/acknowledge`, { comment: 'x'.repeat(501) }, { ...auth.command, ...ZH }), 400, 'http.validation_failed')
        expect(long.detail).to.include('字段 comment 不能超过 500 个字符')
      } finally {
        await knex('warning').where('id', w.id).delete()
      }
      expectChinese(await client.post('/api/v1/fence-alerts/999999999/acknowledge', {}, { ...auth.command, ...ZH }), 404, 'fences.alert_not_found')
    })

    it('patrol: an inspector asking for another member', async () => {
      const res = await client.get('/api/v1/patrol-tasks?date=2026-01-05&memberId=999999', { ...auth.inspector, ...ZH })
      const code = res.json().code as string
      expect(['patrol.own_only', 'patrol.not_a_member']).to.include(code)
      expectChinese(res, 403, code)
    })

    it('OGC exception reports and Open311 errors do not change with the header', async () => {
      const ogc = await client.get('/ogc/wfs?SERVICE=WFS&VERSION=2.0.0&REQUEST=NoSuchThing', ZH)
      expect(ogc.headers['content-type']).to.match(/xml/)
      expect(ogc.headers['content-language']).to.equal(undefined)
      expect(hasHan(ogc.body)).to.equal(false)
      const o311 = await client.get('/open311/v2/services.csv', ZH)
      expect(o311.statusCode).to.equal(400)
      expect(o311.headers['content-language']).to.equal(undefined)
      expect(hasHan(o311.body)).to.equal(false)
    })
  })
})
