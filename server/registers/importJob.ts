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
  const skipNames = secondHeaderRow(sheet, columns)
  const dataRows = skipNames ? sheet.rows.slice(1) : sheet.rows
  const rows: Record<string, unknown>[] = []
  const rowNumbers: number[] = []
  const refused = new Set(problems.map((p) => `${p.row}:${p.field}`))
  for (const r of dataRows) {
    const before = problems.length
    const record = convertRow(r.row, r.cells, columns, problems)
    for (const p of problems.slice(before)) refused.add(`${p.row}:${p.field}`)
    const parsed = def.rowSchema.safeParse(record)
    if (parsed.success) {
      rows.push(parsed.data)
      rowNumbers.push(r.row)
    } else {
      for (const issue of parsed.error.issues) {
        const field = String(issue.path[0] ?? '(row)')
        // a cell already refused is not refused twice
        if (refused.has(`${r.row}:${field}`)) continue
        refused.add(`${r.row}:${field}`)
        problems.push(problemAt(def, r.row, field, 'registers.invalid', issue.message))
      }
    }
  }
  const report: RegisterImportReport = {
    register: def.name, format, ...(sheet.encoding ? { encoding: sheet.encoding } : {}), dryRun: opts.dryRun,
    rows: dataRows.length, inserted: 0, updated: 0, valid: false, ignoredColumns: ignored, problems: [], problemCount: 0,
  }
  if (problems.length) throw rejected(report, problems)
  if (rows.length === 0) throw new AppError(400, 'bad_request', 'the file holds no rows under its header').coded('registers.no_rows')
  assertInJurisdiction(principal, rows, rowNumbers)
  const trx = await knex.transaction()
  try {
    const written = await def.importRows(trx, rows, { principal, cityCode: cityOf(principal), rowNumbers })
    report.inserted = written.inserted
    report.updated = written.updated
    report.valid = true
    if (opts.dryRun) await trx.rollback()
    else await trx.commit()
    return report
  } catch (err) {
    if (!trx.isCompleted()) await trx.rollback()
    if (err instanceof RegisterRowError) throw rejected(report, [problemAt(def, err.row, err.field, err.code, err.message)])
    throw err
  }
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

/** A row placed by its community code must lie in the caller's jurisdiction (403, rows named). */
function assertInJurisdiction(p: Principal, rows: Record<string, unknown>[], rowNumbers: readonly number[]): void {
  const outside: { row: number; communityCode: string }[] = []
  rows.forEach((r, i) => {
    const code = r.communityCode
    if (typeof code === 'string' && !p.jurisdiction.covers(code)) outside.push({ row: rowNumbers[i]!, communityCode: code })
  })
  if (!outside.length) return
  const err = forbidden(`${outside.length} row(s) lie outside your jurisdiction (first: row ${outside[0]!.row}, ${outside[0]!.communityCode})`)
  throw new AppError(err.status, err.type, err.detail, { outside: outside.slice(0, MAX_LISTED) })
    .coded('registers.outside_jurisdiction', { count: outside.length, row: outside[0]!.row })
}
