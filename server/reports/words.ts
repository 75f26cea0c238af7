// Hot words of a report: hotWords() of server/analytics/hotWords.ts (jieba segmentation, document
// frequency, 环比 against the window of the same length before), the top HOT_WORDS.
import type { Knex } from 'knex'
import type { Jurisdiction } from '../db/jurisdiction.ts'
import type { AnalyticsFilter } from '../analytics/filters.ts'
import { hotWords } from '../analytics/hotWords.ts'

export interface HotWord { word: string; count: number; share: number; change: number | null }
export const HOT_WORDS = 20

export async function reportHotWords(knex: Knex, scope: Jurisdiction, f: AnalyticsFilter): Promise<HotWord[] | null> {
  return (await hotWords(knex, scope, f, HOT_WORDS)).map((w) => ({ word: w.word, count: w.count, share: w.share, change: w.change }))
}
