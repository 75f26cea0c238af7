// How a question is searched and ranked. The question's words (text.ts expandQuery) are concepts,
// each a synonym group. An article is a candidate when it holds at least two of the concepts
// (one when the question has one; any of them when no article holds two), which keeps the
// candidates few even when each word alone is common (a road name, a topic), so the GIN index
// answers fast. Candidates are scored by the concepts they hold, each weighted by its rarity
// (inverse document frequency, ln 1/f) and half as much again when it is in the title, plus a
// hundredth of ts_rank_cd for how closely and how often the words occur.
//
// Frequencies come from the planner's statistics of the search column (pg_stats: the lexemes
// ANALYZE found most common, with their share of rows), read at most once a minute; a word not
// among them is rarer than the rarest listed. Without statistics (a table never analysed) every
// word weighs the same.
import type { Knex } from 'knex'
import { groupQuery, pairQuery, searchQuery } from './text.ts'

/** Concepts of one question at most (the rarest kept): 8 make 28 pairs. */
export const MAX_CONCEPTS = 8
/** A concept in more than this share of articles (社区, 管理) only scores: it does not make a candidate. */
export const COMMON_SHARE = 0.2
const STATS_TTL_MS = 60_000

interface Stats { at: number; freq: Map<string, number>; floor: number }
let stats: Stats | undefined

async function frequencies(knex: Knex | Knex.Transaction): Promise<Stats> {
  if (stats && Date.now() - stats.at < STATS_TTL_MS) return stats
  const { rows } = await knex.raw(`SELECT CAST(CAST(most_common_elems AS text) AS text[]) AS words, most_common_elem_freqs AS freqs
    FROM pg_stats WHERE schemaname = current_schema() AND tablename = 'knowledge_article' AND attname = 'search'`) as { rows: { words: string[] | null; freqs: number[] | null }[] }
  const words = rows[0]?.words ?? [], freqs = rows[0]?.freqs ?? []
  const freq = new Map<string, number>()
  words.forEach((w, i) => freq.set(w, Number(freqs[i])))
  // after the per-word shares come the lowest and highest share: a word not listed is rarer than the lowest
  const floor = words.length > 0 && freqs.length > words.length ? Number(freqs[words.length]) / 2 : 0.001
  stats = { at: Date.now(), freq, floor }
  return stats
}

export interface SearchPlan {
  /** candidates: at least two concepts (or the one) */
  query: string
  /** candidates when no article holds two concepts */
  fallback: string | null
  groups: string[]; titles: string[]; weights: number[]
}

export async function searchPlan(knex: Knex | Knex.Transaction, concepts: string[][]): Promise<SearchPlan | null> {
  if (concepts.length === 0) return null
  const s = await frequencies(knex)
  const weighted = concepts.map((g) => {
    const f = Math.min(1, g.reduce((sum, w) => sum + (s.freq.get(w) ?? s.floor), 0))
    return { g, f, w: Math.log(1 / Math.max(f, 1e-6)) + 0.1 }
  }).sort((a, b) => b.w - a.w).slice(0, MAX_CONCEPTS)
  const groups = weighted.map((x) => x.g)
  const selective = weighted.filter((x) => x.f <= COMMON_SHARE).map((x) => x.g)
  const candidates = selective.length > 0 ? selective : groups
  return {
    query: pairQuery(candidates)!, fallback: candidates.length > 1 ? searchQuery(candidates) : null,
    groups: groups.map((g) => groupQuery(g)), titles: groups.map((g) => groupQuery(g, true)), weights: weighted.map((x) => Math.round(x.w * 1000) / 1000),
  }
}
