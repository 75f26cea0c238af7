// The database half of a bulk event load, shared by file imports (job.ts) and the demo history
// generator (fixtures/history.ts): staging in batches, set-based location, the checks that need
// the map, month partitions, and the set-based write. Never one statement per row.
import type { Knex } from 'knex'
import { sqlFile } from '../db/sql.ts'

type Db = Knex | Knex.Transaction

/** Rows per staging statement: one JSON parameter of a few MB. */
export const STAGE_BATCH = 5_000
/** Staged lines per write statement: keeps each statement's working set modest. */
export const WRITE_BATCH = 20_000

// Any constant: serialises the write phase of concurrent imports (dedup keys, partitions).
const IMPORT_LOCK = 7_210_442_819

/** sql/queries/event-imports/<name>.sql */
export function importSql(name: 'stage_table' | 'stage_insert' | 'problems' | 'summary' | 'write'): string {
  return sqlFile(`event-imports/${name}`)
}

/** A row as the staging statement reads it; generated rows add the anchor and the workflow times. */
export interface StageRow {
  line: number
  key: string
}

export async function createStage(trx: Db): Promise<void> {
  await trx.raw(importSql('stage_table'))
}

/** Stages and locates rows, STAGE_BATCH per statement; calls back after each batch. */
export async function stageRows(trx: Db, rows: readonly StageRow[], onBatch?: (done: number) => void): Promise<void> {
  for (let i = 0; i < rows.length; i += STAGE_BATCH) {
    const batch = rows.slice(i, i + STAGE_BATCH)
    await trx.raw(importSql('stage_insert'), { rows: JSON.stringify(batch) })
    onBatch?.(Math.min(rows.length, i + STAGE_BATCH))
  }
  await trx.raw('ANALYZE pg_temp.event_import_stage')
}

export interface LocationProblem { line: number; lon: number; lat: number; communityCode: string | null; outsideCity: boolean; nearestGrid: string | null; distanceMetres: number | null }

/** Staged rows outside every grid or outside the jurisdiction (patterns: LIKE prefixes). */
export async function locationProblems(trx: Db, patterns: string[]): Promise<LocationProblem[]> {
  const { rows } = await trx.raw(importSql('problems'), { patterns }) as { rows: Record<string, unknown>[] }
  return rows.map((r) => ({
    line: r.line as number, lon: r.lon as number, lat: r.lat as number, communityCode: r.community_code as string | null,
    outsideCity: r.outside_city as boolean, nearestGrid: r.nearest_code as string | null,
    distanceMetres: r.nearest_metres === null ? null : Math.round(Number(r.nearest_metres) * 10) / 10,
  }))
}

export interface StageSummary { skipped: number; atReport: number; current: number; anchor: number; firstAt: Date | null; lastAt: Date | null }

export async function stageSummary(trx: Db): Promise<StageSummary> {
  const { rows: [r] } = await trx.raw(importSql('summary')) as { rows: Record<string, unknown>[] }
  return {
    skipped: Number(r!.skipped), atReport: Number(r!.at_report), current: Number(r!.current), anchor: Number(r!.anchor),
    firstAt: r!.first_at as Date | null, lastAt: r!.last_at as Date | null,
  }
}

/**
 * Month partitions for [first, last]. Run BEFORE the write transaction, on its own: creating a
 * partition locks the whole event table, and inside a long import that lock would stall live
 * intake until commit. An import refused later leaves empty month partitions behind, which is
 * harmless (they would be created on the first event of that month anyway).
 */
export async function ensurePartitions(db: Db, first: Date, last: Date): Promise<number> {
  const { rows: [r] } = await db.raw('SELECT event_import_ensure_partitions(?::timestamptz, ?::timestamptz) AS created', [first, last]) as { rows: { created: number }[] }
  return Number(r!.created)
}

/** Serialises concurrent imports' write phases (until the transaction ends). */
export async function lockImports(trx: Knex.Transaction): Promise<void> {
  await trx.raw('SELECT pg_advisory_xact_lock(?)', [IMPORT_LOCK])
}

export interface ImportRecord {
  source: 'file' | 'demo'
  fileName: string
  sha256: string
  format: 'csv' | 'geojson' | 'generated'
  rowsTotal: number
  actorId: number | null
  actorName: string
}

export async function createImport(trx: Db, r: ImportRecord): Promise<number> {
  const [row] = await trx('event_import').insert({
    source: r.source, file_name: r.fileName, file_sha256: r.sha256, format: r.format, rows_total: r.rowsTotal,
    rows_written: 0, rows_skipped: 0, imported_by: r.actorId, actor_name: r.actorName,
  }).returning('id')
  return Number((row as { id: number }).id)
}

export async function finishImport(trx: Db, id: number, written: number, skipped: number): Promise<void> {
  await trx('event_import').where({ id }).update({ rows_written: written, rows_skipped: skipped })
}

export interface Actor { id: number | null; role: string; name: string }

/** Writes staged lines [from, to) in WRITE_BATCH slices; returns the rows written. */
export async function writeStaged(trx: Db, a: { importId: number; fileName: string; sha256: string; actor: Actor; comment: string;
  fromLine: number; toLine: number; onBatch?: (done: number, written: number) => void }): Promise<number> {
  let written = 0
  for (let from = a.fromLine; from < a.toLine; from += WRITE_BATCH) {
    const to = Math.min(a.toLine, from + WRITE_BATCH)
    const { rows: [r] } = await trx.raw(importSql('write'), {
      fromLine: from, toLine: to, importId: a.importId, fileName: a.fileName, sha256: a.sha256,
      actorId: a.actor.id, actorRole: a.actor.role, actorName: a.actor.name, comment: a.comment,
    }) as { rows: { written: number }[] }
    written += r!.written
    a.onBatch?.(to - a.fromLine, written)
  }
  return written
}
