// Lists, writes, imports and exports of a RegisterTable (register.ts): the operations behind the
// REST shape every register shares and behind the generic import/export of server/registers/.
import type { Knex } from 'knex'
import type { Principal } from '../auth/users.ts'
import { decodeIdCursor, encodeIdCursor } from '../registers/idCursor.ts'
import { likeEscape } from '../registers/storeKit.ts'
import { servedGrids } from '../registers/access.ts'
import { RegisterRowError, type GridRegisterRows, type ImportContext, type RegisterFilter } from '../registers/registry.ts'
import {
  assignGrids, dbValues, duplicateOf, fieldProblem, placeRows, readRow, rowView, selectRow, versionConflict,
  type RegisterTable, type Row,
} from './register.ts'

export { decodeIdCursor, encodeIdCursor }

export interface ListQuery extends RegisterFilter { kind?: string | undefined; limit: number; cursor?: string | undefined }

/** The filtered rows inside the jurisdiction, by id (keyset). */
function filtered(knex: Knex, t: RegisterTable, p: Principal, f: RegisterFilter & { kind?: string | undefined }): Knex.QueryBuilder {
  const qb = p.jurisdiction.apply(knex(`${t.table} as t`).select(selectRow(knex, t)), 't.community_code')
  if (f.community) qb.where('t.community_code', 'like', `${likeEscape(f.community.replace(/(000)+$/, ''))}%`)
  if (f.grid) qb.where('t.grid_code', f.grid)
  if (f.kind) qb.where('t.kind', f.kind)
  if (f.q) {
    const q = f.q
    qb.where((w) => {
      w.where('t.name', 'ilike', `%${likeEscape(q)}%`)
      if (t.fields.some((x) => x.column === 'credit_code')) w.orWhere('t.credit_code', q.toUpperCase())
    })
  }
  return qb
}

export async function listRows(knex: Knex, t: RegisterTable, p: Principal, q: ListQuery, grids: ReadonlySet<string>): Promise<{ items: Record<string, unknown>[]; next: string | null }> {
  const after = decodeIdCursor(q.cursor)
  const qb = filtered(knex, t, p, q).orderBy('t.id').limit(q.limit + 1)
  if (after !== null) qb.where('t.id', '>', after)
  const rows = await qb as Row[]
  const kept = rows.slice(0, q.limit)
  return { items: kept.map((r) => rowView(t, p, r, grids)), next: rows.length > q.limit ? encodeIdCursor(Number(kept.at(-1)!.id)) : null }
}

const restFail = (_i: number, field: string, status: number, code: string, message: string, params: Record<string, unknown> = {}): never => {
  const err = fieldProblem(status, field, message)
  throw code === 'places.outside_jurisdiction' ? err.coded('places.outside_jurisdiction', { field, ...params }) : err.coded('places.community_unknown', { field, ...params })
}

/** POST: one new row (409 on its natural key), placed and in a grid. */
export async function createRow(knex: Knex, t: RegisterTable, p: Principal, input: Record<string, unknown>): Promise<number> {
  return knex.transaction(async (trx) => {
    const [placed] = await placeRows(trx, p, [input], restFail)
    const cityCode = await cityOf(trx, placed!.community)
    let id: number
    try {
      const [row] = await trx(t.table).insert({ ...dbValues(trx, t, input, placed), city_code: cityCode }).returning('id') as { id: string }[]
      id = Number(row!.id)
    } catch (err) {
      throw duplicateOf(t, err) ?? err
    }
    await assignGrids(trx, t, [id])
    return id
  })
}

async function cityOf(db: Knex | Knex.Transaction, community: string): Promise<string> {
  const row = await db('admin_division').where({ code: community }).first('city_code') as { city_code: string }
  return row.city_code
}

/** PATCH: the fields given, when `version` is the row's (409 otherwise); `verified` stamps 核实 now. */
export async function patchRow(knex: Knex, t: RegisterTable, p: Principal, id: number, input: Record<string, unknown> & { version: number; verified?: boolean | undefined }): Promise<void> {
  await knex.transaction(async (trx) => {
    const row = await readRow(trx, t, p, id)
    if (row.version !== input.version) throw versionConflict(t.what, id, row.version)
    const moves = 'communityCode' in input || 'lon' in input || 'lat' in input
    // a new point without a community: the community is the point's again
    const merged = {
      communityCode: 'communityCode' in input ? input.communityCode : 'lon' in input ? undefined : row.community_code,
      lon: 'lon' in input ? input.lon : row.lon ?? null, lat: 'lat' in input ? input.lat : row.lat ?? null,
    }
    const placed = moves ? (await placeRows(trx, p, [merged], restFail))[0] : undefined
    const values: Record<string, unknown> = { ...dbValues(trx, t, input, placed), version: row.version + 1, updated_at: trx.fn.now() }
    if (input.verified === true) values.verified_at = trx.fn.now()
    let n: number
    try {
      n = await trx(t.table).where({ id, version: row.version }).update(values)
    } catch (err) {
      throw duplicateOf(t, err) ?? err
    }
    if (n !== 1) throw versionConflict(t.what, id, row.version + 1)
    if (moves) await assignGrids(trx, t, [id])
  })
}

/**
 * Import: validated rows upserted on the natural key, a statement per batch. A row whose key
 * names a row outside the caller's jurisdiction, or repeats a key of an earlier row, is refused
 * with its spreadsheet row number.
 */
export async function importRows(trx: Knex.Transaction, t: RegisterTable, rows: Record<string, unknown>[], ctx: ImportContext): Promise<{ inserted: number; updated: number }> {
  const rowNo = (i: number) => ctx.rowNumbers[i] ?? i + 2
  const fail = (i: number, field: string, _status: number, code: string, message: string): never => {
    throw new RegisterRowError(rowNo(i), field, code, message)
  }
  const placed = await placeRows(trx, ctx.principal, rows, fail)
  // an imported row is the whole row: a field left empty is emptied (or its default)
  const whole = rows.map((r) => ({ ...Object.fromEntries(t.fields.map((f) => [f.name, r[f.name] ?? f.fallback ?? null])), verifiedAt: r.verifiedAt ?? null }))
  const values = whole.map((r, i): Record<string, unknown> => ({ ...dbValues(trx, t, r, placed[i]), city_code: ctx.cityCode }))
  const keyOf = (v: Record<string, unknown>) => JSON.stringify(t.naturalKey.map((c) => v[c]))
  const keyField = t.naturalKey.includes('credit_code') ? 'creditCode' : 'name'
  const seen = new Map<string, number>()
  values.forEach((v, i) => {
    const k = keyOf(v)
    if (seen.has(k)) fail(i, keyField, 400, 'places.duplicate_in_file', `repeats row ${rowNo(seen.get(k)!)}`)
    seen.set(k, i)
  })
  let existing = 0
  for (let start = 0; start < values.length; start += 1000) {
    const batch = values.slice(start, start + 1000)
    const found = await trx(t.table).whereIn(t.naturalKey as string[], batch.map((v) => t.naturalKey.map((c) => v[c] as string))).select('community_code', ...t.naturalKey) as Record<string, string>[]
    for (const f of found) {
      const i = seen.get(keyOf(f))!
      if (!ctx.principal.jurisdiction.covers(f.community_code!)) fail(i, keyField, 403, 'places.outside_jurisdiction', `names a ${t.what} outside your jurisdiction`)
    }
    existing += found.length
    const merge: Record<string, Knex.Raw> = { version: trx.raw('??.version + 1', [t.table]), updated_at: trx.raw('now()') }
    for (const c of Object.keys(batch[0]!)) if (!t.naturalKey.includes(c)) merge[c] = trx.raw('excluded.??', [c])
    // an import without the date of 核实 keeps the one known
    merge.verified_at = trx.raw('coalesce(excluded.verified_at, ??.verified_at)', [t.table])
    const ids = await trx(t.table).insert(batch).onConflict(t.naturalKey as string[]).merge(merge).returning('id') as { id: string }[]
    await assignGrids(trx, t, ids.map((r) => Number(r.id)))
  }
  return { inserted: values.length - existing, updated: existing }
}

/** Export: rows by id in batches of 1,000, columns by name, personal fields as the rule decides. */
export async function* exportRows(knex: Knex, t: RegisterTable, p: Principal, filter: RegisterFilter): AsyncIterable<Record<string, unknown>[]> {
  const grids = await servedGrids(knex, p)
  let after = 0
  for (;;) {
    const rows = await filtered(knex, t, p, filter).where('t.id', '>', after).orderBy('t.id').limit(1000) as Row[]
    if (!rows.length) return
    after = Number(rows.at(-1)!.id)
    yield rows.map((r) => exportShape(t, rowView(t, p, r, grids)))
  }
}

/** The register's columns (names) of a row view, for spreadsheets. */
function exportShape(t: RegisterTable, v: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(t.columns.map((c) => [c.name, v[c.name] ?? null]))
}

/** The grid view (一员多格): rows in these base grids, stale first. */
export async function inGrids(knex: Knex, t: RegisterTable, p: Principal, gridCodes: readonly string[], opts: { staleBefore: Date; limit: number }): Promise<GridRegisterRows> {
  const base = p.jurisdiction.apply(knex(`${t.table} as t`).whereIn('t.grid_code', [...gridCodes]), 't.community_code')
  const [counts] = await base.clone().select(
    knex.raw('count(*)::int AS total'),
    knex.raw('count(*) FILTER (WHERE t.verified_at IS NULL OR t.verified_at < ?)::int AS stale', [opts.staleBefore]),
  ) as { total: number; stale: number }[]
  const rows = await base.clone().select(selectRow(knex, t))
    .orderByRaw('(t.verified_at IS NULL OR t.verified_at < ?) DESC, t.id', [opts.staleBefore]).limit(opts.limit) as Row[]
  const grids = await servedGrids(knex, p)
  const items = rows.map((r) => ({ ...rowView(t, p, r, grids), stale: r.verified_at === null || new Date(r.verified_at as string) < opts.staleBefore }))
  return { total: counts!.total, stale: counts!.stale, items }
}
