// Resolves the caller (bearer token, API key, or anonymous) and guards routes by role.
import type { Context, Next } from 'koa'
import type { Knex } from 'knex'
import { AppError, forbidden, unauthorized } from './errors.ts'
import { anonymous, findUserByApiKey, findUserById, toPrincipal, type Principal } from '../auth/users.ts'
import type { TokenService } from '../auth/tokens.ts'
import { userIdFromBasic } from '../auth/basic.ts'
import { sessionIdle, useSession, DEFAULT_SESSION_IDLE_MINUTES } from '../auth/sessions.ts'
import { keyPrincipal } from '../auth/grants.ts'
import { loginThrottleFor, type LoginThrottle, type LoginThrottlePolicy } from '../auth/throttle.ts'
import type { Role } from '../auth/roles.ts'

/** sessionIdleMinutes: SESSION_IDLE_MINUTES; trustedNetworks: TRUSTED_NETWORKS (server/config.ts). */
export interface AuthOptions { sessionIdleMinutes?: number | undefined; trustedNetworks?: readonly string[] | undefined }

export function authenticate(knex: Knex, tokens: TokenService, throttlePolicy?: Partial<LoginThrottlePolicy>, opts: AuthOptions = {}) {
  const throttle = loginThrottleFor(knex, { ...throttlePolicy, trustedNetworks: opts.trustedNetworks ?? [] })
  const idleMinutes = opts.sessionIdleMinutes ?? DEFAULT_SESSION_IDLE_MINUTES
  return async (ctx: Context, next: Next) => {
    ctx.state.principal = await resolvePrincipal(ctx, knex, tokens, throttle, idleMinutes)
    await next()
  }
}

async function resolvePrincipal(ctx: Context, knex: Knex, tokens: TokenService, throttle: LoginThrottle, idleMinutes: number): Promise<Principal> {
  const header = ctx.get('authorization')
  const apiKey = ctx.get('x-api-key') || (/^ApiKey\s+(.+)$/i.exec(header)?.[1] ?? '')
  if (apiKey) {
    const row = await findUserByApiKey(knex, apiKey.trim())
    if (!row || row.disabled) throw new AppError(401, 'unauthorized', 'unknown, revoked or expired API key').coded('auth.invalid_api_key')
    return keyPrincipal(ctx, row)
  }
  if (!header) return anonymous
  const basic = /^Basic\s+([A-Za-z0-9+/=]{4,1024})$/i.exec(header)?.[1]
  if (basic) {
    const userId = await userIdFromBasic(knex, basic, ctx, throttle)
    const row = userId === undefined ? undefined : await findUserById(knex, userId)
    if (!row || row.disabled) throw new AppError(401, 'unauthorized', 'wrong username or password').coded('auth.invalid_credentials')
    return toPrincipal(row, 'user')
  }
  const bearer = /^Bearer\s+([A-Za-z0-9._-]{10,4096})$/i.exec(header)?.[1]
  if (!bearer) throw new AppError(401, 'unauthorized', 'Authorization header must be "Bearer <token>", "Basic <credentials>" or "ApiKey <key>"').coded('auth.bad_authorization')
  const { userId, issuedAt, sessionId } = await tokens.verify(bearer)
  // the session and the user of every bearer request in one statement (useSession); a token of a
  // session that logged out (or whose refresh token was reused) is refused, and one of a session
  // unused for idleMinutes has timed out (the same statement records this use)
  // X-Background-Request: 1 — the page's own timers (polls, reconnects) are checked but are no use
  const isUse = ctx.get('x-background-request') !== '1'
  const { state, user: row } = sessionId === undefined
    ? { state: 'alive', user: await findUserById(knex, userId) }
    : await useSession(knex, sessionId, userId, idleMinutes, isUse)
  if (state === 'idle') throw sessionIdle(idleMinutes)
  if (state !== 'alive') throw new AppError(401, 'unauthorized', 'token revoked (logged out or password changed)').coded('auth.token_revoked')
  ctx.state.sessionId = sessionId
  if (!row || row.disabled) throw new AppError(401, 'unauthorized', 'the user of this token no longer exists or is disabled').coded('auth.user_disabled')
  // JWT iat has 1 s resolution: a token issued in the same second as a revocation is refused too.
  if (issuedAt.getTime() < Math.ceil(row.tokens_valid_after.getTime() / 1000) * 1000) {
    throw new AppError(401, 'unauthorized', 'token revoked (logged out or password changed)').coded('auth.token_revoked')
  }
  return toPrincipal(row, 'user')
}

export function principalOf(ctx: Context): Principal {
  return (ctx.state.principal as Principal | undefined) ?? anonymous
}

/** Route guard: the caller must be signed in with one of the roles. */
export function requireRole(...allowed: Role[]) {
  return async (ctx: Context, next: Next) => {
    const p = principalOf(ctx)
    if (p.kind === 'anonymous') throw unauthorized()
    if (allowed.length && !allowed.includes(p.role)) {
      throw forbidden(`role ${p.role} may not ${ctx.method} ${ctx.path}`).coded('auth.role_forbidden', { role: p.role })
    }
    await next()
  }
}
