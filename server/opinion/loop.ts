// The opinion loop: reads each active feed every intervalMs. A feed is claimed by moving its
// last_pulled_at to now in the claiming statement (FOR UPDATE SKIP LOCKED), so with several
// instances each feed is read by one of them per period; the posts' unique (feed, item) key keeps
// a read that overlaps another from doubling anything.
import type { AppContext } from '../context.ts'
import { sqlFile } from '../db/sql.ts'
import { pullFeed, type FeedRow } from './pull.ts'

export interface OpinionLoopOptions { intervalMs?: number }

export const OPINION_PULL_MS = 15 * 60_000

export function startOpinionLoop(app: AppContext, opts: OpinionLoopOptions = {}): { stop(): Promise<void> } {
  const intervalMs = opts.intervalMs ?? OPINION_PULL_MS
  let stopped = false
  let timer: NodeJS.Timeout | undefined
  let running: Promise<void> = Promise.resolve()
  const claim = async (): Promise<FeedRow | undefined> => {
    const { rows } = await app.knex.raw(sqlFile('opinion/claim_feed'), { seconds: intervalMs / 1000 }) as { rows: FeedRow[] }
    return rows[0]
  }
  const pass = async () => {
    const log = app.logger.child({ loop: 'opinion' })
    try {
      for (let feed = await claim(); feed && !stopped; feed = await claim()) {
        const r = await pullFeed(app.knex, feed, { allowedNetworks: app.config.opinionFeedAllowedNetworks ?? [] })
        if (r.error) log.warn({ feed: feed.id, error: r.error }, 'opinion feed not read')
        else if (r.added) log.info({ feed: feed.id, added: r.added, candidates: r.candidates }, 'opinion feed read')
      }
    } catch (err) {
      log.error({ err }, 'opinion pass failed')
    }
  }
  const tick = () => {
    running = running.then(pass).then(() => {
      if (!stopped) timer = setTimeout(tick, Math.min(intervalMs, 60_000))
    })
  }
  tick()
  return {
    async stop() {
      stopped = true
      if (timer) clearTimeout(timer)
      await running
    },
  }
}
