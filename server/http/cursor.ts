// The opaque keyset cursor of newest-first lists (events, fence alerts, warnings): the last row's
// sort time (microsecond ISO text, as PostgreSQL gives it) and id, base64url JSON. A cursor not
// made by a previous page is a 400 naming `cursor`.
import { z } from 'zod'
import { AppError } from './errors.ts'

export interface TimeCursor { t: string; i: number }

const cursorSchema = z.object({ t: z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/), i: z.number().int().positive() }).strict()

export function encodeTimeCursor(t: string, id: number | string): string {
  return Buffer.from(JSON.stringify({ t, i: Number(id) })).toString('base64url')
}

export function decodeTimeCursor(s: string): TimeCursor {
  try {
    return cursorSchema.parse(JSON.parse(Buffer.from(s, 'base64url').toString('utf8')))
  } catch {
    throw new AppError(400, 'validation_failed', 'invalid query: cursor: not a cursor from a previous page of this list',
      { errors: [{ field: 'cursor', message: 'malformed' }] }).coded('http.bad_cursor')
  }
}
