// Statistics of the teams (群防群治成效): per team and per area one level below the area asked
// for (a city by districts, a district by streets, a street by communities), for a period.
import type { Knex } from 'knex'
import type { Principal } from '../auth/users.ts'
import { sqlFile } from '../db/sql.ts'
import { adminPrefix } from '../db/jurisdiction.ts'

interface StatRow {
  id: number; name: string; kind: string; community_code: string; dispatched: number; open: number; done: number; cancelled: number
  rated: number; rating_sum: number; activities: number; hours: number; person_hours: number; by_kind: Record<string, { count: number; hours: number }>
}

export const round2 = (x: number) => Math.round(x * 100) / 100

/** The area a caller's statistics default to: its one jurisdiction area, else its city. */
export function defaultArea(p: Principal): string {
  const prefixes = p.jurisdiction.prefixes
  if (prefixes.length === 1) return prefixes[0]!.padEnd(12, '0')
  return (p.cityCode ?? '000000').slice(0, 4).padEnd(12, '0')
}

/** The area one level below `area` that contains `code` (the code itself at or above that level). */
export function childArea(code: string, area: string): string {
  const len = adminPrefix(area).length
  const next = len === 4 ? 6 : len === 6 ? 9 : 12
  return code.slice(0, next).padEnd(12, '0')
}

export async function areaNames(knex: Knex, codes: string[]): Promise<Map<string, { name: string; level: string }>> {
  const { rows } = await knex.raw(sqlFile('teams/area_names'), { codes }) as { rows: { code: string; name: string; level: string }[] }
  return new Map(rows.map((r) => [r.code, { name: r.name, level: r.level }]))
}

interface Sums { teams: number; dispatched: number; open: number; done: number; cancelled: number; rated: number; ratingSum: number; activities: number; hours: number; personHours: number }
const zero = (): Sums => ({ teams: 0, dispatched: 0, open: 0, done: 0, cancelled: 0, rated: 0, ratingSum: 0, activities: 0, hours: 0, personHours: 0 })

function shape(s: Sums) {
  const { ratingSum, ...rest } = s
  return { ...rest, hours: round2(rest.hours), personHours: round2(rest.personHours), averageRating: s.rated ? round2(ratingSum / s.rated) : null }
}

export async function teamStats(knex: Knex, p: Principal, q: { area?: string | undefined; from?: string | undefined; to?: string | undefined }) {
  const area = q.area ?? defaultArea(p)
  const { rows } = p.jurisdiction.isEmpty ? { rows: [] } : await knex.raw(sqlFile('teams/stats'), {
    patterns: p.jurisdiction.patterns, area: `${adminPrefix(area)}%`, from: q.from ?? null, to: q.to ?? null,
  }) as { rows: StatRow[] }
  const groups = new Map<string, Sums>()
  const total = zero()
  const teams = rows.map((r) => {
    const s: Sums = { teams: 1, dispatched: Number(r.dispatched), open: Number(r.open), done: Number(r.done), cancelled: Number(r.cancelled),
      rated: Number(r.rated), ratingSum: Number(r.rating_sum), activities: Number(r.activities), hours: Number(r.hours), personHours: Number(r.person_hours) }
    const key = childArea(r.community_code, area)
    const g = groups.get(key) ?? zero()
    for (const k of Object.keys(s) as (keyof Sums)[]) { g[k] += s[k]; total[k] += s[k] }
    groups.set(key, g)
    const { teams: _one, ...own } = shape(s)
    const byKind = Object.fromEntries(Object.entries(r.by_kind).map(([k, v]) => [k, { count: Number(v.count), hours: round2(Number(v.hours)) }]))
    return { teamId: Number(r.id), name: r.name, kind: r.kind, communityCode: r.community_code, ...own, byKind }
  })
  const names = await areaNames(knex, [area, ...groups.keys()])
  return {
    area: { code: area, name: names.get(area)?.name ?? null }, from: q.from ?? null, to: q.to ?? null,
    total: shape(total),
    byArea: [...groups.entries()].sort(([a], [b]) => a.localeCompare(b))
      .map(([code, s]) => ({ code, name: names.get(code)?.name ?? null, level: names.get(code)?.level ?? null, ...shape(s) })),
    byTeam: teams,
  }
}
