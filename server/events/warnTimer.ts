// 预警 timers (kind warn): armed at dispatch by time limits that set warnShare (deadlines.ts
// warnTimers), fired by the scheduler when that share of a deadline's time has gone. The
// assignee is told in its inbox (kind warning): the member's account, else the unit's accounts,
// like a to-do. A timer whose deadline moved or passed its stage is stale.
import type { Knex } from 'knex'
import { deliver } from '../inbox/deliver.ts'
import type { Status } from './workflow.ts'

export interface WarnTimer { id: number; due_at: Date; payload: { of?: 'sign' | 'handle'; deadline?: string; share?: number } }
export interface WarnEvent { id: number; number: string; status: Status; community_code: string; sign_due_at: Date | null; handle_due_at: Date | null
  assignee_department_id: number | null; assignee_member_id: number | null }

const ACTIVE: Status[] = ['dispatched', 'signed', 'handling']

/** Why a warn timer no longer applies, or undefined when it does. */
export function warnStaleness(t: WarnTimer, e: WarnEvent): string | undefined {
  const deadline = t.payload.deadline ? new Date(t.payload.deadline).getTime() : NaN
  if (t.payload.of === 'sign') {
    if (e.status !== 'dispatched') return `already ${e.status}`
    return e.sign_due_at?.getTime() === deadline ? undefined : 'the sign deadline moved'
  }
  if (!ACTIVE.includes(e.status)) return `already ${e.status}`
  return e.handle_due_at?.getTime() === deadline ? undefined : 'the deadline moved'
}

const beijing = (d: Date) => new Date(d.getTime() + 8 * 3_600_000).toISOString().slice(0, 16).replace('T', ' ')

/** Tells the assignee the deadline runs out; answers the timer's outcome. */
export async function warnAssignee(trx: Knex.Transaction, t: WarnTimer, e: WarnEvent, now: Date): Promise<string> {
  const member = e.assignee_member_id === null ? undefined : await trx('grid_member').where('id', e.assignee_member_id).first('user_id')
  const userIds = member?.user_id ? [member.user_id]
    : e.assignee_department_id === null ? [] : await trx('app_user').where({ department_id: e.assignee_department_id, disabled: false }).pluck('id')
  const of = t.payload.of === 'sign' ? '签收' : '处置'
  const deadline = new Date(t.payload.deadline!)
  const share = Math.round((t.payload.share ?? 0.8) * 100)
  const n = await deliver(trx, {
    kind: 'warning', title: `预警：事件 ${e.number} 已用${of}时限的 ${share}%`, eventId: e.number, areaCode: e.community_code,
    link: `#event=${e.number}`, body: `${of}时限 ${beijing(deadline)}，请抓紧办理`,
    data: { warn: t.payload.of, deadline: deadline.toISOString(), share: t.payload.share },
  }, { userIds }, now)
  return `warned ${n} recipient(s): ${t.payload.of} deadline ${deadline.toISOString()} at ${share} %`
}
