// An uploaded register file → its header and rows of raw cells, numbered as a spreadsheet numbers
// them (the header is row 1). xlsx: the first worksheet, read as a stream by exceljs after the zip
// guard (./zipGuard.ts); CSV: UTF-8 (BOM or not) or GBK/GB18030, as the event import reads it.
import { Readable } from 'node:stream'
import ExcelJS from 'exceljs'
import { AppError } from '../http/errors.ts'
import { decodeCsv, parseCsv } from '../event-imports/csv.ts'
import { checkXlsxZip } from './zipGuard.ts'

/** Rows of one file: more is a job for `npm run import:register` in parts. */
export const MAX_IMPORT_ROWS = 200_000
const MAX_COLUMNS = 200

export interface SheetRow { row: number; cells: unknown[] }
export interface SheetTable { format: 'xlsx' | 'csv'; encoding?: string; header: string[]; rows: SheetRow[] }

export const isZip = (b: Buffer) => b.length >= 4 && b[0] === 0x50 && b[1] === 0x4b && b[2] === 0x03 && b[3] === 0x04

const tooManyRows = () => new AppError(413, 'payload_too_large', `a register file holds at most ${MAX_IMPORT_ROWS} rows: split it`)
  .coded('registers.too_many_rows', { limit: MAX_IMPORT_ROWS })
const noHeader = () => new AppError(400, 'bad_request', 'the file has no header row: the first row names the columns (Chinese title or field name)')
  .coded('registers.no_header')

const isBlank = (cells: unknown[]) => cells.every((c) => c === null || c === undefined || (typeof c === 'string' && c.trim() === ''))

export async function readSheet(bytes: Buffer, opts: { format: 'xlsx' | 'csv'; charset?: string | undefined }): Promise<SheetTable> {
  return opts.format === 'xlsx' ? readXlsx(bytes) : readCsv(bytes, opts.charset)
}

function readCsv(bytes: Buffer, charset: string | undefined): SheetTable {
  const { text, encoding } = decodeCsv(bytes, charset)
  let parsed
  try {
    parsed = parseCsv(text)
  } catch (err) {
    throw err instanceof AppError && /empty/.test(err.detail) ? noHeader() : err
  }
  if (parsed.records.length > MAX_IMPORT_ROWS) throw tooManyRows()
  if (parsed.header.length > MAX_COLUMNS) throw new AppError(400, 'bad_request', `more than ${MAX_COLUMNS} columns`).coded('registers.too_many_columns', { limit: MAX_COLUMNS })
  // the physical line is the row a spreadsheet shows (quoted line breaks aside)
  const rows = parsed.records.filter((r) => !isBlank(r.fields)).map((r) => ({ row: r.line, cells: r.fields }))
  return { format: 'csv', encoding, header: parsed.header, rows }
}

async function readXlsx(bytes: Buffer): Promise<SheetTable> {
  await checkXlsxZip(bytes)
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(Readable.from([bytes]), {
    sharedStrings: 'cache', worksheets: 'emit', styles: 'ignore', hyperlinks: 'ignore', entries: 'ignore',
  })
  let header: string[] | undefined
  const rows: SheetRow[] = []
  try {
    for await (const sheet of reader) {
      for await (const row of sheet as AsyncIterable<ExcelJS.Row>) {
        const values = (row.values as unknown[]).slice(1, MAX_COLUMNS + 1)
        const cells = Array.from({ length: values.length }, (_, i) => values[i] ?? null)
        if (header === undefined) {
          if (isBlank(cells)) continue
          header = cells.map((c) => headerText(c))
          continue
        }
        if (isBlank(cells)) continue
        if (rows.length >= MAX_IMPORT_ROWS) throw tooManyRows()
        rows.push({ row: row.number, cells })
      }
      break // the first worksheet only
    }
  } catch (err) {
    if (err instanceof AppError) throw err
    throw new AppError(400, 'bad_xlsx', `not a readable xlsx workbook: ${(err as Error).message}`).coded('registers.bad_xlsx', { detail: (err as Error).message })
  }
  if (!header) throw noHeader()
  return { format: 'xlsx', header, rows }
}

function headerText(c: unknown): string {
  if (c === null || c === undefined) return ''
  if (typeof c === 'object' && 'richText' in c && Array.isArray((c as { richText: unknown[] }).richText)) {
    return (c as { richText: { text?: string }[] }).richText.map((r) => r.text ?? '').join('').trim()
  }
  return typeof c === 'object' ? '' : String(c).trim()
}
