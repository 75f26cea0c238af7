// Input validation with zod: a failure is a 400 listing every offending field, coded
// 'http.validation_failed' with the reduced issues as params so catalogues word each field.
import type { z } from 'zod'
import { AppError } from './errors.ts'
import type { FieldIssue } from './messages/httpZh.ts'

export function validate<S extends z.ZodType>(schema: S, input: unknown, what = 'request body'): z.output<S> {
  const parsed = schema.safeParse(input)
  if (parsed.success) return parsed.data
  const problems = parsed.error.issues.map((i) => ({ field: i.path.join('.') || '(root)', message: i.message }))
  const summary = problems.slice(0, 3).map((p) => `${p.field}: ${p.message}`).join('; ')
  const issues = parsed.error.issues.slice(0, 3).map((i) => fieldIssue(i, input))
  throw new AppError(400, 'validation_failed', `invalid ${what}: ${summary}`, { errors: problems }).coded('http.validation_failed', { what, issues })
}

/** The parts of a zod issue a wording needs (numbers as numbers: params are sent as JSON). */
function fieldIssue(i: z.core.$ZodIssue, input: unknown): FieldIssue {
  const out: FieldIssue = { field: i.path.join('.') || '(root)', kind: i.code }
  const x = i as { expected?: unknown; origin?: unknown; maximum?: unknown; minimum?: unknown; divisor?: unknown; inclusive?: unknown; values?: unknown; keys?: unknown }
  if (i.code === 'invalid_type') out.expected = String(x.expected)
  // zod says "invalid option" for an enum left out: the operator reads "must be filled in"
  if (['invalid_type', 'invalid_value', 'invalid_union'].includes(i.code) && valueAt(input, i.path) === undefined) out.missing = true
  if (typeof x.origin === 'string') out.origin = x.origin
  const limit = x.maximum ?? x.minimum ?? x.divisor
  if (typeof limit === 'number' || typeof limit === 'bigint') out.limit = Number(limit)
  if (typeof x.inclusive === 'boolean') out.inclusive = x.inclusive
  if (Array.isArray(x.values)) out.values = x.values.slice(0, 9).map(String)
  if (Array.isArray(x.keys)) out.keys = x.keys.slice(0, 12).map(String)
  return out
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let v = input
  for (const k of path) {
    if (v === null || typeof v !== 'object') return undefined
    v = (v as Record<PropertyKey, unknown>)[k]
  }
  return v
}
