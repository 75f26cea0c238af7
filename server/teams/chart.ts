// Organisation charts (综治组织架构, 党组织体系): the parent of a team or party organisation, checked
// on write, and the chart nested for reading. A parent must exist and belong to an area that
// contains the row's area (a street's centre above a community's station, never across); a row can
// never become its own ancestor (422 naming parentId).
import type { Knex } from 'knex'
import { sqlFile } from '../db/sql.ts'
import { adminPrefix } from '../db/jurisdiction.ts'
import { fieldError } from './location.ts'

export type ChartTable = 'team' | 'party_org'

interface Up { id: number; parent_id: number | null; community_code: string; depth: number }

/** Checks a parent for a row (id null: a new row) placed in `communityCode`. */
export async function checkParent(db: Knex | Knex.Transaction, table: ChartTable, id: number | null, parentId: number, communityCode: string): Promise<void> {
  const { rows } = await db.raw(sqlFile('teams/ancestors'), { table, id: parentId }) as { rows: Up[] }
  const parent = rows[0]
  if (!parent) throw fieldError(400, 'validation_failed', 'parentId', `no ${table === 'team' ? 'team' : 'party organisation'} ${parentId}`, 'teams.unknown_parent', { id: parentId })
  if (id !== null && rows.some((r) => Number(r.id) === id)) {
    throw fieldError(422, 'org_chart_cycle', 'parentId', `${parentId} lies below ${id} in the chart: a row cannot be its own ancestor`, 'teams.chart_cycle', { id, parentId })
  }
  if (!communityCode.startsWith(adminPrefix(parent.community_code))) {
    throw fieldError(400, 'validation_failed', 'parentId', `the parent belongs to ${parent.community_code}, which does not contain ${communityCode}`,
      'teams.parent_outside_area', { id: parentId, code: parent.community_code, at: communityCode })
  }
}

/** A database refusal of the cycle trigger (a race with another edit): the same 422. */
export function cycleRefused(err: unknown, id: number | null, parentId: unknown): never {
  if ((err as { code?: string; message?: string }).code === '23514' && /org chart cycle/.test(String((err as Error).message))) {
    throw fieldError(422, 'org_chart_cycle', 'parentId', 'a row cannot be its own ancestor', 'teams.chart_cycle', { id, parentId })
  }
  throw err
}

export interface ChartNode { id: number; parentId: number | null; children: ChartNode[]; [k: string]: unknown }

/** Nests rows by parent; a row whose parent is not among them (outside the view) is a root. */
export function nest<T extends { id: number; parentId: number | null }>(rows: T[]): (T & { children: ChartNode[] })[] {
  const byId = new Map<number, T & { children: ChartNode[] }>()
  for (const r of rows) byId.set(r.id, { ...r, children: [] })
  const roots: (T & { children: ChartNode[] })[] = []
  for (const n of byId.values()) {
    const parent = n.parentId === null ? undefined : byId.get(n.parentId)
    if (parent) parent.children.push(n as unknown as ChartNode)
    else roots.push(n)
  }
  return roots
}
