// The workflow state kept beside the event row (forwards, assisting units, supervision orders,
// the appeal) and what the state machine is asked with: the snapshot and the actor.
import type { Knex } from 'knex'
import type { Principal } from '../auth/users.ts'
import { sqlFile } from '../db/sql.ts'
import { actsFor, isAssignee } from './assignee.ts'
import type { EventRow } from './store.ts'
import type { Actor, Snapshot, Verification } from './workflow.ts'

/** The assisting unit (协办) of the current assignment the principal acts for, if any. */
export const assistingUnitOf = (p: Principal, x: Extras) => (p.role === 'grid_inspector' ? undefined : x.assisting.find((u) => actsFor(p, u)))

export interface Extras {
  forward_depth: number; assists_pending: number; open_supervisions: number; appealed: boolean
  assisting: { id: number; kind: string; admin: string; state: string }[]
  // field steps (sql/queries/field-steps/extras.sql)
  verification: Verification; open_supervision_requests: number; emergency: boolean; duty_chief: boolean
  // parallel parts (sql/queries/parallel/extras.sql)
  open_parts: number
}

/** The workflow state kept beside the event row (forwards, assisting units, supervision, appeal). */
export async function extras(trx: Knex | Knex.Transaction, e: EventRow, userId: number | null = null): Promise<Extras> {
  const { rows } = await trx.raw(sqlFile('workflow/extras'), { eventId: e.id, assignmentAt: e.dispatched_at }) as { rows: Extras[] }
  const { rows: field } = await trx.raw(sqlFile('field-steps/extras'), { eventId: e.id, userId: userId ?? -1, now: new Date() }) as { rows: Extras[] }
  const { rows: parts } = await trx.raw(sqlFile('parallel/extras'), { eventId: e.id }) as { rows: Pick<Extras, 'open_parts'>[] }
  return { ...rows[0]!, ...field[0]!, ...parts[0]! }
}

export const snapshotOf = (e: EventRow, x: Extras): Snapshot => ({
  status: e.status, extensionPending: e.extension_pending, escalationLevel: e.escalation_level, satisfaction: e.satisfaction,
  forwardDepth: Number(x.forward_depth), assistsPending: Number(x.assists_pending), openSupervisions: Number(x.open_supervisions), appealed: x.appealed,
  verification: x.verification, openSupervisionRequests: Number(x.open_supervision_requests), emergency: x.emergency,
  openParts: Number(x.open_parts ?? 0),
})

export function actorOf(p: Principal, e: EventRow, x: Extras): Actor {
  return {
    role: p.role, isAssignee: isAssignee(p, e), isReporter: (p.userId !== null && e.reporter_user_id === p.userId) || (p.provenReport !== undefined && p.provenReport === e.number),
    isAssisting: assistingUnitOf(p, x) !== undefined, isDutyChief: x.duty_chief,
  }
}
