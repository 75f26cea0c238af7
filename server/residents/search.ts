// The residents' search source (group 'person'): an exact ID number finds its holder by blind
// index, inside the caller's jurisdiction, for the people registers' roles only. The name is
// shown as the one masking rule decides for the caller; grid members' served grids count.
import { sqlFile } from '../db/sql.ts'
import { dataKeyring } from '../privacy/keyring.ts'
import { idNumberLookup } from '../privacy/idNumber.ts'
import { shown } from '../privacy/rule.ts'
import { PEOPLE_ROLES, registerAccess, servedGrids } from '../registers/access.ts'
import type { SearchContext, SearchHit, SearchSource } from '../search/types.ts'
import { ID_CONTEXT } from './store.ts'
import { RESIDENT_KINDS } from './schema.ts'

interface Row { id: string; name: string; community_code: string; grid_code: string | null; kind: string; id_number_masked: string; community_name: string; lon: number | null; lat: number | null }

const ID_SHAPE = /^\d{17}[\dXx]$/

export const residentSource: SearchSource = {
  name: 'residents',
  group: 'person',
  applies: (q) => ID_SHAPE.test(q.text.replace(/\s/g, '')),
  async search(ctx: SearchContext): Promise<SearchHit[]> {
    const p = ctx.principal
    if (!PEOPLE_ROLES.includes(p.role)) return []
    const indexes = idNumberLookup(dataKeyring(), ctx.query.text, ID_CONTEXT)
    if (!indexes.length) return []
    const { rows } = await ctx.knex.raw(sqlFile('people/search_residents'), {
      indexes, city: ctx.cityCode, patterns: ctx.jurisdiction.patterns, limit: ctx.limit,
    }) as { rows: Row[] }
    const grids = rows.length ? await servedGrids(ctx.knex, p) : new Set<string>()
    return rows.map((r) => {
      const access = registerAccess(p, { communityCode: r.community_code, gridCode: r.grid_code }, grids)
      const { name } = shown(access, { name: 'name' }, { name: r.name },
        { type: 'residents', id: String(r.id), recordId: Number(r.id), communityCode: r.community_code, prefix: '' })
      return {
        kind: 'resident', id: String(r.id), title: name ?? '', match: 'exact' as const, score: 1,
        subtitle: [RESIDENT_KINDS[r.kind as keyof typeof RESIDENT_KINDS] ?? r.kind, r.community_name, r.id_number_masked].join(' · '),
        point: r.lon !== null && r.lat !== null ? [r.lon, r.lat] as [number, number] : null, bbox: null,
        extra: { gridCode: r.grid_code },
      }
    })
  },
}
