// HTTP Basic credentials, for desktop GIS clients (QGIS, GDAL, OWSLib) that cannot obtain a
// bearer token. A verified credential is remembered briefly (by its SHA-256, never in clear)
// so that a map session's hundreds of tile and GetMap requests do not each pay for scrypt.
import crypto from 'node:crypto'
import type { Context } from 'koa'
import type { Knex } from 'knex'
import { verifyPassword } from './passwords.ts'
import { findUserByName } from './users.ts'
import type { LoginThrottle } from './throttle.ts'

const TTL_MS = 60_000
const MAX_ENTRIES = 1000
const verified = new Map<string, { userId: number; until: number }>()

/**
 * The user id for a Basic header value (base64 of user:password), or undefined. A password is
 * verified under the same throttle as the login form (429 while locked), so Basic cannot be used
 * to guess one; a credential verified a moment ago (the cache) is not a guess.
 */
export async function userIdFromBasic(knex: Knex, encoded: string, ctx: Context, throttle: LoginThrottle): Promise<number | undefined> {
  const digest = crypto.createHash('sha256').update(encoded).digest('hex')
  const hit = verified.get(digest)
  if (hit && hit.until > Date.now()) return hit.userId
  const decoded = Buffer.from(encoded, 'base64').toString('utf8')
  const colon = decoded.indexOf(':')
  if (colon < 1) return undefined
  const username = decoded.slice(0, colon)
  await throttle.assertOpen(ctx, username)
  const row = await findUserByName(knex, username)
  if (!(await verifyPassword(decoded.slice(colon + 1), row?.password_hash)) || !row) {
    await throttle.failed(ctx, username)
    return undefined
  }
  await throttle.succeeded(ctx, username)
  if (verified.size >= MAX_ENTRIES) verified.delete(verified.keys().next().value!)
  verified.set(digest, { userId: row.id, until: Date.now() + TTL_MS })
  return row.id
}

/** Drops this instance's remembered credentials of a user (after a password change; other instances forget within TTL_MS). */
export function forgetBasicUser(userId: number): void {
  for (const [digest, hit] of verified) if (hit.userId === userId) verified.delete(digest)
}
