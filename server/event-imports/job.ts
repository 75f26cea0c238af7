// One import of historic events from a file: all or nothing. Every record is validated (zod)
// and converted in Node; the valid ones are staged and located set-based; the report lists
// EVERY bad record (line or feature, field, reason) and every record outside the city or the
// importer's jurisdiction. A dry run stops there and writes nothing. A real run with any bad
// record writes nothing either (422 with the same report); otherwise partitions are made for
// the months the file covers and the rows are written in one transaction, records already
// imported (same source ref, or same content) skipped.
import crypto from 'node:crypto'
import type { Knex } from 'knex'
import type { Principal } from '../auth/users.ts'
import { parseCrs } from '../geo/crs.ts'
import { AppError } from '../http/errors.ts'
import { inputCrs } from '../grids/geometryInput.ts'
import { parseGeoJson } from '../import/geojsonReader.ts'
import { reference } from '../events/reference.ts'
import { decodeCsv, parseCsv } from './csv.ts'
import { convertRecord, recordSchema, unknownColumns, type Problem, type RawRecord, type StagedRow } from './rows.ts'
import {
  createImport, createStage, ensurePartitions, finishImport, locationProblems, lockImports, stageRows, stageSummary, writeStaged,
  type LocationProblem,
} from './pipeline.ts'

/** Records per file: beyond this, split the file (each part is still all-or-nothing). */
export const MAX_RECORDS = 200_000

export type ImportFormat = 'csv' | 'geojson'

export interface EventImportInput {
  format: ImportFormat
  /** The file's bytes, or an already parsed GeoJSON object (a JSON request body). */
  data: Buffer | unknown
  fileName: string
  /** CSV charset named by the caller (Content-Type charset, --encoding). */
  charset?: string
  /** CRS of x/y (CSV default EPSG:4490; GeoJSON default its crs member, else CRS84). */
  crs?: string
}

export interface Progress { step: string; done: number; total: number }

export interface EventImportOptions { dryRun: boolean; onProgress?: (p: Progress) => void }

export interface EventImportReport {
  dryRun: boolean
  format: ImportFormat
  fileName: string
  sha256: string
  encoding: string | null
  crs: string
  records: number
  valid: boolean
  /** Rows written (0 for a dry run or a refused file). */
  written: number
  /** Rows already imported before (same city and dedup key): not written again. */
  skipped: number
  /** How rows were located: by the grid version valid when reported, or by today's grids. */
  gridBasis: { atReport: number; current: number }
  partitionsCreated: number
  importId: number | null
  /** Columns no field name matched (ignored). */
  ignoredColumns: string[]
  problems: (Problem & { nearestGrid?: string | null; distanceMetres?: number | null })[]
  outsideCity: number
}

interface Parsed { records: RawRecord[]; encoding: string | null; crs: ReturnType<typeof parseCrs>; ignored: string[]; rowProblems: Problem[] }

function parseFile(input: EventImportInput): Parsed {
  if (input.format === 'geojson') {
    const doc = parseGeoJson(input.data)
    const crs = inputCrs(input.crs, doc.crs)
    const keys = new Set(doc.features.flatMap((f) => Object.keys(f.properties ?? {})))
    const records = doc.features.map((f, i) => ({ line: i + 1, feature: i, props: f.properties ?? {}, geometry: f.geometry }))
    return { records, encoding: null, crs, ignored: unknownColumns([...keys]), rowProblems: [] }
  }
  if (!Buffer.isBuffer(input.data)) throw new AppError(400, 'malformed_csv', 'a CSV import needs the file bytes')
  const { text, encoding } = decodeCsv(input.data, input.charset)
  const table = parseCsv(text)
  const rowProblems: Problem[] = []
  const records = table.records.flatMap((rec): RawRecord[] => {
    if (rec.fields.length !== table.header.length) {
      rowProblems.push({ line: rec.line, field: '(row)', reason: `has ${rec.fields.length} fields, the header has ${table.header.length}` })
      return []
    }
    return [{ line: rec.line, props: Object.fromEntries(table.header.map((h, i) => [h, rec.fields[i]!.trim()])) }]
  })
  return { records, encoding, crs: { ...parseCrs(input.crs ?? 'EPSG:4490'), latFirst: false }, ignored: unknownColumns(table.header), rowProblems }
}

const place = (p: Problem) => p.line ?? p.feature ?? 0
const byPlace = (a: Problem, b: Problem) => place(a) - place(b) || a.field.localeCompare(b.field)

export async function runEventImport(knex: Knex | Knex.Transaction, principal: Principal, input: EventImportInput,
  opts: EventImportOptions): Promise<EventImportReport> {
  const progress = (step: string, done: number, total: number) => opts.onProgress?.({ step, done, total })
  const sha256 = crypto.createHash('sha256').update(Buffer.isBuffer(input.data) ? input.data : JSON.stringify(input.data)).digest('hex')
  const parsed = parseFile(input)
  if (parsed.records.length + parsed.rowProblems.length === 0) throw new AppError(400, 'empty_import', 'the file holds no records')
  if (parsed.records.length > MAX_RECORDS) {
    throw new AppError(413, 'too_many_records', `the file holds ${parsed.records.length} records; split it into files of at most ${MAX_RECORDS}`)
  }
  const total = parsed.records.length
  progress('validate', 0, total)
  const schema = recordSchema(await reference(knex as Knex), new Date())
  const rows: StagedRow[] = []
  const problems: EventImportReport['problems'] = [...parsed.rowProblems]
  const seen = new Map<string, number>()
  for (const rec of parsed.records) {
    const c = convertRecord(rec, schema, parsed.crs)
    problems.push(...c.problems)
    if (!c.row) continue
    const first = seen.get(c.row.key)
    if (first !== undefined) {
      const where = rec.feature === undefined ? { line: rec.line } : { feature: rec.feature }
      problems.push({ ...where, field: c.row.ref ? 'ref' : '(row)', reason: `duplicates ${rec.feature === undefined ? 'line' : 'feature'} ${first} of this file` })
      continue
    }
    seen.set(c.row.key, rec.feature ?? rec.line)
    rows.push(c.row)
  }
  const report: EventImportReport = {
    dryRun: opts.dryRun, format: input.format, fileName: input.fileName, sha256, encoding: parsed.encoding, crs: parsed.crs.id,
    records: parsed.records.length + parsed.rowProblems.length, valid: false, written: 0, skipped: 0,
    gridBasis: { atReport: 0, current: 0 }, partitionsCreated: 0, importId: null, ignoredColumns: parsed.ignored, problems, outsideCity: 0,
  }
  // Partitions only for a real run of a file that passed the row checks (see ensurePartitions).
  if (!opts.dryRun && problems.length === 0 && rows.length > 0) {
    let first = Infinity
    let last = -Infinity
    for (const r of rows) {
      const t = Date.parse(r.reported_at)
      if (t < first) first = t
      if (t > last) last = t
    }
    report.partitionsCreated = await ensurePartitions(knex, new Date(first), new Date(last))
  }
  const trx = await knex.transaction()
  try {
    await createStage(trx)
    await stageRows(trx, rows, (done) => progress('locate', done, total))
    const located = await locationProblems(trx, principal.jurisdiction.patterns)
    const summary = await stageSummary(trx)
    report.problems.push(...located.map((p) => locationProblem(p, input.format)))
    report.problems.sort(byPlace)
    report.outsideCity = located.filter((p) => p.outsideCity).length
    report.valid = report.problems.length === 0
    report.skipped = summary.skipped
    report.gridBasis = { atReport: summary.atReport, current: summary.current }
    if (opts.dryRun) {
      await trx.rollback()
      return report
    }
    if (!report.valid) {
      throw new AppError(422, 'invalid_import', `${new Set(report.problems.map(place)).size} of ${report.records} record(s) cannot be imported: nothing was written`, { report })
    }
    await lockImports(trx)
    const actor = { id: principal.userId, role: principal.role, name: principal.displayName }
    report.importId = await createImport(trx, {
      source: 'file', fileName: input.fileName, sha256, format: input.format, rowsTotal: report.records, actorId: actor.id, actorName: actor.name,
    })
    report.written = await writeStaged(trx, {
      importId: report.importId, fileName: input.fileName, sha256, actor, comment: `历史事件导入：${input.fileName}`,
      fromLine: 0, toLine: rows.reduce((m, r) => Math.max(m, r.line), 0) + 1, onBatch: (done) => progress('write', done, total),
    })
    // the count under the lock is the truth (a concurrent import may have taken keys meanwhile)
    report.skipped = rows.length - report.written
    await finishImport(trx, report.importId, report.written, report.skipped)
    await trx.commit()
    progress('done', total, total)
    return report
  } catch (err) {
    if (!trx.isCompleted()) await trx.rollback()
    throw err
  }
}

function locationProblem(p: LocationProblem, format: ImportFormat): EventImportReport['problems'][number] {
  const where = format === 'geojson' ? { feature: p.line - 1 } : { line: p.line }
  if (p.outsideCity) {
    const reason = p.nearestGrid
      ? `point ${p.lon.toFixed(7)}, ${p.lat.toFixed(7)} (EPSG:4490) lies outside every grid of the city: the nearest grid ${p.nearestGrid} is ${p.distanceMetres} m away`
      : `point ${p.lon.toFixed(7)}, ${p.lat.toFixed(7)} (EPSG:4490) lies outside every grid: no grids are loaded`
    return { ...where, field: 'location', reason, nearestGrid: p.nearestGrid, distanceMetres: p.distanceMetres }
  }
  return { ...where, field: 'location', reason: `lies in community ${p.communityCode}, outside your jurisdiction` }
}
