// What the registers' route files share (server/<register>/routes.ts): the query guard, path ids,
// bodies, the `next` link of a page, the optimistic-edit refusal and the audited unmask
//   POST /{id}/unmask {reason}: read the row (404 outside) → may this caller see it in full
//   (403 when the one rule masks it) → recordUnmask (the access audit first) → the fields in full.
import type { Context } from 'koa'
import type { Knex } from 'knex'
import { z } from 'zod'
import type { Principal } from '../auth/users.ts'
import { principalOf } from '../http/auth.ts'
import { AppError } from '../http/errors.ts'
import { validate } from '../http/validate.ts'
import { recordUnmask } from '../audit/write.ts'
import { idParam } from './params.ts'

export { idParam, unmaskReason } from './params.ts'

/** A query parameter given twice is refused (400 naming it) rather than silently taken as a list. */
export function noRepeats(ctx: Context): void {
  for (const [k, v] of Object.entries(ctx.query)) {
    if (Array.isArray(v)) throw new AppError(400, 'validation_failed', `invalid query: ${k}: given more than once`, { errors: [{ field: k, message: 'given more than once' }] })
  }
}

/** The query string through its schema, after the repeat guard. */
export const query = <S extends z.ZodType>(ctx: Context, schema: S): z.output<S> => { noRepeats(ctx); return validate(schema, ctx.query, 'query') }

/** The request body through its schema (an empty body is `{}`, so missing fields are named). */
export const bodyOf = <S extends z.ZodType>(ctx: Context, schema: S, what: string): z.output<S> => validate(schema, ctx.request.body ?? {}, what)

/** A reader of path ids through a register's id schema: a 400 names the parameter. */
export const idReader = (schema: z.ZodType<number>) => (ctx: Context, name = 'id'): number =>
  validate(z.object({ [name]: schema }), { [name]: ctx.params[name] }, 'path')[name] as number

/** The path parameter `name` (default `id`) as a positive integer. */
export const idOf = idReader(idParam)

/** The link to the next page: this request's query with `key` (the cursor) replaced; null at the end. */
export function nextLink(ctx: Context, path: string, key: string, value: string | null): string | null {
  if (value === null) return null
  const rest = Object.fromEntries(Object.entries(ctx.query).filter(([k]) => k !== key)) as Record<string, string>
  return `${path}?${new URLSearchParams({ ...rest, [key]: value })}`
}

/** 409 registers.version_conflict: the row moved on since it was read. */
export function versionConflict(what: string, id: number, version: number): AppError {
  return new AppError(409, 'version_conflict', `${what} ${id} is at version ${version}: read it again and reapply your change`,
    { version, errors: [{ field: 'version', message: `is ${version} now` }] }).coded('registers.version_conflict', { what, id, version })
}

/** How one register unmasks a row. */
export interface Unmasking<R extends { community_code: string }> {
  /** The record type in the access audit ('vehicles', 'party-members', …). */
  type: string
  /** The row, or a 404 outside the caller's jurisdiction. */
  read: (ctx: Context, p: Principal, id: number) => Promise<R>
  /** True when the one rule (registerAccess) shows this caller the row masked. */
  masked: (ctx: Context, p: Principal, row: R) => Promise<boolean> | boolean
  /** The coded 403 of a masked caller. */
  forbidden: (p: Principal, id: number) => AppError
  /** The personal fields in full; `fields` (what was shown) defaults to the non-empty ones. */
  reveal: (row: R) => Promise<{ values: Record<string, unknown>; fields?: string[] }> | { values: Record<string, unknown>; fields?: string[] }
  /** The answer holds the values under `values` rather than beside `fields`. */
  nested?: boolean
}

/** Answers POST /{id}/unmask: reason, row, access check, audit record, then the values. */
export async function unmask<R extends { community_code: string }>(ctx: Context, knex: Knex, u: Unmasking<R>, id: number, reason: string): Promise<void> {
  const p = principalOf(ctx)
  const row = await u.read(ctx, p, id)
  if (await u.masked(ctx, p, row)) throw u.forbidden(p, id)
  const { values, fields = Object.keys(values).filter((k) => values[k] !== null && values[k] !== undefined && values[k] !== '') } = await u.reveal(row)
  const audit = await recordUnmask(knex, ctx, p, { type: u.type, id: String(id), recordId: id, communityCode: row.community_code, fields }, reason)
  ctx.set('Cache-Control', 'no-store')
  const at = { id: audit.id, at: audit.at.toISOString() }
  ctx.body = u.nested ? { id, fields, values, audit: at } : { id, fields, ...values, audit: at }
}
