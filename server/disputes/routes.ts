// /api/v1/disputes: 矛盾纠纷调处 (issue 15 item 2).
//   GET  /            ?community=&grid=&status=&type=&risk=&mediator=&mine=&overdue=&q=&limit=&cursor= → { items, next }
//   POST /            register (parties, type, place, risk, amount) → 201; assigned by the rule at once
//   GET  /stats       ?from=&to=&area=   counts by type, street, community, state, month; success rate; amounts
//   GET  /{id}        with its sessions and log
//   POST /{id}/assign {mediatorId?, reason}   manual (re)assignment, or the rule again
//   POST /{id}/sessions, /{id}/conclude, /{id}/revisit, /{id}/performance, /{id}/risk
//   POST /{id}/unmask {reason}   the parties in full, audited first
// Read: the people roles in their jurisdiction (by the dispute's community) and the account of the
// assigned mediator; register: the people roles; steps: machine.ts.
import Router from '@koa/router'
import type { Context } from 'koa'
import { z } from 'zod'
import type { AppContext } from '../context.ts'
import type { Role } from '../auth/roles.ts'
import { AppError } from '../http/errors.ts'
import { principalOf, requireRole } from '../http/auth.ts'
import { validate } from '../http/validate.ts'
import { registerMessages } from '../http/messages/registry.ts'
import { recordUnmask } from '../audit/write.ts'
import { PEOPLE_ROLES, servedGridsOf } from '../registers/access.ts'
import { shown } from '../privacy/rule.ts'
import { shownText } from '../privacy/freeText.ts'
import { disputeMessagesZh } from './messagesZh.ts'
import { addSession, changeRisk, conclude, followPerformance, reassign, revisit } from './handling.ts'
import { assignSchema, concludeSchema, disputeCreateSchema, idParam, listQuery, performanceSchema, revisitSchema, riskSchema, sessionSchema, statsQuery, unmaskSchema } from './schemas.ts'
import { createDispute, listDisputes, partiesOf, readDispute, type PartyRow } from './store.ts'
import { disputeStats } from './stats.ts'
import { disputeAccess, disputeItem, partiesInFull } from './view.ts'
import { registerDisputeWarning } from './warn.ts'

export const DISPUTE_READ_ROLES: readonly Role[] = PEOPLE_ROLES
export const DISPUTE_REGISTER_ROLES: readonly Role[] = PEOPLE_ROLES
/** Statistics carry no personal field: also departments and GIS analysts, in their jurisdiction. */
export const DISPUTE_STATS_ROLES: readonly Role[] = [...PEOPLE_ROLES, 'department', 'gis_analyst']

const idOf = (ctx: Context) => validate(z.object({ id: idParam }), { id: ctx.params.id }, 'path').id

function noRepeats(ctx: Context): void {
  for (const [k, v] of Object.entries(ctx.query)) {
    if (Array.isArray(v)) throw new AppError(400, 'validation_failed', `invalid query: ${k}: given more than once`, { errors: [{ field: k, message: 'given more than once' }] }).coded('http.repeated_query', { field: k })
  }
}

export function disputeRoutes(app: AppContext): Router {
  registerMessages('zh', disputeMessagesZh)
  registerDisputeWarning()
  const router = new Router({ prefix: '/api/v1/disputes' })
  const { knex } = app
  const read = requireRole(...DISPUTE_READ_ROLES)

  /** One dispute with its sessions and log, as this caller may see it. */
  const answer = async (ctx: Context, id: number) => {
    const p = principalOf(ctx)
    const d = await readDispute(knex, p, id)
    const access = disputeAccess(p, d, await servedGridsOf(ctx, knex, p))
    const [parties, sessions, log] = await Promise.all([
      partiesOf(knex, [d.id]),
      knex('dispute_session').where({ dispute_id: d.id }).orderBy(['held_at', 'id']).select('id', 'held_at', 'place', 'attendees', 'summary', 'recorded_by', 'created_at'),
      knex('dispute_log').where({ dispute_id: d.id }).orderBy('id').select('action', 'from_status', 'to_status', 'actor_user_id', 'actor_role', 'reason', 'detail', 'at'),
    ]) as [Map<string, PartyRow[]>, { id: string; held_at: Date; place: string; attendees: string[]; summary: string; recorded_by: string | null; created_at: Date }[],
      { action: string; from_status: string | null; to_status: string | null; actor_user_id: string | null; actor_role: string | null; reason: string | null; detail: unknown; at: Date }[]]
    ctx.set('Cache-Control', 'no-store')
    const audit = { type: 'disputes', id: d.number, recordId: Number(d.id), communityCode: d.community_code }
    ctx.body = {
      ...disputeItem(p, d, parties.get(String(d.id)) ?? [], access),
      sessions: sessions.map((s, i) => ({
        id: Number(s.id), heldAt: s.held_at.toISOString(), place: s.place,
        attendees: s.attendees.map((a, j) => shown(access, { a: 'name' }, { a }, { ...audit, prefix: `sessions.${i}.attendees.${j}` }).a),
        summary: shownText(access, s.summary), recordedBy: s.recorded_by === null ? null : Number(s.recorded_by), createdAt: s.created_at.toISOString(),
      })),
      log: log.map((l) => ({ action: l.action, from: l.from_status, to: l.to_status, actorUserId: l.actor_user_id === null ? null : Number(l.actor_user_id),
        actorRole: l.actor_role, reason: l.reason === null ? null : shownText(access, l.reason), detail: l.detail, at: l.at.toISOString() })),
    }
  }

  router.get('/', read, async (ctx) => {
    noRepeats(ctx)
    const q = validate(listQuery, ctx.query, 'query')
    const p = principalOf(ctx)
    const { rows, next } = await listDisputes(knex, p, q)
    const [grids, parties] = await Promise.all([servedGridsOf(ctx, knex, p), partiesOf(knex, rows.map((r) => r.id))])
    const rest = Object.fromEntries(Object.entries(ctx.query).filter(([k]) => k !== 'cursor')) as Record<string, string>
    ctx.set('Cache-Control', 'no-store')
    ctx.body = {
      items: rows.map((d) => disputeItem(p, d, parties.get(String(d.id)) ?? [], disputeAccess(p, d, grids))),
      next: next === null ? null : `/api/v1/disputes?${new URLSearchParams({ ...rest, cursor: next })}`,
    }
  })

  router.post('/', requireRole(...DISPUTE_REGISTER_ROLES), async (ctx) => {
    const body = validate(disputeCreateSchema, ctx.request.body, 'dispute')
    const id = await createDispute(knex, principalOf(ctx), body)
    ctx.status = 201
    ctx.set('Location', `/api/v1/disputes/${id}`)
    await answer(ctx, id)
  })

  router.get('/stats', requireRole(...DISPUTE_STATS_ROLES), async (ctx) => {
    noRepeats(ctx)
    const q = validate(statsQuery, ctx.query, 'query')
    ctx.body = await disputeStats(knex, principalOf(ctx), q)
  })

  router.get('/:id', read, async (ctx) => answer(ctx, idOf(ctx)))

  const action = <S extends z.ZodType>(path: string, schema: S, run: (id: number, body: z.output<S>, ctx: Context) => Promise<unknown>, created = false) => {
    router.post(`/:id/${path}`, read, async (ctx) => {
      const id = idOf(ctx)
      const body = validate(schema, ctx.request.body ?? {}, path)
      await run(id, body, ctx)
      if (created) ctx.status = 201
      await answer(ctx, id)
    })
  }
  action('assign', assignSchema, (id, b, ctx) => reassign(knex, principalOf(ctx), id, b))
  action('sessions', sessionSchema, (id, b, ctx) => addSession(knex, principalOf(ctx), id, b), true)
  action('conclude', concludeSchema, (id, b, ctx) => conclude(knex, principalOf(ctx), id, b))
  action('revisit', revisitSchema, (id, b, ctx) => revisit(knex, principalOf(ctx), id, b))
  action('performance', performanceSchema, (id, b, ctx) => followPerformance(knex, principalOf(ctx), id, b))
  action('risk', riskSchema, (id, b, ctx) => changeRisk(knex, principalOf(ctx), id, b))

  router.post('/:id/unmask', read, async (ctx) => {
    const p = principalOf(ctx)
    const id = idOf(ctx)
    const { reason } = validate(unmaskSchema, ctx.request.body ?? {}, 'unmask')
    const d = await readDispute(knex, p, id)
    if (disputeAccess(p, d, await servedGridsOf(ctx, knex, p)) === 'masked') {
      throw new AppError(403, 'forbidden', `role ${p.role} may not unmask the parties of dispute ${id}`).coded('disputes.unmask_forbidden', { role: p.role, id })
    }
    const parties = partiesInFull((await partiesOf(knex, [d.id])).get(String(d.id)) ?? [])
    const fields = parties.flatMap((x, i) => (['name', 'phone', 'idNumber'] as const).filter((f) => x[f] !== null && x[f] !== '').map((f) => `parties.${i}.${f}`))
    const audit = await recordUnmask(knex, ctx, p, { type: 'disputes', id: d.number, recordId: id, communityCode: d.community_code, fields }, reason)
    ctx.set('Cache-Control', 'no-store')
    ctx.body = { id, number: d.number, fields, parties, audit: { id: audit.id, at: audit.at.toISOString() } }
  })

  return router
}
