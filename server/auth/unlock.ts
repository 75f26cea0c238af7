// POST /api/v1/auth/unlock {username?, address?}: the command centre ends a sign-in lock at once
// (a lockout is also a denial of service: a guesser can lock a real user out on purpose). It
// clears the failures counted against the name (an account of the caller's city) and/or the
// client address, so the next sign-in is judged afresh. The lock of an address is cleared in
// both spellings a dual-stack server sees (a.b.c.d and ::ffff:a.b.c.d). The access audit gets the
// request's own row naming what was unlocked (resource 'login_throttle', id account:<name> and/or
// address:<ip>), written in the same transaction: an unlock that could not be recorded did not happen.
import net from 'node:net'
import type Router from '@koa/router'
import { z } from 'zod'
import type { AppContext } from '../context.ts'
import { notFound } from '../http/errors.ts'
import { principalOf, requireRole } from '../http/auth.ts'
import { validate } from '../http/validate.ts'
import { registerMessages } from '../http/messages/registry.ts'
import { accountKey, addressKey } from './throttle.ts'
import { KEY_ADMINS } from './apiKeys.ts'
import { writeAuditRows } from '../audit/write.ts'
import type { AuditScope } from '../audit/scope.ts'

registerMessages('zh', {
  'auth.unlock_unknown_user': '本市没有用户 {username}',
})

const unlockBody = z.object({
  username: z.string().min(2).max(64).regex(/^[A-Za-z0-9_.-]+$/, 'must be a login name').optional(),
  address: z.string().max(45).refine((a) => net.isIP(a) !== 0, 'must be an IPv4 or IPv6 address').optional(),
}).strict().refine((b) => b.username !== undefined || b.address !== undefined, { message: 'name a username or an address', path: ['username'] })

/** The address keys a lock of `address` may be stored under. */
function addressKeys(address: string): string[] {
  const spellings = new Set([address, address.toLowerCase()])
  const v4 = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1]
  if (v4) spellings.add(v4)
  if (net.isIPv4(address)) spellings.add(`::ffff:${address}`)
  return [...spellings].map(addressKey)
}

export function unlockRoutes(router: Router, app: AppContext): void {
  router.post('/unlock', requireRole(...KEY_ADMINS), async (ctx) => {
    const p = principalOf(ctx)
    const body = validate(unlockBody, ctx.request.body ?? {})
    if (body.username !== undefined) {
      const user = await app.knex('app_user').where({ username: body.username, city_code: p.cityCode }).first('id')
      if (!user) throw notFound(`no user ${body.username} in your city`).coded('auth.unlock_unknown_user', { username: body.username })
    }
    const what = [body.username !== undefined ? `account:${body.username}` : null, body.address !== undefined ? `address:${body.address}` : null]
      .filter((w): w is string => w !== null).join(' ')
    const { account, address } = await app.knex.transaction(async (trx) => {
      const cleared = {
        account: body.username === undefined ? 0 : await trx('login_throttle').where({ scope: 'account', key_hash: accountKey(body.username) }).delete(),
        address: body.address === undefined ? 0 : await trx('login_throttle').where({ scope: 'address' }).whereIn('key_hash', addressKeys(body.address)).delete(),
      }
      await writeAuditRows(trx, [{
        request_id: String(ctx.state.requestId ?? ''), user_id: p.userId, username: p.username, role: p.role, principal_kind: p.kind,
        client_address: ctx.ip || null, method: ctx.method, path: ctx.path, action: 'update', resource_type: 'login_throttle',
        resource_id: what, record_id: null, community_code: null, personal: false, fields: [], status: 200, city_code: p.cityCode, reason: null,
      }])
      return cleared
    })
    const scope = ctx.state.audit as AuditScope | undefined
    if (scope) scope.recorded = true // the middleware writes no second row for this request
    ctx.set('Cache-Control', 'no-store')
    ctx.body = { username: body.username ?? null, address: body.address ?? null, cleared: { account, address } }
  })
}
