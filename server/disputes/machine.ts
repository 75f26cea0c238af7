// The dispute's state machine and who may take each step.
//
//   registered ──assign──▶ assigned ──session──▶ mediating ──conclude──▶ agreed | failed | transferred
//        ▲ (no mediator)      │ reassign (any open state)                       │
//                             └──conclude: transferred (no session needed)      ├─ revisit (once, any outcome)
//                                                                               └─ performance (agreed only, until performed)
// An illegal step is a 409 with its own code, naming the state; the risk may change while open.
import type { Principal } from '../auth/users.ts'
import type { Role } from '../auth/roles.ts'
import { AppError } from '../http/errors.ts'
import { STATUSES, type Status } from './types.ts'

export type Step = 'reassign' | 'session' | 'conclude' | 'risk' | 'revisit' | 'performance'

const ALLOWED: Record<Step, readonly Status[]> = {
  reassign: ['registered', 'assigned', 'mediating'],
  session: ['assigned', 'mediating'],
  conclude: ['assigned', 'mediating'],
  risk: ['registered', 'assigned', 'mediating'],
  revisit: ['agreed', 'failed', 'transferred'],
  performance: ['agreed'],
}

/** Staff who register, assign and handle disputes in their jurisdiction. */
export const STAFF_ROLES: readonly Role[] = ['command_center', 'district_staff', 'street_staff', 'community_staff']
/** Who may take each step, besides the account of the assigned mediator (all but reassign). */
const STEP_ROLES: Record<Step, readonly Role[]> = {
  reassign: STAFF_ROLES, session: STAFF_ROLES, conclude: STAFF_ROLES, risk: [...STAFF_ROLES, 'grid_inspector'],
  revisit: [...STAFF_ROLES, 'grid_inspector'], performance: [...STAFF_ROLES, 'grid_inspector'],
}

export const illegal = (code: string, message: string, params: Record<string, unknown>) =>
  new AppError(409, 'illegal_step', message, params).coded(code, params)

/** 409 when the step is not allowed in this state (the code says why). */
export function checkStep(step: Step, status: Status, id: number): void {
  if (ALLOWED[step].includes(status)) return
  const params = { id, step, status, statusName: STATUSES[status] }
  if (status === 'registered') throw illegal('disputes.not_assigned', `dispute ${id} has no mediator yet: assign one first`, params)
  if (step === 'revisit' || step === 'performance') {
    if (step === 'performance' && (status === 'failed' || status === 'transferred')) throw illegal('disputes.no_agreement', `dispute ${id} ended without an agreement: there is nothing to perform`, params)
    throw illegal('disputes.not_concluded', `dispute ${id} is still ${status}: it must be concluded first`, params)
  }
  throw illegal('disputes.concluded', `dispute ${id} is concluded (${status}): it can no longer be ${step === 'risk' ? 're-assessed' : 'changed'} this way`, params)
}

/** 403 unless the principal may take the step on this dispute (in its jurisdiction, or its mediator). */
export function checkActor(step: Step, p: Principal, d: { id: string; community_code: string; mediator_user_id: string | null }): void {
  const isMediator = d.mediator_user_id !== null && p.userId !== null && Number(d.mediator_user_id) === p.userId
  if (isMediator && step !== 'reassign') return
  if (STEP_ROLES[step].includes(p.role) && p.jurisdiction.covers(d.community_code)) return
  throw new AppError(403, 'forbidden', `role ${p.role} may not ${step} dispute ${d.id}`).coded('disputes.step_forbidden', { role: p.role, step, id: Number(d.id) })
}
