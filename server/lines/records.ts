// A line's components (within its tolerance) and its inspection, repair and replacement records.
// A record of a component must name one on the line; a record may leave the component in a new
// state (componentState; a replacement that says `replaced` leaves it 完好 unless told otherwise),
// written with the record in one statement (record_insert.sql). The component must lie in the
// caller's jurisdiction too (its state is the component's, not only the line's).
import type { Knex } from 'knex'
import type { Principal } from '../auth/users.ts'
import { sqlFile } from '../db/sql.ts'
import { decodeTimeCursor, encodeTimeCursor } from '../http/cursor.ts'
import { AppError } from '../http/errors.ts'
import { readLine } from './store.ts'
import type { RecordBody } from './schemas.ts'

interface RecordRow {
  id: string; line_id: string; component_id: string | null; kind: string; result: string; done_at: Date; performed_by: string | null
  findings: string | null; state_before: string | null; state_after: string | null; recorded_by: string | null; recorded_by_name: string | null
  created_at: Date; cursor_t: string
}

const recordItem = (r: RecordRow) => ({
  id: Number(r.id), lineId: Number(r.line_id), componentId: r.component_id, kind: r.kind, result: r.result, doneAt: r.done_at.toISOString(),
  performedBy: r.performed_by, findings: r.findings, stateBefore: r.state_before, stateAfter: r.state_after,
  recordedBy: r.recorded_by === null ? null : Number(r.recorded_by), recordedByName: r.recorded_by_name, createdAt: r.created_at.toISOString(),
})

function selectRecords(db: Knex | Knex.Transaction) {
  return db('line_record as r').leftJoin('app_user as u', 'u.id', 'r.recorded_by').select('r.id', 'r.line_id', 'r.component_id', 'r.kind', 'r.result',
    'r.done_at', 'r.performed_by', 'r.findings', 'r.state_before', 'r.state_after', 'r.recorded_by', 'u.display_name as recorded_by_name', 'r.created_at',
    db.raw(`to_char(r.done_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS cursor_t`))
}

export async function listRecords(db: Knex, p: Principal, lineId: number, q: { kind?: string | undefined; componentId?: string | undefined; limit: number; cursor?: string | undefined }) {
  await readLine(db, p, lineId)
  const qb = selectRecords(db).where('r.line_id', lineId).orderBy([{ column: 'r.done_at', order: 'desc' }, { column: 'r.id', order: 'desc' }]).limit(q.limit)
  if (q.kind) qb.where('r.kind', q.kind)
  if (q.componentId) qb.where('r.component_id', q.componentId)
  if (q.cursor) {
    const c = decodeTimeCursor(q.cursor)
    qb.whereRaw('(r.done_at, r.id) < (CAST(? AS timestamptz), ?)', [c.t, c.i])
  }
  const rows = await qb as RecordRow[]
  const last = rows.length === q.limit ? rows[rows.length - 1] : undefined
  return { items: rows.map(recordItem), next: last ? encodeTimeCursor(last.cursor_t, last.id) : null }
}

const fieldError = (status: number, type: string, field: string, message: string) =>
  new AppError(status, type, `invalid record: ${field}: ${message}`, { errors: [{ field, message }] })

export async function createRecord(knex: Knex, p: Principal, lineId: number, body: RecordBody): Promise<Record<string, unknown>> {
  return knex.transaction(async (trx) => {
    await readLine(trx, p, lineId)
    const componentId = body.componentId ?? null
    if (componentId !== null) {
      const on = await trx('line_component as lc').join('component as c', 'c.id', 'lc.component_id')
        .where({ 'lc.line_id': lineId, 'lc.component_id': componentId }).first('c.community_code') as { community_code: string } | undefined
      if (!on) throw fieldError(400, 'validation_failed', 'componentId', `component ${componentId} is not on line ${lineId}`).coded('lines.component_not_on_line', { component: componentId, id: lineId })
      if (!p.jurisdiction.covers(on.community_code)) {
        throw fieldError(403, 'forbidden', 'componentId', `component ${componentId} lies outside your jurisdiction`).coded('lines.component_outside', { component: componentId })
      }
    }
    const stateAfter = body.componentState ?? (componentId !== null && body.kind === 'replacement' && body.result === 'replaced' ? '完好' : null)
    const { rows } = await trx.raw(sqlFile('lines/record_insert'), {
      lineId, componentId, kind: body.kind, result: body.result, doneAt: body.doneAt, performedBy: body.performedBy ?? null,
      findings: body.findings ?? null, stateAfter, recordedBy: p.userId,
    }) as { rows: { id: string }[] }
    const row = await selectRecords(trx).where('r.id', rows[0]!.id).first() as RecordRow
    return recordItem(row)
  })
}

export async function listComponents(db: Knex, p: Principal, lineId: number, q: { limit: number; after?: string | undefined }) {
  await readLine(db, p, lineId)
  const { rows } = await db.raw(sqlFile('lines/components'), { lineId, after: q.after ?? '', limit: q.limit }) as {
    rows: { component_id: string; distance_m: number; class_code: string; class_name: string; name: string; state: string; grid_code: string | null; community_code: string; lon: number; lat: number }[]
  }
  const items = rows.map((r) => ({
    componentId: r.component_id, classCode: r.class_code, className: r.class_name, name: r.name, state: r.state,
    distanceM: Math.round(Number(r.distance_m) * 100) / 100, gridCode: r.grid_code, communityCode: r.community_code, lon: Number(r.lon), lat: Number(r.lat),
  }))
  return { items, next: rows.length === q.limit ? rows[rows.length - 1]!.component_id : null }
}
