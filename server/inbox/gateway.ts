// The messaging gateway: inbox notices a user subscribed to with `external` leave through the
// outbox like every third-party delivery (retry, back-off, delivery log), as DingTalk-robot-style
// JSON (a generic IM/SMS gateway contract):
//
//   POST <GRIDGOV_INBOX_GATEWAY_URL>  {"msgtype": "text", "text": {"content": "【督办】…"},
//     "at": {"atMobiles": ["13800138000"]}, "touser": "13800138000", "msgid": "inbox:42"}
//   answer 2xx with {"errcode": 0} (or no errcode): delivered; another errcode is a refusal,
//   retried when it names a flow limit (errcode 130101, 45009 or a message with "limit").
//
// Quiet hours travel as the outbox row's available_at: the deliverer does not claim it before.
// Configuration (environment, read when a notice is queued): GRIDGOV_INBOX_GATEWAY_URL (http(s)
// URL; unset: nothing goes out, the inbox and the stream still carry every notice),
// GRIDGOV_INBOX_GATEWAY_SECRET (16-200 characters: requests are signed like webhooks).
import type { Knex } from 'knex'
import { z } from 'zod'
import { registerAdapter, type Adapter } from '../integrations/adapters.ts'
import { classify, httpError, postJson, type Judge } from '../integrations/webhook.ts'

export const GATEWAY_PLATFORM = 'inbox_gateway'

const envSchema = z.object({
  GRIDGOV_INBOX_GATEWAY_URL: z.string().max(2000).regex(/^https?:\/\/[^\s]+$/, 'must be an http(s) URL').optional(),
  GRIDGOV_INBOX_GATEWAY_SECRET: z.string().min(16).max(200).optional(),
})
export type GatewayConfig = z.output<typeof envSchema>

/** The gateway's settings from the environment (empty = unset); a bad value names its key. */
export function gatewayConfig(env: NodeJS.ProcessEnv = process.env): GatewayConfig {
  const raw = Object.fromEntries(Object.keys(envSchema.shape).filter((k) => env[k]).map((k) => [k, env[k]]))
  const parsed = envSchema.safeParse(raw)
  if (!parsed.success) throw new Error(`invalid inbox gateway configuration: ${parsed.error.issues.map((i) => `${String(i.path[0])}: ${i.message}`).join('; ')}`)
  return parsed.data
}

export interface GatewayItem { id: number; cityCode: string; address: string; availableAt: Date; kind: string; title: string; body: string }

const kindTitles: Record<string, string> = {
  todo: '待办', warning: '预警', supervision: '督办', report_ready: '报告', assessment: '考核',
  emergency: '紧急', meeting: '会商', hard_case: '疑难',
}

interface GatewayPayload { schema: 'gridgov.inbox/1'; to: string; content: string }

/** Queues the gateway copies of inbox rows in the caller's transaction (nothing when unconfigured). */
export async function queueGatewayMessages(trx: Knex | Knex.Transaction, items: GatewayItem[], env: NodeJS.ProcessEnv = process.env): Promise<void> {
  if (!items.length) return
  const cfg = gatewayConfig(env)
  if (!cfg.GRIDGOV_INBOX_GATEWAY_URL) return
  // the platform row follows the configuration; actions '{}' keep event changes away from it
  await trx.raw(`INSERT INTO integration_platform (code, name, city_code, adapter, endpoint, secret, actions, enabled)
    VALUES (?, '消息网关', ?, 'im', ?, ?, '{}', true)
    ON CONFLICT (code) DO UPDATE SET adapter = 'im', endpoint = EXCLUDED.endpoint, secret = EXCLUDED.secret, actions = '{}', enabled = true`,
  [GATEWAY_PLATFORM, items[0]!.cityCode, cfg.GRIDGOV_INBOX_GATEWAY_URL, cfg.GRIDGOV_INBOX_GATEWAY_SECRET ?? null])
  await trx('outbox').insert(items.map((i) => {
    const payload: GatewayPayload = { schema: 'gridgov.inbox/1', to: i.address, content: messageText(i) }
    return { city_code: i.cityCode, topic: 'inbox', key: `inbox:${i.id}`, payload: JSON.stringify(payload), platform_code: GATEWAY_PLATFORM, available_at: i.availableAt }
  }))
}

/** The text a phone shows: 【kind】title, then the body (IM messages are short: 500 characters). */
export function messageText(i: { kind: string; title: string; body: string }): string {
  const text = `【${kindTitles[i.kind] ?? i.kind}】${i.title}${i.body ? `\n${i.body}` : ''}`
  return [...text].slice(0, 500).join('')
}

/** What the gateway receives (exported for the tests' receiver). */
export function gatewayBody(p: GatewayPayload, key: string): Record<string, unknown> {
  return { msgtype: 'text', text: { content: p.content }, at: { atMobiles: [p.to] }, touser: p.to, msgid: key }
}

const imJudge: Judge = (res, text) => {
  const outcome = classify(res.status)
  if (outcome !== 'delivered') return { outcome, error: httpError(res) }
  let answer: { errcode?: unknown; errmsg?: unknown } = {}
  try {
    answer = JSON.parse(text) as typeof answer
  } catch {
    // a 2xx without JSON: the gateway took it
  }
  if (answer.errcode === undefined || answer.errcode === 0 || answer.errcode === '0') return { outcome, error: null }
  const why = `gateway answered errcode ${String(answer.errcode).slice(0, 20)} ${String(answer.errmsg ?? '').slice(0, 200)}`
  return { outcome: /130101|45009|limit/i.test(why) ? 'retry' : 'rejected', error: why }
}

export const imAdapter: Adapter = {
  async deliver(message, target, stop) {
    const body = JSON.stringify(gatewayBody(message.payload as GatewayPayload, message.key))
    return postJson(target, body, { 'idempotency-key': message.key }, stop, imJudge)
  },
}

registerAdapter('im', imAdapter)
