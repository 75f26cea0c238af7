// Throttling of the residents' endpoints with the sign-in throttle's counters (login_throttle,
// auth/throttle_fail.sql: one atomic upsert per count, kept in the database so every instance
// counts the same). Scopes: codes sent per phone and per address; wrong codes per phone, per
// event number and per address. A lock is a 429 with Retry-After, coded public.throttled.
import crypto from 'node:crypto'
import type { Context } from 'koa'
import type { Knex } from 'knex'
import { AppError } from '../http/errors.ts'
import { sqlFile } from '../db/sql.ts'

export type PublicScope = 'sms_phone' | 'sms_address' | 'code_phone' | 'code_number' | 'code_address'

export interface PublicThrottlePolicy { max: number; windowSeconds: number; lockSeconds: number }

/** Codes: 5 an hour per phone, 20 per address; wrong codes: 20 an hour per phone, number or address. */
export const PUBLIC_THROTTLE: Record<PublicScope, PublicThrottlePolicy> = {
  sms_phone: { max: 5, windowSeconds: 3600, lockSeconds: 3600 },
  sms_address: { max: 20, windowSeconds: 3600, lockSeconds: 3600 },
  code_phone: { max: 20, windowSeconds: 3600, lockSeconds: 3600 },
  code_number: { max: 20, windowSeconds: 3600, lockSeconds: 3600 },
  code_address: { max: 20, windowSeconds: 3600, lockSeconds: 3600 },
}

const keyOf = (scope: PublicScope, value: string) => crypto.createHash('sha256').update(`${scope}:${value}`).digest('hex')

export type Keyed = [PublicScope, string][]

/** Throws 429 with Retry-After while any of the keys is locked. */
export async function assertOpen(knex: Knex, ctx: Context, keyed: Keyed): Promise<void> {
  const { rows } = await knex.raw(sqlFile('public/throttle_locked'), {
    scopes: keyed.map(([s]) => s), keys: keyed.map(([s, v]) => keyOf(s, v)),
  }) as { rows: { scope: PublicScope; retry_after: number }[] }
  const lock = rows[0]
  if (!lock) return
  throw throttled(ctx, lock.scope, Number(lock.retry_after))
}

export function throttled(ctx: Context, scope: string, seconds: number): AppError {
  const retryAfter = Math.max(1, seconds)
  ctx.set('Retry-After', String(retryAfter))
  return new AppError(429, 'too_many_requests', `too many requests (${scope}): try again in ${retryAfter} s`, { retryAfter, scope })
    .coded('public.throttled', { scope, retryAfter })
}

/** Counts one occurrence for each key (a code sent, a wrong code). */
export async function count(knex: Knex, keyed: Keyed): Promise<void> {
  for (const [scope, value] of keyed) {
    const p = PUBLIC_THROTTLE[scope]
    await knex.raw(sqlFile('auth/throttle_fail'), { scope, key: keyOf(scope, value), window_seconds: p.windowSeconds,
      lock_seconds: p.lockSeconds, max_failures: p.max })
  }
}
