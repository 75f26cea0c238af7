// /api/v1/duty: the duty chief's shifts (值班长). The duty chief on shift may coordinate dispatch
// (the coordinate_dispatch transition): send an event to a unit, with assisting units, whatever
// its state of assignment.
//   GET  /   the city's current and coming shifts
//   POST /   add a shift (command centre)
import Router from '@koa/router'
import { z } from 'zod'
import type { AppContext } from '../context.ts'
import { AppError, badRequest } from '../http/errors.ts'
import { principalOf, requireRole } from '../http/auth.ts'
import { validate } from '../http/validate.ts'
import { registerMessages } from '../http/messages/registry.ts'
import type { Role } from '../auth/roles.ts'
import { dutyMessagesZh } from './messagesZh.ts'

export const DUTY_READ_ROLES: Role[] = ['command_center', 'district_staff', 'street_staff', 'community_staff', 'department', 'grid_inspector']
/** The roles the coordinate_dispatch rule admits (workflow.ts): only they can be put on shift. */
const CHIEF_ROLES: readonly Role[] = ['command_center', 'district_staff', 'street_staff']
const MAX_SHIFT_MS = 7 * 86_400_000

const time = z.iso.datetime({ offset: true, message: 'must be an ISO 8601 time with offset' })
export const shiftSchema = z.object({
  username: z.string().trim().min(1).max(100),
  startsAt: time,
  endsAt: time,
}).strict()

const field = (status: number, type: string, name: string, detail: string) => new AppError(status, type, detail, { errors: [{ field: name, message: detail }] })

export function dutyRoutes(app: AppContext): Router {
  registerMessages('zh', dutyMessagesZh)
  const router = new Router({ prefix: '/api/v1/duty' })
  const { knex } = app

  router.get('/', requireRole(...DUTY_READ_ROLES), async (ctx) => {
    const p = principalOf(ctx)
    const now = new Date()
    const rows = await knex('duty_shift as s').join('app_user as u', 'u.id', 's.user_id').where('s.city_code', p.cityCode ?? '-')
      .where('s.ends_at', '>', now).orderBy('s.starts_at').limit(100)
      .select('s.id', 'u.username', 'u.display_name', 'u.role', 's.starts_at', 's.ends_at')
    ctx.body = { items: rows.map((r) => ({ id: Number(r.id), username: r.username, displayName: r.display_name, role: r.role,
      startsAt: r.starts_at.toISOString(), endsAt: r.ends_at.toISOString(), onDuty: r.starts_at <= now && r.ends_at > now })) }
  })

  router.post('/', requireRole('command_center'), async (ctx) => {
    const p = principalOf(ctx)
    const body = validate(shiftSchema, ctx.request.body, 'shift')
    const starts = new Date(body.startsAt)
    const ends = new Date(body.endsAt)
    if (ends <= starts) throw field(400, 'validation_failed', 'endsAt', 'endsAt must be after startsAt').coded('duty.bad_range')
    if (ends.getTime() - starts.getTime() > MAX_SHIFT_MS) throw field(400, 'validation_failed', 'endsAt', 'a shift lasts at most 7 days').coded('duty.too_long')
    if (!p.cityCode) throw badRequest('your account belongs to no city')
    const user = await knex('app_user').where({ username: body.username, city_code: p.cityCode, disabled: false }).first('id', 'role', 'display_name')
    if (!user || !CHIEF_ROLES.includes(user.role)) {
      throw field(422, 'not_a_chief', 'username', `${body.username} is no active command centre, district or street user of your city`).coded('duty.not_a_chief', { username: body.username })
    }
    const id = await knex.transaction(async (trx) => {
      // one chief at a time per city: shifts are serialised per city by an advisory lock
      await trx.raw('SELECT pg_advisory_xact_lock(hashtext(?))', [`duty_shift:${p.cityCode}`])
      const clash = await trx('duty_shift').where('city_code', p.cityCode).where('starts_at', '<', ends).where('ends_at', '>', starts).first('id')
      if (clash) throw field(409, 'shift_overlap', 'startsAt', `the shift overlaps shift ${clash.id}`).coded('duty.overlap', { id: Number(clash.id) })
      const [row] = await trx('duty_shift').insert({ city_code: p.cityCode, user_id: user.id, starts_at: starts, ends_at: ends, created_by: p.userId }).returning('id')
      return Number(row.id)
    })
    ctx.status = 201
    ctx.body = { id, username: body.username, displayName: user.display_name, role: user.role, startsAt: starts.toISOString(), endsAt: ends.toISOString() }
  })
  return router
}
