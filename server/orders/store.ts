// Resource orders (调派指令) in the database: sending one, reading them inside a jurisdiction,
// cancelling one. Every state change tells the live stream ('order' messages, one per change,
// to the clients whose jurisdiction covers the order's community) in the writer's transaction.
import type { Knex } from 'knex'
import { AppError, notFound } from '../http/errors.ts'
import { sqlFile } from '../db/sql.ts'
import type { Principal } from '../auth/users.ts'
import { notifyField } from '../stream/notify.ts'
import { NUMBER, readEvent } from '../events/store.ts'
import { DEFAULT_RADIUS_M, OPEN_STATUSES, type OrderCreate, type OrderListQuery, type OrderStatus } from './schemas.ts'
import { orderView, type OrderRow, type OrderView } from './view.ts'

/** Fixes of the track returned with one order at most (a day of fixes every 5 s is 17,280). */
export const MAX_TRACK = 5000

export interface OrderMessage {
  community: string; id: number; status: OrderStatus; from: OrderStatus | null; device: string
  memberId: number | null; eventNumber: string | null; at: string
}

/** Tells the stream of state changes (in the caller's transaction: sent only when it commits). */
export function announce(db: Knex | Knex.Transaction, messages: OrderMessage[]): Promise<void> {
  return notifyField(db, 'order', messages.map((m) => ({ ...m })))
}

const fieldError = (status: number, type: string, field: string, detail: string) =>
  new AppError(status, type, `${field}: ${detail}`, { errors: [{ field, message: detail }] })

interface Resource {
  id: string; identifier: string; name: string; city_code: string; member_id: string | null; member_name: string | null; community_code: string
}

/** The target as a point, radius and grid, from the body or the event. */
async function resolveTarget(trx: Knex.Transaction, p: Principal, body: OrderCreate, event: { lon: number; lat: number } | null) {
  const t = body.target
  if (!t) return { kind: 'point' as const, lon: event!.lon, lat: event!.lat, radius: DEFAULT_RADIUS_M, gridCode: null }
  if (t.type === 'point') return { kind: 'point' as const, lon: t.coordinates[0], lat: t.coordinates[1], radius: t.radiusM, gridCode: null }
  const { rows } = await trx.raw(sqlFile('orders/grid'), { code: t.gridCode, patterns: p.jurisdiction.patterns }) as { rows: { code: string; lon: number; lat: number }[] }
  if (!rows[0]) throw fieldError(404, 'not_found', 'target.gridCode', `no current grid ${t.gridCode} in your jurisdiction`)
  return { kind: 'grid' as const, lon: rows[0].lon, lat: rows[0].lat, radius: null, gridCode: rows[0].code }
}

/** Sends a resource; answers the new order. */
export async function createOrder(knex: Knex, p: Principal, body: OrderCreate, now = new Date()): Promise<OrderView> {
  if (p.jurisdiction.isEmpty) throw fieldError(404, 'not_found', body.deviceId ? 'deviceId' : 'memberId', 'no such resource in your jurisdiction')
  const id = await knex.transaction(async (trx) => {
    const { rows } = await trx.raw(sqlFile('orders/resource'), {
      identifier: body.deviceId ?? null, memberId: body.memberId ?? null, patterns: p.jurisdiction.patterns,
    }) as { rows: Resource[] }
    const r = rows[0]
    if (!r) {
      throw body.deviceId
        ? fieldError(404, 'not_found', 'deviceId', `no usable device "${body.deviceId}" in your jurisdiction`)
        : fieldError(404, 'not_found', 'memberId', `member ${body.memberId} is not in your jurisdiction or carries no usable device`)
    }
    let event: { lon: number; lat: number; number: string } | null = null
    if (body.eventNumber) {
      const e = NUMBER.test(body.eventNumber) ? await readEvent(trx, body.eventNumber, p.jurisdiction, null) : undefined
      if (!e) throw fieldError(404, 'not_found', 'eventNumber', `no event ${body.eventNumber} in your jurisdiction`)
      event = { lon: e.lon, lat: e.lat, number: e.number }
    }
    const target = await resolveTarget(trx, p, body, event)
    const open = await trx('resource_order').where('device_id', r.id).whereIn('status', OPEN_STATUSES).first('id')
    if (open) {
      throw new AppError(409, 'order_open', `device ${r.identifier} already has open order ${open.id}: cancel it first`,
        { orderId: Number(open.id), errors: [{ field: body.deviceId ? 'deviceId' : 'memberId', message: 'has an open order' }] })
    }
    const deadline = new Date(now.getTime() + body.expiresInMinutes * 60_000)
    let inserted: { id: string }
    try {
      const { rows: ins } = await trx.raw(sqlFile('orders/insert'), {
        lon: target.lon, lat: target.lat, gridCode: target.gridCode, city: r.city_code, community: r.community_code, deviceId: r.id,
        memberId: r.member_id, kind: target.kind, radius: target.radius, eventNumber: event?.number ?? null, note: body.note || null,
        now, userId: p.userId ?? null, userName: p.displayName ?? p.username ?? null, deadline,
      }) as { rows: { id: string }[] }
      inserted = ins[0]!
    } catch (err) {
      // another dispatcher sent this device a moment ago (the open-order index)
      if ((err as { code?: string }).code === '23505') throw new AppError(409, 'order_open', `device ${r.identifier} already has an open order: cancel it first`)
      throw err
    }
    await announce(trx, [{ community: r.community_code, id: Number(inserted.id), status: 'sent', from: null, device: r.identifier,
      memberId: r.member_id === null ? null : Number(r.member_id), eventNumber: event?.number ?? null, at: now.toISOString() }])
    return Number(inserted.id)
  })
  return (await readOrder(knex, p, id, now, false)).order
}

function listParams(p: Principal, now: Date) {
  return { patterns: p.jurisdiction.patterns, now, id: null, statuses: null, eventNumber: null, device: null, memberId: null, before: null, limit: 1 }
}

/** Orders the caller sees, newest first; `next` is the `before` of the next page. */
export async function listOrders(knex: Knex, p: Principal, q: OrderListQuery, now = new Date()): Promise<{ items: OrderView[]; next: number | null }> {
  if (p.jurisdiction.isEmpty) return { items: [], next: null }
  const statuses = q.status === 'all' ? null : q.status === 'open' ? [...OPEN_STATUSES] : [q.status]
  const { rows } = await knex.raw(sqlFile('orders/list'), {
    ...listParams(p, now), statuses, eventNumber: q.eventNumber ?? null, device: q.device ?? null, memberId: q.memberId ?? null,
    before: q.before ?? null, limit: q.limit + 1,
  }) as { rows: OrderRow[] }
  const items = rows.slice(0, q.limit).map(orderView)
  return { items, next: rows.length > q.limit ? items.at(-1)!.id : null }
}

/** One order the caller sees (404 otherwise), with the track since sending. */
export async function readOrder(knex: Knex | Knex.Transaction, p: Principal, id: number, now = new Date(), withTrack = true) {
  const { rows } = p.jurisdiction.isEmpty ? { rows: [] } : await knex.raw(sqlFile('orders/list'), { ...listParams(p, now), id }) as { rows: OrderRow[] }
  if (!rows[0]) throw notFound(`no order ${id} in your jurisdiction`)
  const order = orderView(rows[0])
  if (!withTrack) return { order }
  const { rows: fixes } = await knex.raw(sqlFile('orders/track'), { id, now, limit: MAX_TRACK + 1 }) as { rows: { lon: number; lat: number; fixed_at: Date }[] }
  const kept = fixes.slice(0, MAX_TRACK)
  return {
    order,
    track: {
      type: 'LineString' as const,
      coordinates: kept.map((f) => [f.lon, f.lat]),
      times: kept.map((f) => f.fixed_at.toISOString()),
      truncated: fixes.length > MAX_TRACK,
    },
  }
}

/** Cancels an open order the caller sees (409 when it has arrived, expired or was cancelled). */
export async function cancelOrder(knex: Knex, p: Principal, id: number, reason: string | undefined, now = new Date()): Promise<OrderView> {
  await readOrder(knex, p, id, now, false)
  await knex.transaction(async (trx) => {
    // the row lock orders this against the pass: whichever comes second sees the other's state
    const o = await trx('resource_order as o').join('device as d', 'd.id', 'o.device_id').where('o.id', id).forUpdate('o')
      .first('o.status', 'o.community_code', 'o.member_id', 'o.event_number', 'd.identifier')
    if (!OPEN_STATUSES.includes(o.status)) {
      throw new AppError(409, 'order_closed', `order ${id} is ${o.status}, not open: nothing to cancel`, { orderStatus: o.status })
    }
    await trx('resource_order').where('id', id).update({ status: 'cancelled', closed_at: now, closed_by: p.userId ?? null, cancel_reason: reason || null })
    await announce(trx, [{ community: o.community_code, id, status: 'cancelled', from: o.status, device: o.identifier,
      memberId: o.member_id === null ? null : Number(o.member_id), eventNumber: o.event_number, at: now.toISOString() }])
  })
  return (await readOrder(knex, p, id, now, false)).order
}
