// What a resident reads of their report (GET /api/v1/public/reports/{number}): status, their
// own words, place as they sent it, the workflow steps by name and time (no staff names, no
// internal notes), their stripped photos, evaluation, appeal and the public articles cited.
import type { Knex } from 'knex'
import { sqlFile } from '../db/sql.ts'
import { Jurisdiction } from '../db/jurisdiction.ts'
import type { Principal } from '../auth/users.ts'
import { numberDay, readEvent, type EventRow } from '../events/store.ts'
import { statusTitles, type Status } from '../events/workflow.ts'
import { allowedActionsFor } from '../events/transitions.ts'

export const STEP_NAMES: Record<string, string> = {
  report: '上报', accept: '受理', reject: '不予受理', dispatch: '派遣', redispatch: '重新派遣', sign: '签收', handle: '处置',
  verify: '核查', rework: '返工', close: '结案', evaluate: '评价', appeal: '申诉', void: '作废',
}

export const SATISFACTION_IN = { satisfied: 'satisfied', basic: 'basically_satisfied', dissatisfied: 'dissatisfied' } as const
const SATISFACTION_OUT: Record<string, string> = { satisfied: 'satisfied', basically_satisfied: 'basic', dissatisfied: 'dissatisfied' }

export interface ReportRow {
  id: number; number: string; status: Status; description: string; created_at: Date; source_position: Record<string, unknown>
  city_code: string; community_code: string; reporter_phone: string | null; satisfaction: string | null; channel: string
}

export async function reportRow(knex: Knex, number: string): Promise<ReportRow | undefined> {
  const day = numberDay(number)
  if (!day) return undefined
  const { rows } = await knex.raw(sqlFile('public/report'), { number, ...day }) as { rows: ReportRow[] }
  return rows[0]
}

/** The resident who proved by a code that this report is theirs: the workflow's reporterOnly rules match it. */
export function residentPrincipal(r: Pick<ReportRow, 'number' | 'city_code' | 'community_code'>): Principal {
  return { kind: 'anonymous', userId: null, username: 'resident', displayName: '群众', role: 'public', departmentId: null,
    cityCode: r.city_code, jurisdiction: Jurisdiction.of([r.community_code]), provenReport: r.number }
}

export async function residentEvent(knex: Knex, r: ReportRow): Promise<EventRow> {
  const p = residentPrincipal(r)
  return (await readEvent(knex, r.number, p.jurisdiction, null))!
}

/** The place as the resident sent it: GCJ-02 when reported so, else WGS 84. */
function placeOf(r: ReportRow) {
  const s = r.source_position
  const x = Number(s.x), y = Number(s.y)
  return { lon: x, lat: y, crs: s.crs === 'GCJ-02' ? 'GCJ-02' : 'EPSG:4326' }
}

interface StepRow { seq: number; action: string; at: Date; own_words: string | null; explanation: Record<string, unknown> | null }

let knowledgeThere: Promise<boolean> | undefined
async function answersOf(knex: Knex, eventId: number): Promise<{ articleId: number; title: string }[]> {
  knowledgeThere ??= knex.raw("SELECT to_regclass('knowledge_citation') IS NOT NULL AS there").then((r: { rows: { there: boolean }[] }) => r.rows[0]!.there)
  if (!await knowledgeThere) return []
  const { rows } = await knex.raw(sqlFile('public/report_answers'), { eventId }) as { rows: { id: number; title: string }[] }
  return rows.map((a) => ({ articleId: Number(a.id), title: a.title }))
}

export async function reportView(knex: Knex, r: ReportRow) {
  const { rows: steps } = await knex.raw(sqlFile('public/report_steps'), { eventId: r.id }) as { rows: StepRow[] }
  const photos = await knex('event_attachment').where('event_id', r.id).whereNull('uploaded_by').whereLike('original_name', 'resident-photo-%')
    .orderBy('id').select('id')
  const e = await residentEvent(knex, r)
  const allowed = await allowedActionsFor(knex, residentPrincipal(r), e)
  const evaluated = [...steps].reverse().find((s) => s.action === 'evaluate')
  const appealed = steps.find((s) => s.action === 'appeal')
  return {
    number: r.number,
    status: r.status,
    statusName: statusTitles[r.status],
    description: r.description,
    reportedAt: new Date(r.created_at).toISOString(),
    place: placeOf(r),
    steps: steps.map((s) => ({ at: new Date(s.at).toISOString(), name: STEP_NAMES[s.action] ?? s.action })),
    photos: photos.map((p: { id: number }) => ({ url: `/api/v1/public/photos/${Number(p.id)}` })),
    canEvaluate: allowed.includes('evaluate'),
    canAppeal: allowed.includes('appeal'),
    evaluation: r.satisfaction && evaluated
      ? { satisfaction: SATISFACTION_OUT[r.satisfaction] ?? r.satisfaction, comment: evaluated.own_words, at: new Date(evaluated.at).toISOString() }
      : null,
    appeal: appealed
      ? { reason: appealed.own_words, at: new Date(appealed.at).toISOString(), number: (appealed.explanation?.appeal as string | undefined) ?? null }
      : null,
    answers: await answersOf(knex, r.id),
  }
}
