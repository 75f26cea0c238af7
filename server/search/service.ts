// The search layer: runs every registered source the query can mean something to, and ranks
// what they found. Exact codes and numbers first, then prefixes, then fuzzy matches; inside a
// match kind the higher score; groups are ordered by their best hit, then by GROUPS order.
import type { Knex } from 'knex'
import type { Principal } from '../auth/users.ts'
import { parseQuery, MIN_QUERY_CHARS } from './query.ts'
import { searchSources } from './registry.ts'
import { GROUPS, GROUP_TITLES, MATCH_RANK, type Group, type SearchHit } from './types.ts'

export interface SearchGroup { group: Group; title: string; items: SearchHit[] }
export interface SearchAnswer { query: string; tooShort: boolean; groups: SearchGroup[] }

const byRank = (a: SearchHit, b: SearchHit) => MATCH_RANK[a.match] - MATCH_RANK[b.match] || b.score - a.score

export async function search(knex: Knex, principal: Principal, cityCode: string, raw: string, limit: number): Promise<SearchAnswer> {
  const query = parseQuery(raw)
  if (query.length < MIN_QUERY_CHARS) return { query: query.text, tooShort: true, groups: [] }
  const ctx = { knex, query, principal, jurisdiction: principal.jurisdiction, cityCode, limit }
  const sources = searchSources().filter((s) => s.applies(query))
  const found = await Promise.all(sources.map(async (s) => ({ group: s.group, hits: await s.search(ctx) })))
  const groups = new Map<Group, SearchHit[]>()
  for (const { group, hits } of found) groups.set(group, [...groups.get(group) ?? [], ...hits])
  const answer = [...groups].filter(([, hits]) => hits.length > 0)
    .map(([group, hits]) => ({ group, title: GROUP_TITLES[group], items: dedupe(hits.sort(byRank)).slice(0, limit) }))
    .sort((a, b) => MATCH_RANK[a.items[0]!.match] - MATCH_RANK[b.items[0]!.match] || GROUPS.indexOf(a.group) - GROUPS.indexOf(b.group))
  return { query: query.text, tooShort: false, groups: answer }
}

/** The same thing found twice (an event by its prefix and its suffix) is listed once, at its best. */
function dedupe(hits: SearchHit[]): SearchHit[] {
  const seen = new Set<string>()
  return hits.filter((h) => {
    const key = `${h.kind}\u0000${h.id}`
    if (seen.has(key)) return false
    seen.add(key)
    return true
  })
}
