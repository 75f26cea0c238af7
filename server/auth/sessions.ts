// Sign-in sessions with rotating refresh tokens (auth_session, refresh_token: migration 0030).
// A login opens a session: a short-lived access token (JWT, claim sid) and a refresh token.
// POST /api/v1/auth/refresh spends the refresh token once for a new pair; presenting a spent one
// again means two parties hold it, so the whole session (the family) is revoked. Logout revokes
// the session; logout everywhere revokes every session and every token of the user.
import crypto from 'node:crypto'
import type { Knex } from 'knex'
import { AppError } from '../http/errors.ts'
import { sqlFile } from '../db/sql.ts'
import type { TokenService } from './tokens.ts'

/** How long a refresh token may wait unused: a session idle this long ends (等保 idle timeout). */
export const REFRESH_TTL_SECONDS = 12 * 3600

export interface SessionTokens { token: string; expiresAt: Date; refreshToken: string; refreshExpiresAt: Date; sessionId: string }

const sha256 = (s: string) => crypto.createHash('sha256').update(s).digest('hex')
const REFRESH_FORMAT = /^[A-Za-z0-9_-]{43}$/

async function issuePair(knex: Knex, tokens: TokenService, userId: number, sessionId: string): Promise<SessionTokens> {
  const refreshToken = crypto.randomBytes(32).toString('base64url')
  const refreshExpiresAt = new Date(Date.now() + REFRESH_TTL_SECONDS * 1000)
  await knex('refresh_token').insert({ token_hash: sha256(refreshToken), session_id: sessionId, expires_at: refreshExpiresAt })
  const { token, expiresAt } = await tokens.issue(userId, sessionId)
  return { token, expiresAt, refreshToken, refreshExpiresAt, sessionId }
}

export async function openSession(knex: Knex, tokens: TokenService, userId: number): Promise<SessionTokens> {
  const sessionId = crypto.randomUUID()
  await knex('auth_session').insert({ id: sessionId, user_id: userId })
  return issuePair(knex, tokens, userId, sessionId)
}

const refused = (detail: string) => new AppError(401, 'unauthorized', detail)

/** Spends a refresh token for a new pair; a spent one revokes its session. */
export async function refreshSession(knex: Knex, tokens: TokenService, presented: string): Promise<{ pair: SessionTokens; userId: number }> {
  if (!REFRESH_FORMAT.test(presented)) throw refused('invalid refresh token').coded('auth.invalid_refresh')
  const hash = sha256(presented)
  const rows = (await knex.raw(sqlFile('auth/refresh_rotate'), { hash })).rows as { session_id: string; user_id: string | number }[]
  const hit = rows[0]
  if (!hit) {
    const spent = await knex('refresh_token').where({ token_hash: hash }).whereNotNull('used_at').first('session_id')
    if (spent) {
      await revokeSession(knex, String(spent.session_id), 'refresh_reuse')
      throw refused('refresh token already used: the session is revoked, sign in again').coded('auth.refresh_reused')
    }
    throw refused('invalid, expired or revoked refresh token').coded('auth.invalid_refresh')
  }
  const userId = Number(hit.user_id)
  return { pair: await issuePair(knex, tokens, userId, String(hit.session_id)), userId }
}

export async function revokeSession(knex: Knex, sessionId: string, reason: 'logout' | 'refresh_reuse'): Promise<void> {
  await knex('auth_session').where({ id: sessionId }).whereNull('revoked_at').update({ revoked_at: knex.fn.now(), revoke_reason: reason })
}

/** Every session and every access token of the user issued until now. */
export async function revokeAllOfUser(knex: Knex, userId: number): Promise<void> {
  await knex.transaction(async (trx) => {
    await trx('app_user').where({ id: userId }).update({ tokens_valid_after: trx.fn.now() })
    await trx('auth_session').where({ user_id: userId }).whereNull('revoked_at').update({ revoked_at: trx.fn.now(), revoke_reason: 'logout_all' })
  })
}

/** True while the session exists and is not revoked. */
export async function sessionAlive(knex: Knex, sessionId: string): Promise<boolean> {
  const row = await knex('auth_session').where({ id: sessionId }).first('revoked_at')
  return row !== undefined && row.revoked_at === null
}
