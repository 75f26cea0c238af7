// What the two people registers' routes (houses, residents) share: the list page read with one
// row more than asked (newest first by id) and the owner's / resident's unmask by the one rule.
import type { Context } from 'koa'
import type { Knex } from 'knex'
import type { z } from 'zod'
import type { Principal } from '../auth/users.ts'
import { principalOf } from '../http/auth.ts'
import { AppError } from '../http/errors.ts'
import { validate } from '../http/validate.ts'
import { registerAccess, servedGridsOf } from '../registers/access.ts'
import type { Unmasking } from '../registers/routeKit.ts'
import { decodeIdCursor, encodeIdCursor } from './cursor.ts'
import { cityOf } from './register.ts'

type Lister<F, R> = (knex: Knex, p: Principal, city: string, f: F & { after: number | undefined; limit: number }) => Promise<R[]>
type Item<R> = (p: Principal, r: R, grids: ReadonlySet<string>) => Record<string, unknown>

/** GET / of a people register: `limit` items after the cursor, `next` when there are more. */
export function listRoute<Q extends { cursor?: string | undefined; limit: number }, R extends { id: number | string }>(
  knex: Knex, schema: z.ZodType<Q>, list: Lister<Q, R>, item: Item<R>,
) {
  return async (ctx: Context): Promise<void> => {
    const p = principalOf(ctx)
    const q = validate(schema, ctx.query, 'query')
    const rows = await list(knex, p, cityOf(p), { ...q, after: decodeIdCursor(q.cursor), limit: q.limit + 1 })
    const grids = await servedGridsOf(ctx, knex, p)
    const page = rows.slice(0, q.limit)
    ctx.set('Cache-Control', 'no-store')
    ctx.body = { items: page.map((r) => item(p, r, grids)), next: rows.length > q.limit ? encodeIdCursor(page[page.length - 1]!.id) : null }
  }
}

type PersonRow = { community_code: string; grid_code: string | null }

/** The unmask of a people register's row (404 outside, 403 masked: coded `<code>`). */
export function peopleUnmasking<R extends PersonRow>(
  knex: Knex, type: string, read: (p: Principal, city: string, id: number) => Promise<R | undefined>, notFound: (id: number) => AppError,
  forbidden: (p: Principal, id: number) => AppError, reveal: Unmasking<R>['reveal'],
): Unmasking<R> {
  return {
    type,
    read: async (_ctx, p, id) => {
      const row = await read(p, cityOf(p), id)
      if (!row) throw notFound(id)
      return row
    },
    masked: async (ctx, p, row) => registerAccess(p, { communityCode: row.community_code, gridCode: row.grid_code }, await servedGridsOf(ctx, knex, p)) === 'masked',
    forbidden,
    reveal,
  }
}
