// Task generation and the scheduler pass. generatePatrolTasks creates one day's tasks
// (idempotent: UNIQUE (template, member, day)); runPatrolPass generates today's tasks and
// updates the progress of open tasks whose members' devices reported since the last pass.
//
// The watermark is device_live.received_at: one row per device, so "who reported since" is an
// index-free scan of a small table instead of a scan of the day's positions (which carry no
// index on received_at). A late fix (older than the live one) does not move device_live; it is
// counted at the device's next in-order fix, which for a reporting device comes within seconds.
import type { Knex } from 'knex'
import { calendars } from '../events/reference.ts'
import { localDate, type WorkCalendar } from '../events/calendar.ts'
import { sqlFile } from '../db/sql.ts'
import { updateTaskProgress, type TaskChange } from './progress.ts'
import { notifyField } from '../stream/notify.ts'

const DAY_MS = 86_400_000
const WATERMARK = 'progress'
const BATCH = 100
// ingest transactions commit in any order: a device_live row may land with a received_at just
// below the watermark read; looking a minute back again costs a recount (idempotent), not a miss
const OVERLAP_MS = 60_000

interface DueRow { id: number; city_code: string; period: 'daily' | 'weekly' | 'custom'; weekdays: number[]; every_days: number | null; anchor_date: string | null }

const isoWeekday = (day: string) => new Date(`${day}T00:00:00Z`).getUTCDay() || 7
export const addDays = (day: string, n: number) => new Date(Date.parse(`${day}T00:00:00Z`) + n * DAY_MS).toISOString().slice(0, 10)

/** Whether a template's period puts a task on `day` (its active dates are checked by the caller). */
export function isDue(t: Pick<DueRow, 'period' | 'weekdays' | 'every_days' | 'anchor_date'>, day: string, cal: WorkCalendar): boolean {
  switch (t.period) {
    case 'daily': return cal.isWorkday(day)
    case 'weekly': return t.weekdays.map(Number).includes(isoWeekday(day))
    case 'custom': {
      const n = Math.round((Date.parse(`${day}T00:00:00Z`) - Date.parse(`${t.anchor_date}T00:00:00Z`)) / DAY_MS)
      return n >= 0 && n % t.every_days! === 0
    }
  }
}

/** Creates the tasks of one local date ('YYYY-MM-DD'); returns the tasks created now. */
export async function generatePatrolTasks(knex: Knex, day: string): Promise<{ id: number; memberId: number; community: string }[]> {
  const rows = await knex('patrol_template').where('active', true).where('active_from', '<=', day)
    .where((q) => q.whereNull('active_to').orWhere('active_to', '>=', day))
    .select('id', 'city_code', 'period', 'weekdays', 'every_days', knex.raw("to_char(anchor_date, 'YYYY-MM-DD') AS anchor_date")) as DueRow[]
  const due: number[] = []
  for (const t of rows) {
    if (isDue(t, day, await calendars(knex).get(t.city_code))) due.push(Number(t.id))
  }
  if (!due.length) return []
  const { rows: created } = await knex.raw(sqlFile('patrol/tasks_generate'), { day, templateIds: due }) as { rows: { id: string; member_id: string; community_code: string }[] }
  return created.map((r) => ({ id: Number(r.id), memberId: Number(r.member_id), community: r.community_code }))
}

export interface PatrolPassResult { created: number; updated: number; changed: TaskChange[]; missed: number }

/**
 * One scheduler pass at `now`: today's tasks, then progress of today's and yesterday's open
 * tasks whose members reported since the watermark (yesterday's so fixes uploaded after
 * midnight still count), then tasks older than yesterday still open become missed. Two
 * instances running it at once serialise on the watermark row.
 */
export async function runPatrolPass(knex: Knex, now = new Date()): Promise<PatrolPassResult> {
  const today = localDate(now)
  const yesterday = addDays(today, -1)
  // calendars are loaded here, outside the transaction (the embedded database has one connection)
  const created = await generatePatrolTasks(knex, today)
  await knex('patrol_watermark').insert({ name: WATERMARK, processed_to: new Date(0) }).onConflict('name').ignore()
  return knex.transaction(async (trx) => {
    const mark = await trx('patrol_watermark').where('name', WATERMARK).forUpdate().first('processed_to')
    // the new watermark is read first: a fix landing in between is looked at now and again next time
    const { rows: [top] } = await trx.raw('SELECT max(received_at) AS at FROM device_live') as { rows: { at: Date | null }[] }
    const { rows } = await trx.raw(sqlFile('patrol/tasks_to_update'), { since: new Date(mark.processed_to.getTime() - OVERLAP_MS), days: [yesterday, today], created: created.map((c) => c.id) }) as { rows: { id: string }[] }
    const ids = rows.map((r) => Number(r.id))
    const changed: TaskChange[] = []
    // batches keep each statement's fix × target join and its result modest
    for (let i = 0; i < ids.length; i += BATCH) changed.push(...await updateTaskProgress(trx, ids.slice(i, i + BATCH), now))
    const missed = await trx('patrol_task').where('status', 'open').where('day', '<', yesterday)
      .update({ status: 'missed', progress_at: now }, ['id', 'member_id', 'community_code', 'visits_counted', 'required_total'])
    if (missed.length) {
      await notifyField(trx, 'patrol', missed.map((k) => ({
        community: k.community_code, taskId: Number(k.id), memberId: Number(k.member_id), status: 'missed', visits: k.visits_counted, required: k.required_total,
      })))
    }
    if (top?.at && top.at > mark.processed_to) await trx('patrol_watermark').where('name', WATERMARK).update({ processed_to: top.at })
    return { created: created.length, updated: rows.length, changed, missed: missed.length }
  })
}
