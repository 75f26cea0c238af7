// The order pass (in the field loop, server/positions/loop.ts): moves open resource orders on from
// the positions. sent -> en_route at the first fix closer to the target than at sending;
// -> arrived at the first fix inside the target (before the deadline); -> expired when the
// deadline passed without one. Each change is streamed ('order') in the pass's transaction.
//
// Safe with several instances: the watermark row is locked FOR UPDATE first, so passes run one
// after another; each update is conditional on the order still being open, and a cancel locks
// the order row too, so a cancel and an arrival never both win. Idempotent: the states are read
// from the positions again, never accumulated. The watermark (device_live.received_at, as the
// patrol pass keeps it) limits a pass to orders whose device reported since the last one, orders
// sent since, and orders past their deadline.
import type { Knex } from 'knex'
import { sqlFile } from '../db/sql.ts'
import { announce, type OrderMessage } from './store.ts'
import type { OrderStatus } from './schemas.ts'

const WATERMARK = 'orders'
/** ingest transactions commit in any order: look a minute back again (a recount, not a miss) */
const OVERLAP_MS = 60_000
/** closer than at sending by more than this: on its way (GPS jitter of a parked car is not) */
export const MOVE_M = 10
const LIMIT = 1000

interface Progress {
  id: string; status: OrderStatus; community_code: string; deadline: Date; start_distance_m: number | null
  member_id: string | null; event_number: string | null; device: string
  arrived_at: Date | null; lon: number | null; lat: number | null; accuracy: number | null; arrival_distance: number | null
  first_distance: number | null; closer_at: Date | null
}

export interface OrderPassResult { enRoute: number; arrived: number; expired: number }

/** What a row of the progress query changes: the update and the new state, or null. */
function change(r: Progress, now: Date): { status: OrderStatus; at: Date; set: Record<string, unknown> } | null {
  const base = r.start_distance_m === null && r.first_distance !== null ? { start_distance_m: r.first_distance } : {}
  if (r.arrived_at) {
    const enRoute = r.closer_at && r.closer_at < r.arrived_at ? r.closer_at : r.arrived_at
    return { status: 'arrived', at: r.arrived_at, set: { ...base, status: 'arrived', arrived_at: r.arrived_at, closed_at: r.arrived_at,
      ...(r.status === 'sent' ? { en_route_at: enRoute } : {}),
      arrival: JSON.stringify({ lon: r.lon, lat: r.lat, accuracy: r.accuracy, distanceM: Math.round(r.arrival_distance! * 10) / 10 }) } }
  }
  if (r.deadline <= now) return { status: 'expired', at: r.deadline, set: { ...base, status: 'expired', closed_at: r.deadline } }
  if (r.status === 'sent' && r.closer_at) return { status: 'en_route', at: r.closer_at, set: { ...base, status: 'en_route', en_route_at: r.closer_at } }
  if (Object.keys(base).length) return { status: r.status, at: now, set: base }
  return null
}

export async function runOrderPass(knex: Knex, now = new Date()): Promise<OrderPassResult> {
  await knex('resource_order_watermark').insert({ name: WATERMARK, processed_to: new Date(0) }).onConflict('name').ignore()
  return knex.transaction(async (trx) => {
    const mark = await trx('resource_order_watermark').where('name', WATERMARK).forUpdate().first('processed_to')
    // the new watermark is read first: a fix landing in between is looked at now and again next time
    const { rows: [top] } = await trx.raw('SELECT max(received_at) AS at FROM device_live') as { rows: { at: Date | null }[] }
    const since = new Date(mark.processed_to.getTime() - OVERLAP_MS)
    const { rows } = await trx.raw(sqlFile('orders/progress'), { now, since, moveM: MOVE_M, limit: LIMIT }) as { rows: Progress[] }
    const result: OrderPassResult = { enRoute: 0, arrived: 0, expired: 0 }
    const messages: OrderMessage[] = []
    for (const r of rows) {
      const c = change(r, now)
      if (!c) continue
      const n = await trx('resource_order').where('id', r.id).where('status', r.status).update(c.set)
      if (!n || c.status === r.status) continue
      if (c.status === 'en_route') result.enRoute++
      else if (c.status === 'arrived') result.arrived++
      else if (c.status === 'expired') result.expired++
      messages.push({ community: r.community_code, id: Number(r.id), status: c.status, from: r.status, device: r.device,
        memberId: r.member_id === null ? null : Number(r.member_id), eventNumber: r.event_number, at: c.at.toISOString() })
    }
    if (messages.length) await announce(trx, messages)
    if (top?.at && top.at > mark.processed_to) await trx('resource_order_watermark').where('name', WATERMARK).update({ processed_to: top.at })
    return result
  })
}
