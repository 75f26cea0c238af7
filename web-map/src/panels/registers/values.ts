// How the 登记 panel reads and writes a register's values, from the column's type alone: the text
// shown for a value, the form input's text for it, and the JSON value a form input becomes. No
// DOM here (the Node tests read it too).
import type { RegisterColumn } from '../../client/registersApi.ts'
import { beijingTime } from '../../ui/time.ts'

/** A masked personal value: the server's masks always hold a star (138****5678, 张*, 3701**********1234). */
export function isMasked(c: RegisterColumn, v: unknown): boolean {
  return c.personal !== undefined && typeof v === 'string' && v.includes('*')
}

/** The text shown for a value: options by their title, yes/no, Beijing time, a dash for nothing. */
export function displayValue(c: RegisterColumn, v: unknown): string {
  if (v === null || v === undefined || v === '') return '—'
  if (c.type === 'enum') return c.options?.[String(v)] ?? String(v)
  if (c.type === 'boolean') return v === true ? '是' : v === false ? '否' : String(v)
  if (c.type === 'datetime') return beijingTime(String(v), false)
  if (c.type === 'number' && typeof v === 'number') return v.toLocaleString('zh-CN', { maximumFractionDigits: 2 })
  return String(v)
}

/** Beijing wall time of an instant as a datetime-local input wants it (yyyy-mm-ddThh:mm). */
export function toLocalInput(iso: string): string {
  const t = new Date(iso)
  if (Number.isNaN(t.getTime())) return ''
  return new Date(t.getTime() + 8 * 3_600_000).toISOString().slice(0, 16)
}

/** The text a form input starts with for a value (a masked value starts empty: it is not the value). */
export function inputText(c: RegisterColumn, v: unknown): string {
  if (v === null || v === undefined || isMasked(c, v)) return ''
  if (c.type === 'datetime') return toLocalInput(String(v))
  if (c.type === 'boolean') return v === true ? 'true' : v === false ? 'false' : ''
  return String(v)
}

/** A form input's text as the JSON value of its column; '' is null (nothing). */
export function parseInput(c: RegisterColumn, text: string): unknown {
  const t = text.trim()
  if (t === '') return null
  switch (c.type) {
    case 'integer': return /^-?\d+$/.test(t) ? Number(t) : t
    case 'number': case 'lon': case 'lat': return Number.isFinite(Number(t)) ? Number(t) : t
    case 'boolean': return t === 'true'
    // Beijing wall time → an instant with its offset
    case 'datetime': return /^\d{4}-\d\d-\d\dT\d\d:\d\d$/.test(t) ? `${t}:00+08:00` : t
    default: return t
  }
}

/** The columns a form offers: everything but what the server computes. */
export const formColumns = (columns: RegisterColumn[]) => columns.filter((c) => !c.readOnly)

/**
 * The body of a create: the columns filled in. Of an edit: only the columns whose input changed
 * from what the form started with (an untouched masked field is never sent back masked), and
 * the version read.
 */
export function formBody(columns: RegisterColumn[], inputs: Map<string, string>, start: Map<string, string> | null, version?: number): Record<string, unknown> {
  const body: Record<string, unknown> = {}
  for (const c of formColumns(columns)) {
    const text = inputs.get(c.name) ?? ''
    if (start === null) {
      if (text.trim() !== '') body[c.name] = parseInput(c, text)
    } else if (text.trim() !== (start.get(c.name) ?? '').trim()) {
      body[c.name] = parseInput(c, text)
    }
  }
  if (start !== null && version !== undefined) body.version = version
  return body
}
