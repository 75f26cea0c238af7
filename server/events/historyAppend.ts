// Appending to an event's history: by a person (a Principal) or by the service itself (SYSTEM).
import type { Knex } from 'knex'
import type { Principal } from '../auth/users.ts'
import { sqlFile } from '../db/sql.ts'
import type { EventRow } from './store.ts'
import { traceRequest } from '../audit/trace.ts'

/** The service itself: auto-close, the petition of a dissatisfied evaluation, an appeal's dispatch. */
export const SYSTEM = 'system' as const

export async function appendHistory(trx: Knex.Transaction, e: Pick<EventRow, 'id' | 'city_code'>, h: { action: string; from: string | null; to: string;
  p: Principal | typeof SYSTEM; now: Date; comment: string | null; explanation: unknown; attachments?: number[] }): Promise<number> {
  const actor = h.p === SYSTEM ? { userId: null, role: 'system', name: '系统自动' } : { userId: h.p.userId, role: h.p.role, name: h.p.displayName }
  // inside a request, the outbox rows this append queues carry its id (server/audit/scope.ts)
  await traceRequest(trx)
  // seq = last + 1 under the event's row lock (held by the caller), so appends never collide
  const { rows } = await trx.raw(sqlFile('workflow/history_append'), {
    eventId: e.id, cityCode: e.city_code, action: h.action, from: h.from, to: h.to, userId: actor.userId, role: actor.role,
    name: actor.name, at: h.now, comment: h.comment, attachments: JSON.stringify(h.attachments ?? []),
    explanation: h.explanation === null || h.explanation === undefined ? null : JSON.stringify(h.explanation),
  }) as { rows: { seq: number }[] }
  return rows[0]!.seq
}
