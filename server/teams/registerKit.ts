// What the generic register services (server/registers/: import, export, the grid view) need of a
// teams or party table, built from its TableSpec: set-based upserts on the natural key, exports
// in pages masked by the one rule, and the rows of some grids with what is stale.
import type { Knex } from 'knex'
import type { Principal } from '../auth/users.ts'
import { sqlFile } from '../db/sql.ts'
import { adminPrefix } from '../db/jurisdiction.ts'
import { RegisterRowError, type GridRegisterRows, type ImportContext, type RegisterFilter } from '../registers/registry.ts'
import { registerAccess, servedGrids } from '../registers/access.ts'
import { columnsOf, listRows, rowView, selectRows, type Row, type TableSpec } from './rows.ts'

const BATCH = 1000

type Check = (trx: Knex.Transaction, rows: Record<string, unknown>[], ctx: ImportContext) => Promise<void>

/** Refuses rows placed in unknown areas or grids, or outside the importer's jurisdiction. */
async function checkPlaces(trx: Knex.Transaction, rows: Record<string, unknown>[], ctx: ImportContext): Promise<void> {
  const codes = [...new Set(rows.map((r) => r.communityCode).filter((c): c is string => typeof c === 'string'))]
  const known = new Set(await trx('admin_division').whereIn('code', codes).pluck('code') as string[])
  const gridCodes = [...new Set(rows.map((r) => r.gridCode).filter((c): c is string => typeof c === 'string'))]
  const grids = new Map((await trx('grid').whereIn('code', gridCodes).where({ kind: 'base' }).whereNull('valid_to')
    .select('code', 'community_code') as { code: string; community_code: string }[]).map((g) => [g.code, g.community_code]))
  rows.forEach((r, i) => {
    const at = ctx.rowNumbers[i] ?? i + 2
    const code = r.communityCode as string | undefined
    if (!code) throw new RegisterRowError(at, 'communityCode', 'teams.no_area', 'give the admin area (communityCode)')
    if (!known.has(code)) throw new RegisterRowError(at, 'communityCode', 'teams.unknown_area', `no admin area ${code}`)
    if (!ctx.principal.jurisdiction.covers(code)) throw new RegisterRowError(at, 'communityCode', 'teams.outside_jurisdiction', `${code} is outside your jurisdiction`)
    const grid = r.gridCode as string | undefined
    if (grid && !(grids.get(grid) ?? '-').startsWith(adminPrefix(code))) {
      throw new RegisterRowError(at, 'gridCode', 'teams.grid_outside_area', `no current base grid ${grid} in ${code}`)
    }
  })
}

/** importRows for a table whose natural key is `key` (columns), e.g. (community_code, name). */
export function importer(spec: TableSpec, key: readonly string[], check?: Check) {
  return async (trx: Knex.Transaction, rows: Record<string, unknown>[], ctx: ImportContext) => {
    await checkPlaces(trx, rows, ctx)
    if (check) await check(trx, rows, ctx)
    const values = rows.map((r) => ({
      ...columnsOf(spec, r), city_code: `${String(r.communityCode).slice(0, 4)}00`, community_code: r.communityCode,
      ...(spec.point ? { geom: r.lon === undefined ? null : trx.raw('ST_SetSRID(ST_MakePoint(?, ?), 4490)', [Number(r.lon), Number(r.lat)]) } : { grid_code: r.gridCode ?? null }),
      ...(r.verified === true ? { verified_at: trx.fn.now() } : {}),
    }))
    const seen = new Map<string, number>()
    values.forEach((v, i) => {
      const k = key.map((c) => String((v as Record<string, unknown>)[c])).join('\u0000')
      if (seen.has(k)) throw new RegisterRowError(ctx.rowNumbers[i] ?? i + 2, 'name', 'teams.duplicate', `the same as row ${seen.get(k)}`)
      seen.set(k, ctx.rowNumbers[i] ?? i + 2)
    })
    let inserted = 0
    let updated = 0
    for (let i = 0; i < values.length; i += BATCH) {
      const batch = values.slice(i, i + BATCH)
      const pairs = batch.map((v) => key.map((c) => (v as Record<string, unknown>)[c])) as (string | number)[][]
      const [{ n }] = await trx(spec.table).whereIn(key as string[], pairs).count({ n: '*' }) as [{ n: number }]
      const merge = [...new Set(batch.flatMap((v) => Object.keys(v)))].filter((c) => !key.includes(c))
      const ids = await trx(spec.table).insert(batch).onConflict(key as string[]).merge([...merge, 'updated_at'])
        .returning('id') as { id: number }[]
      if (spec.point) await trx.raw(sqlFile('teams/regrid'), { table: spec.table, ids: ids.map((r) => Number(r.id)) })
      updated += Number(n)
      inserted += batch.length - Number(n)
    }
    return { inserted, updated }
  }
}

/** exportRows: pages of the caller's rows, personal fields as the rule shows them to this caller. */
export function exporter(spec: TableSpec) {
  return async function* (knex: Knex, p: Principal, filter: RegisterFilter): AsyncIterable<Record<string, unknown>[]> {
    const grids = await servedGrids(knex, p)
    let cursor: string | undefined
    do {
      const page = await listRows(knex, p, spec, { community: filter.community, grid: filter.grid, q: filter.q, limit: BATCH, cursor })
      yield page.rows.map((r) => rowView(spec, r, registerAccess(p, { communityCode: r.community_code, gridCode: r.grid_code }, grids)))
      cursor = page.next ?? undefined
    } while (cursor)
  }
}

/** inGrids: the rows placed in these grids, stale (never verified, or before staleBefore) first. */
export function inGrids(spec: TableSpec) {
  return async (knex: Knex, p: Principal, gridCodes: readonly string[], opts: { staleBefore: Date; limit: number }): Promise<GridRegisterRows> => {
    const scope = () => p.jurisdiction.apply(knex({ t: spec.table }), 't.community_code').whereIn('t.grid_code', gridCodes as string[])
    const staleWhere = (qb: Knex.QueryBuilder) => qb.whereNull('t.verified_at').orWhere('t.verified_at', '<', opts.staleBefore)
    const [{ total }] = await scope().count({ total: '*' }) as [{ total: number }]
    const [{ stale }] = await scope().where(staleWhere).count({ stale: '*' }) as [{ stale: number }]
    const rows = await p.jurisdiction.apply(selectRows(knex, spec), 't.community_code').whereIn('t.grid_code', gridCodes as string[])
      .orderByRaw('t.verified_at ASC NULLS FIRST, t.id').limit(opts.limit) as Row[]
    const grids = await servedGrids(knex, p)
    return {
      total: Number(total), stale: Number(stale),
      items: rows.map((r) => rowView(spec, r, registerAccess(p, { communityCode: r.community_code, gridCode: r.grid_code }, grids))),
    }
  }
}
