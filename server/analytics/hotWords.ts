// Keyword hot words (热词) of event descriptions: the words most events of a window mention, with
// the same count for the window of the same length just before (环比).
//
// Counting. A word's count is the number of events whose description contains it (document
// frequency: a description saying 井盖 three times counts once); share = count / events. Words
// come from jieba (@node-rs/jieba, its default dictionary, HMM on so unknown place names such as
// road names stay together), in Node, so PostgreSQL and PGlite give the same answer. Dropped:
// tokens of one character, tokens without a letter (numbers, punctuation, symbols), numerals
// with an optional measure word (12号, 三次), and STOP_WORDS (hotWordLexicon.ts). Event class
// names and GOVERNANCE_TERMS are user words, so 暴露垃圾, 占道经营 or 非机动车乱停放 stay whole
// (class names beginning with 其他 are left out: 其他市容环境问题 says less than 市容 and 环境).
//
// Cap. A window with more than MAX_DOCUMENTS matching events is sampled: a deterministic hash of
// the event id keeps about MAX_DOCUMENTS of them (hot_word_texts.sql), share is measured on the
// sample and count is share × events, rounded. The answer says so (sampled, analysed). Why
// sampling rather than a 400: a month or a year of the whole city is a fair question; why 20,000:
// the standard error of a share is at most 0.35 percentage points (7 % of a 1 % share), which
// keeps the ranking of the top words. Measured on the demo history (300,000 events over two years,
// PostgreSQL 15, shared 2-core machine): a city-wide year (155,000 + 144,000 events) took 1.8 s
// read in full and 0.5 s sampled, with counts within 2-3 % of the full ones; a month (12,800) 0.16 s.
import type { Knex } from 'knex'
import { z } from 'zod'
import { Jieba } from '@node-rs/jieba'
import { dict } from '@node-rs/jieba/dict.js'
import { sqlFile } from '../db/sql.ts'
import type { Jurisdiction } from '../db/jurisdiction.ts'
import { analyticsQuery, areaPattern, type AnalyticsFilter } from './filters.ts'
import { GOVERNANCE_TERMS, STOP_WORDS } from './hotWordLexicon.ts'

export const DEFAULT_LIMIT = 50
export const MAX_LIMIT = 200
/** Descriptions read per window at most; above it a deterministic sample of about this many. */
export const MAX_DOCUMENTS = 20_000
/** The sample's hash range (hot_word_texts.sql: id × 40503 mod 65536). */
const HASH_RANGE = 65_536
/** Dictionary frequency of user words: high enough that a listed term wins over its pieces. */
const USER_WORD_FREQ = 50_000
/** Descriptions segmented between two turns of the event loop (other requests go on meanwhile). */
const BATCH = 2_000

export const hotWordsQuery = analyticsQuery.extend({
  limit: z.string().regex(/^[0-9]{1,3}$/, 'must be a whole number').transform(Number)
    .pipe(z.number().int().min(1, `must be 1-${MAX_LIMIT}`).max(MAX_LIMIT, `must be 1-${MAX_LIMIT}`)).default(DEFAULT_LIMIT)
    .describe(`number of words, 1-${MAX_LIMIT}, default ${DEFAULT_LIMIT}`),
}).strict()
export type HotWordsQuery = z.output<typeof hotWordsQuery>

export interface HotWord {
  word: string
  /** events whose description contains the word (estimated when the window was sampled) */
  count: number
  /** count / events of the window */
  share: number
  /** the same count in the window of the same length just before */
  previous: number
  /** (count − previous) / previous; null when previous is 0 */
  change: number | null
}

export interface WindowInfo {
  from: string
  to: string
  /** matching events */
  events: number
  /** descriptions read and segmented (events, or the sample's size) */
  analysed: number
  sampled: boolean
}

export interface HotWordsOut extends WindowInfo {
  previousWindow: WindowInfo
  maxDocuments: number
  words: HotWord[]
}

let segmenter: Jieba | undefined
const userWords = new Set<string>()

/** The segmenter, loaded once at first use, with every user word seen so far added to it. */
function segmenterWith(words: readonly string[]): Jieba {
  segmenter ??= Jieba.withDict(dict)
  // a dictionary line is "word freq tag": a word with white space in it cannot be one
  const fresh = [...new Set(words)].filter((w) => !userWords.has(w) && w.length > 1 && !/\s/.test(w))
  if (fresh.length > 0) {
    segmenter.loadDict(Buffer.from(fresh.map((w) => `${w} ${USER_WORD_FREQ} n\n`).join('')))
    for (const w of fresh) userWords.add(w)
  }
  return segmenter
}

// a number or numeral, possibly with 第 before and a measure word after: 12, 3.5, 十几, 第三, 12号, 两次
const NUMERAL = /^第?[\p{N}零〇一二三四五六七八九十百千万亿两几.,%．]+[个次天号楼层栋幢室户米元年月日时分条处名位辆件起]?$/u

/** Whether a token counts as a word. */
export function isWord(w: string): boolean {
  return [...w].length >= 2 && /\p{L}/u.test(w) && !NUMERAL.test(w) && !STOP_WORDS.has(w)
}

/** The distinct words of one description. */
export function wordsOf(j: Jieba, text: string): Set<string> {
  const out = new Set<string>()
  for (const token of j.cut(text.normalize('NFKC'), true)) {
    const w = token.trim().toLowerCase()
    if (isWord(w)) out.add(w)
  }
  return out
}

/** Word → number of descriptions containing it. Yields to the event loop every BATCH descriptions. */
async function documentFrequencies(j: Jieba, texts: string[]): Promise<Map<string, number>> {
  const df = new Map<string, number>()
  for (let i = 0; i < texts.length; i++) {
    if (i > 0 && i % BATCH === 0) await new Promise((r) => setImmediate(r))
    for (const w of wordsOf(j, texts[i]!)) df.set(w, (df.get(w) ?? 0) + 1)
  }
  return df
}

interface Window { info: WindowInfo; df: Map<string, number> }

/** Reads (or samples) the descriptions of one window and counts their words. */
async function countWindow(knex: Knex, j: Jieba, scope: Jurisdiction, f: AnalyticsFilter, maxDocuments: number): Promise<Window> {
  const info: WindowInfo = { from: f.from.toISOString(), to: f.to.toISOString(), events: 0, analysed: 0, sampled: false }
  if (scope.isEmpty) return { info, df: new Map() }
  const params = {
    from: f.from, to: f.to, patterns: scope.patterns,
    // a jurisdiction of one area is also passed as `area`: the same rows, but a single LIKE with a bound
    // prefix can use the (community_code text_pattern_ops, created_at) index, LIKE ANY(patterns) cannot
    area: areaPattern(scope, f.area),
    klass: f.classCode === undefined ? null : `${f.classCode}%`,
    channels: f.channels ?? null, demandTypes: f.demandTypes ?? null, statuses: f.statuses ?? null,
  }
  const { rows: [counted] } = await knex.raw(sqlFile('analytics/hot_word_count'), params) as { rows: { n: number }[] }
  const events = Number(counted?.n ?? 0)
  if (events === 0) return { info, df: new Map() }
  const keep = events > maxDocuments ? Math.max(1, Math.floor((maxDocuments / events) * HASH_RANGE)) : null
  const { rows } = await knex.raw(sqlFile('analytics/hot_word_texts'), { ...params, keep }) as { rows: { description: string }[] }
  const texts = rows.map((r) => r.description)
  // unsampled, the rows read are the events (an event written between the two statements counts once)
  return { info: { ...info, events: keep === null ? texts.length : events, analysed: texts.length, sampled: keep !== null }, df: await documentFrequencies(j, texts) }
}

/** A word's count in a window: exact, or share of the sample × events. */
function countIn(w: Window, word: string): number {
  const n = w.df.get(word) ?? 0
  if (!w.info.sampled || w.info.analysed === 0) return n
  return Math.round((n / w.info.analysed) * w.info.events)
}

/** The segmenter of event descriptions: governance terms and class names are user words (also used by similar cases). */
export async function eventSegmenter(knex: Knex): Promise<Jieba> {
  const classNames = await knex('event_class').select('name') as { name: string }[]
  return segmenterWith([...GOVERNANCE_TERMS, ...classNames.map((c) => c.name).filter((n) => !n.startsWith('其他'))])
}

/** The hot words of [from, to) and their counts in the window of the same length before. */
export async function hotWordsAnswer(knex: Knex, scope: Jurisdiction, f: AnalyticsFilter, limit = DEFAULT_LIMIT,
  maxDocuments = MAX_DOCUMENTS): Promise<HotWordsOut> {
  const j = await eventSegmenter(knex)
  const length = f.to.getTime() - f.from.getTime()
  const now = await countWindow(knex, j, scope, f, maxDocuments)
  const before = await countWindow(knex, j, scope, { ...f, from: new Date(f.from.getTime() - length), to: f.from }, maxDocuments)
  const ranked = [...now.df].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).slice(0, limit)
  const words = ranked.map(([word, n]): HotWord => {
    const count = countIn(now, word)
    const previous = countIn(before, word)
    return { word, count, share: n / now.info.analysed, previous, change: previous === 0 ? null : (count - previous) / previous }
  })
  return { ...now.info, previousWindow: before.info, maxDocuments, words }
}

/** The hot words alone (for reports): the `limit` words most events of the window mention. */
export async function hotWords(knex: Knex, scope: Jurisdiction, f: AnalyticsFilter, limit = DEFAULT_LIMIT): Promise<HotWord[]> {
  return (await hotWordsAnswer(knex, scope, f, limit)).words
}
