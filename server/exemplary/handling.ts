// How a pinned case was handled: its steps (the event's history, with the notes the page words in
// Chinese), the time it took against its limit, and its evaluation. The history is append-only,
// so reading it live always tells the same story the centre pinned.
import type { Knex } from 'knex'
import { noteOf, type HistoryNote } from '../events/historyNotes.ts'

const MINUTE = 60_000

export interface ClockColumns {
  created_at: Date; dispatched_at: Date | null; handle_due_at: Date | null; handled_at: Date | null; closed_at: Date | null
}

const iso = (d: Date | null) => (d ? d.toISOString() : null)
const minutes = (from: Date | null, to: Date | null) => (from && to ? Math.round((to.getTime() - from.getTime()) / MINUTE) : null)

/**
 * The time taken against the limit. The limit is the handling deadline as it stood at closing
 * (an approved extension moved it) counted from dispatch; on time means closed by that deadline,
 * the same rule as the 按期结案率 indicator (no deadline counts as on time).
 */
export function timing(r: ClockColumns) {
  return {
    reportedAt: iso(r.created_at), dispatchedAt: iso(r.dispatched_at), handledAt: iso(r.handled_at),
    closedAt: iso(r.closed_at), handleDueAt: iso(r.handle_due_at),
    /** dispatch → close */
    takenMinutes: minutes(r.dispatched_at, r.closed_at),
    /** dispatch → handling deadline */
    limitMinutes: minutes(r.dispatched_at, r.handle_due_at),
    /** report → close */
    totalMinutes: minutes(r.created_at, r.closed_at),
    onTime: r.closed_at === null ? null : r.handle_due_at === null || r.closed_at.getTime() <= r.handle_due_at.getTime(),
  }
}

interface HistoryRow {
  event_id: string; seq: number; action: string; from_status: string | null; to_status: string; actor_role: string
  actor_name: string; at: Date; comment: string | null; attachments: unknown; explanation: unknown
}

export interface Step {
  seq: number; action: string; from: string | null; to: string; actor: { role: string; name: string }
  at: string; comment: string | null; attachments: number; note: HistoryNote | null
}

export interface Evaluation { satisfaction: string | null; at: string; actor: { role: string; name: string }; comment: string | null }

export interface Handling { steps: Step[]; evaluation: Evaluation | null; extended: boolean }

/** The handling of several events at once (one query), by event id. */
export async function handlingOf(knex: Knex | Knex.Transaction, eventIds: (number | string)[]): Promise<Map<string, Handling>> {
  const out = new Map<string, Handling>()
  if (eventIds.length === 0) return out
  const rows = await knex('event_history').whereIn('event_id', eventIds.map(Number)).orderBy([{ column: 'event_id' }, { column: 'seq' }])
    .select('event_id', 'seq', 'action', 'from_status', 'to_status', 'actor_role', 'actor_name', 'at', 'comment', 'attachments', 'explanation') as HistoryRow[]
  for (const r of rows) {
    const key = String(r.event_id)
    let h = out.get(key)
    if (!h) out.set(key, h = { steps: [], evaluation: null, extended: false })
    h.steps.push({
      seq: r.seq, action: r.action, from: r.from_status, to: r.to_status, actor: { role: r.actor_role, name: r.actor_name },
      at: r.at.toISOString(), comment: r.comment, attachments: Array.isArray(r.attachments) ? r.attachments.length : 0, note: noteOf(r),
    })
    if (r.action === 'approve_extension') h.extended = true
    if (r.action === 'evaluate') {
      const x = (r.explanation ?? {}) as { satisfaction?: unknown }
      h.evaluation = {
        satisfaction: typeof x.satisfaction === 'string' ? x.satisfaction : null, at: r.at.toISOString(),
        actor: { role: r.actor_role, name: r.actor_name }, comment: r.comment,
      }
    }
  }
  return out
}
