// The keyset cursor of the registers' ascending-id lists: base64url JSON of the last id. A cursor
// not made by a previous page is a 400 naming `cursor` (coded as server/http/cursor.ts codes it).
import { z } from 'zod'
import { AppError } from '../http/errors.ts'

const cursorSchema = z.object({ i: z.number().int().positive() }).strict()

export const encodeIdCursor = (id: number | string): string => Buffer.from(JSON.stringify({ i: Number(id) })).toString('base64url')

/** The last id of the previous page (null: the first page). */
export function decodeIdCursor(s: string | undefined): number | null {
  if (s === undefined) return null
  try {
    return cursorSchema.parse(JSON.parse(Buffer.from(s, 'base64url').toString('utf8'))).i
  } catch {
    throw new AppError(400, 'validation_failed', 'invalid query: cursor: not a cursor from a previous page of this list',
      { errors: [{ field: 'cursor', message: 'malformed' }] }).coded('http.bad_cursor')
  }
}
