// The one check of user-defined field values, for every write path of grids and components
// (REST, imports, WFS-T): values are read from a feature's properties by the field's exact name,
// typed, checked against the definition (required, choices) and returned as the row's `extra`.
// Properties that name no field are left alone: they are built-in attributes or a file's other
// columns. A wrong value is a 400 naming the field; nothing is written.
import type { Knex } from 'knex'
import { badRequest, type AppError } from '../http/errors.ts'
import { listFields, type FieldDef, type FieldLayer } from './definitions.ts'

export type Extra = Record<string, string | number | boolean>

export interface CheckOptions {
  /** The row's current values: an update changes only the fields it names (null clears one). */
  existing?: Extra | undefined
  /**
   * Values read from files without JSON types (KML, MIF, a DBF text column): "12", "true" and
   * "2024/05/01" are accepted for integer, boolean and date fields.
   */
  fromFile?: boolean
  /**
   * A strict write (PATCH): a property that is neither one of these built-in names nor a field
   * is refused, as a misspelt name would otherwise be dropped without a word.
   */
  known?: readonly string[]
}

export interface FieldProblem { field: string; code: 'fields.required' | 'fields.wrong_type' | 'fields.not_a_choice' | 'fields.unknown_property'; message: string }

const DATE = /^(\d{4})[-/](\d{2})[-/](\d{2})$/

/** A calendar date (2024-02-30 is not one), as YYYY-MM-DD. */
function dateOf(v: string): string | undefined {
  const m = DATE.exec(v.trim())
  if (!m) return undefined
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])]
  const t = new Date(Date.UTC(y, mo - 1, d))
  if (t.getUTCFullYear() !== y || t.getUTCMonth() !== mo - 1 || t.getUTCDate() !== d) return undefined
  return `${m[1]}-${m[2]}-${m[3]}`
}

/** One value typed by its field, or undefined when it is not of the type. */
export function typedValue(f: FieldDef, v: unknown, fromFile = false): string | number | boolean | undefined {
  const text = typeof v === 'string' ? v.trim() : undefined
  switch (f.type) {
    case 'text':
      if (typeof v === 'string' && v.length <= 1000) return v
      return fromFile && typeof v === 'number' && Number.isFinite(v) ? String(v) : undefined
    case 'integer': {
      const n = typeof v === 'number' ? v : fromFile && text && /^[+-]?\d{1,15}$/.test(text) ? Number(text) : undefined
      return n !== undefined && Number.isSafeInteger(n) ? n : undefined
    }
    case 'number': {
      const n = typeof v === 'number' ? v : fromFile && text && /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text) ? Number(text) : undefined
      return n !== undefined && Number.isFinite(n) ? n : undefined
    }
    case 'boolean':
      if (typeof v === 'boolean') return v
      if (fromFile && text && /^(true|false|1|0|t|f|yes|no|是|否)$/i.test(text)) return /^(true|1|t|yes|是)$/i.test(text)
      if (fromFile && (v === 0 || v === 1)) return v === 1
      return undefined
    case 'date':
      return typeof v === 'string' ? dateOf(v) : undefined
    case 'choice':
      return typeof v === 'string' && f.choices?.includes(v) ? v : undefined
  }
}

const typeWords: Record<FieldDef['type'], string> = {
  text: 'text (at most 1000 characters)', integer: 'a whole number', number: 'a number', boolean: 'true or false',
  date: 'a date YYYY-MM-DD', choice: 'one of the choices',
}

/**
 * The `extra` object of a row from the feature's properties: every problem, not only the first
 * (an import lists them per feature).
 */
export function checkValues(defs: FieldDef[], props: Record<string, unknown> | null | undefined, opts: CheckOptions = {}): { extra: Extra; problems: FieldProblem[] } {
  const values = props ?? {}
  const problems: FieldProblem[] = []
  const extra: Extra = {}
  const creating = opts.existing === undefined
  for (const f of defs) {
    const given = Object.prototype.hasOwnProperty.call(values, f.name)
    const raw = given ? values[f.name] : undefined
    const empty = raw === null || raw === undefined || (opts.fromFile && raw === '')
    if (!given && !creating) {
      if (opts.existing![f.name] !== undefined) extra[f.name] = opts.existing![f.name]!
      continue
    }
    if (empty) {
      const fallback = creating && f.default !== null && f.default !== undefined ? typedValue(f, f.default) : undefined
      if (fallback !== undefined) extra[f.name] = fallback
      else if (f.required) problems.push({ field: f.name, code: 'fields.required', message: `${f.name} (${f.label}) is required` })
      continue
    }
    const value = typedValue(f, raw, opts.fromFile)
    if (value !== undefined) extra[f.name] = value
    else if (f.type === 'choice' && typeof raw === 'string') {
      problems.push({ field: f.name, code: 'fields.not_a_choice', message: `${f.name} (${f.label}) must be one of ${f.choices!.join(', ')}, got ${JSON.stringify(raw).slice(0, 60)}` })
    } else {
      problems.push({ field: f.name, code: 'fields.wrong_type', message: `${f.name} (${f.label}) must be ${typeWords[f.type]}, got ${JSON.stringify(raw ?? null).slice(0, 60)}` })
    }
  }
  if (opts.known) {
    for (const key of Object.keys(values)) {
      if (!opts.known.includes(key) && !defs.some((f) => f.name === key)) {
        problems.push({ field: key, code: 'fields.unknown_property', message: `${key} is neither a property nor a user-defined field of this layer` })
      }
    }
  }
  return { extra, problems }
}

/** The 400 of the first problem, naming the field (the others are listed in `problems`). */
export function fieldError(problems: FieldProblem[]): AppError {
  const first = problems[0]!
  const err = badRequest(problems.map((p) => p.message).join('; '), { problems })
  const params = { field: first.field }
  switch (first.code) {
    case 'fields.required': return err.coded('fields.required', params)
    case 'fields.wrong_type': return err.coded('fields.wrong_type', params)
    case 'fields.not_a_choice': return err.coded('fields.not_a_choice', params)
    case 'fields.unknown_property': return err.coded('fields.unknown_property', params)
  }
}

/**
 * Validates the user fields of one feature of a layer against the current definitions and
 * returns its `extra` object; a bad value is a 400 naming the field. The one entry point of
 * REST and WFS-T writes (imports use checkValues to list problems per feature).
 */
export async function validateUserFields(knex: Knex | Knex.Transaction, layer: FieldLayer | string, values: Record<string, unknown> | null | undefined,
  opts: CheckOptions = {}): Promise<Extra> {
  const defs = await listFields(knex, fieldLayerOf(layer))
  const { extra, problems } = checkValues(defs, values, opts)
  if (problems.length) throw fieldError(problems)
  return extra
}

/** The field layer of a field layer name, a catalogue layer id (base_grids, cg_grids, components) or a table. */
export function fieldLayerOf(layer: string): FieldLayer {
  if (layer === 'components' || layer === 'component') return 'components'
  if (layer === 'grids' || layer === 'grid' || layer.endsWith('_grids')) return 'grids'
  throw new Error(`layer ${layer} has no user fields`)
}
