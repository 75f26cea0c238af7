// The register views of grids: everything registered in one base grid (all residents, houses,
// places … through each register's inGrids), and the inspector's 一员多格 view (every grid the
// member serves, each with what is stale: rows not verified (核实) within the staleness period).
// A register the caller's role may not read is left out, never shown empty.
import type { Knex } from 'knex'
import type { Principal } from '../auth/users.ts'
import { sqlFile } from '../db/sql.ts'
import { AppError, notFound } from '../http/errors.ts'
import { servedGrids } from './access.ts'
import { allRegisters, type RegisterDef } from './registry.ts'

/** The 核实 cycle: a row not verified for this long is stale (override per request: staleDays). */
export const DEFAULT_STALE_DAYS = 90

export interface ViewOptions { staleDays: number; limit: number }

export interface RegisterSection { name: string; title: string; layer?: string; total: number; stale: number; items: Record<string, unknown>[] }
export interface GridView { grid: { code: string; name: string; communityCode: string }; registers: RegisterSection[]; total: number; stale: number }

interface GridRow { code: string; name: string; community_code: string }

const readable = (p: Principal): RegisterDef[] => allRegisters().filter((d) => d.inGrids && d.readRoles.includes(p.role))

async function sections(knex: Knex, p: Principal, defs: RegisterDef[], codes: string[], opts: ViewOptions): Promise<RegisterSection[]> {
  const staleBefore = new Date(Date.now() - opts.staleDays * 86_400_000)
  // concurrently: each register's queries are independent, and the pool has connections to spare
  return Promise.all(defs.map(async (d) => {
    const rows = await d.inGrids!(knex, p, codes, { staleBefore, limit: opts.limit })
    return { name: d.name, title: d.title, ...(d.layer ? { layer: d.layer } : {}), total: rows.total, stale: rows.stale, items: rows.items }
  }))
}

const summed = (s: RegisterSection[]) => ({ total: s.reduce((a, x) => a + x.total, 0), stale: s.reduce((a, x) => a + x.stale, 0) })

/** GET /registers/grids/{code}: a current base grid in the caller's jurisdiction, else 404. */
export async function gridView(knex: Knex, p: Principal, code: string, opts: ViewOptions): Promise<GridView & { staleDays: number }> {
  const { rows } = await knex.raw(sqlFile('registers/grid_of_view'), { code, patterns: p.jurisdiction.patterns }) as { rows: GridRow[] }
  const g = rows[0]
  if (!g) throw notFound(`no current base grid ${code} in your jurisdiction`).coded('registers.grid_not_found', { code })
  const s = await sections(knex, p, readable(p), [g.code], opts)
  return { grid: { code: g.code, name: g.name, communityCode: g.community_code }, staleDays: opts.staleDays, registers: s, ...summed(s) }
}

/** GET /registers/mine: the grids a grid inspector serves now, each with its registers. */
export async function mineView(knex: Knex, p: Principal, opts: ViewOptions): Promise<{ staleDays: number; grids: GridView[]; total: number; stale: number }> {
  if (p.role !== 'grid_inspector') {
    throw new AppError(403, 'forbidden', 'the 一员多格 view is the grid inspector\'s: other roles open a grid\'s view').coded('registers.not_inspector')
  }
  const codes = [...await servedGrids(knex, p)]
  const { rows } = await knex.raw(sqlFile('registers/grids_named'), { codes }) as { rows: GridRow[] }
  const defs = readable(p)
  const grids: GridView[] = []
  for (const g of rows.filter((r) => p.jurisdiction.covers(r.community_code))) {
    const s = await sections(knex, p, defs, [g.code], opts)
    grids.push({ grid: { code: g.code, name: g.name, communityCode: g.community_code }, registers: s, ...summed(s) })
  }
  return { staleDays: opts.staleDays, grids, total: grids.reduce((a, g) => a + g.total, 0), stale: grids.reduce((a, g) => a + g.stale, 0) }
}
