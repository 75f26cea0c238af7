// Login throttling and lockout, per account and per client address, kept in the database so that
// every instance behind the proxy counts the same failures (login_throttle, migration 0030).
// Used by POST /api/v1/auth/login and by HTTP Basic (server/http/auth.ts): both verify a password,
// so both can be used to guess one. The account key is the login name whether or not such an
// account exists, and a lock is answered the same way for both: a 429 never tells which names are real.
import crypto from 'node:crypto'
import type { Context } from 'koa'
import type { Knex } from 'knex'
import { AppError } from '../http/errors.ts'
import { sqlFile } from '../db/sql.ts'
import { registerMessages } from '../http/messages/registry.ts'
import { trustedNetworks, type TrustedNetworks } from './networks.ts'

export interface LoginThrottlePolicy {
  /** failures of one account within the window that lock it */
  accountMaxFailures: number
  /** failures from one client address within the window that lock it (many accounts, one guesser) */
  addressMaxFailures: number
  windowSeconds: number
  lockSeconds: number
  /** CIDR blocks of the city's own networks: not counted per address (server/auth/networks.ts) */
  trustedNetworks?: readonly string[] | undefined
}

/** 5 wrong passwords for one name, or 50 from one address, within 15 minutes lock for 15 minutes. */
export const defaultLoginThrottle: LoginThrottlePolicy = {
  accountMaxFailures: 5, addressMaxFailures: 50, windowSeconds: 900, lockSeconds: 900,
}

registerMessages('zh', {
  'auth.too_many_failures': (p) => p.scope === 'address'
    ? `此地址登录失败次数过多，请 ${String(p.retryAfter)} 秒后再试`
    : `该账号登录失败次数过多，已暂时锁定，请 ${String(p.retryAfter)} 秒后再试`,
})

const keyHash = (s: string) => crypto.createHash('sha256').update(s).digest('hex')
// NFC + lower case: 'Street1' and 'street1' are one account to a guesser
export const accountKey = (username: string) => keyHash(`account:${username.normalize('NFC').toLowerCase()}`)
export const addressKey = (address: string) => keyHash(`address:${address}`)

export class LoginThrottle {
  readonly policy: LoginThrottlePolicy
  private readonly trusted: TrustedNetworks
  constructor(private readonly knex: Knex, policy: Partial<LoginThrottlePolicy> = {}) {
    this.policy = { ...defaultLoginThrottle, ...policy }
    this.trusted = trustedNetworks(this.policy.trustedNetworks ?? [])
  }

  /** address undefined: a trusted network's address, neither counted nor locked. */
  private keys(username: string, address: string): { account: string; address: string | undefined } {
    return { account: accountKey(username), address: this.trusted.has(address) ? undefined : addressKey(address) }
  }

  /** Throws 429 with Retry-After (seconds) while the account or the address is locked. */
  async assertOpen(ctx: Context, username: string): Promise<void> {
    const { account, address } = this.keys(username, ctx.ip)
    // '' matches no row (key_hash is 64 hex digits): a trusted address is never locked
    const rows = (await this.knex.raw(sqlFile('auth/throttle_locked'), { account, address: address ?? '' })).rows as { scope: string; retry_after: number }[]
    const lock = rows[0]
    if (!lock) return
    const retryAfter = Math.max(1, Number(lock.retry_after))
    ctx.set('Retry-After', String(retryAfter))
    const what = lock.scope === 'address' ? 'this address' : 'this account'
    throw new AppError(429, 'too_many_requests', `too many failed sign-ins for ${what}: try again in ${retryAfter} s`, { retryAfter })
      .coded('auth.too_many_failures', { scope: lock.scope, retryAfter })
  }

  /** Counts a failed sign-in against the account name and the address. */
  async failed(ctx: Context, username: string): Promise<void> {
    const { account, address } = this.keys(username, ctx.ip)
    const p = this.policy
    const common = { window_seconds: p.windowSeconds, lock_seconds: p.lockSeconds }
    await this.knex.raw(sqlFile('auth/throttle_fail'), { ...common, scope: 'account', key: account, max_failures: p.accountMaxFailures })
    if (address) await this.knex.raw(sqlFile('auth/throttle_fail'), { ...common, scope: 'address', key: address, max_failures: p.addressMaxFailures })
  }

  /** A success: the account's count starts again. */
  async succeeded(ctx: Context, username: string): Promise<void> {
    await this.knex.raw(sqlFile('auth/throttle_reset'), { account: this.keys(username, ctx.ip).account })
  }
}

const byKnex = new WeakMap<Knex, LoginThrottle>()
/** One throttle per database handle and policy (the app builds it once; tests may build their own). */
export function loginThrottleFor(knex: Knex, policy?: Partial<LoginThrottlePolicy>): LoginThrottle {
  if (policy) return new LoginThrottle(knex, policy)
  let t = byKnex.get(knex)
  if (!t) byKnex.set(knex, t = new LoginThrottle(knex))
  return t
}
