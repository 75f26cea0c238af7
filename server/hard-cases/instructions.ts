// 批示: a leader's instruction on an event, kept in its own table (the detail lists them) and in
// the event's history (the time line shows it), and sent to the unit holding the event.
import type { Knex } from 'knex'
import { z } from 'zod'
import type { Principal } from '../auth/users.ts'
import type { Role } from '../auth/roles.ts'
import { appendHistory } from '../events/historyAppend.ts'
import { deliver } from '../inbox/deliver.ts'
import { lockedEvent, publish, unitRecipients } from './store.ts'

/** Leaders instruct: the centre and the district and street leadership. */
export const INSTRUCTING_ROLES: Role[] = ['command_center', 'district_staff', 'street_staff']

export const instructionBody = z.object({
  text: z.string().trim().min(1).max(4000),
  /** the leader's name when a secretary records it; the caller's own name otherwise */
  leaderName: z.string().trim().min(1).max(100).optional(),
  leaderTitle: z.string().trim().min(1).max(100).optional(),
  /** by when the instruction is to be carried out */
  dueAt: z.iso.datetime({ offset: true }).optional(),
}).strict()

export async function instruct(db: Knex, p: Principal, number: string, body: z.output<typeof instructionBody>, now = new Date()) {
  return db.transaction(async (trx) => {
    const e = await lockedEvent(trx, p, number)
    const leaderName = body.leaderName ?? p.displayName
    const [row] = await trx('event_instruction').insert({ event_id: e.id, city_code: e.city_code, user_id: p.userId, leader_name: leaderName,
      leader_title: body.leaderTitle ?? null, text: body.text, due_at: body.dueAt ? new Date(body.dueAt) : null, issued_at: now }).returning('id')
    const who = body.leaderTitle ? `${body.leaderTitle}${leaderName}` : leaderName
    const seq = await appendHistory(trx, e, { action: 'instruction', from: e.status, to: e.status, p, now, comment: `${who}批示：${body.text}`,
      explanation: { instruction: Number(row.id), leader: leaderName, title: body.leaderTitle ?? null, dueAt: body.dueAt ?? null } })
    // the unit holding the event acts on it; without one the desks of its area do
    const to = await unitRecipients(trx, e.assignee_department_id === null ? [] : [e.assignee_department_id])
    if (e.assignee_member_user_id !== null) to.push({ userIds: [e.assignee_member_user_id] })
    if (!to.length) to.push({ roles: ['command_center', 'district_staff', 'street_staff'], areaCode: e.community_code })
    for (const r of to) {
      await deliver(trx, { kind: 'hard_case', title: `领导批示 ${e.number}：${who}`, body: body.text, eventId: e.number, areaCode: e.community_code, link: `#/events/${e.number}` }, r, now)
    }
    await publish(trx, e, 'instruction')
    return { id: Number(row.id), number, leaderName, leaderTitle: body.leaderTitle ?? null, text: body.text, dueAt: body.dueAt ?? null, issuedAt: now.toISOString(), seq }
  })
}

export async function instructionsOf(db: Knex | Knex.Transaction, eventId: number) {
  const rows = await db('event_instruction').where('event_id', eventId).orderBy('issued_at').orderBy('id')
  return rows.map((r) => ({ id: Number(r.id), leaderName: r.leader_name, leaderTitle: r.leader_title, text: r.text,
    dueAt: r.due_at?.toISOString() ?? null, issuedAt: r.issued_at.toISOString() }))
}
