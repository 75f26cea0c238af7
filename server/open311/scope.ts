// Who the Open311 caller is and which requests it may read.
//
// Credentials: the spec's api_key parameter (query or body) is one of our API keys, verified
// exactly like the X-API-Key header; without it the caller's normal credentials (Bearer, Basic,
// X-API-Key), resolved by the global middleware, apply. POST needs one of them (403 otherwise,
// as the spec's error example); reads are open to anonymous callers.
//
// Reads: a signed-in principal (other than the public role) reads within its jurisdiction, as
// everywhere else (an external_system key: its city). Anonymous and public callers get the
// public view of one city (the one named by jurisdiction_id, or the only city served): every
// request except the social-governance classes (06xx: disputes, special populations, security
// risks concern identifiable people), plus their own reports. No Open311 read returns reporter
// names, phones or e-mail, whoever asks: the GeoReport request has no field for them.
import type { Context } from 'koa'
import type { Knex } from 'knex'
import { AppError } from '../http/errors.ts'
import { principalOf } from '../http/auth.ts'
import { findUserByApiKey, type Principal } from '../auth/users.ts'
import { keyPrincipal } from '../auth/grants.ts'
import { adminPrefix } from '../db/jurisdiction.ts'

export interface ReadScope {
  /** LIKE patterns over event.community_code. */
  patterns: string[]
  /** Hide the social-governance classes (public view). */
  publicView: boolean
  /** The caller's own reports are visible whatever the patterns (-1: nobody). */
  userId: number
}

/** A parameter from the query string or, for POST, the body (body wins). */
export function param(ctx: Context, name: string): unknown {
  const body = ctx.request.body as Record<string, unknown> | undefined
  if (body && typeof body === 'object' && !Array.isArray(body) && body[name] !== undefined) return body[name]
  const q = ctx.query[name]
  return Array.isArray(q) ? q[0] : q
}

const API_KEY_MAX = 300

/** The principal of an Open311 call: api_key when given, else the caller's credentials. */
export async function open311Principal(ctx: Context, knex: Knex): Promise<Principal> {
  const key = param(ctx, 'api_key')
  if (key === undefined || key === '') return principalOf(ctx)
  if (typeof key !== 'string' || key.length > API_KEY_MAX) throw invalidKey()
  const row = await findUserByApiKey(knex, key.trim())
  if (!row || row.disabled) throw invalidKey()
  const p = keyPrincipal(ctx, row)
  ctx.state.principal = p // the request log names who acted
  return p
}

const invalidKey = () => new AppError(403, 'invalid_api_key', 'Invalid api_key received: unknown, revoked or expired API key')

/** POST requires a signed-in caller. */
export function requireSubmitter(p: Principal): void {
  if (p.kind === 'anonymous') {
    throw new AppError(403, 'api_key_required', 'api_key was not provided: POST requests needs an API key (api_key parameter or X-API-Key header) or a signed-in user')
  }
}

interface City { code: string; cityCode: string }

/** The cities this service serves (admin divisions of level city). */
async function cities(knex: Knex): Promise<City[]> {
  const rows = await knex('admin_division').where({ level: 'city' }).orderBy('code').select('code', 'city_code')
  return rows.map((r) => ({ code: r.code, cityCode: r.city_code }))
}

/** The city a jurisdiction_id names (12-digit city code, or its 6-digit short form); 404 otherwise. */
async function cityOf(knex: Knex, jurisdictionId: unknown): Promise<City | undefined> {
  if (jurisdictionId === undefined || jurisdictionId === '') return undefined
  const id = String(jurisdictionId).trim()
  const all = await cities(knex)
  const city = /^[0-9]{6}([0-9]{6})?$/.test(id) ? all.find((c) => c.code === id || c.cityCode === id) : undefined
  if (!city) {
    const shown = id.length > 20 ? `${id.slice(0, 20)}…` : id
    throw new AppError(404, 'jurisdiction_not_found', `jurisdiction_id "${shown}" not found: jurisdictions served are ${all.map((c) => c.code).join(', ')}`)
  }
  return city
}

/** Validates jurisdiction_id when given (every endpoint accepts it). */
export async function checkJurisdiction(ctx: Context, knex: Knex): Promise<void> {
  await cityOf(knex, param(ctx, 'jurisdiction_id'))
}

/** The requests `p` may read through Open311. */
export async function readScope(ctx: Context, knex: Knex, p: Principal): Promise<ReadScope> {
  const named = await cityOf(knex, param(ctx, 'jurisdiction_id'))
  const userId = p.userId ?? -1
  if (p.kind !== 'anonymous' && p.role !== 'public') {
    const prefixes = p.jurisdiction.prefixes
    const inCity = named ? prefixes.filter((x) => x.startsWith(adminPrefix(named.code))) : prefixes
    if (named && inCity.length === 0) {
      throw new AppError(403, 'forbidden', `jurisdiction_id ${named.code} lies outside your jurisdiction`)
    }
    return { patterns: inCity.map((x) => `${x}%`), publicView: false, userId }
  }
  let city = named
  if (!city) {
    const all = await cities(knex)
    if (all.length !== 1) {
      throw new AppError(400, 'jurisdiction_required', `jurisdiction_id was not provided: this service serves ${all.length} jurisdictions (${all.map((c) => c.code).join(', ')})`)
    }
    city = all[0]!
  }
  return { patterns: [`${adminPrefix(city.code)}%`], publicView: true, userId }
}
