// GET /api/v1/admin-divisions/tree: the admin division tree (city → district → street →
// community) inside the caller's jurisdiction, with grid counts per community. Divisions whose
// parent the caller cannot see become roots (a street user gets one street). Mounted before the
// admin-divisions router so "tree" is never taken for a division code.
import Router from '@koa/router'
import { z } from 'zod'
import type { Knex } from 'knex'
import type { AppContext } from '../context.ts'
import { principalOf, requireRole } from '../http/auth.ts'
import { validate } from '../http/validate.ts'
import { adminPrefix, type Jurisdiction } from '../db/jurisdiction.ts'
import { sqlFile } from '../db/sql.ts'

const treeQuery = z.object({
  root: z.string().regex(/^[0-9]{12}$/, 'must be a 12-digit admin code').optional(),
  depth: z.coerce.number().int().min(1).max(4).optional(),
}).strict()

interface TreeRow { code: string; level: string; name: string; parent_code: string | null; base_grids: number; industry_grids: number }

export interface TreeNode {
  code: string; level: string; name: string
  baseGrids: number; industryGrids: number
  children: TreeNode[]
}

export async function divisionTree(knex: Knex, scope: Jurisdiction, root?: string, depth?: number): Promise<TreeNode[]> {
  if (scope.isEmpty) return []
  const result = await knex.raw(sqlFile('grids/admin_tree'), { patterns: scope.patterns, root: `${root ? adminPrefix(root) : ''}%` })
  const nodes = new Map<string, TreeNode & { parent: string | null }>()
  for (const r of result.rows as TreeRow[]) {
    nodes.set(r.code, {
      code: r.code, level: r.level, name: r.name, parent: r.parent_code ?? structuralParent(r.code, r.level),
      baseGrids: Number(r.base_grids), industryGrids: Number(r.industry_grids), children: [],
    })
  }
  const roots: TreeNode[] = []
  for (const n of nodes.values()) {
    const parent = n.parent && n.code !== root ? nodes.get(n.parent) : undefined
    if (parent) parent.children.push(n)
    else roots.push(n)
  }
  // Sums bottom-up so every node carries its subtree's grid counts; trims below `depth`.
  const finish = (n: TreeNode & { parent?: string | null }, level: number): TreeNode => {
    const children = n.children.map((c) => finish(c, level + 1))
    const sum = (k: 'baseGrids' | 'industryGrids') => n[k] + children.reduce((s, c) => s + c[k], 0)
    return { code: n.code, level: n.level, name: n.name, baseGrids: sum('baseGrids'), industryGrids: sum('industryGrids'),
      children: depth !== undefined && level >= depth ? [] : children }
  }
  return roots.map((r) => finish(r, 1))
}

/** The parent a statistical code implies, for rows stored without parent_code. */
function structuralParent(code: string, level: string): string | null {
  if (level === 'district') return `${code.slice(0, 4)}00000000`
  if (level === 'street') return `${code.slice(0, 6)}000000`
  if (level === 'community') return `${code.slice(0, 9)}000`
  return null
}

export function adminTreeRoutes(app: AppContext): Router {
  const router = new Router({ prefix: '/api/v1/admin-divisions' })
  router.get('/tree', requireRole(), async (ctx) => {
    const q = validate(treeQuery, ctx.query, 'query')
    ctx.body = { items: await divisionTree(app.knex, principalOf(ctx).jurisdiction, q.root, q.depth) }
  })
  return router
}
