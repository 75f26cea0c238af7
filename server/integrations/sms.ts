// The SMS adapter: verification codes for the residents' page (server/public/codes.ts) leave
// through the outbox like every third-party delivery (retry, back-off, delivery log), to an SMS
// gateway speaking the Aliyun SendSms-style JSON contract:
//
//   POST <GRIDGOV_SMS_ENDPOINT>  {"PhoneNumbers": "13800138000", "SignName": "…",
//     "TemplateCode": "SMS_…", "TemplateParam": "{\"code\":\"123456\"}", "OutId": "<message key>"}
//   answer 2xx {"Code": "OK", "BizId": "…"}: delivered; a 2xx with another Code is a refusal,
//   retried when it names a flow limit (…LIMIT…), else dead-lettered after the platform's tries.
//
// The outbox row keeps the phone and the code SEALED (AES-GCM, the data keyring, context
// 'outbox.sms'): the readable payload says only the masked phone and the template, so neither
// the outbox, its listing nor a log line shows a code. The adapter opens the seal at send time.
// Configuration (environment, read when a code is sent): GRIDGOV_SMS_ENDPOINT (http(s) URL;
// unset: codes cannot be sent, POST /api/v1/public/codes answers 503), GRIDGOV_SMS_SIGN_NAME,
// GRIDGOV_SMS_TEMPLATE_CODE, GRIDGOV_SMS_SECRET (16-200 characters: the request is signed like
// a webhook, X-Gridgov-Timestamp and X-Gridgov-Signature).
import type { Knex } from 'knex'
import { z } from 'zod'
import { registerAdapter, type Adapter, type DeliveryResult } from './adapters.ts'
import { classify, httpError, postJson, type Judge } from './webhook.ts'
import { dataKeyring } from '../privacy/keyring.ts'
import { maskPhone } from '../privacy/fields.ts'

export const SMS_PLATFORM = 'sms_gateway'
const SEAL_CONTEXT = 'outbox.sms'
const LOG_LIMIT = 1000

const envSchema = z.object({
  GRIDGOV_SMS_ENDPOINT: z.string().max(2000).regex(/^https?:\/\/[^\s]+$/, 'must be an http(s) URL').optional(),
  GRIDGOV_SMS_SIGN_NAME: z.string().min(1).max(30).default('网格化服务'),
  GRIDGOV_SMS_TEMPLATE_CODE: z.string().regex(/^[A-Za-z0-9_]{1,50}$/).default('SMS_VERIFY_CODE'),
  GRIDGOV_SMS_SECRET: z.string().min(16).max(200).optional(),
})
export type SmsConfig = z.output<typeof envSchema>

/** The gateway's settings from the environment (empty = unset); a bad value names its key. */
export function smsConfig(env: NodeJS.ProcessEnv = process.env): SmsConfig {
  const raw = Object.fromEntries(Object.keys(envSchema.shape).filter((k) => env[k]).map((k) => [k, env[k]]))
  const parsed = envSchema.safeParse(raw)
  if (!parsed.success) throw new Error(`invalid SMS configuration: ${parsed.error.issues.map((i) => `${String(i.path[0])}: ${i.message}`).join('; ')}`)
  return parsed.data
}

interface SmsPayload { schema: 'gridgov.sms/1'; to: string; signName: string; templateCode: string; sealed: string }

/**
 * Queues one code for a phone: the gateway's platform row is brought in line with the
 * configuration (its actions '{}' keep event changes away from it), then one outbox row.
 * Runs in the caller's transaction so the code row and its message are written together.
 */
export async function queueSms(trx: Knex | Knex.Transaction, cfg: SmsConfig & { GRIDGOV_SMS_ENDPOINT: string },
  msg: { phone: string; code: string; key: string; cityCode: string }): Promise<void> {
  await trx.raw(`INSERT INTO integration_platform (code, name, city_code, adapter, endpoint, secret, actions, enabled)
    VALUES (?, '短信网关', ?, 'sms', ?, ?, '{}', true)
    ON CONFLICT (code) DO UPDATE SET adapter = 'sms', endpoint = EXCLUDED.endpoint, secret = EXCLUDED.secret, actions = '{}', enabled = true`,
  [SMS_PLATFORM, msg.cityCode, cfg.GRIDGOV_SMS_ENDPOINT, cfg.GRIDGOV_SMS_SECRET ?? null])
  const payload: SmsPayload = {
    schema: 'gridgov.sms/1', to: maskPhone(msg.phone), signName: cfg.GRIDGOV_SMS_SIGN_NAME, templateCode: cfg.GRIDGOV_SMS_TEMPLATE_CODE,
    sealed: dataKeyring().encrypt(JSON.stringify({ phone: msg.phone, code: msg.code }), SEAL_CONTEXT),
  }
  await trx('outbox').insert({ city_code: msg.cityCode, topic: 'sms', key: msg.key, payload: JSON.stringify(payload), platform_code: SMS_PLATFORM })
}

/** What the gateway receives (exported for the tests' receiver). */
export function gatewayBody(p: SmsPayload, key: string): Record<string, string> {
  const { phone, code } = JSON.parse(dataKeyring().decrypt(p.sealed, SEAL_CONTEXT)) as { phone: string; code: string }
  return { PhoneNumbers: phone, SignName: p.signName, TemplateCode: p.templateCode, TemplateParam: JSON.stringify({ code }), OutId: key }
}

/** A 2xx whose Code is not OK is a refusal: retried when it names a flow limit. */
const smsJudge: Judge = (res, text) => {
  const outcome = classify(res.status)
  if (outcome !== 'delivered') return { outcome, error: httpError(res) }
  const code = gatewayCode(text)
  if (code === 'OK') return { outcome, error: null }
  return { outcome: /LIMIT|THROTTL|BUSY/i.test(code) ? 'retry' : 'rejected', error: `gateway answered Code ${code.slice(0, 100)}` }
}

export const smsAdapter: Adapter = {
  async deliver(message, target, stop): Promise<DeliveryResult> {
    let body: string
    try {
      body = JSON.stringify(gatewayBody(message.payload as SmsPayload, message.key))
    } catch (err) {
      // sealed with a key this instance lacks, or not an SMS payload: nothing a retry mends soon
      return { outcome: 'rejected', statusCode: null, response: null, error: `unreadable SMS message: ${(err as Error).message}`.slice(0, LOG_LIMIT), retryAfterMs: null, durationMs: 0 }
    }
    return postJson(target, body, { 'idempotency-key': message.key }, stop, smsJudge)
  },
}

/** The gateway's Code member ('' when the answer is not such JSON). */
function gatewayCode(text: string): string {
  try {
    const v = JSON.parse(text) as { Code?: unknown }
    return typeof v.Code === 'string' ? v.Code : ''
  } catch {
    return ''
  }
}

registerAdapter('sms', smsAdapter)
