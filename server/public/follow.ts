// Follow tokens (跟踪凭证): random 32 bytes (base64url), only their SHA-256 kept, bound to one
// event number, valid 30 days. A wrong, expired or foreign token is one 401 (no hint which).
import crypto from 'node:crypto'
import type { Knex } from 'knex'
import { AppError } from '../http/errors.ts'

export const FOLLOW_DAYS = 30
const TOKEN = /^[A-Za-z0-9_-]{43}$/

const hashOf = (token: string) => crypto.createHash('sha256').update(token).digest('hex')

export async function issueFollowToken(trx: Knex | Knex.Transaction, number: string): Promise<string> {
  const token = crypto.randomBytes(32).toString('base64url')
  await trx('public_follow').insert({ token_hash: hashOf(token), event_number: number, expires_at: new Date(Date.now() + FOLLOW_DAYS * 86_400_000) })
  return token
}

export const tokenInvalid = (number: string) => new AppError(401, 'unauthorized', `the follow token is wrong or expired for ${number}: ask for a code again`, { number })
  .coded('public.follow_token_invalid', { number })

/** Throws 401 unless the token is live and bound to this number. */
export async function assertFollowToken(knex: Knex, number: string, token: string | undefined): Promise<void> {
  if (!token || !TOKEN.test(token)) throw tokenInvalid(number)
  const row = await knex('public_follow').where({ token_hash: hashOf(token), event_number: number }).where('expires_at', '>', new Date()).first('event_number')
  if (!row) throw tokenInvalid(number)
}
