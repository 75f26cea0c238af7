// Overdue meeting decisions (会商决定事项超期): the background pass tells each decision's owner unit
// and the meeting's convener once, in the inbox, when its deadline passes undone. The claim and
// the notices are one transaction; the claim marks the rows, so no decision is told twice.
import type { Knex } from 'knex'
import { sqlFile } from '../db/sql.ts'
import { deliver } from '../inbox/deliver.ts'
import { unitRecipients } from '../hard-cases/store.ts'

const BATCH = 200

interface Due { id: string; meeting_id: string; seq: number; text: string; owner_department_id: string; due_at: Date; title: string; area_code: string; event_number: string | null; convened_by: string | null }

/** Tells the overdue decisions not told yet; answers how many decisions were told. */
export async function tellOverdueDecisions(knex: Knex, now = new Date()): Promise<number> {
  return knex.transaction(async (trx) => {
    const { rows } = await trx.raw(sqlFile('meetings/overdue_claim'), { now, lim: BATCH }) as { rows: Due[] }
    for (const d of rows) {
      const notice = {
        kind: 'meeting' as const, title: `会商决定事项超期：${d.title} 第${d.seq}项`,
        body: `${d.text.slice(0, 500)}（期限 ${d.due_at.toISOString()}）`, areaCode: d.area_code, link: `#/meetings/${d.meeting_id}`,
        ...(d.event_number ? { eventId: d.event_number } : {}), data: { meetingId: Number(d.meeting_id), seq: d.seq, overdue: true },
      }
      for (const to of await unitRecipients(trx, [Number(d.owner_department_id)])) await deliver(trx, notice, to, now)
      if (d.convened_by) await deliver(trx, notice, { userIds: [d.convened_by] }, now)
    }
    return rows.length
  })
}
