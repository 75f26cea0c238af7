// The inbox feed: producers' triggers queue what happened (migration 0054, table inbox_feed) and
// handlers registered per source turn each row into notices. One transaction per row: its
// notices and its done mark commit together, so a crash delivers it again rather than never;
// a row whose handler keeps failing is given up after MAX_ATTEMPTS (its error kept).
import type { Knex } from 'knex'

export type FeedSource = 'event' | 'supervision' | 'warning' | 'report' | 'assessment'
export type FeedHandler = (trx: Knex.Transaction, ref: Record<string, unknown>, now: Date) => Promise<void>

export const FEED_CHANNEL = 'gridgov_inbox_feed'
const MAX_ATTEMPTS = 5
const handlers = new Map<FeedSource, FeedHandler[]>()

/** Adds a handler of a source (each module registers its own when loaded). */
export function onFeed(source: FeedSource, handler: FeedHandler): void {
  const list = handlers.get(source) ?? []
  if (!list.includes(handler)) list.push(handler)
  handlers.set(source, list)
}

interface FeedRow { id: string; source: FeedSource; ref: Record<string, unknown>; attempts: number }

/** Handles up to `batch` pending rows; answers how many were done. */
export async function processFeed(knex: Knex, now = new Date(), batch = 100): Promise<number> {
  let done = 0
  for (let i = 0; i < batch; i++) {
    const handled = await knex.transaction(async (trx) => {
      const row = await trx('inbox_feed').whereNull('done_at').orderBy([{ column: 'attempts' }, { column: 'id' }]).forUpdate().skipLocked().first<FeedRow | undefined>('id', 'source', 'ref', 'attempts')
      if (!row) return null
      try {
        await trx.transaction(async (sp) => {
          for (const h of handlers.get(row.source) ?? []) await h(sp, row.ref, now)
        })
        await trx('inbox_feed').where({ id: row.id }).update({ done_at: now, attempts: row.attempts + 1, last_error: null })
        return true
      } catch (err) {
        const attempts = row.attempts + 1
        await trx('inbox_feed').where({ id: row.id }).update({
          attempts, last_error: String((err as Error)?.message ?? err).slice(0, 1000), done_at: attempts >= MAX_ATTEMPTS ? now : null,
        })
        return false
      }
    })
    if (handled === null) break
    // a failing row stays pending behind fresh ones (claims go by attempts, then id); the next pass tries again
    if (!handled) break
    done++
  }
  return done
}

/** Done rows are kept a week (to see what was fed), then removed. */
export async function pruneFeed(knex: Knex, now = new Date()): Promise<number> {
  return knex('inbox_feed').whereNotNull('done_at').where('done_at', '<', new Date(now.getTime() - 7 * 86_400_000)).delete()
}
