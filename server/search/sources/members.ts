// Persons: grid members (网格员) by name or by digits of their phone, inside the caller's
// jurisdiction, with the device they carry (the page opens its card) and its live position.
// The phone is matched in full but shown as privacy/rule.ts allows. The resident registers of a
// later issue register their own source into the same 'person' group.
import { sqlFile } from '../../db/sql.ts'
import type { Principal } from '../../auth/users.ts'
import { accessTo, shown } from '../../privacy/rule.ts'
import type { SearchContext, SearchHit, SearchSource, MatchKind } from '../types.ts'

const DUTY_TITLES: Record<string, string> = { inspector: '网格员', leader: '网格长', assistant: '网格助理', volunteer: '志愿者' }
const RANKS: MatchKind[] = ['exact', 'prefix', 'fuzzy']
/** Fewer phone digits than this match too many members to mean one. */
const MIN_PHONE_DIGITS = 4

interface MemberRow {
  id: string; name: string; phone: string | null; duty: string; community_code: string; community_name: string
  department_id: string | null; user_id: string | null
  device: string | null; lon: number | null; lat: number | null
  xmin: number; ymin: number; xmax: number; ymax: number; rank: number
}

/**
 * Who holds a member's record: the territory offices over their community (they dispatch and
 * phone them), their own department, and the member themself.
 */
function holdsMember(p: Principal, r: MemberRow): boolean {
  if (['district_staff', 'street_staff', 'community_staff'].includes(p.role)) return true
  if (p.departmentId !== null && r.department_id !== null && Number(r.department_id) === p.departmentId) return true
  return p.userId !== null && r.user_id !== null && Number(r.user_id) === p.userId
}

const phoneOf = (p: Principal, r: MemberRow) =>
  shown(accessTo(p, { communityCode: r.community_code, heldByPrincipal: holdsMember(p, r) }), { phone: 'phone' }, { phone: r.phone },
    { type: 'members', id: String(r.id), recordId: Number(r.id), communityCode: r.community_code, prefix: '' }).phone

export const memberSource: SearchSource = {
  name: 'members',
  group: 'person',
  applies: (q) => (q.digits !== null ? q.digits.length >= MIN_PHONE_DIGITS : q.coordinate === null && !q.hasE),
  async search(ctx: SearchContext): Promise<SearchHit[]> {
    const digits = ctx.query.digits ?? ''
    const { rows } = await ctx.knex.raw(sqlFile('search/members'), {
      words: ctx.query.text, digits, city: ctx.cityCode, patterns: ctx.jurisdiction.patterns, limit: ctx.limit,
    }) as { rows: MemberRow[] }
    return rows.map((r) => {
      const phone = phoneOf(ctx.principal, r)
      const located = r.lon !== null && r.lat !== null
      return {
        kind: 'member', id: String(r.id), title: r.name,
        subtitle: [DUTY_TITLES[r.duty] ?? r.duty, r.community_name, phone].filter(Boolean).join(' · '),
        match: RANKS[r.rank] ?? 'fuzzy',
        score: digits ? digits.length / Math.max(digits.length, (r.phone ?? '').length) : [...ctx.query.text].length / [...r.name].length,
        // a member without a live position is located by their community
        point: located ? [r.lon!, r.lat!] : null,
        bbox: located ? null : [r.xmin, r.ymin, r.xmax, r.ymax],
        extra: { device: r.device, phone },
      }
    })
  },
}
