// A loop of background passes (the field loop, the analytics loop): each pass runs at most every
// `everyMs`, one after another, and a failing pass is logged without stopping the others. Passes
// keep their state in the database and are safe with several instances running them, so a
// restart loses nothing and this in-memory timer is never the truth.
import crypto from 'node:crypto'
import type { Logger } from 'pino'
import type { AppContext } from './context.ts'
import { claimPeriod } from './passLease.ts'

/** What a pass is given: its run's id (every line it logs through `log` carries it). */
export interface PassRun { passId: string; log: Logger }

export interface Pass {
  name: string
  /** run at most this often (default: every tick) */
  everyMs?: number
  /** first run not before this long after the start (heavy passes keep a start-up light) */
  firstAfterMs?: number
  run(run: PassRun): Promise<unknown>
}

export function startPassLoop(app: AppContext, loop: string, passes: Pass[], intervalMs: number): { stop(): Promise<void> } {
  const started = Date.now()
  // a pass with firstAfterMs counts as run at (start + firstAfterMs − everyMs)
  const lastRun = new Map<string, number>(passes.filter((p) => p.firstAfterMs !== undefined)
    .map((p) => [p.name, started + p.firstAfterMs! - (p.everyMs ?? 0)]))
  let stopped = false
  let timer: NodeJS.Timeout | undefined
  let running: Promise<void> = Promise.resolve()
  const tick = () => {
    running = (async () => {
      for (const pass of passes) {
        if (stopped) break
        const last = lastRun.get(pass.name)
        if (last !== undefined && Date.now() - last < (pass.everyMs ?? 0)) continue
        const passId = crypto.randomUUID()
        const log = app.logger.child({ loop, pass: pass.name, passId })
        try {
          // a periodic pass runs on one instance a period (migration 0033); the others try again next tick
          if (pass.everyMs && !await claimPeriod(app.knex, `${loop}.${pass.name}`, pass.everyMs)) continue
          lastRun.set(pass.name, Date.now())
          log.debug('background pass')
          await pass.run({ passId, log })
        } catch (err) {
          log.error({ err }, 'background pass failed')
        }
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
