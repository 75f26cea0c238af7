// 到场 (arrival): the member an event was dispatched to reaches it. The first good fix of the
// member's devices since the dispatch within the city's arrival radius (or inside the event's grid,
// when the city counts that: event_sla) appends an
// 'arrive' history row with the fix's time and the distance, and tells the event's stream.
//
// Found by a pass of the field loop (server/positions/loop.ts), not by ingest: asking the
// partitioned event table on every batch cost ingest ten times its own work. 处置 asks for its
// own event at once (findArrival), so a member who arrived is never refused for the pass's delay.
import type { Knex } from 'knex'
import { sqlFile } from '../db/sql.ts'

interface Found {
  id: string; created_at: Date; number: string; city_code: string; community_code: string; status: string; dispatched_at: Date
  user_id: string | null; member_name: string; fixed_at: Date; lon: number; lat: number; accuracy: number | null; distance: number; radius: number; in_grid: boolean
}

/** Records arrivals found for open events (all of them, or one); returns how many. Runs in `trx`. */
async function record(trx: Knex.Transaction, eventId: number | null, limit: number): Promise<number> {
  const { rows } = await trx.raw(sqlFile('positions/arrivals'), { eventId, limit }) as { rows: Found[] }
  let recorded = 0
  for (const a of rows) {
    // the caller's transition already holds its event; the pass never waits for a busy one
    const { rows: locked } = await trx.raw('SELECT status FROM event WHERE id = ? AND created_at = ? FOR UPDATE SKIP LOCKED', [a.id, a.created_at])
    if (eventId === null && locked[0]?.status !== a.status) continue
    const distance = Math.round(a.distance * 10) / 10
    await trx.raw(sqlFile('workflow/history_append'), {
      eventId: a.id, cityCode: a.city_code, action: 'arrive', from: a.status, to: a.status,
      userId: a.user_id === null ? null : Number(a.user_id), role: 'grid_inspector', name: a.member_name, at: a.fixed_at,
      comment: a.in_grid && a.distance > a.radius ? `网格员到场（已进入事件所在网格，距事件 ${distance} 米）` : `网格员到场（距事件 ${distance} 米）`, attachments: '[]',
      explanation: JSON.stringify({ distanceM: distance, radiusM: a.radius, inGrid: a.in_grid && a.distance > a.radius, fix: { at: a.fixed_at.toISOString(), lon: a.lon, lat: a.lat, accuracy: a.accuracy } }),
    })
    await trx.raw('SELECT pg_notify(?, ?)', ['gridgov_events', JSON.stringify({ event: a.number, action: 'arrive', status: a.status, community: a.community_code })])
    recorded++
  }
  return recorded
}

/** The pass: arrivals of every open event dispatched to a member (at most `limit` a pass). */
export function runArrivalPass(knex: Knex, limit = 500): Promise<number> {
  return knex.transaction((trx) => record(trx, null, limit))
}

/** 处置's check: whether the event's member has arrived, recording the arrival if it just did. */
export async function findArrival(trx: Knex.Transaction, eventId: number, dispatchedAt: Date): Promise<boolean> {
  const seen = await trx('event_history').where({ event_id: eventId, action: 'arrive' }).where('at', '>=', dispatchedAt).first('seq')
  return seen !== undefined || (await record(trx, eventId, 1)) > 0
}
