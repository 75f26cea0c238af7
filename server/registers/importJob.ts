// One import of a register file, all or nothing, like the grid import: the file → rows of cells
// (./sheet.ts) → the columns by header (Chinese title or field name) → typed values (./cells.ts,
// formulas refused) → the register's rowSchema → every problem as {row, field, code, message};
// then the register's importRows in ONE transaction. A problem anywhere: 422 listing them and
// nothing written; a row the database refuses (RegisterRowError) rolls the whole file back. A dry
// run answers the same report, the writes rolled back.
import type { Knex } from 'knex'
import type { Principal } from '../auth/users.ts'
import { AppError, forbidden } from '../http/errors.ts'
import { convertCell } from './cells.ts'
import { RegisterRowError, type RegisterColumn, type RegisterDef } from './registry.ts'
import { isZip, readSheet, type SheetTable } from './sheet.ts'
import { RowFeed } from './rowFeed.ts'

export interface RowProblem {
  /** the spreadsheet's row (the header is row 1) */
  row: number
  /** the column's field name (its title is in `title`) */
  field: string
  title?: string
  code: string
  message: string
  params?: Record<string, unknown>
}

export interface RegisterImportReport {
  register: string
  format: 'xlsx' | 'csv'
  encoding?: string
  dryRun: boolean
  rows: number
  inserted: number
  updated: number
  valid: boolean
  /** header cells that name no importable column (read-only columns included) */
  ignoredColumns: string[]
  problems: RowProblem[]
  /** every problem found; `problems` lists the first MAX_LISTED */
  problemCount: number
}

export interface ImportFile { bytes: Buffer; format: 'xlsx' | 'csv' | 'sniff'; charset?: string | undefined }

/** A report lists this many problems (and counts them all). */
export const MAX_LISTED = 2000

/** The ImportContext's city: the principal's, else the city of its jurisdiction. */
export function cityOf(p: Principal): string {
  if (p.cityCode) return p.cityCode
  const first = p.jurisdiction.prefixes[0] ?? ''
  return `${first.slice(0, 4)}00`
}

export async function runRegisterImport(knex: Knex, principal: Principal, def: RegisterDef, file: ImportFile,
  opts: { dryRun: boolean }): Promise<RegisterImportReport> {
  const format = file.format === 'sniff' ? (isZip(file.bytes) ? 'xlsx' : 'csv') : file.format
  const sheet = await readSheet(file.bytes, { format, charset: file.charset })
  const { columns, ignored, problems } = mapHeader(def, sheet.header)
  const dataRows = secondHeaderRow(sheet, columns) ? sheet.rows.slice(1) : sheet.rows
  const report: RegisterImportReport = {
    register: def.name, format, ...(sheet.encoding ? { encoding: sheet.encoding } : {}), dryRun: opts.dryRun,
    rows: dataRows.length, inserted: 0, updated: 0, valid: false, ignoredColumns: ignored, problems: [], problemCount: 0,
  }
  const feed = new RowFeed<Record<string, unknown>>()
  const outside: Outside[] = []
  const validating = validateRows(def, dataRows, columns, problems, principal, feed, outside)
    .catch((err: unknown) => {
      // a writer waiting on the feed must not wait for ever
      feed.stop()
      throw err
    })
  validating.catch(() => undefined) // observed below, after the writer
  const ctx = { principal, cityCode: cityOf(principal), rowNumbers: feed.rowNumbers }
  // the file's own problems come first, then its emptiness, then the jurisdiction, then what the database refused
  const assertClean = () => {
    if (problems.length) throw rejected(report, problems)
    if (feed.rows.length === 0) throw new AppError(400, 'bad_request', 'the file holds no rows under its header').coded('registers.no_rows')
    if (outside.length) throw outsideJurisdiction(outside)
  }
  // without importStream the whole file is validated before the transaction opens
  if (!def.importStream) {
    await validating
    assertClean()
  }
  const trx = await knex.transaction()
  let writeError: unknown
  try {
    const writing = def.importStream ? def.importStream(trx, feed, ctx) : def.importRows(trx, feed.rows, ctx)
    const written = await writing.catch((err: unknown) => {
      writeError = err
      return { inserted: 0, updated: 0 }
    })
    await validating
    assertClean()
    if (writeError instanceof RegisterRowError) throw rejected(report, [problemAt(def, writeError.row, writeError.field, writeError.code, writeError.message)])
    if (writeError !== undefined) throw writeError
    report.inserted = written.inserted
    report.updated = written.updated
    report.valid = true
    if (opts.dryRun) await trx.rollback()
    else await trx.commit()
    return report
  } finally {
    if (!trx.isCompleted()) await trx.rollback()
    // a throw before validation finished leaves no promise unobserved
    await validating.catch(() => undefined)
  }
}

/** Rows validated between yields to the event loop, so an importStream's batches are sent meanwhile. */
const VALIDATE_CHUNK = 2000

interface Outside { row: number; communityCode: string }

/**
 * Converts and validates every data row into the feed (valid rows) and `problems`; a row placed
 * by its community code outside the caller's jurisdiction goes to `outside`. Ends the feed, or
 * stops it when the file has a problem or a row outside.
 */
async function validateRows(def: RegisterDef, dataRows: SheetTable['rows'], columns: MappedColumn[], problems: RowProblem[],
  p: Principal, feed: RowFeed<Record<string, unknown>>, outside: Outside[]): Promise<void> {
  const refused = new Set(problems.map((q) => `${q.row}:${q.field}`))
  for (let i = 0; i < dataRows.length; i++) {
    if (i > 0 && i % VALIDATE_CHUNK === 0) {
      feed.flush()
      await new Promise<void>((resolve) => setImmediate(resolve))
    }
    const r = dataRows[i]!
    const before = problems.length
    const record = convertRow(r.row, r.cells, columns, problems)
    for (const q of problems.slice(before)) refused.add(`${q.row}:${q.field}`)
    const parsed = def.rowSchema.safeParse(record)
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        const field = String(issue.path[0] ?? '(row)')
        // a cell already refused is not refused twice
        if (refused.has(`${r.row}:${field}`)) continue
        refused.add(`${r.row}:${field}`)
        problems.push(problemAt(def, r.row, field, 'registers.invalid', issue.message))
      }
      continue
    }
    const code = parsed.data.communityCode
    if (typeof code === 'string' && !p.jurisdiction.covers(code)) outside.push({ row: r.row, communityCode: code })
    // once the file has a problem nothing more is written: the rest is only checked
    if (!problems.length && !outside.length) feed.push(parsed.data, r.row)
  }
  if (problems.length || outside.length) feed.stop()
  else feed.end()
}

interface MappedColumn { index: number; column: RegisterColumn }

/** Header cells → importable columns; a duplicate or a missing required column is a row-1 problem. */
function mapHeader(def: RegisterDef, header: string[]): { columns: MappedColumn[]; ignored: string[]; problems: RowProblem[] } {
  const columns: MappedColumn[] = []
  const ignored: string[] = []
  const problems: RowProblem[] = []
  header.forEach((cell, index) => {
    const h = cell.trim()
    if (!h) return
    const column = def.columns.find((c) => c.title === h || c.name.toLowerCase() === h.toLowerCase())
    if (!column || column.readOnly) {
      ignored.push(h)
      return
    }
    if (columns.some((m) => m.column === column)) {
      problems.push(problemAt(def, 1, column.name, 'registers.duplicate_column', `the column ${column.title} appears twice`))
      return
    }
    columns.push({ index, column })
  })
  for (const c of def.columns) {
    if (c.required && !c.readOnly && !columns.some((m) => m.column === c)) {
      problems.push(problemAt(def, 1, c.name, 'registers.missing_column', `the required column ${c.title} (${c.name}) is missing`))
    }
  }
  return { columns, ignored, problems }
}

/** An export's second header row (the field names under the titles) is not data. */
function secondHeaderRow(sheet: SheetTable, columns: MappedColumn[]): boolean {
  const first = sheet.rows[0]
  if (!first || first.row !== 2 || columns.length === 0) return false
  return columns.every((m) => String(first.cells[m.index] ?? '').trim() === m.column.name)
}

function convertRow(row: number, cells: unknown[], columns: MappedColumn[], problems: RowProblem[]): Record<string, unknown> {
  const record: Record<string, unknown> = {}
  for (const { index, column } of columns) {
    const result = convertCell(cells[index], column)
    if (result === undefined) continue
    if ('problem' in result) {
      problems.push({ row, field: column.name, title: column.title, ...result.problem })
      continue
    }
    if (column.maxLength !== undefined && typeof result.value === 'string' && [...result.value].length > column.maxLength) {
      problems.push({ row, field: column.name, title: column.title, code: 'registers.cell.too_long', message: `at most ${column.maxLength} characters`, params: { max: column.maxLength } })
      continue
    }
    record[column.name] = result.value
  }
  return record
}

function problemAt(def: RegisterDef, row: number, field: string, code: string, message: string): RowProblem {
  const title = def.columns.find((c) => c.name === field)?.title
  return { row, field, ...(title ? { title } : {}), code, message }
}

/** The 422 of a file with problems: nothing was written. */
function rejected(report: RegisterImportReport, problems: RowProblem[]): AppError {
  problems.sort((a, b) => a.row - b.row)
  const listed = problems.slice(0, MAX_LISTED)
  const first = listed[0]!
  const body = { ...report, valid: false, inserted: 0, updated: 0, problems: listed, problemCount: problems.length }
  return new AppError(422, 'register_import_rejected',
    `${problems.length} problem(s); nothing was written. First: row ${first.row}, ${first.field}: ${first.message}`, body)
    .coded('registers.import_rejected', { count: problems.length, row: first.row, field: first.title ?? first.field })
}

/** The 403 of rows placed by their community code outside the caller's jurisdiction (rows named). */
function outsideJurisdiction(outside: Outside[]): AppError {
  const err = forbidden(`${outside.length} row(s) lie outside your jurisdiction (first: row ${outside[0]!.row}, ${outside[0]!.communityCode})`)
  return new AppError(err.status, err.type, err.detail, { outside: outside.slice(0, MAX_LISTED) })
    .coded('registers.outside_jurisdiction', { count: outside.length, row: outside[0]!.row })
}
