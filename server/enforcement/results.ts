// Results of enforcement checks (检查结果: 合格, 责令整改, 立案处罚 …), their rectification
// (整改) and its supervision (督办): overdue rectifications listed and counted, notices issued and
// answered, and the teams' performance (绩效). Jurisdiction by the checked object's community.
import type { Knex } from 'knex'
import type { z } from 'zod'
import type { Principal } from '../auth/users.ts'
import { sqlFile } from '../db/sql.ts'
import { decodeIdCursor, fieldError, iso, notFoundIn, page, versionConflict } from './common.ts'
import { taskRow } from './tasks.ts'
import { domainTitles, outcomeTitles, type Domain, type ObjectType, type Outcome, type rectifiedSchema, type ResultCreate,
  type ResultListQuery, type supervisionAnswerSchema, type supervisionSchema } from './schemas.ts'

type Db = Knex | Knex.Transaction
/** Today's date in China (the calendar rectification due dates are written in). */
export const chinaDate = (d: Date = new Date()): string => new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(d)
/** The start of a China date as an instant. */
const chinaStart = (ymd: string) => new Date(`${ymd}T00:00:00+08:00`)

interface ResultRow {
  id: number | string; community_code: string; grid_code: string | null; check_id: number | string | null; spot_check_id: number | string | null
  task_id: number | string | null; object_type: ObjectType; object_id: number | string; object_name: string; outcome: Outcome
  findings: string | null; checked_at: Date; rectify_due: string | null; rectified_at: Date | null; rectify_note: string | null
  penalty_yuan: number | string | null; version: number; overdue: boolean; overdue_days: number | null; supervisions: number | string
}

const resultView = (r: ResultRow) => ({
  id: Number(r.id), checkId: r.check_id === null ? null : Number(r.check_id), spotCheckId: r.spot_check_id === null ? null : Number(r.spot_check_id),
  taskId: r.task_id === null ? null : Number(r.task_id), objectType: r.object_type, objectId: Number(r.object_id), objectName: r.object_name,
  communityCode: r.community_code, gridCode: r.grid_code, outcome: r.outcome, outcomeTitle: outcomeTitles[r.outcome], findings: r.findings,
  checkedAt: iso(r.checked_at), rectifyDue: r.rectify_due, rectifiedAt: iso(r.rectified_at), rectifyNote: r.rectify_note,
  penaltyYuan: r.penalty_yuan === null ? null : Number(r.penalty_yuan), overdue: r.overdue, overdueDays: r.overdue_days === null ? null : Number(r.overdue_days),
  supervisions: Number(r.supervisions), version: r.version,
})

const params = (p: Principal, on: string) => ({
  patterns: p.jurisdiction.patterns, on, id: null, after: null, community: null, grid: null, q: null, outcome: null, overdueOnly: false, limit: 1,
})

export async function listResults(knex: Knex, p: Principal, q: ResultListQuery) {
  if (p.jurisdiction.isEmpty) return { items: [], next: null }
  const { rows } = await knex.raw(sqlFile('enforcement/results'), {
    ...params(p, q.on ?? chinaDate()), after: decodeIdCursor(q.cursor), community: q.community ?? null, grid: q.grid ?? null, q: q.q ?? null,
    outcome: q.outcome ?? null, overdueOnly: q.overdue ?? false, limit: q.limit + 1,
  }) as { rows: ResultRow[] }
  return page(rows, q.limit, resultView)
}

async function resultRow(db: Db, p: Principal, id: number): Promise<ResultRow> {
  const { rows } = p.jurisdiction.isEmpty ? { rows: [] } : await db.raw(sqlFile('enforcement/results'), { ...params(p, chinaDate()), id }) as { rows: ResultRow[] }
  if (!rows[0]) throw notFoundIn('result', id)
  return rows[0]
}

export async function readResult(knex: Knex, p: Principal, id: number) {
  const r = resultView(await resultRow(knex, p, id))
  const notes = await knex('enforcement_supervision').where({ result_id: id }).orderBy('id')
    .select('id', 'note', knex.raw('answer_due::text AS answer_due'), 'issued_at', 'answer', 'answered_at') as
    { id: number | string; note: string; answer_due: string; issued_at: Date; answer: string | null; answered_at: Date | null }[]
  return { ...r, supervisionNotes: notes.map((s) => ({ id: Number(s.id), note: s.note, answerDue: s.answer_due, issuedAt: iso(s.issued_at), answer: s.answer, answeredAt: iso(s.answered_at) })) }
}

interface Target { checkId: number | null; taskId: number | null; objectType: ObjectType; objectId: number; objectName: string; cityCode: string; communityCode: string; gridCode: string | null }

async function targetOf(trx: Knex.Transaction, p: Principal, b: ResultCreate): Promise<Target> {
  if (b.checkId !== undefined) {
    const c = await p.jurisdiction.apply(trx('enforcement_check').where({ id: b.checkId }), 'community_code').first() as
      { id: number | string; object_type: ObjectType; object_id: number | string; object_name: string; city_code: string; community_code: string; grid_code: string | null } | undefined
    if (!c) throw notFoundIn('check', b.checkId, 'checkId')
    if (await trx('enforcement_result').where({ check_id: b.checkId }).first('id')) {
      throw fieldError(409, 'conflict', 'checkId', `check ${b.checkId} already has its result`).coded('enforcement.result_exists', { field: 'checkId', checkId: b.checkId })
    }
    return { checkId: Number(c.id), taskId: null, objectType: c.object_type, objectId: Number(c.object_id), objectName: c.object_name, cityCode: c.city_code, communityCode: c.community_code, gridCode: c.grid_code }
  }
  await taskRow(trx, p, b.taskId!, 'taskId')
  const o = await p.jurisdiction.apply(trx(b.objectType === 'unit' ? 'unit' : 'place').where({ id: b.objectId! }), 'community_code')
    .first('id', 'name', 'city_code', 'community_code', 'grid_code') as { id: number | string; name: string; city_code: string; community_code: string; grid_code: string | null } | undefined
  if (!o) throw notFoundIn(b.objectType!, b.objectId!, 'objectId')
  return { checkId: null, taskId: b.taskId!, objectType: b.objectType!, objectId: Number(o.id), objectName: o.name, cityCode: o.city_code, communityCode: o.community_code, gridCode: o.grid_code }
}

/** Records a result; answers its id. */
export async function createResult(knex: Knex, p: Principal, b: ResultCreate, now = new Date()): Promise<number> {
  const checkedAt = new Date(b.checkedAt)
  if (checkedAt.getTime() > now.getTime() + 5 * 60_000) throw fieldError(400, 'validation_failed', 'checkedAt', 'is in the future').coded('enforcement.future_time', { field: 'checkedAt' })
  if (b.rectifyDue && b.rectifyDue < chinaDate(checkedAt)) {
    throw fieldError(400, 'validation_failed', 'rectifyDue', 'is before the check').coded('enforcement.due_before_check', { field: 'rectifyDue' })
  }
  return knex.transaction(async (trx) => {
    const t = await targetOf(trx, p, b)
    const [row] = await trx('enforcement_result').insert({
      city_code: t.cityCode, community_code: t.communityCode, grid_code: t.gridCode, check_id: t.checkId, task_id: t.taskId,
      object_type: t.objectType, object_id: t.objectId, object_name: t.objectName, outcome: b.outcome, findings: b.findings ?? null,
      checked_at: checkedAt, rectify_due: b.rectifyDue ?? null, penalty_yuan: b.penaltyYuan ?? null, recorded_by: p.userId,
    }).returning('id')
    return Number(row.id)
  })
}

/** Marks a rectification done (the re-inspection's time and note). */
export async function markRectified(knex: Knex, p: Principal, id: number, b: z.output<typeof rectifiedSchema>, now = new Date()) {
  await knex.transaction(async (trx) => {
    const r = await resultRow(trx, p, id)
    if (r.version !== b.version) throw versionConflict('result', id, r.version)
    if (r.rectify_due === null) throw fieldError(409, 'conflict', 'rectifiedAt', `result ${id} asked for no rectification`).coded('enforcement.no_rectification', { field: 'rectifiedAt', id })
    if (r.rectified_at !== null) throw fieldError(409, 'conflict', 'rectifiedAt', `result ${id} is rectified already`).coded('enforcement.already_rectified', { field: 'rectifiedAt', id })
    const at = new Date(b.rectifiedAt)
    if (at.getTime() > now.getTime() + 5 * 60_000) throw fieldError(400, 'validation_failed', 'rectifiedAt', 'is in the future').coded('enforcement.future_time', { field: 'rectifiedAt' })
    if (at < r.checked_at) throw fieldError(400, 'validation_failed', 'rectifiedAt', 'is before the check').coded('enforcement.before_check', { field: 'rectifiedAt' })
    await trx('enforcement_result').where({ id }).update({ rectified_at: at, rectify_note: b.note, version: r.version + 1, updated_at: trx.fn.now() })
  })
  return readResult(knex, p, id)
}

/** Issues a supervision notice (督办) on an open rectification. */
export async function supervise(knex: Knex, p: Principal, id: number, b: z.output<typeof supervisionSchema>) {
  const r = await resultRow(knex, p, id)
  if (r.rectify_due === null || r.rectified_at !== null) {
    throw fieldError(409, 'conflict', 'note', `result ${id} has no open rectification to supervise`).coded('enforcement.nothing_to_supervise', { field: 'note', id })
  }
  if (b.answerDue < chinaDate()) throw fieldError(400, 'validation_failed', 'answerDue', 'is in the past').coded('enforcement.past_date', { field: 'answerDue' })
  await knex('enforcement_supervision').insert({ result_id: id, note: b.note, answer_due: b.answerDue, issued_by: p.userId })
  return readResult(knex, p, id)
}

export async function answerSupervision(knex: Knex, p: Principal, id: number, noteId: number, b: z.output<typeof supervisionAnswerSchema>) {
  await resultRow(knex, p, id)
  const n = await knex('enforcement_supervision').where({ id: noteId, result_id: id }).first('id', 'answered_at')
  if (!n) throw notFoundIn('supervision notice', noteId, 'noteId')
  if (n.answered_at !== null) throw fieldError(409, 'conflict', 'answer', `notice ${noteId} is answered already`).coded('enforcement.already_answered', { field: 'answer', id: noteId })
  await knex('enforcement_supervision').where({ id: noteId }).update({ answer: b.answer, answered_at: knex.fn.now() })
  return readResult(knex, p, id)
}

export const MAX_OVERDUE = 1000

/** The overdue rectifications on a date: their count and (most overdue first) the first MAX_OVERDUE. */
export async function overdue(knex: Knex, p: Principal, on: string, community: string | null) {
  if (p.jurisdiction.isEmpty) return { on, count: 0, items: [], truncated: false }
  const { rows } = await knex.raw(sqlFile('enforcement/overdue'), { patterns: p.jurisdiction.patterns, on, community, limit: MAX_OVERDUE }) as {
    rows: { id: number | string; community_code: string; grid_code: string | null; object_type: ObjectType; object_id: number | string; object_name: string
      outcome: Outcome; checked_at: Date; rectify_due: string; overdue_days: number; supervisions: number | string; last_supervised_at: Date | null; total: number | string }[]
  }
  const count = rows[0] ? Number(rows[0].total) : 0
  return {
    on, count, truncated: count > rows.length,
    items: rows.map((r) => ({
      id: Number(r.id), objectType: r.object_type, objectId: Number(r.object_id), objectName: r.object_name, communityCode: r.community_code,
      gridCode: r.grid_code, outcome: r.outcome, outcomeTitle: outcomeTitles[r.outcome], checkedAt: iso(r.checked_at), rectifyDue: r.rectify_due,
      overdueDays: Number(r.overdue_days), supervisions: Number(r.supervisions), lastSupervisedAt: iso(r.last_supervised_at),
    })),
  }
}

/** 绩效 per team over [from, to] (China dates, inclusive). */
export async function performance(knex: Knex, p: Principal, q: { from: string; to: string; community?: string | undefined }) {
  const on = chinaDate()
  if (p.jurisdiction.isEmpty) return { from: q.from, to: q.to, on, teams: [] }
  const end = new Date(chinaStart(q.to).getTime() + 86_400_000)
  const { rows } = await knex.raw(sqlFile('enforcement/performance'), {
    patterns: p.jurisdiction.patterns, community: q.community ?? null, from: chinaStart(q.from), to: end, on,
  }) as { rows: Record<string, string | number>[] }
  const n = (v: string | number | undefined) => Number(v ?? 0)
  return {
    from: q.from, to: q.to, on,
    teams: rows.map((r) => ({
      teamId: n(r.id), name: String(r.name), domain: r.domain, domainTitle: domainTitles[r.domain as Domain], communityCode: String(r.community_code),
      checks: n(r.checks), results: n(r.results), completionRate: n(r.checks) ? n(r.results) / n(r.checks) : null,
      outcomes: { pass: n(r.pass), rectify: n(r.rectify), penalty: n(r.penalty), absent: n(r.absent), closed: n(r.closed) },
      rectifications: n(r.rectifications), rectifiedOnTime: n(r.on_time), overdue: n(r.overdue),
      onTimeRate: n(r.rectifications) ? n(r.on_time) / n(r.rectifications) : null,
    })),
  }
}
