// The request schemas every register shares (kept apart from routeKit.ts so that schema modules
// and the OpenAPI document can use them without the route machinery).
import { z } from 'zod'

/** A positive integer id of a path. */
export const idParam = z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER)

/** The body of every unmask: why the caller needs the fields in full. */
export const unmaskReason = z.object({
  reason: z.string().trim().min(4, 'must say why, in at least 4 characters').max(500),
}).strict()

/** A positive integer id of a path given as digits only (no sign, exponent or spaces). */
export const digitsId = z.string().regex(/^[1-9][0-9]{0,14}$/, 'must be a positive integer').transform(Number)
