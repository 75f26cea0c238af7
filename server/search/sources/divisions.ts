// Admin divisions (district, street, community) by code or by name, inside the caller's
// jurisdiction. A city has a few hundred, so they are ranked here, where a name may also be
// misspelt (文府社区 for 文腑社区) and still be found (similarity of server/addresses).
import { sqlFile } from '../../db/sql.ts'
import { adminPrefix } from '../../db/jurisdiction.ts'
import { similarity } from '../../addresses/similarity.ts'
import type { SearchContext, SearchHit, SearchSource, MatchKind } from '../types.ts'

const LEVEL_TITLES: Record<string, string> = { city: '市', district: '区县', street: '街道', community: '社区' }
/** A misspelt name is still offered from this similarity on (one wrong character in four). */
const FUZZY_FLOOR = 0.75

interface DivisionRow { code: string; name: string; level: string }
interface ExtentRow { code: string; xmin: number; ymin: number; xmax: number; ymax: number; parent_name: string | null }
interface Ranked { row: DivisionRow; match: MatchKind; score: number }

/** How a division answers the text: its code or short code, its name, or a similar name. */
function rank(row: DivisionRow, q: SearchContext['query']): Ranked | null {
  const d = q.digits
  if (d !== null) {
    if (d === row.code || d === adminPrefix(row.code)) return { row, match: 'exact', score: 1 }
    if (d.length >= 4 && row.code.startsWith(d)) return { row, match: 'prefix', score: d.length / 12 }
    return null
  }
  const text = q.text
  if (row.name === text) return { row, match: 'exact', score: 1 }
  if (row.name.startsWith(text)) return { row, match: 'prefix', score: text.length / row.name.length }
  if (row.name.includes(text)) return { row, match: 'fuzzy', score: 0.5 + 0.5 * text.length / row.name.length }
  const s = similarity(text, row.name)
  return s >= FUZZY_FLOOR ? { row, match: 'fuzzy', score: s * 0.5 } : null
}

const ORDER: Record<MatchKind, number> = { exact: 0, prefix: 1, fuzzy: 2 }

export const divisionSource: SearchSource = {
  name: 'divisions',
  group: 'division',
  applies: (q) => (q.digits !== null ? q.digits.length >= 4 && q.digits.length <= 12 : q.coordinate === null && !q.hasE),
  async search(ctx: SearchContext): Promise<SearchHit[]> {
    const { rows } = await ctx.knex.raw(sqlFile('search/divisions'), { city: ctx.cityCode, patterns: ctx.jurisdiction.patterns }) as { rows: DivisionRow[] }
    const ranked = rows.map((r) => rank(r, ctx.query)).filter((r): r is Ranked => r !== null)
      .sort((a, b) => ORDER[a.match] - ORDER[b.match] || b.score - a.score || a.row.code.localeCompare(b.row.code))
      .slice(0, ctx.limit)
    if (ranked.length === 0) return []
    const { rows: extents } = await ctx.knex.raw(sqlFile('search/division_extents'), { codes: ranked.map((r) => r.row.code) }) as { rows: ExtentRow[] }
    const byCode = new Map(extents.map((e) => [e.code, e]))
    return ranked.map(({ row, match, score }) => {
      const e = byCode.get(row.code)!
      return {
        kind: 'division', id: row.code, title: row.name,
        subtitle: `${LEVEL_TITLES[row.level] ?? row.level} · ${row.code}${e.parent_name ? ` · ${e.parent_name}` : ''}`,
        match, score, point: null, bbox: [e.xmin, e.ymin, e.xmax, e.ymax], extra: { level: row.level, layer: 'admin_divisions' },
      }
    })
  },
}
