// The field-force loop beside the event scheduler: month partitions of positions a year ahead
// (daily), arrivals of dispatched members at their events (到场), the fences' clock pass (dwell and absence of devices that stopped reporting) and the
// patrol pass (today's tasks, their progress from positions). Each pass keeps its state in the
// database and is safe with several instances running it (see each pass), so a restart loses
// nothing and an in-memory timer is never the truth.
import type { AppContext } from '../context.ts'
import { runFencePass } from '../fences/pass.ts'
import { runPatrolPass } from '../patrol/pass.ts'
import { runArrivalPass } from './arrival.ts'

export interface FieldLoopOptions { intervalMs?: number; patrolEveryMs?: number }

export function startFieldLoop(app: AppContext, opts: FieldLoopOptions = {}): { stop(): Promise<void> } {
  const intervalMs = opts.intervalMs ?? 15_000
  // the patrol pass recounts each open task's whole day (about a minute of database time for a
  // city of 1,000 members): every five minutes, until visit detection is incremental
  const patrolEveryMs = opts.patrolEveryMs ?? 300_000
  let patrolAt = 0
  let stopped = false
  let timer: NodeJS.Timeout | undefined
  let running: Promise<void> = Promise.resolve()
  let partitionsCheckedAt = 0
  const step = async (name: string, pass: () => Promise<unknown>) => {
    try {
      await pass()
    } catch (err) {
      app.logger.error({ err, pass: name }, 'field pass failed')
    }
  }
  const tick = () => {
    running = (async () => {
      if (Date.now() - partitionsCheckedAt > 86_400_000) {
        await step('partitions', () => app.knex.raw("SELECT position_ensure_partitions((now() AT TIME ZONE 'Asia/Shanghai')::date, 13)"))
        partitionsCheckedAt = Date.now()
      }
      await step('arrivals', async () => {
        const n = await runArrivalPass(app.knex)
        if (n) app.logger.info({ arrivals: n }, 'arrivals recorded')
      })
      await step('fences', async () => {
        const r = await runFencePass(app.knex)
        if (r.alerts) app.logger.info({ ...r }, 'fence clock pass')
      })
      if (Date.now() - patrolAt >= patrolEveryMs) {
        patrolAt = Date.now()
        await step('patrol', async () => {
          const r = await runPatrolPass(app.knex)
          if (r.created || r.updated || r.missed) app.logger.info({ created: r.created, updated: r.updated, missed: r.missed }, 'patrol pass')
        })
      }
      if (!stopped) timer = setTimeout(tick, intervalMs)
    })()
  }
  timer = setTimeout(tick, 0)
  return {
    async stop() {
      stopped = true
      if (timer) clearTimeout(timer)
      await running
    },
  }
}
