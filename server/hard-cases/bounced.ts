// Orders passed between units (退回, 改派, 移交) at least the rule's N times, each linked with
// similar events: the same class in the same street within a month either side, whose text is
// alike (events/similarity.ts). A cluster of bounced look-alikes is what a responsibility blind
// spot (部门职能盲区) looks like, so the blind-spot register reads this too.
import type { Knex } from 'knex'
import { z } from 'zod'
import type { Principal } from '../auth/users.ts'
import { sqlFile } from '../db/sql.ts'
import { readEvent } from '../events/store.ts'
import { BigramProfile } from '../events/similarity.ts'
import { statusTitles, type Status } from '../events/workflow.ts'
import { readRule } from './rule.ts'
import { measure } from './store.ts'

export const bouncedQuery = z.object({
  /** at least this many passes (default: the city's rule) */
  min: z.coerce.number().int().min(1).max(100).optional(),
  /** the least text similarity of a linked event, 0…1 */
  similarity: z.coerce.number().min(0.1).max(1).default(0.5),
  limit: z.coerce.number().int().min(1).max(200).default(50),
}).strict()

const WINDOW_MS = 30 * 86_400_000

export interface Similar { number: string; status: Status; statusTitle: string; communityCode: string; similarity: number; createdAt: string }

export async function similarTo(db: Knex, p: Principal, e: { id: number; class_code: string; street_code: string; description: string; created_at: Date }, least: number): Promise<Similar[]> {
  const { rows } = await db.raw(sqlFile('hard-cases/similar'), { classCode: e.class_code, streetCode: e.street_code, eventId: e.id,
    from: new Date(e.created_at.getTime() - WINDOW_MS), to: new Date(e.created_at.getTime() + WINDOW_MS), patterns: p.jurisdiction.patterns,
  }) as { rows: { number: string; status: Status; description: string; community_code: string; created_at: Date }[] }
  const me = new BigramProfile(e.description)
  return rows.map((r) => ({ r, s: me.similarity(new BigramProfile(r.description)) })).filter((x) => x.s >= least)
    .sort((a, b) => b.s - a.s).slice(0, 10)
    .map(({ r, s }) => ({ number: r.number, status: r.status, statusTitle: statusTitles[r.status], communityCode: r.community_code, similarity: Math.round(s * 1000) / 1000, createdAt: r.created_at.toISOString() }))
}

export async function bounced(db: Knex, p: Principal, q: z.output<typeof bouncedQuery>, now = new Date()) {
  const rule = await readRule(db, p.cityCode)
  const min = q.min ?? rule.bounces
  // units and overdue thresholds out of reach: only the passes count here
  const rows = (await measure(db, p, { onlyHits: true, rule: { ...rule, bounces: min, overdueHours: 1_000_000, units: 1_000 }, limit: q.limit, now }))
  const items = []
  for (const m of rows) {
    const e = await readEvent(db, m.number, p.jurisdiction, p.userId)
    if (!e) continue
    items.push({ number: m.number, status: m.status, statusTitle: statusTitles[m.status], class: { code: m.class_code, name: m.class_name },
      communityCode: m.community_code, streetCode: e.street_code, description: m.description.slice(0, 200), bounces: m.bounces, units: m.units,
      hardCase: m.marked, similar: await similarTo(db, p, e, q.similarity) })
  }
  return { min, similarity: q.similarity, items }
}
