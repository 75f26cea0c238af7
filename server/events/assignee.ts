// Who holds an event: the unit (or the grid member) it is assigned to, and whether a principal
// acts for it. Shared by the transitions, the event list (assignee=me) and the attachments.
import type { Principal } from '../auth/users.ts'

/** The assignee columns of an event row (store.ts EventRow), named here so store.ts may use isAssignee. */
export interface AssignedRow {
  assignee_department_id: number | null; assignee_member_id: number | null; assignee_member_user_id: number | null
  assignee_department_kind: string | null; assignee_department_admin: string | null
}

/** The territory office a staff role acts for (its kind; which one: the role's jurisdiction). */
export const STAFF_UNIT: Partial<Record<string, string>> = {
  community_staff: 'community_committee', street_staff: 'street_office', district_staff: 'district_office',
}

/** Whether the principal acts for a unit: its own department, or the territory office of its area. */
export function actsFor(p: Principal, unit: { id: number; kind: string | null; admin: string | null }): boolean {
  if (p.departmentId !== null && p.departmentId === Number(unit.id)) return true
  const kind = STAFF_UNIT[p.role]
  return kind !== undefined && kind === unit.kind && p.jurisdiction.covers(unit.admin ?? '-')
}

/** Whether the principal acts for the unit (or is the grid member) the event is assigned to. */
export function isAssignee(p: Principal, e: AssignedRow): boolean {
  if (e.assignee_department_id === null) return false
  if (p.role === 'grid_inspector') {
    return e.assignee_member_id !== null ? e.assignee_member_user_id === p.userId : p.departmentId === e.assignee_department_id
  }
  return actsFor(p, { id: e.assignee_department_id, kind: e.assignee_department_kind, admin: e.assignee_department_admin })
}
