// The inbox loop: turns feed rows into notices (feeds.ts), releases notices held by quiet hours
// and prunes old feed rows. It wakes at once when a producer's trigger announces a feed row
// (LISTEN on the feed channel, fired at the producer's commit), and every intervalMs anyway, so a
// lost notification or a restart only delays, never loses: the rows are the truth. Several
// instances share the work (SKIP LOCKED in both passes).
import type { AppContext } from '../context.ts'
import { FEED_CHANNEL, processFeed, pruneFeed } from './feed.ts'
import { releaseHeld } from './store.ts'
// the handlers register themselves when loaded
import './feeds.ts'

export interface InboxLoopOptions { intervalMs?: number }

const PRUNE_EVERY_MS = 3_600_000

export function startInboxLoop(app: AppContext, opts: InboxLoopOptions = {}): { stop(): Promise<void> } {
  const intervalMs = opts.intervalMs ?? 5_000
  let stopped = false
  let timer: NodeJS.Timeout | undefined
  let running: Promise<void> = Promise.resolve()
  let again = false
  let lastPrune = 0
  const pass = async () => {
    const log = app.logger.child({ loop: 'inbox' })
    try {
      let n = 0
      do { n = await processFeed(app.knex) } while (n >= 100 && !stopped)
      const released = await releaseHeld(app.knex)
      if (released) log.info({ released }, 'held inbox notices released')
      if (Date.now() - lastPrune > PRUNE_EVERY_MS) {
        lastPrune = Date.now()
        await pruneFeed(app.knex)
      }
    } catch (err) {
      log.error({ err }, 'inbox pass failed')
    }
  }
  const schedule = (ms: number) => {
    if (stopped) return
    if (timer) clearTimeout(timer)
    timer = setTimeout(tick, ms)
  }
  const tick = () => {
    timer = undefined
    running = running.then(async () => {
      again = false
      await pass()
      schedule(again ? 0 : intervalMs)
    })
  }
  // a wake-up during a pass runs another pass right after it
  const wake = () => { again = true; if (timer) schedule(0) }
  const unlisten = app.listen(FEED_CHANNEL, wake).catch((err: unknown) => {
    app.logger.warn({ err }, 'inbox loop cannot LISTEN; it polls')
    return async () => undefined
  })
  schedule(0)
  return {
    async stop() {
      stopped = true
      if (timer) clearTimeout(timer)
      await running
      await (await unlisten)()
    },
  }
}
