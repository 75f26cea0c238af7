// Input validation with zod: a failure is a 400 listing every offending field.
import type { z } from 'zod'
import { AppError } from './errors.ts'

export function validate<S extends z.ZodType>(schema: S, input: unknown, what = 'request body'): z.output<S> {
  const parsed = schema.safeParse(input)
  if (parsed.success) return parsed.data
  const problems = parsed.error.issues.map((i) => ({ field: i.path.join('.') || '(root)', message: i.message }))
  const summary = problems.slice(0, 3).map((p) => `${p.field}: ${p.message}`).join('; ')
  throw new AppError(400, 'validation_failed', `invalid ${what}: ${summary}`, { errors: problems })
}
