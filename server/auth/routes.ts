// /api/v1/auth: login (throttled), refresh, who am I (with the role's capabilities), password
// change, logout (this session) and logout everywhere (every session and token of the user).
// HTTP Basic is a password, not a session: logout leaves it working; a password change ends it.
// API keys (issue, list, rotate, revoke) live in ./apiKeys.ts.
import Router from '@koa/router'
import { z } from 'zod'
import type { AppContext } from '../context.ts'
import { AppError } from '../http/errors.ts'
import { principalOf, requireRole } from '../http/auth.ts'
import { validate } from '../http/validate.ts'
import { hashPassword, verifyPassword } from './passwords.ts'
import { findUserById, findUserByName, toPrincipal, type Principal } from './users.ts'
import { loginThrottleFor } from './throttle.ts'
import { DEFAULT_SESSION_IDLE_MINUTES, openSession, refreshSession, revokeAllOfUser, revokeSession, type SessionTokens } from './sessions.ts'
import { checkPasswordPolicy, MAX_PASSWORD_LENGTH } from './passwordPolicy.ts'
import { registerAuthMessages } from './messages.ts'
import { forgetBasicUser } from './basic.ts'
import { apiKeyRoutes } from './apiKeys.ts'
import { unlockRoutes } from './unlock.ts'
import { roleTitles } from './roles.ts'
import { capabilitiesOf } from './capabilities.ts'

const loginBody = z.object({
  username: z.string().min(1).max(64),
  password: z.string().min(1).max(256),
}).strict()
const refreshBody = z.object({ refreshToken: z.string().min(1).max(256) }).strict()
const passwordBody = z.object({
  currentPassword: z.string().min(1).max(MAX_PASSWORD_LENGTH),
  newPassword: z.string().min(1).max(4 * MAX_PASSWORD_LENGTH), // the policy names the length rule
}).strict()

const invalidCredentials = () => new AppError(401, 'invalid_credentials', 'wrong username or password').coded('auth.invalid_credentials')

export function authRoutes(app: AppContext): Router {
  const router = new Router({ prefix: '/api/v1/auth' })

  registerAuthMessages()
  const throttle = loginThrottleFor(app.knex, { ...app.config.loginThrottle, trustedNetworks: app.config.trustedNetworks ?? [] })
  const idleMinutes = app.config.sessionIdleMinutes ?? DEFAULT_SESSION_IDLE_MINUTES

  router.post('/login', async (ctx) => {
    const body = validate(loginBody, ctx.request.body)
    await throttle.assertOpen(ctx, body.username)
    const row = await findUserByName(app.knex, body.username)
    const ok = await verifyPassword(body.password, row?.password_hash)
    if (!row || !ok || row.disabled) {
      await throttle.failed(ctx, body.username)
      throw invalidCredentials()
    }
    await throttle.succeeded(ctx, body.username)
    ctx.body = { ...tokenAnswer(await openSession(app.knex, app.tokens, row.id)), user: describe(toPrincipal(row, 'user')) }
  })

  // A new access token and a new refresh token for a refresh token, which is spent.
  router.post('/refresh', async (ctx) => {
    const body = validate(refreshBody, ctx.request.body)
    const { pair, userId } = await refreshSession(app.knex, app.tokens, body.refreshToken, idleMinutes)
    const row = await findUserById(app.knex, userId)
    if (!row || row.disabled) throw new AppError(401, 'unauthorized', 'the user of this token no longer exists or is disabled').coded('auth.user_disabled')
    ctx.body = { ...tokenAnswer(pair), user: describe(toPrincipal(row, 'user')) }
  })

  router.get('/me', requireRole(), (ctx) => {
    ctx.body = describe(principalOf(ctx))
  })

  // Ends this session: its access and refresh tokens. A token without a session (signed before
  // sessions existed) can only be ended with all of the user's tokens.
  router.post('/logout', requireRole(), async (ctx) => {
    const p = principalOf(ctx)
    const sessionId = ctx.state.sessionId as string | undefined
    if (sessionId) await revokeSession(app.knex, sessionId, 'logout')
    else if (p.kind === 'user' && /^Bearer\s/i.test(ctx.get('authorization'))) await revokeAllOfUser(app.knex, p.userId!)
    ctx.status = 204
  })

  // Ends every session and every token of the user, on every device.
  router.post('/logout-all', requireRole(), async (ctx) => {
    const p = principalOf(ctx)
    if (p.kind !== 'user') throw new AppError(403, 'forbidden', 'an API key has no sessions to end').coded('auth.no_sessions')
    await revokeAllOfUser(app.knex, p.userId!)
    ctx.status = 204
  })

  // Changes the caller's password (the policy applies), then ends every session and token: the
  // old password, hence Basic with it, stops working too.
  router.post('/password', requireRole(), async (ctx) => {
    const p = principalOf(ctx)
    const body = validate(passwordBody, ctx.request.body)
    if (p.kind !== 'user') throw new AppError(403, 'forbidden', 'only a user signed in with a password may change it').coded('auth.password_needs_user')
    const row = await findUserById(app.knex, p.userId!)
    await throttle.assertOpen(ctx, p.username)
    if (!row || !(await verifyPassword(body.currentPassword, row.password_hash))) {
      await throttle.failed(ctx, p.username)
      throw new AppError(400, 'wrong_current_password', 'the current password is wrong', { field: 'currentPassword' }).coded('auth.wrong_current_password')
    }
    checkPasswordPolicy(body.newPassword, row.username)
    await app.knex('app_user').where({ id: row.id }).update({ password_hash: await hashPassword(body.newPassword) })
    await revokeAllOfUser(app.knex, row.id)
    forgetBasicUser(row.id)
    ctx.status = 204
  })

  apiKeyRoutes(router, app)
  unlockRoutes(router, app)
  return router
}

function tokenAnswer(t: SessionTokens) {
  return {
    token: t.token, tokenType: 'Bearer', expiresAt: t.expiresAt.toISOString(),
    refreshToken: t.refreshToken, refreshExpiresAt: t.refreshExpiresAt.toISOString(),
  }
}

function describe(p: Principal) {
  return {
    id: p.userId, username: p.username, displayName: p.displayName, role: p.role, roleTitle: roleTitles[p.role],
    departmentId: p.departmentId, cityCode: p.cityCode, jurisdiction: p.jurisdiction.prefixes, via: p.kind,
    // what the page may offer this role (server/auth/capabilities.ts, from the guards' own role lists)
    capabilities: capabilitiesOf(p.role),
  }
}
