// Whom the field steps notify: the grid leader of a community (督办申请) and the named leaders and
// lead bodies of a major emergency (emergency_contact). Read before a transaction opens.
import type { Knex } from 'knex'
import { sqlFile } from '../../db/sql.ts'

/** Users of the community's grid members on duty as leader (网格长). */
export async function gridLeaders(knex: Knex, communityCode: string): Promise<number[]> {
  const rows = await knex('grid_member').where({ community_code: communityCode, duty: 'leader', active: true }).whereNotNull('user_id').select('user_id')
  return rows.map((r) => Number(r.user_id))
}

export interface AlertContact { kind: 'leader' | 'lead_body'; title: string; username: string | null; departmentCode: string | null; userIds: number[] }
export interface AlertList { userIds: number[]; contacts: AlertContact[] }

/**
 * The contacts of an emergency: rows of the city whose area holds the event's community and
 * whose class prefix (if any) starts its class; a leader by username, a lead body by its
 * department's users. A contact whose user or department is missing is listed with no users
 * (the time line shows that nobody was reached there).
 */
export async function emergencyRecipients(knex: Knex, cityCode: string, communityCode: string, classCode: string): Promise<AlertList> {
  const { rows } = await knex.raw(sqlFile('field-steps/emergency_contacts'), { cityCode, communityCode, classCode }) as {
    rows: { kind: 'leader' | 'lead_body'; title: string; username: string | null; department_code: string | null; user_ids: (string | number)[] }[] }
  const contacts = rows.map((r) => ({ kind: r.kind, title: r.title, username: r.username, departmentCode: r.department_code, userIds: r.user_ids.map(Number) }))
  return { userIds: [...new Set(contacts.flatMap((c) => c.userIds))], contacts }
}
