// What the field steps read BEFORE the transition's transaction opens (the embedded database has
// one connection, see transitions.ts): the receiver of a transfer (移交), the position a
// verification (事件核实) was made at, and whom a supervision request or an emergency notifies.
import type { Knex } from 'knex'
import { AppError } from '../../http/errors.ts'
import type { Principal } from '../../auth/users.ts'
import { parseCrs } from '../../geo/crs.ts'
import { convertPoint } from '../../geocode/service.ts'
import type { Assignment } from '../dispatch.ts'
import type { EventRow } from '../store.ts'
import type { TransitionBody } from '../transitionInput.ts'
import type { FieldPrepared, VerifyPosition } from './prepared.ts'
import { emergencyRecipients, gridLeaders } from './recipients.ts'

/** How far from the reported point an on-site verification may stand (metres). */
export const VERIFY_MAX_METRES = 300
/** A device fix older than this does not place a verification (minutes). */
export const FIX_MAX_AGE_MIN = 10

export type { FieldPrepared, VerifyPosition } from './prepared.ts'

/** A 4xx that names the offending field, like a validation failure does. */
export const fieldError = (status: number, type: string, field: string, detail: string) =>
  new AppError(status, type, detail, { errors: [{ field, message: detail }] })

export async function prepareField(knex: Knex, p: Principal, e: EventRow, body: TransitionBody): Promise<FieldPrepared | undefined> {
  switch (body.action) {
    case 'transfer': return { transferTo: await transferTarget(knex, p, e, body) }
    case 'verify_on_site': return { position: await verifyPosition(knex, p, e, body) }
    case 'request_supervision': return { leaders: { userIds: await gridLeaders(knex, e.community_code) } }
    case 'declare_emergency': return { alert: await emergencyRecipients(knex, e.city_code, e.community_code, e.class_code) }
    case 'coordinate_dispatch':
      if (!body.comment) throw fieldError(400, 'validation_failed', 'comment', 'coordinate_dispatch needs comment: what the duty chief decided').coded('transition.coordinate_needs_comment')
      return undefined
    default: return undefined
  }
}

/**
 * 移交: to another active inspector (memberId) of the caller's own area, or to a 落格 unit
 * (departmentCode) whose area holds the event. Anybody else is a 422 naming the field.
 */
async function transferTarget(knex: Knex, p: Principal, e: EventRow, body: TransitionBody): Promise<Assignment & { fromMemberId: number | null }> {
  if (!body.comment) throw fieldError(400, 'validation_failed', 'comment', 'transfer needs comment: why the event is handed on').coded('transition.transfer_needs_reason')
  const me = p.userId === null ? undefined : await knex('grid_member').where({ user_id: p.userId }).first('id')
  const fromMemberId = me ? Number(me.id) : null
  if (body.memberId !== undefined) {
    const m = await knex('grid_member as m').join('department as d', 'd.id', 'm.department_id')
      .where({ 'm.id': body.memberId, 'm.active': true, 'm.city_code': e.city_code })
      .first('m.id', 'm.name', 'm.community_code', 'd.id as dep_id', 'd.code as dep_code', 'd.name as dep_name')
    if (!m) throw fieldError(422, 'unknown_member', 'memberId', `grid member ${body.memberId} is not an active member of a unit in city ${e.city_code}`).coded('transition.unknown_member', { memberId: body.memberId, code: body.departmentCode ?? '-' })
    if (Number(m.id) === fromMemberId) throw fieldError(422, 'transfer_to_self', 'memberId', 'an event is not transferred to oneself').coded('transition.transfer_to_self')
    if (!p.jurisdiction.covers(m.community_code)) {
      throw fieldError(422, 'member_outside_area', 'memberId', `grid member ${body.memberId} serves community ${m.community_code}, outside your area`).coded('transition.member_outside_area', { memberId: body.memberId, community: m.community_code })
    }
    if (body.departmentCode && body.departmentCode !== m.dep_code) {
      throw fieldError(422, 'unknown_member', 'memberId', `grid member ${body.memberId} is not a member of ${body.departmentCode}`).coded('transition.unknown_member', { memberId: body.memberId, code: body.departmentCode })
    }
    return { department: { id: Number(m.dep_id), code: m.dep_code, name: m.dep_name }, member: { id: Number(m.id), name: m.name }, level: 'grid', basis: '指定', ruleId: null, fromMemberId }
  }
  if (!body.departmentCode) throw fieldError(400, 'validation_failed', 'memberId', 'transfer needs memberId (an inspector) or departmentCode (a 落格 unit)').coded('transition.transfer_needs_target')
  const dep = await knex('department').where({ code: body.departmentCode, city_code: e.city_code }).first('id', 'code', 'name', 'admin_code')
  if (!dep) throw fieldError(422, 'unknown_unit', 'departmentCode', `no department ${body.departmentCode} in city ${e.city_code}`).coded('transition.unknown_unit', { codes: [body.departmentCode] })
  // a unit's admin code is 12 digits with trailing zeros for its level: its area holds the event when that prefix does
  const area = String(dep.admin_code).replace(/(000)+$/, '')
  if (!e.community_code.startsWith(area) && !p.jurisdiction.covers(dep.admin_code)) {
    throw fieldError(422, 'unit_outside_area', 'departmentCode', `${body.departmentCode} serves ${dep.admin_code}, which holds neither the event nor your area`).coded('transition.unit_outside_area', { code: body.departmentCode })
  }
  return { department: { id: Number(dep.id), code: dep.code, name: dep.name }, member: null, level: e.escalation_level, basis: '指定', ruleId: null, fromMemberId }
}

/** Where the verification was made: the app's reported position, else the inspector's last good fix. */
async function verifyPosition(knex: Knex, p: Principal, e: EventRow, body: TransitionBody): Promise<VerifyPosition> {
  if (!body.outcome) throw fieldError(400, 'validation_failed', 'outcome', 'verify_on_site needs outcome: confirmed or unconfirmed').coded('transition.verify_needs_outcome')
  const me = p.userId === null ? undefined : await knex('grid_member').where({ user_id: p.userId }).first('id')
  const memberId = me ? Number(me.id) : null
  let point: { lon: number; lat: number; source: 'reported' | 'device_fix' } | undefined
  if (body.location) {
    const c = convertPoint(body.location.x, body.location.y, parseCrs(body.location.crs))
    point = { lon: c.lon, lat: c.lat, source: 'reported' }
  } else if (memberId !== null) {
    const { rows } = await knex.raw(`SELECT ST_X(geom) AS lon, ST_Y(geom) AS lat FROM position
      WHERE member_id = ? AND filter IS NULL AND fixed_at > ? ORDER BY fixed_at DESC LIMIT 1`,
    [memberId, new Date(Date.now() - FIX_MAX_AGE_MIN * 60_000)]) as { rows: { lon: number; lat: number }[] }
    if (rows[0]) point = { lon: Number(rows[0].lon), lat: Number(rows[0].lat), source: 'device_fix' }
  }
  if (!point) throw fieldError(422, 'position_required', 'location', `verify_on_site needs a position: send location, or have a device fix of the last ${FIX_MAX_AGE_MIN} minutes`).coded('transition.verify_needs_position', { minutes: FIX_MAX_AGE_MIN })
  const { rows: [d] } = await knex.raw(`SELECT ST_Distance(ST_SetSRID(ST_MakePoint(?, ?), 4490)::geography, ST_SetSRID(ST_MakePoint(?, ?), 4490)::geography) AS metres`,
    [point.lon, point.lat, e.lon, e.lat]) as { rows: { metres: number }[] }
  const metres = Math.round(Number(d!.metres) * 10) / 10
  if (metres > VERIFY_MAX_METRES) {
    throw fieldError(422, 'too_far', 'location', `the position is ${metres} m from the reported point; an on-site verification stands within ${VERIFY_MAX_METRES} m`).coded('transition.verify_too_far', { metres, max: VERIFY_MAX_METRES })
  }
  return { ...point, metres, memberId }
}
