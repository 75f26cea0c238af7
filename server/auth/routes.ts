// /api/v1/auth: login, who am I (with the role's capabilities), logout.
import Router from '@koa/router'
import { z } from 'zod'
import type { AppContext } from '../context.ts'
import { AppError } from '../http/errors.ts'
import { principalOf, requireRole } from '../http/auth.ts'
import { validate } from '../http/validate.ts'
import { verifyPassword } from './passwords.ts'
import { findUserByName, toPrincipal, type Principal } from './users.ts'
import { roleTitles } from './roles.ts'
import { capabilitiesOf } from './capabilities.ts'

const loginBody = z.object({
  username: z.string().min(1).max(64),
  password: z.string().min(1).max(256),
}).strict()

export function authRoutes(app: AppContext): Router {
  const router = new Router({ prefix: '/api/v1/auth' })

  router.post('/login', async (ctx) => {
    const body = validate(loginBody, ctx.request.body)
    const row = await findUserByName(app.knex, body.username)
    const ok = await verifyPassword(body.password, row?.password_hash)
    if (!row || !ok || row.disabled) throw new AppError(401, 'invalid_credentials', 'wrong username or password').coded('auth.invalid_credentials')
    const { token, expiresAt } = await app.tokens.issue(row.id)
    ctx.body = { token, tokenType: 'Bearer', expiresAt: expiresAt.toISOString(), user: describe(toPrincipal(row, 'user')) }
  })

  router.get('/me', requireRole(), (ctx) => {
    ctx.body = describe(principalOf(ctx))
  })

  // Revokes every token of the user issued until now.
  router.post('/logout', requireRole(), async (ctx) => {
    const p = principalOf(ctx)
    await app.knex('app_user').where({ id: p.userId }).update({ tokens_valid_after: app.knex.fn.now() })
    ctx.status = 204
  })

  return router
}

function describe(p: Principal) {
  return {
    id: p.userId, username: p.username, displayName: p.displayName, role: p.role, roleTitle: roleTitles[p.role],
    departmentId: p.departmentId, cityCode: p.cityCode, jurisdiction: p.jurisdiction.prefixes, via: p.kind,
    // what the page may offer this role (server/auth/capabilities.ts, from the guards' own role lists)
    capabilities: capabilitiesOf(p.role),
  }
}
