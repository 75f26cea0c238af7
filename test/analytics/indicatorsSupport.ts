// Events with hand-set workflow columns and history for the indicator tests, and the independent
// reference: the definitions of server/analytics/indicators.ts applied in Node to the event rows
// and history rows read back (no SQL aggregation).
import type { Knex } from 'knex'
import { pointsIn, r12 } from './heatmapSupport.ts'

export const DESCRIPTION = 'indicators test'
export interface Spec {
  community: string; at: string; channel?: string; demandType?: string; classCode?: string; status?: string
  dispatched?: string; due?: string; closed?: string; satisfaction?: string; department?: string | null
  history?: { action: string; at: string }[]
}
export interface Row {
  id: string; created: Date; community: string; channel: string; demandType: string; classCode: string; status: string
  department: string | null; dispatched: Date | null; due: Date | null; closed: Date | null; satisfaction: string | null
  actions: { action: string; at: Date }[]
}

let serial = Math.floor(Math.random() * 1e9)

export async function insertIndicatorEvents(knex: Knex, events: Spec[]): Promise<void> {
  const spots = new Map<string, { lon: number; lat: number }>()
  for (const c of new Set(events.map((e) => e.community))) spots.set(c, (await pointsIn(knex, c, 1, 3))[0]!)
  for (const e of events) {
    const p = spots.get(e.community)!
    const id = ((await knex.raw(`INSERT INTO event (number, city_code, channel, demand_type, class_code, description, geom, source_position,
        community_code, street_code, district_code, h3_r12, status, created_at, updated_at, assignee_department_id,
        dispatched_at, handle_due_at, closed_at, satisfaction)
      VALUES (:n, substr(:c, 1, 4) || '00', :ch, :dt, :k, :d, ST_SetSRID(ST_MakePoint(:x, :y), 4490), '{"crs":"EPSG:4490"}'::jsonb,
        :c, substr(:c, 1, 9) || '000', substr(:c, 1, 6) || '000000', :h::bigint, :s, :t::timestamptz, :t::timestamptz, :dep::bigint,
        :disp::timestamptz, :due::timestamptz, :closed::timestamptz, :sat) RETURNING id`, {
      n: `E9${String(serial++).padStart(14, '0')}`, c: e.community, ch: e.channel ?? 'resident', dt: e.demandType ?? '投诉举报',
      k: e.classCode ?? '0102', d: DESCRIPTION, x: p.lon, y: p.lat, h: r12(p.lon, p.lat), s: e.status ?? 'dispatched', t: e.at,
      dep: e.department ?? null, disp: e.dispatched ?? null, due: e.due ?? null, closed: e.closed ?? null, sat: e.satisfaction ?? null,
    })).rows as { id: string }[])[0]!.id
    for (const [i, h] of (e.history ?? []).entries()) {
      await knex('event_history').insert({ event_id: id, seq: i + 1, city_code: e.community.slice(0, 4) + '00', action: h.action,
        from_status: 'handling', to_status: 'handling', actor_role: 'command_center', actor_name: 'test', at: h.at })
    }
  }
}

/** Event rows created in [from, to) whose community starts with `prefix`, with their history. */
export async function readBack(knex: Knex, from: string, to: string, prefix = ''): Promise<Row[]> {
  const ev = await knex('event').where('created_at', '>=', from).andWhere('created_at', '<', to)
    .andWhere('community_code', 'like', `${prefix}%`).select('*') as Record<string, unknown>[]
  const hist = ev.length === 0 ? [] : await knex('event_history').whereIn('event_id', ev.map((r) => r.id as string))
    .select('event_id', 'action', 'at') as { event_id: string; action: string; at: Date }[]
  const d = (v: unknown) => (v === null ? null : new Date(v as Date))
  return ev.map((r) => ({
    id: String(r.id), created: new Date(r.created_at as Date), community: r.community_code as string, channel: r.channel as string,
    demandType: r.demand_type as string, classCode: r.class_code as string, status: r.status as string,
    department: r.assignee_department_id === null ? null : String(r.assignee_department_id),
    dispatched: d(r.dispatched_at), due: d(r.handle_due_at), closed: d(r.closed_at), satisfaction: r.satisfaction as string | null,
    actions: hist.filter((h) => String(h.event_id) === String(r.id)).map((h) => ({ action: h.action, at: new Date(h.at) })),
  }))
}

export type Counts = Record<'total' | 'due' | 'closed' | 'on_time' | 'overdue' | 'dispatched' | 'rework' | 'extension' | 'returned'
  | 'evaluated' | 'satisfied' | 'inspector' | 'escalated' | 'transferred' | 'direct', number>

/** The counts as of `to`, one event at a time. */
export function referenceCounts(rows: Row[], to: Date): Counts {
  const c: Counts = { total: 0, due: 0, closed: 0, on_time: 0, overdue: 0, dispatched: 0, rework: 0, extension: 0, returned: 0, evaluated: 0,
    satisfied: 0, inspector: 0, escalated: 0, transferred: 0, direct: 0 }
  for (const r of rows) {
    const closed = r.closed !== null && r.closed < to
    const deadlinePassed = r.due !== null && r.due < to
    const acted = (a: string) => r.actions.some((h) => h.action === a && h.at < to)
    c.total++
    if (deadlinePassed || closed) c.due++
    if (closed) c.closed++
    if (closed && (r.due === null || r.closed!.getTime() <= r.due.getTime())) c.on_time++
    if (deadlinePassed && (!closed || r.closed!.getTime() > r.due!.getTime())) c.overdue++
    if (r.dispatched !== null && r.dispatched < to) c.dispatched++
    if (acted('rework')) c.rework++
    if (acted('approve_extension')) c.extension++
    if (acted('return')) c.returned++
    if (closed && r.satisfaction !== null) c.evaluated++
    if (closed && (r.satisfaction === 'satisfied' || r.satisfaction === 'basically_satisfied')) c.satisfied++
    if (r.channel === 'inspector_app') c.inspector++
    // handling mode: escalated before `to`; else dispatched before `to`; else direct
    if (acted('escalate')) c.escalated++
    else if (r.dispatched !== null && r.dispatched < to) c.transferred++
    else c.direct++
  }
  return c
}

const PAIRS: Record<string, [keyof Counts, keyof Counts]> = {
  closeRate: ['closed', 'due'], onTimeCloseRate: ['on_time', 'due'], reworkRate: ['rework', 'dispatched'],
  extensionRate: ['extension', 'dispatched'], returnRate: ['returned', 'dispatched'], overdueRate: ['overdue', 'due'],
  satisfactionRate: ['satisfied', 'evaluated'], selfDiscoveryRate: ['inspector', 'total'],
}
export function referenceRates(c: Counts) {
  return Object.fromEntries(Object.entries(PAIRS).map(([k, [n, d]]) => [k, { numerator: c[n], denominator: c[d], rate: c[d] === 0 ? null : c[n] / c[d] }]))
}
