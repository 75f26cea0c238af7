// The keyset cursor of the people registers' lists (newest first by id): base64url JSON of the
// last id. A cursor not made by a previous page is a 400 naming `cursor` (coded as http/cursor.ts).
import { z } from 'zod'
import { decodeIdCursor as decodeId, encodeIdCursor } from '../registers/idCursor.ts'

export { encodeIdCursor }

export const decodeIdCursor = (s: string | undefined): number | undefined => decodeId(s) ?? undefined

export const listQuery = z.object({
  community: z.string().regex(/^[0-9]{4,12}$/, 'an admin code prefix of 4 to 12 digits').optional(),
  grid: z.string().regex(/^[0-9]{15}$/, 'a 15-digit base grid code').optional(),
  q: z.string().trim().min(1).max(100).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(200).optional(),
})
