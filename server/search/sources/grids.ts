// Grids (base and industry) by code (exact or prefix: a community's 12 digits list its grids)
// or by name, inside the caller's jurisdiction.
import { sqlFile } from '../../db/sql.ts'
import type { SearchContext, SearchHit, SearchSource, MatchKind } from '../types.ts'

interface GridRow {
  code: string; name: string; kind: 'base' | 'industry'; industry_type: string | null; type_name: string | null; community_name: string
  xmin: number; ymin: number; xmax: number; ymax: number; rank?: number
}

const RANKS: MatchKind[] = ['exact', 'prefix', 'fuzzy']

function hit(r: GridRow, match: MatchKind, score: number): SearchHit {
  const kindName = r.kind === 'base' ? '基础网格' : `${r.type_name ?? '行业'}网格`
  return {
    kind: 'grid', id: r.code, title: r.name, subtitle: `${kindName} · ${r.code} · ${r.community_name}`,
    match, score, point: null, bbox: [r.xmin, r.ymin, r.xmax, r.ymax],
    // the map's tile layer that draws it (tiles/catalogue.ts: base_grids, <type>_grids)
    extra: { gridKind: r.kind, layer: r.kind === 'base' ? 'base_grids' : `${r.industry_type}_grids` },
  }
}

async function byCode(ctx: SearchContext, digits: string): Promise<SearchHit[]> {
  const { rows } = await ctx.knex.raw(sqlFile('search/grids_by_code'), {
    pattern: `${digits}%`, code: digits, patterns: ctx.jurisdiction.patterns, limit: ctx.limit,
  }) as { rows: GridRow[] }
  return rows.map((r) => hit(r, r.code === digits ? 'exact' : 'prefix', digits.length / r.code.length))
}

async function byName(ctx: SearchContext, text: string): Promise<SearchHit[]> {
  const { rows } = await ctx.knex.raw(sqlFile('search/grids_by_name'), {
    words: text, city: ctx.cityCode, patterns: ctx.jurisdiction.patterns, limit: ctx.limit,
  }) as { rows: GridRow[] }
  return rows.map((r) => hit(r, RANKS[r.rank ?? 2]!, [...text].length / [...r.name].length))
}

export const gridSource: SearchSource = {
  name: 'grids',
  group: 'grid',
  // a code prefix shorter than a district's 6 digits would list a whole city
  applies: (q) => (q.digits !== null ? q.digits.length >= 6 && q.digits.length <= 20 : q.coordinate === null && !q.hasE),
  search: (ctx) => (ctx.query.digits !== null ? byCode(ctx, ctx.query.digits) : byName(ctx, ctx.query.text)),
}
