// Users, their jurisdiction and API keys.
import crypto from 'node:crypto'
import type { Knex } from 'knex'
import { Jurisdiction } from '../db/jurisdiction.ts'
import { hashPassword } from './passwords.ts'
import type { Role } from './roles.ts'
import { API_KEY_SCOPES } from './scopes.ts'

/** What a key issued for an access application may reach (enforced in server/auth/grants.ts). */
export interface KeyGrant {
  /**
   * "GET /api/v1/events/{number}": a method and an OpenAPI path template; "!GET /api/v1/grids/export":
   * an operation the granted templates would match by their shape but that was not granted
   */
  paths: readonly string[]
  /** catalogue layer ids; any of them opens the map services (tiles, WMS, WFS, OGC API Features) */
  layers: readonly string[]
  /** 12-digit admin codes */
  areas: readonly string[]
}

export interface Principal {
  kind: 'user' | 'api_key' | 'anonymous'
  userId: number | null
  username: string
  displayName: string
  role: Role
  departmentId: number | null
  cityCode: string | null
  jurisdiction: Jurisdiction
  /** A resident without an account who proved, by a code sent to its reporter phone, that this event number is theirs (server/public/). */
  provenReport?: string
  /** A key issued for an access application: the only catalogue layers it reads (server/auth/grants.ts). */
  layers?: readonly string[]
}

export const anonymous: Principal = Object.freeze({
  kind: 'anonymous', userId: null, username: 'anonymous', displayName: '匿名', role: 'public',
  departmentId: null, cityCode: null, jurisdiction: Jurisdiction.none(),
})

export interface UserRow {
  id: number; username: string; display_name: string; role: Role; department_id: number | null
  city_code: string; disabled: boolean; password_hash: string | null; tokens_valid_after: Date
  admin_codes: string[] | null
}

const userColumns = ['u.id', 'u.username', 'u.display_name', 'u.role', 'u.department_id', 'u.city_code',
  'u.disabled', 'u.password_hash', 'u.tokens_valid_after']

function selectUsers(knex: Knex) {
  return knex('app_user as u').select(userColumns)
    .select(knex.raw('(SELECT array_agg(admin_code ORDER BY admin_code) FROM user_jurisdiction j WHERE j.user_id = u.id) AS admin_codes'))
}

/** Login names app_user accepts (its CHECK): anything else (NUL, 10 kB, 中文) names no one. */
const USERNAME = /^[A-Za-z0-9_.-]{2,64}$/

export async function findUserByName(knex: Knex, username: string): Promise<UserRow | undefined> {
  if (!USERNAME.test(username)) return undefined
  return selectUsers(knex).where('u.username', username).first()
}

export async function findUserById(knex: Knex, id: number): Promise<UserRow | undefined> {
  return selectUsers(knex).where('u.id', id).first()
}

export function toPrincipal(row: UserRow, kind: 'user' | 'api_key'): Principal {
  return {
    kind, userId: row.id, username: row.username, displayName: row.display_name, role: row.role,
    departmentId: row.department_id, cityCode: row.city_code,
    jurisdiction: Jurisdiction.of(row.admin_codes ?? []),
  }
}

export interface NewUser {
  username: string; displayName: string; password: string | null; role: Role
  cityCode: string; adminCodes: string[]; departmentId?: number | null
}

/**
 * Stores a user. The store does not judge the password (the demo fixtures and tests use the
 * documented demo password): every password set through the API passes checkPasswordPolicy
 * (server/auth/passwordPolicy.ts) first, as POST /api/v1/auth/password does.
 */
export async function createUser(knex: Knex, u: NewUser): Promise<number> {
  const passwordHash = u.password === null ? null : await hashPassword(u.password)
  return knex.transaction(async (trx) => {
    const [row] = await trx('app_user').insert({
      username: u.username, display_name: u.displayName, password_hash: passwordHash, role: u.role,
      city_code: u.cityCode, department_id: u.departmentId ?? null,
    }).returning('id')
    const id = Number(row.id)
    if (u.adminCodes.length) {
      await trx('user_jurisdiction').insert(u.adminCodes.map((c) => ({ user_id: id, admin_code: c })))
    }
    return id
  })
}

const sha256 = (s: string) => crypto.createHash('sha256').update(s).digest('hex')

/**
 * Creates an API key for a user and returns it ("<prefix>.<secret>"); only a hash is kept.
 * API keys are long random secrets, so a fast hash is enough (no dictionary to resist).
 * Without scopes: every scope (the demo system's key; server/auth/apiKeys.ts always names them).
 */
export async function createApiKey(knex: Knex, userId: number, name: string, key?: string,
  opts: { scopes?: readonly string[]; expiresAt?: Date | null; createdBy?: number | null; grant?: KeyGrant | null; applicationId?: number | null } = {}): Promise<{ key: string; id: number }> {
  const full = key ?? `${crypto.randomBytes(6).toString('hex')}.${crypto.randomBytes(24).toString('base64url')}`
  const [prefix, secret] = splitKey(full) ?? []
  if (!prefix || !secret) throw new Error('malformed API key')
  const [row] = await knex('api_key').insert({
    user_id: userId, name, prefix, secret_hash: sha256(secret), scopes: [...(opts.scopes ?? API_KEY_SCOPES)],
    expires_at: opts.expiresAt ?? null, created_by: opts.createdBy ?? null,
    grant_paths: opts.grant ? [...opts.grant.paths] : null, grant_layers: opts.grant ? [...opts.grant.layers] : null,
    grant_areas: opts.grant ? [...opts.grant.areas] : null, application_id: opts.applicationId ?? null,
  }).returning('id')
  return { key: full, id: Number(row.id) }
}

function splitKey(key: string): [string, string] | undefined {
  const m = /^([a-z0-9]{8,16})\.([A-Za-z0-9_-]{16,128})$/.exec(key)
  return m ? [m[1]!, m[2]!] : undefined
}

/** The user an API key acts as (with the key's id and scopes), or undefined when the key is unknown, revoked or expired. */
export async function findUserByApiKey(knex: Knex, key: string): Promise<(UserRow & { apiKey: { id: number; scopes: string[]; grant: KeyGrant | null } }) | undefined> {
  const parts = splitKey(key)
  if (!parts) return undefined
  const row = await knex('api_key').where({ prefix: parts[0] }).whereNull('revoked_at')
    .where((q) => q.whereNull('expires_at').orWhere('expires_at', '>', knex.fn.now())).first()
  if (!row) return undefined
  const expected = Buffer.from(row.secret_hash, 'hex')
  const actual = Buffer.from(sha256(parts[1]), 'hex')
  if (!crypto.timingSafeEqual(expected, actual)) return undefined
  // Best effort: a failed bookkeeping write must not fail the request.
  await knex('api_key').where({ id: row.id }).update({ last_used_at: knex.fn.now() }).catch(() => undefined)
  const user = await findUserById(knex, Number(row.user_id))
  const grant: KeyGrant | null = row.grant_paths === null ? null
    : { paths: row.grant_paths as string[], layers: row.grant_layers as string[], areas: row.grant_areas as string[] }
  return user && { ...user, apiKey: { id: Number(row.id), scopes: row.scopes as string[], grant } }
}
