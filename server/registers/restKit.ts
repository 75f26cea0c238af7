// The register REST shape for a register whose store reads rows of its own type (lines,
// vehicles): list, one, create, patch at a version, the audited unmask. Reads PLACE_READ_ROLES,
// writes REGISTER_WRITE_ROLES; answers are never cached (personal fields by the caller's rights).
//   GET    /?…&limit=&cursor=  → { items, next (the link to the next page) }
//   GET    /{id}
//   POST   /                   the register's row → 201 with Location
//   PATCH  /{id}               any fields + version (409 registers.version_conflict when stale)
//   POST   /{id}/unmask        {reason}: the personal fields in full, audited first
import type Router from '@koa/router'
import type { Context } from 'koa'
import type { Knex } from 'knex'
import type { z } from 'zod'
import type { Principal } from '../auth/users.ts'
import { principalOf, requireRole } from '../http/auth.ts'
import { validate } from '../http/validate.ts'
import type { Access } from '../privacy/rule.ts'
import { PLACE_READ_ROLES, REGISTER_WRITE_ROLES, servedGridsOf } from './access.ts'
import { idOf, nextLink, noRepeats, unmask, unmaskReason, type Unmasking } from './routeKit.ts'

export interface RestRegister<R extends { community_code: string }, Q, C, P> {
  /** The path of the register (/api/v1/<name>) and what a row is, for the validation messages. */
  path: string
  what: string
  listQuery: z.ZodType<Q>
  rowSchema: z.ZodType<C>
  patchSchema: z.ZodType<P>
  list: (knex: Knex, p: Principal, q: Q) => Promise<{ rows: R[]; next: string | null }>
  /** One row, or a 404 outside the caller's jurisdiction. */
  read: (knex: Knex, p: Principal, id: number) => Promise<R>
  create: (knex: Knex, p: Principal, body: C) => Promise<number>
  update: (knex: Knex, p: Principal, id: number, body: P) => Promise<void>
  access: (p: Principal, row: R, grids: ReadonlySet<string>) => Access
  item: (row: R, access: Access) => Record<string, unknown>
  /** What the detail adds to the item (GET /{id}, POST, PATCH). */
  extras?: (knex: Knex, id: number) => Promise<Record<string, unknown>>
  /** The unmask's audit type, 403 and values. */
  unmask: Pick<Unmasking<R>, 'type' | 'forbidden' | 'reveal'>
}

/** Mounts the register's REST routes on its router. */
export function mountRest<R extends { community_code: string }, Q, C, P>(router: Router, knex: Knex, r: RestRegister<R, Q, C, P>): void {
  const read = requireRole(...PLACE_READ_ROLES)
  const write = requireRole(...REGISTER_WRITE_ROLES)

  const answer = async (ctx: Context, id: number) => {
    const p = principalOf(ctx)
    const row = await r.read(knex, p, id)
    ctx.set('Cache-Control', 'no-store')
    const item = r.item(row, r.access(p, row, await servedGridsOf(ctx, knex, p)))
    ctx.body = r.extras ? { ...item, ...await r.extras(knex, id) } : item
  }

  router.get('/', read, async (ctx) => {
    noRepeats(ctx)
    const q = validate(r.listQuery, ctx.query, 'query')
    const p = principalOf(ctx)
    const { rows, next } = await r.list(knex, p, q)
    const grids = await servedGridsOf(ctx, knex, p)
    ctx.set('Cache-Control', 'no-store')
    ctx.body = { items: rows.map((row) => r.item(row, r.access(p, row, grids))), next: nextLink(ctx, r.path, 'cursor', next) }
  })

  router.get('/:id', read, async (ctx) => answer(ctx, idOf(ctx)))

  router.post('/', write, async (ctx) => {
    const body = validate(r.rowSchema, ctx.request.body, r.what)
    const id = await r.create(knex, principalOf(ctx), body)
    ctx.status = 201
    ctx.set('Location', `${r.path}/${id}`)
    await answer(ctx, id)
  })

  router.patch('/:id', write, async (ctx) => {
    const id = idOf(ctx)
    const body = validate(r.patchSchema, ctx.request.body, r.what)
    await r.update(knex, principalOf(ctx), id, body)
    await answer(ctx, id)
  })

  const unmasking: Unmasking<R> = {
    ...r.unmask,
    read: (_ctx, p, id) => r.read(knex, p, id),
    masked: async (ctx, p, row) => r.access(p, row, await servedGridsOf(ctx, knex, p)) === 'masked',
  }
  router.post('/:id/unmask', read, async (ctx) => {
    const id = idOf(ctx)
    const { reason } = validate(unmaskReason, ctx.request.body ?? {}, 'unmask')
    await unmask(ctx, knex, unmasking, id, reason)
  })
}
