// The export of a register: the rows its exportRows yields (the caller's jurisdiction, personal
// fields as rule.ts shows them to this caller), as xlsx or CSV, with two header rows (the Chinese
// titles, then the field names: the file imports again as it is). Formulas are neutralised: CSV
// cells a spreadsheet would run get a leading apostrophe and every field is quoted (so a
// semicolon-separated reading cannot split one out); xlsx cells are written as values, never as
// formulas. The file is built whole before it is answered, so a failure is a problem answer and
// the full reads it noted reach the access audit with the request.
import { PassThrough } from 'node:stream'
import ExcelJS from 'exceljs'
import type { Knex } from 'knex'
import type { Principal } from '../auth/users.ts'
import { exportCell, neutraliseCsvCell } from './cells.ts'
import type { RegisterDef, RegisterFilter } from './registry.ts'

export type ExportFormat = 'xlsx' | 'csv'

export interface ExportFile { body: Buffer; rows: number; contentType: string; fileName: string }

const csvField = (v: string | number | boolean | null) => {
  if (v === null) return '""'
  const text = typeof v === 'string' ? neutraliseCsvCell(v) : String(v)
  return `"${text.replace(/"/g, '""')}"`
}

export async function exportRegister(knex: Knex, p: Principal, def: RegisterDef, filter: RegisterFilter, format: ExportFormat): Promise<ExportFile> {
  const columns = def.columns
  const day = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10)
  const fileName = `${def.name}-${day}.${format}`
  let rows = 0
  if (format === 'csv') {
    // a BOM: Excel on Windows reads UTF-8 CSV as such only with it
    const parts: string[] = ['\uFEFF', columns.map((c) => csvField(c.title)).join(','), '\r\n', columns.map((c) => csvField(c.name)).join(','), '\r\n']
    for await (const batch of def.exportRows(knex, p, filter)) {
      for (const r of batch) {
        parts.push(columns.map((c) => csvField(exportCell(r[c.name], c))).join(','), '\r\n')
        rows++
      }
    }
    return { body: Buffer.from(parts.join(''), 'utf8'), rows, contentType: 'text/csv; charset=utf-8', fileName }
  }
  const out = new PassThrough()
  const chunks: Buffer[] = []
  out.on('data', (c: Buffer) => chunks.push(c))
  const done = new Promise<void>((resolve, reject) => { out.on('end', resolve); out.on('error', reject) })
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useSharedStrings: false, useStyles: false })
  const sheet = workbook.addWorksheet(def.title.slice(0, 31))
  sheet.addRow(columns.map((c) => c.title)).commit()
  sheet.addRow(columns.map((c) => c.name)).commit()
  for await (const batch of def.exportRows(knex, p, filter)) {
    for (const r of batch) {
      // plain values only: exceljs writes a string as a string cell, whatever it starts with
      sheet.addRow(columns.map((c) => exportCell(r[c.name], c))).commit()
      rows++
    }
  }
  sheet.commit()
  await workbook.commit()
  await done
  return { body: Buffer.concat(chunks), rows, contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', fileName }
}
