// Spreadsheet cells → the typed values of a register's columns, and the formula-injection rules
// both ways: an import refuses a formula cell and text a spreadsheet would run when the file is
// opened again (=, +, -, @ followed by something other than a number; a tab, CR or LF before
// one; a DDE call such as =cmd|' /C calc'!A0 anywhere in the text); an export neutralises the
// same text with a leading apostrophe (CSV) and writes every xlsx cell as a value.
import type { ColumnType, RegisterColumn } from './registry.ts'

/** A problem with one cell, before the register's own schema is asked. */
export interface CellProblem { code: string; message: string; params?: Record<string, unknown> }

export type CellResult = { value: unknown } | { problem: CellProblem }

/** A number a spreadsheet shows as a number: -5, +1.5, 1e3, 12%. */
const NUMERIC = /^[+-]?\s*(\d+(\.\d*)?|\.\d+)(e[+-]?\d+)?%?$/i
/** A phone written with its country code: +86 138 1234 5678, +86-531-88888888. */
const INTERNATIONAL_PHONE = /^\+\d{1,4}[\s-]?\d[\d\s-]{5,20}$/
/** A DDE payload: a program, a pipe, a quoted argument and a bang (=cmd|' /C calc'!A0). */
const DDE = /[=+\-@][^|]{0,60}\|\s*'[^']*'\s*!/
const TRIGGER = /[=+\-@]/

/**
 * Whether a spreadsheet would run this text as a formula (or DDE). `phone`: a phone column, where
 * +86 … is a number and not arithmetic.
 */
export function isFormulaText(text: string, phone = false): boolean {
  if (DDE.test(text)) return true
  // a tab, CR or LF followed by a trigger: the text splits into a cell of its own when pasted
  if (/[\t\r\n]\s*[=+\-@]/.test(text)) return true
  const s = text.replace(/^[\s\u00a0\u3000]+/, '')
  if (!TRIGGER.test(s[0] ?? '')) return false
  if (s[0] === '=') return true
  if (NUMERIC.test(s)) return false
  return !(phone && s[0] === '+' && INTERNATIONAL_PHONE.test(s))
}

/** A CSV cell as a spreadsheet must show it: text it would run gets a leading apostrophe. */
export function neutraliseCsvCell(text: string): string {
  if (isFormulaText(text)) return `'${text}`
  // a leading tab or CR is the trick of choice even before a harmless character
  return /^[\t\r]/.test(text) ? `'${text}` : text
}

const problem = (code: string, message: string, params?: Record<string, unknown>): CellResult => ({ problem: { code, message, ...(params ? { params } : {}) } })

/** The text of a cell as read: strings, numbers, booleans, dates, exceljs rich text and hyperlinks. */
function cellText(raw: unknown): string | undefined {
  if (raw === null || raw === undefined) return undefined
  if (typeof raw === 'string') return raw
  if (typeof raw === 'number') return Number.isFinite(raw) ? (Number.isInteger(raw) ? String(raw) : String(raw)) : undefined
  if (typeof raw === 'boolean') return raw ? '是' : '否'
  if (raw instanceof Date) return raw.toISOString()
  if (typeof raw === 'object') {
    const o = raw as { richText?: { text?: unknown }[]; text?: unknown }
    if (Array.isArray(o.richText)) return o.richText.map((r) => String(r.text ?? '')).join('')
    if (typeof o.text === 'string') return o.text
  }
  return undefined
}

/** Whether an xlsx cell is a formula (its value, a shared formula, or an array formula). */
export function isFormulaCell(raw: unknown): boolean {
  return typeof raw === 'object' && raw !== null && !(raw instanceof Date) &&
    ('formula' in raw || 'sharedFormula' in raw || 'formulae' in raw)
}

/**
 * One cell as the value of its column: undefined for an empty cell, else the value or a problem.
 * Text is checked for formulas before anything else.
 */
export function convertCell(raw: unknown, column: RegisterColumn): CellResult | undefined {
  if (isFormulaCell(raw)) return problem('registers.cell.formula', 'a formula cell is not accepted: paste its value instead')
  if (typeof raw === 'object' && raw !== null && 'error' in raw) return problem('registers.cell.error', 'the cell holds a spreadsheet error value')
  const text = cellText(raw)
  if (text === undefined) return typeof raw === 'object' && raw !== null && !(raw instanceof Date) ? problem('registers.cell.unreadable', 'the cell value is not readable') : undefined
  if (typeof raw === 'string' && isFormulaText(text, column.type === 'phone')) {
    return problem('registers.cell.formula_text', 'text a spreadsheet would run as a formula (starting with =, +, -, @ or a DDE call) is not accepted')
  }
  if (text.trim() === '') return undefined
  return convertTyped(raw, text.trim(), column)
}

function convertTyped(raw: unknown, text: string, column: RegisterColumn): CellResult {
  switch (column.type) {
    case 'integer': {
      const n = typeof raw === 'number' ? raw : /^[+-]?\d{1,15}$/.test(text) ? Number(text) : NaN
      return Number.isSafeInteger(n) ? { value: n } : problem('registers.cell.integer', 'must be a whole number')
    }
    case 'number': case 'lon': case 'lat': {
      const n = typeof raw === 'number' ? raw : /^[+-]?(\d+(\.\d*)?|\.\d+)(e[+-]?\d+)?$/i.test(text) ? Number(text) : NaN
      return Number.isFinite(n) ? { value: n } : problem('registers.cell.number', 'must be a number')
    }
    case 'boolean': return booleanOf(raw, text)
    case 'date': return dateOf(raw, text)
    case 'datetime': return dateTimeOf(raw, text)
    case 'enum': return enumOf(text, column)
    case 'idNumber':
      // 18 digits do not survive as a spreadsheet number (15 significant digits)
      if (typeof raw === 'number') return problem('registers.cell.id_as_number', 'an ID number must be stored as text (a number cell loses its last digits)')
      return { value: text.replace(/\s/g, '').toUpperCase() }
    case 'phone': return { value: text.replace(/^(\+|00)86[\s-]?(?=1[3-9]\d)/, '').replace(/\s+/g, ' ') }
    case 'creditCode': case 'plate': return { value: text.replace(/\s/g, '').toUpperCase() }
    case 'gridCode': case 'communityCode': return { value: text.replace(/\s/g, '') }
    default: return { value: textOf(column.type, text) }
  }
}

const textOf = (_type: ColumnType, text: string) => text

const TRUE = new Set(['是', '有', 'true', 'yes', 'y', '1', '√', 't'])
const FALSE = new Set(['否', '无', 'false', 'no', 'n', '0', '×', 'f'])
function booleanOf(raw: unknown, text: string): CellResult {
  if (typeof raw === 'boolean') return { value: raw }
  const t = text.toLowerCase()
  if (TRUE.has(t)) return { value: true }
  if (FALSE.has(t)) return { value: false }
  return problem('registers.cell.boolean', 'must be 是 or 否')
}

function enumOf(text: string, column: RegisterColumn): CellResult {
  const options = column.options ?? {}
  if (Object.hasOwn(options, text)) return { value: text }
  const byTitle = Object.entries(options).find(([, title]) => title === text)
  if (byTitle) return { value: byTitle[0] }
  const lower = Object.keys(options).find((k) => k.toLowerCase() === text.toLowerCase())
  if (lower) return { value: lower }
  const choices = Object.entries(options).map(([k, t]) => `${t}(${k})`).slice(0, 12)
  return problem('registers.cell.enum', `must be one of ${choices.join(', ')}`, { choices })
}

/** Excel's day 0 of the 1900 date system (its phantom 29 February 1900 included). */
const EXCEL_EPOCH_MS = Date.UTC(1899, 11, 30)
const DAY_MS = 86_400_000

/** An Excel serial (days, wall-clock time as the fraction) as UTC parts of that wall time. */
function fromSerial(serial: number): Date | undefined {
  if (!Number.isFinite(serial) || serial < 1 || serial > 2_958_465) return undefined
  return new Date(EXCEL_EPOCH_MS + Math.round(serial * DAY_MS / 1000) * 1000)
}

const pad = (n: number) => String(n).padStart(2, '0')
const ymd = (d: Date) => `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`

function validYmd(y: number, m: number, d: number): string | undefined {
  const t = new Date(Date.UTC(y, m - 1, d))
  if (y < 1850 || y > 2200 || t.getUTCMonth() !== m - 1 || t.getUTCDate() !== d) return undefined
  return `${y}-${pad(m)}-${pad(d)}`
}

const DATE_TEXT = /^(\d{4})(?:[-/.年](\d{1,2})[-/.月](\d{1,2})日?|(\d{2})(\d{2}))$/

function dateOf(raw: unknown, text: string): CellResult {
  if (raw instanceof Date) return { value: ymd(raw) }
  if (typeof raw === 'number') {
    const d = fromSerial(raw)
    return d ? { value: ymd(d) } : problem('registers.cell.date', 'must be a date (YYYY-MM-DD)')
  }
  const m = DATE_TEXT.exec(text)
  const value = m ? validYmd(Number(m[1]), Number(m[2] ?? m[4]), Number(m[3] ?? m[5])) : undefined
  return value ? { value } : problem('registers.cell.date', 'must be a date (YYYY-MM-DD)')
}

const DATETIME_TEXT = /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$/

/** Spreadsheet times are Beijing wall time; an ISO text with its own offset keeps it. */
function dateTimeOf(raw: unknown, text: string): CellResult {
  const bad = problem('registers.cell.datetime', 'must be a date and time (YYYY-MM-DD HH:mm, Beijing time)')
  const wall = raw instanceof Date ? raw : typeof raw === 'number' ? fromSerial(raw) : undefined
  if (wall) return { value: new Date(wall.getTime() - 8 * 3_600_000).toISOString() }
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(text)) {
    const t = Date.parse(text)
    return Number.isNaN(t) ? bad : { value: new Date(t).toISOString() }
  }
  const m = DATETIME_TEXT.exec(text)
  if (!m) return bad
  const day = validYmd(Number(m[1]), Number(m[2]), Number(m[3]))
  const [h, min, s] = [Number(m[4] ?? 0), Number(m[5] ?? 0), Number(m[6] ?? 0)]
  if (!day || h > 23 || min > 59 || s > 59) return bad
  return { value: new Date(`${day}T${pad(h)}:${pad(min)}:${pad(s)}+08:00`).toISOString() }
}

/** A value of a register row as a spreadsheet cell of an export (never a formula). */
export function exportCell(value: unknown, column: RegisterColumn | undefined): string | number | boolean | null {
  if (value === null || value === undefined) return null
  if (column?.type === 'enum' && typeof value === 'string') return column.options?.[value] ?? value
  if (typeof value === 'boolean') return value ? '是' : '否'
  if (typeof value === 'number') return Number.isFinite(value) ? value : null
  if (value instanceof Date) return column?.type === 'date' ? ymd(value) : value.toISOString()
  if (typeof value === 'object') return JSON.stringify(value)
  return String(value)
}
