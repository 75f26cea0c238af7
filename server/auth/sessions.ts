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
import type { UserRow } from './users.ts'

/** How long a refresh token may wait unused (the session's idle timeout, below, ends it sooner). */
export const REFRESH_TTL_SECONDS = 12 * 3600
/** 等保 idle timeout: a session unused this long ends (config SESSION_IDLE_MINUTES). */
export const DEFAULT_SESSION_IDLE_MINUTES = 30
/** A session's last use is written at most this often: one write a minute, not one per tile. */
const TOUCH_SECONDS = 60

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

/** The 401 of a session that timed out (idle), for a request and for a refresh alike. */
export const sessionIdle = (minutes: number) =>
  refused(`session timed out after ${minutes} minutes without use: sign in again`).coded('auth.session_idle', { minutes })

/** Spends a refresh token for a new pair; a spent one revokes its session; an idle session has ended. */
export async function refreshSession(knex: Knex, tokens: TokenService, presented: string,
  idleMinutes = DEFAULT_SESSION_IDLE_MINUTES): Promise<{ pair: SessionTokens; userId: number }> {
  if (!REFRESH_FORMAT.test(presented)) throw refused('invalid refresh token').coded('auth.invalid_refresh')
  const hash = sha256(presented)
  const rows = (await knex.raw(sqlFile('auth/refresh_rotate'), { hash, idle_seconds: idleMinutes * 60 })).rows as { session_id: string; user_id: string | number }[]
  const hit = rows[0]
  if (!hit) {
    const known = await knex('refresh_token as r').join('auth_session as s', 's.id', 'r.session_id').where('r.token_hash', hash)
      .first('r.session_id', 'r.used_at', 's.revoked_at', 's.revoke_reason',
        knex.raw('s.last_used_at <= now() - CAST(? AS integer) * interval \'1 second\' AS idle', [idleMinutes * 60]))
    if (known?.used_at) {
      await revokeSession(knex, String(known.session_id), 'refresh_reuse')
      throw refused('refresh token already used: the session is revoked, sign in again').coded('auth.refresh_reused')
    }
    if (known && (known.revoke_reason === 'idle' || (known.revoked_at === null && known.idle))) {
      await revokeSession(knex, String(known.session_id), 'idle')
      throw sessionIdle(idleMinutes)
    }
    throw refused('invalid, expired or revoked refresh token').coded('auth.invalid_refresh')
  }
  const userId = Number(hit.user_id)
  return { pair: await issuePair(knex, tokens, userId, String(hit.session_id)), userId }
}

export async function revokeSession(knex: Knex, sessionId: string, reason: 'logout' | 'refresh_reuse' | 'idle'): Promise<void> {
  await knex('auth_session').where({ id: sessionId }).whereNull('revoked_at').update({ revoked_at: knex.fn.now(), revoke_reason: reason })
}

/** Every session and every access token of the user issued until now. */
export async function revokeAllOfUser(knex: Knex, userId: number): Promise<void> {
  await knex.transaction(async (trx) => {
    await trx('app_user').where({ id: userId }).update({ tokens_valid_after: trx.fn.now() })
    await trx('auth_session').where({ user_id: userId }).whereNull('revoked_at').update({ revoked_at: trx.fn.now(), revoke_reason: 'logout_all' })
  })
}

/**
 * A bearer request of the session (isUse false: the client says no person asked for it, a page's
 * timer: checked, but it does not keep the session alive) and its user, in one statement: the
 * session is 'alive' (its last use moved to now, at most once a minute), 'revoked' (logged out,
 * refresh reuse, unknown) or 'idle' (unused for idleMinutes: revoked now, for good); the user is
 * undefined when it no longer exists. One round trip per request for both.
 */
export async function useSession(knex: Knex, sessionId: string, userId: number, idleMinutes = DEFAULT_SESSION_IDLE_MINUTES,
  isUse = true): Promise<{ state: 'alive' | 'revoked' | 'idle'; user: UserRow | undefined }> {
  const rows = (await knex.raw(sqlFile('auth/bearer_principal'), { id: sessionId, user_id: userId, idle_seconds: idleMinutes * 60,
    touch_seconds: TOUCH_SECONDS, touch: isUse })).rows as (UserRow & { session_found: boolean; revoked: boolean; revoke_reason: string | null; idle: boolean | null })[]
  const { session_found: found, revoked, revoke_reason: reason, idle, ...rest } = rows[0]!
  const user = rest.id === null ? undefined : rest as UserRow
  if (reason === 'idle') return { state: 'idle', user }
  if (!found || revoked) return { state: 'revoked', user }
  if (!idle) return { state: 'alive', user }
  await revokeSession(knex, sessionId, 'idle')
  return { state: 'idle', user }
}
