// Events and the independent reference for the series tests: rows inserted with SQL at chosen
// instants, read back and bucketed in Node with the Shanghai calendar from Intl (not the
// server's arithmetic), ISO weeks by counting from the Monday of the week holding 4 January.
import type { Knex } from 'knex'
import { pointsIn, r12 } from './heatmapSupport.ts'

export const DESCRIPTION = 'series test'
export interface SeriesEvent { community: string; at: string; classCode?: string; channel?: string; status?: string }
export interface Row { at: Date; community: string; classCode: string; channel: string; status: string }

let serial = Math.floor(Math.random() * 1e9)

export async function insertSeriesEvents(knex: Knex, events: SeriesEvent[]): Promise<void> {
  const spots = new Map<string, { lon: number; lat: number }>()
  for (const c of new Set(events.map((e) => e.community))) spots.set(c, (await pointsIn(knex, c, 1, 7))[0]!)
  const rows = events.map((e) => {
    const p = spots.get(e.community)!
    return { n: `E8${String(serial++).padStart(14, '0')}`, c: e.community, t: new Date(e.at).toISOString(), x: p.lon, y: p.lat, h: r12(p.lon, p.lat),
      k: e.classCode ?? '0102', ch: e.channel ?? 'inspector_app', s: e.status ?? 'dispatched' }
  })
  await knex.raw(`INSERT INTO event (number, city_code, channel, demand_type, class_code, description, geom, source_position,
      community_code, street_code, district_code, h3_r12, status, created_at, updated_at)
    SELECT r.n, substr(r.c, 1, 4) || '00', r.ch, '投诉举报', r.k, ?, ST_SetSRID(ST_MakePoint(r.x, r.y), 4490),
      '{"crs":"EPSG:4490"}'::jsonb, r.c, substr(r.c, 1, 9) || '000', substr(r.c, 1, 6) || '000000', r.h::bigint, r.s, r.t::timestamptz, r.t::timestamptz
    FROM json_to_recordset(?::json) AS r(n text, c text, t text, x float8, y float8, h text, k text, ch text, s text)`, [DESCRIPTION, JSON.stringify(rows)])
}

/** Every event row of [from, to), read back. */
export async function readBack(knex: Knex, from: string, to: string): Promise<Row[]> {
  const rows = await knex('event').where('created_at', '>=', from).andWhere('created_at', '<', to)
    .select('created_at', 'community_code', 'class_code', 'channel', 'status') as
    { created_at: Date; community_code: string; class_code: string; channel: string; status: string }[]
  return rows.map((r) => ({ at: new Date(r.created_at), community: r.community_code, classCode: r.class_code, channel: r.channel, status: r.status }))
}

const shanghai = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit' })
/** The Shanghai calendar date (yyyy-mm-dd) of an instant, from the time-zone database. */
export const localDate = (t: Date) => shanghai.format(t)

const utc = (ymd: string) => new Date(`${ymd}T00:00:00Z`)
const dayMs = 86_400_000
const mondayOf = (ymd: string) => { const d = utc(ymd); return new Date(d.getTime() - ((d.getUTCDay() + 6) % 7) * dayMs) }

/** ISO week label (yyyy-Www) of a calendar date: weeks counted from the Monday of the week holding 4 January. */
export function weekLabel(ymd: string): string {
  const monday = mondayOf(ymd)
  for (const year of [monday.getUTCFullYear() + 1, monday.getUTCFullYear(), monday.getUTCFullYear() - 1]) {
    const week1 = mondayOf(`${year}-01-04`)
    if (monday >= week1) return `${year}-W${String(1 + Math.round((monday.getTime() - week1.getTime()) / (7 * dayMs))).padStart(2, '0')}`
  }
  throw new Error('unreachable')
}

export type Unit = 'day' | 'week' | 'month'
export const labelOf = (unit: Unit, t: Date) => {
  const d = localDate(t)
  return unit === 'day' ? d : unit === 'month' ? d.slice(0, 7) : weekLabel(d)
}

/** Events per period label. */
export function bucket(unit: Unit, rows: Row[]): Map<string, number> {
  const m = new Map<string, number>()
  for (const r of rows) { const k = labelOf(unit, r.at); m.set(k, (m.get(k) ?? 0) + 1) }
  return m
}

/** The label of the same period a year earlier (same date, ISO week number or month), as text. */
export const yearBefore = (label: string) => `${Number(label.slice(0, 4)) - 1}${label.slice(4)}`
