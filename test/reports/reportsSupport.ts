// Events for the report tests (June 2025, May 2025 for 环比, June 2024 for 同比) with workflow
// fields and history, some at one spot per community (indicators) and some spread over the
// communities (the map), and helpers that read the numbers back out of an HTML report.
import type { Knex } from 'knex'
import { insertIndicatorEvents, type Spec } from '../analytics/indicatorsSupport.ts'
import { insertEvents, placeEvents } from '../analytics/heatmapSupport.ts'

export const C1 = '990102001001' // street1
export const C1B = '990102001002' // street1
export const C2 = '990102002001' // street2
const H = 3_600_000
const DAY = 24 * H

/** A reproducible spread of events created in [start, start + days), most lifecycles represented. */
export function spread(start: string, days: number, n: number, seed: number, classes: string[]): Spec[] {
  const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31
  const pick = <T>(a: T[]) => a[Math.floor(rand() * a.length)]!
  const iso = (ms: number) => new Date(ms).toISOString()
  const out: Spec[] = []
  for (let i = 0; i < n; i++) {
    const t = Date.parse(start) + Math.floor(rand() * days * DAY)
    const e: Spec = { community: pick([C1, C1B, C2]), at: iso(t), channel: pick(['inspector_app', 'resident', 'hotline_12345']),
      demandType: pick(['咨询', '求助', '投诉举报', '建议感谢']), classCode: pick(classes), status: 'reported', department: null }
    if (rand() < 0.8) {
      e.dispatched = iso(t + H)
      e.due = iso(t + H + Math.floor((1 + rand() * 10) * DAY))
      e.status = 'handling'
      if (rand() < 0.6) {
        e.closed = iso(t + H + Math.floor(rand() * 12 * DAY))
        e.status = 'closed'
        if (rand() < 0.7) { e.satisfaction = pick(['satisfied', 'basically_satisfied', 'dissatisfied']); e.status = 'evaluated' }
      }
      e.history = rand() < 0.3 ? [{ action: pick(['rework', 'return', 'approve_extension']), at: iso(t + 2 * H) }] : []
    }
    out.push(e)
  }
  return out
}

export async function insertReportEvents(knex: Knex, classes: string[]): Promise<void> {
  await insertIndicatorEvents(knex, [
    ...spread('2025-06-01T00:00:00+08:00', 30, 140, 11, classes),
    ...spread('2025-05-01T00:00:00+08:00', 31, 50, 12, classes),
    ...spread('2024-06-01T00:00:00+08:00', 30, 30, 13, classes),
  ])
  // spread points for the map: 60 events over three communities on 18 June 2025
  const placed = [
    ...await placeEvents(knex, { community: C1, at: new Date('2025-06-18T09:00:00+08:00'), classCode: classes[0] }, 30, 5),
    ...await placeEvents(knex, { community: C1B, at: new Date('2025-06-18T10:30:00+08:00'), classCode: classes[1] }, 20, 6),
    ...await placeEvents(knex, { community: C2, at: new Date('2025-06-18T15:00:00+08:00'), classCode: classes[2] }, 10, 7),
  ]
  await insertEvents(knex, placed)
}

export async function deleteReportEvents(knex: Knex): Promise<void> {
  await knex('event').whereIn('description', ['indicators test', 'analytics test'])
    .andWhere('created_at', '>=', '2024-01-01').andWhere('created_at', '<', '2025-12-01').delete()
}

/** The numbers an HTML report shows, by data-key. */
export function htmlNumbers(html: string): Map<string, string> {
  const out = new Map<string, string>()
  for (const m of html.matchAll(/<td[^>]*data-key="([^"]+)"[^>]*>([^<]*)<\/td>/g)) out.set(m[1]!, m[2]!)
  return out
}
