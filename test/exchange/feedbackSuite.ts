// Instruction feedback (issue 20 item 8, round two): the steps of an instruction's event reach the
// province once per (instruction message id, step), through the outbox, each message valid against
// the schema files (validator compiled in the test). Runs inside exchange.test.ts (its database,
// receiver and configured province platform). Also the layering of the outbox's formats: the
// generic deliverer imports none, every process that delivers loads the province's.
import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { expect } from 'chai'
import { runExchangePass } from '../../server/exchange/pass.ts'
import { DEMO_API_KEY } from '../../fixtures/users.ts'
import { loginAs } from '../support/http.ts'
import { pointIn, uniq } from '../events/helpers.ts'
import type { ExchangeSuite } from './suite.ts'

interface Feedback {
  messageId: string; kind: string; sender: { areaCode: string }
  body: { instruction: { messageId: string }; eventNumber: string; step: string; stepName: string; status: string; at: string; comment: string | null; reason?: string; result?: { text: string | null; at: string } }
}

/** Relative imports of a TypeScript file, resolved to paths from the repository root. */
function importsOf(file: string): string[] {
  const src = fs.readFileSync(file, 'utf8')
  const found = [...src.matchAll(/(?:from\s+|import\s+)'(\.[^']+\.ts)'/g)].map((m) => path.normalize(path.join(path.dirname(file), m[1]!)))
  return found.filter((f) => fs.existsSync(f))
}

function closure(start: string): Set<string> {
  const seen = new Set<string>()
  const todo = [start]
  while (todo.length) {
    const f = todo.pop()!
    if (seen.has(f)) continue
    seen.add(f)
    todo.push(...importsOf(f))
  }
  return seen
}

export function feedbackTests(suite: () => ExchangeSuite): void {
  describe('instruction feedback to the province', () => {
    const feedback = (s: ExchangeSuite, instructionId: string) => s.receiver.received.map((r) => r.json as Feedback)
      .filter((m) => m.kind === 'instruction-feedback' && m.body.instruction.messageId === instructionId)

    async function instruct(s: ExchangeSuite, title: string): Promise<{ id: string; number: string }> {
      const p = await pointIn(s.knex, '990102001001', 1)
      const id = `prov-fb-${crypto.randomUUID()}`
      const res = await s.client.post('/api/v1/exchange/instructions', {
        schema: 'gridgov.exchange/1', messageId: id, kind: 'instruction', sender: { system: '省级网格化服务管理平台', areaCode: '990000000000' },
        sentAt: new Date().toISOString(),
        body: { title, content: uniq('请核查处置并反馈'), demandType: '投诉举报', classCode: '0102', location: { type: 'Point', coordinates: [p.lon, p.lat] }, issuer: { name: '省网格中心' } },
      }, { 'x-api-key': DEMO_API_KEY })
      expect(res.statusCode, res.body).to.equal(201)
      return { id, number: res.json().eventNumber as string }
    }

    async function step(s: ExchangeSuite, number: string, body: Record<string, unknown>, auth: Record<string, string>): Promise<void> {
      const res = await s.client.post(`/api/v1/events/${number}/transitions`, body, auth)
      expect(res.statusCode, `${String(body.action)}: ${res.body}`).to.equal(200)
    }

    it('sends 受理, 签收, 处置完成 with the result and 结案 once each, in order, valid against the schema', async () => {
      const s = suite()
      const { id, number } = await instruct(s, '交办：路面积水')
      const department = await loginAs(s.client, 'department')
      // the unit that handles it is named, so the demo department may sign and report back
      await step(s, number, { action: 'reassign', departmentCode: 'CGJ-990102', comment: '改派城管局' }, s.command)
      await step(s, number, { action: 'sign' }, department)
      await step(s, number, { action: 'handle' }, department)
      await step(s, number, { action: 'feedback', comment: '已疏通雨水口，积水排除' }, department)
      // rework and a second report: the province hears of 处置完成 once, the first time
      await step(s, number, { action: 'rework', comment: '仍有积水' }, s.command)
      await step(s, number, { action: 'feedback', comment: '更换雨水篦子，复查无积水' }, department)
      await step(s, number, { action: 'verify' }, s.command)
      await step(s, number, { action: 'close', comment: '核查通过，结案' }, s.command)
      await s.drain()
      const got = feedback(s, id)
      expect(got.map((m) => m.body.step)).to.deep.equal(['accepted', 'signed', 'handled', 'closed'])
      expect(got.map((m) => m.body.stepName)).to.deep.equal(['受理', '签收', '处置完成', '结案'])
      for (const m of got) {
        expect(s.validate(m), JSON.stringify(s.validate.errors)).to.equal(true)
        expect(m.messageId).to.equal(`feedback:${id}:${m.body.step}`)
        expect(m.body.eventNumber).to.equal(number)
        expect(m.sender.areaCode).to.equal('990100000000')
      }
      // each step's time and text as the event's own history has them
      const rows = await s.knex('event_history').join('event', 'event.id', 'event_history.event_id').where('event.number', number)
        .orderBy('event_history.seq').select('event_history.action', 'event_history.at') as { action: string; at: Date }[]
      const at = (action: string, nth = 0) => rows.filter((r) => r.action === action)[nth]!.at.getTime()
      expect(new Date(got[1]!.body.at).getTime()).to.equal(at('sign'))
      const handled = got[2]!.body
      expect(handled.result).to.deep.include({ text: '已疏通雨水口，积水排除' })
      expect(new Date(handled.at).getTime()).to.equal(at('feedback', 0))
      // 结案 carries the latest result (after the rework), and the closing comment
      const closed = got[3]!.body
      expect(closed).to.include({ status: 'closed', comment: '核查通过，结案' })
      expect(closed.result!.text).to.equal('更换雨水篦子，复查无积水')
      expect(new Date(closed.result!.at).getTime()).to.equal(at('feedback', 1))
      // once per step in the outbox, whatever runs again: the hourly catch-up, or two instances at once
      const keys = async () => (await s.knex('outbox').whereLike('key', `%:feedback:${id}:%`).pluck('key') as string[]).sort()
      const before = await keys()
      expect(before).to.have.length(4)
      expect((await runExchangePass(s.knex)).feedback).to.equal(0)
      const eventId = (await s.knex('exchange_instruction').where({ message_id: id }).first('event_id')).event_id
      const twice = await Promise.all([1, 2].map(() => s.knex.raw('SELECT exchange_feedback_queue(ARRAY[?::bigint]) AS n', [eventId])))
      expect(twice.map((r) => (r as { rows: { n: number }[] }).rows[0]!.n)).to.deep.equal([0, 0])
      expect(await keys()).to.deep.equal(before)
      await s.drain()
      expect(feedback(s, id)).to.have.length(4)
    })

    it('sends 退回 with the reason when the city voids the instruction\'s event, and catches up a platform configured later', async () => {
      const s = suite()
      const first = await instruct(s, '交办：占道经营')
      const second = await instruct(s, '交办：占道经营（重复）')
      await step(s, second.number, { action: 'void', duplicateOf: first.number, comment: '与已交办事项重复，合并办理' }, s.command)
      await s.drain()
      const returned = feedback(s, second.id).find((m) => m.body.step === 'returned')!
      expect(s.validate(returned), JSON.stringify(s.validate.errors)).to.equal(true)
      expect(returned.body).to.include({ stepName: '退回', status: 'voided', reason: '与已交办事项重复，合并办理' })
      // a step queued while the city had no province platform is sent once it has one again
      const platform = await s.knex('integration_platform').where({ code: `province_${s.city}` }).first()
      await s.knex('outbox').where({ platform_code: platform.code }).whereLike('key', `%:feedback:${first.id}:%`).delete()
      expect((await runExchangePass(s.knex)).feedback).to.equal(1)
      await s.drain()
      expect(feedback(s, first.id).map((m) => m.body.step)).to.deep.equal(['accepted', 'accepted'])
    })

    it('a message failing the schema (a returned step without its reason) is refused by the validator', () => {
      const s = suite()
      const m = s.receiver.received.map((r) => r.json as Feedback).find((x) => x.kind === 'instruction-feedback' && x.body.step === 'returned')!
      const bad = structuredClone(m)
      delete bad.body.reason
      expect(s.validate(bad)).to.equal(false)
      const wrongName = structuredClone(m)
      wrongName.body.stepName = '结案'
      expect(s.validate(wrongName)).to.equal(false)
    })

    it('the generic deliverer imports no capability\'s format; every process that delivers loads the province adapter', () => {
      const integrations = fs.readdirSync('server/integrations').filter((f) => f.endsWith('.ts')).map((f) => path.join('server/integrations', f))
      for (const f of integrations) {
        expect(importsOf(f).filter((i) => !i.startsWith('server/integrations/') && /^server\/(exchange|inbox)\//.test(i)), f).to.deep.equal([])
      }
      // the loops of every instance (npm start, the cluster children) and the app the tests drive
      expect([...closure('server/background.ts')]).to.include.members(['server/exchange/adapter.ts', 'server/inbox/gateway.ts', 'server/integrations/deliverer.ts'])
      expect([...closure('server/app.ts')]).to.include('server/exchange/adapter.ts')
    })
  })
}
