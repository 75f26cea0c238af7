// The keyset cursor of the people registers' lists (newest first by id): base64url JSON of the
// last id. A cursor not made by a previous page is a 400 naming `cursor` (coded as http/cursor.ts).
import { z } from 'zod'
import { AppError } from '../http/errors.ts'

const cursorSchema = z.object({ i: z.number().int().positive() }).strict()

export const encodeIdCursor = (id: number | string): string => Buffer.from(JSON.stringify({ i: Number(id) })).toString('base64url')

export function decodeIdCursor(s: string | undefined): number | undefined {
  if (s === undefined) return undefined
  try {
    return cursorSchema.parse(JSON.parse(Buffer.from(s, 'base64url').toString('utf8'))).i
  } catch {
    throw new AppError(400, 'validation_failed', 'invalid query: cursor: not a cursor from a previous page of this list',
      { errors: [{ field: 'cursor', message: 'malformed' }] }).coded('http.bad_cursor')
  }
}

export const listQuery = z.object({
  community: z.string().regex(/^[0-9]{4,12}$/, 'an admin code prefix of 4 to 12 digits').optional(),
  grid: z.string().regex(/^[0-9]{15}$/, 'a 15-digit base grid code').optional(),
  q: z.string().trim().min(1).max(100).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(200).optional(),
})
