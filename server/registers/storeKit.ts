// What the registers' stores share: LIKE escaping, the newest-first keyset page, a row refused
// within a batch (its index, the field and the coded refusal a REST caller gets).
import type { Knex } from 'knex'
import { decodeTimeCursor, encodeTimeCursor } from '../http/cursor.ts'
import { AppError } from '../http/errors.ts'
import { RegisterRowError, type ImportContext } from './registry.ts'

/** A text for LIKE … ESCAPE '\' matching itself (%, _ and \ taken literally). */
export const likeEscape = (s: string): string => s.replace(/[\\%_]/g, (c) => `\\${c}`)

/**
 * One page of `qb` newest first by (created_at, id) of the table aliased `alias`, after the
 * cursor of the previous page; rows carry cursor_t (created_at as text to the microsecond).
 */
export async function newestFirst<R extends { id: number | string; cursor_t: string }>(qb: Knex.QueryBuilder, alias: string, q: { limit: number; cursor?: string | undefined }): Promise<{ rows: R[]; next: string | null }> {
  qb.orderBy([{ column: `${alias}.created_at`, order: 'desc' }, { column: `${alias}.id`, order: 'desc' }]).limit(q.limit)
  if (q.cursor) {
    const c = decodeTimeCursor(q.cursor)
    qb.whereRaw('(??, ??) < (CAST(? AS timestamptz), ?)', [`${alias}.created_at`, `${alias}.id`, c.t, c.i])
  }
  const rows = await qb as R[]
  const last = rows.length === q.limit ? rows[rows.length - 1] : undefined
  return { rows, next: last ? encodeTimeCursor(last.cursor_t, last.id) : null }
}

/** A row refused: its index in the batch, the field, and the coded refusal a REST caller gets. */
export class RowProblem extends Error {
  override name = 'RowProblem'
  constructor(readonly index: number, readonly field: string, readonly error: AppError) {
    super((error.extra.errors as { message: string }[])[0]!.message)
  }
}

/** The refusal of one field of a `what` (400, 403 or 409), to be coded by the caller. */
export const fieldRefusal = (what: string) => (status: 400 | 403 | 409, field: string, message: string): AppError =>
  new AppError(status, status === 400 ? 'validation_failed' : status === 403 ? 'forbidden' : 'conflict', `invalid ${what}: ${field}: ${message}`,
    { errors: [{ field, message }] })

/**
 * An import in batches of `size`: `write` writes one batch (rowOf gives a row's number in the file)
 * and answers whether each row was new; a RowProblem becomes the import's row error.
 */
export async function importBatches<T>(rows: Record<string, unknown>[], ctx: ImportContext, size: number,
  write: (batch: T[], rowOf: (i: number) => number) => Promise<{ inserted: boolean }[]>): Promise<{ inserted: number; updated: number }> {
  let inserted = 0
  let updated = 0
  for (let start = 0; start < rows.length; start += size) {
    const rowOf = (i: number) => ctx.rowNumbers[start + i] ?? start + i + 2
    try {
      for (const w of await write(rows.slice(start, start + size) as T[], rowOf)) if (w.inserted) inserted++; else updated++
    } catch (err) {
      if (err instanceof RowProblem) throw new RegisterRowError(rowOf(err.index), err.field, err.error.code!, err.message)
      throw err
    }
  }
  return { inserted, updated }
}

/** The REST error of a row problem (the body is one row: its field alone). */
export function restError(err: unknown): unknown {
  return err instanceof RowProblem ? err.error : err
}
