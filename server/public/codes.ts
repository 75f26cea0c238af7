// Verification codes (验证码) for the residents' page: 6 digits, sent by SMS through the outbox
// (server/integrations/sms.ts), kept only as a keyed hash (HMAC with the data keyring's index
// key, so a copy of the table does not give the codes away), valid 5 minutes, single use, dead
// after MAX_TRIES wrong tries. A 'follow' code is sent only when the number's reporter phone
// matches, yet the answer and the counting are the same either way: nobody learns from this
// endpoint whether a number exists or whose it is.
import crypto from 'node:crypto'
import type { Context } from 'koa'
import type { Knex } from 'knex'
import { AppError } from '../http/errors.ts'
import { dataKeyring } from '../privacy/keyring.ts'
import { queueSms, smsConfig } from '../integrations/sms.ts'
import { numberDay } from '../events/store.ts'
import { assertOpen, count, throttled, type Keyed } from './throttle.ts'

export const CODE_TTL_SECONDS = 300
export const RESEND_AFTER_SECONDS = 60
export const MAX_TRIES = 5

export type Purpose = 'report' | 'follow'

export const phoneHash = (phone: string) => dataKeyring().blindIndex(phone, 'public_code.phone')
const codeHash = (phone: string, code: string) => dataKeyring().blindIndex(`${phone}:${code}`, 'public_code.code')

/** The event's reporter phone, if the number names an event (its partition by the number's day). */
export async function reporterPhoneOf(knex: Knex, number: string): Promise<{ phone: string | null; city: string } | undefined> {
  const day = numberDay(number)
  if (!day) return undefined
  const row = await knex('event').where('number', number).where('created_at', '>=', day.dayStart).where('created_at', '<', day.dayEnd)
    .first('reporter_phone', 'city_code')
  return row ? { phone: row.reporter_phone, city: row.city_code } : undefined
}

async function deploymentCity(knex: Knex): Promise<string> {
  const row = await knex('admin_division').where('level', 'city').orderBy('code').first('code')
  if (!row) throw new AppError(503, 'service_unavailable', 'no city is loaded: codes cannot be sent').coded('public.sms_unavailable')
  return String(row.code).slice(0, 6)
}

/** POST /codes: throttles, records the code and queues its SMS in one transaction. */
export async function issueCode(knex: Knex, ctx: Context, req: { phone: string; purpose: Purpose; number?: string | undefined }): Promise<void> {
  const cfg = smsConfig()
  const endpoint = cfg.GRIDGOV_SMS_ENDPOINT
  if (!endpoint) throw new AppError(503, 'service_unavailable', 'SMS is not configured (GRIDGOV_SMS_ENDPOINT): codes cannot be sent').coded('public.sms_unavailable')
  const keyed: Keyed = [['sms_phone', req.phone], ['sms_address', ctx.ip]]
  await assertOpen(knex, ctx, keyed)
  const ph = phoneHash(req.phone)
  const last = await knex('public_code').where('phone_hash', ph).orderBy('created_at', 'desc').first('created_at')
  if (last) {
    const wait = RESEND_AFTER_SECONDS - Math.floor((Date.now() - new Date(last.created_at).getTime()) / 1000)
    if (wait > 0) throw throttled(ctx, 'resend', wait)
  }
  await count(knex, keyed)
  // this phone's codes of earlier days are of no use any more (indexed by phone_hash)
  await knex('public_code').where('phone_hash', ph).where('expires_at', '<', new Date(Date.now() - 86_400_000)).delete()
  let send = true
  let city: string
  if (req.purpose === 'follow') {
    const e = await reporterPhoneOf(knex, req.number!)
    send = e !== undefined && e.phone === req.phone
    city = e?.city ?? await deploymentCity(knex)
  } else {
    city = await deploymentCity(knex)
  }
  const code = String(crypto.randomInt(0, 1_000_000)).padStart(6, '0')
  await knex.transaction(async (trx) => {
    // a code row even when nothing is sent (its hash matches no code anybody knows): the resend
    // interval then answers alike for numbers that exist and numbers that do not
    const [row] = await trx('public_code').insert({
      phone_hash: ph, purpose: req.purpose, number: req.number ?? null,
      code_hash: send ? codeHash(req.phone, code) : crypto.randomBytes(32).toString('hex'),
      expires_at: new Date(Date.now() + CODE_TTL_SECONDS * 1000),
    }).returning('id')
    if (send) await queueSms(trx, { ...cfg, GRIDGOV_SMS_ENDPOINT: endpoint }, { phone: req.phone, code, key: `code:${Number(row.id)}`, cityCode: city })
  })
}

const wrongCode = () => new AppError(400, 'validation_failed', 'invalid request body: code: wrong or expired verification code',
  { errors: [{ field: 'code', message: 'wrong or expired verification code' }] }).coded('public.code_invalid')

/**
 * Checks a code without using it up (the caller consumes it with the write it authorises). A
 * wrong code counts against the phone, the address and (follow) the number; a live code dies
 * after MAX_TRIES wrong tries.
 */
export async function checkCode(knex: Knex, ctx: Context, req: { phone: string; code: string; purpose: Purpose; number?: string | undefined }): Promise<number> {
  const keyed: Keyed = [['code_phone', req.phone], ['code_address', ctx.ip]]
  if (req.number) keyed.push(['code_number', req.number])
  await assertOpen(knex, ctx, keyed)
  const live = knex('public_code').where({ phone_hash: phoneHash(req.phone), purpose: req.purpose }).whereNull('used_at')
    .where('expires_at', '>', new Date()).where('attempts', '<', MAX_TRIES)
  if (req.number) live.where('number', req.number)
  const row = await live.orderBy('created_at', 'desc').first('id', 'code_hash')
  const given = codeHash(req.phone, req.code)
  if (row && crypto.timingSafeEqual(Buffer.from(row.code_hash), Buffer.from(given))) return Number(row.id)
  if (row) await knex('public_code').where('id', row.id).increment('attempts', 1)
  await count(knex, keyed)
  throw wrongCode()
}

/** Uses the code up inside the write it authorises; a code used meanwhile is refused. */
export async function consumeCode(trx: Knex | Knex.Transaction, id: number): Promise<void> {
  const n = await trx('public_code').where('id', id).whereNull('used_at').update({ used_at: new Date() })
  if (!n) throw wrongCode()
}
