// Events by number (whole, a prefix, or the last digits) and recent events by their words.
// Every query is bounded by an index and a LIMIT (see sql/queries/search/event_*.sql) and
// filtered by the caller's jurisdiction: another street's events are never found.
import { sqlFile } from '../../db/sql.ts'
import { numberDay } from '../../events/store.ts'
import { statusTitles, type Status } from '../../events/workflow.ts'
import { prefixDays } from './eventNumbers.ts'
import type { SearchContext, SearchHit, SearchSource, MatchKind } from '../types.ts'

/** Events searched by their words: created within this many days. */
export const TEXT_SEARCH_DAYS = 30
/** Events read at most per prefix or words query (newest first), whatever the jurisdiction finds in them. */
export const SCAN_CAP = 20_000
/** Fewer digits than this are not read as the end of a number (every day has a …12). */
const MIN_SUFFIX_DIGITS = 4

interface EventRow {
  number: string; lon: number; lat: number; status: Status; address: string | null; description: string
  class_name: string; created_at: Date
}

function hit(r: EventRow, match: MatchKind, score: number): SearchHit {
  const where = r.address ?? r.description
  return {
    kind: 'event', id: r.number, title: r.number,
    subtitle: `${r.class_name} · ${statusTitles[r.status] ?? r.status} · ${where.length > 40 ? `${where.slice(0, 40)}…` : where}`,
    match, score, point: [r.lon, r.lat], bbox: null,
  }
}

async function rows(ctx: SearchContext, query: string, bindings: Record<string, unknown>): Promise<EventRow[]> {
  const { rows } = await ctx.knex.raw(sqlFile(`search/${query}`), { patterns: ctx.jurisdiction.patterns, ...bindings }) as { rows: EventRow[] }
  return rows
}

async function byNumber(ctx: SearchContext, digits: string, hasE: boolean): Promise<SearchHit[]> {
  const number = `E${digits}`
  const day = numberDay(number)
  const exact = day ? (await rows(ctx, 'event_exact', { number, ...day })).map((r) => hit(r, 'exact', 1)) : []
  const days = prefixDays(digits)
  const prefixed = days
    ? (await rows(ctx, 'event_prefix', { ...days, pattern: `${number}%`, exact: number, scan: SCAN_CAP, limit: ctx.limit }))
      .map((r) => hit(r, 'prefix', digits.length / r.number.length))
    : []
  const suffixed = !hasE && digits.length >= MIN_SUFFIX_DIGITS && exact.length + prefixed.length < ctx.limit
    ? (await rows(ctx, 'event_suffix', { reversed: `${[...digits].reverse().join('')}%`, exact: number, limit: ctx.limit }))
      .map((r) => hit(r, 'fuzzy', digits.length / r.number.length))
    : []
  return [...exact, ...prefixed, ...suffixed]
}

async function byText(ctx: SearchContext, text: string): Promise<SearchHit[]> {
  const since = new Date(Date.now() - TEXT_SEARCH_DAYS * 86_400_000)
  const found = await rows(ctx, 'event_text', { since, words: text, scan: SCAN_CAP, limit: ctx.limit })
  // the description's share taken by the text: a short report that is mostly the text ranks first
  return found.map((r) => hit(r, 'fuzzy', Math.min(1, text.length / r.description.length) * 0.5))
}

export const eventSource: SearchSource = {
  name: 'events',
  group: 'event',
  applies: (q) => q.numberDigits !== null || (q.coordinate === null && /\p{Script=Han}/u.test(q.text)),
  async search(ctx) {
    const q = ctx.query
    if (q.numberDigits !== null) return byNumber(ctx, q.numberDigits, q.hasE)
    return byText(ctx, q.text)
  },
}
