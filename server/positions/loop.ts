// The field-force loop beside the event scheduler: month partitions of positions a year ahead
// (daily), arrivals of dispatched members at their events (到场), resource orders moving on
// (调派指令), the fences' clock pass (dwell and absence of devices that stopped reporting) and
// the patrol pass (today's tasks, their progress from positions). Each pass keeps its state in
// the database and is safe with several instances running it (see each pass).
import type { AppContext } from '../context.ts'
import { startPassLoop } from '../passLoop.ts'
import { runFencePass } from '../fences/pass.ts'
import { runPatrolPass } from '../patrol/pass.ts'
import { runArrivalPass } from './arrival.ts'
import { runOrderPass } from '../orders/pass.ts'
import { runAuditHousekeeping } from '../audit/housekeeping.ts'

export interface FieldLoopOptions { intervalMs?: number; patrolEveryMs?: number }

export function startFieldLoop(app: AppContext, opts: FieldLoopOptions = {}): { stop(): Promise<void> } {
  return startPassLoop(app, 'field', [
    { name: 'partitions', everyMs: 86_400_000,
      run: () => app.knex.raw("SELECT position_ensure_partitions((now() AT TIME ZONE 'Asia/Shanghai')::date, 13)") },
    // access_audit partitions a year ahead and old login throttle rows (server/audit/housekeeping.ts)
    { name: 'audit', everyMs: 86_400_000, run: async ({ log }) => log.info(await runAuditHousekeeping(app.knex), 'audit housekeeping') },
    { name: 'arrivals', run: async () => {
      const n = await runArrivalPass(app.knex)
      if (n) app.logger.info({ arrivals: n }, 'arrivals recorded')
    } },
    // resource orders (调派指令): en route, arrived, expired
    { name: 'orders', run: async () => {
      const r = await runOrderPass(app.knex)
      if (r.enRoute || r.arrived || r.expired) app.logger.info({ ...r }, 'resource orders moved on')
    } },
    { name: 'fences', run: async () => {
      const r = await runFencePass(app.knex)
      if (r.alerts) app.logger.info({ ...r }, 'fence clock pass')
    } },
    // the patrol pass recounts each open task's whole day (about a minute of database time for a
    // city of 1,000 members): every five minutes, until visit detection is incremental
    { name: 'patrol', everyMs: opts.patrolEveryMs ?? 300_000, run: async () => {
      const r = await runPatrolPass(app.knex)
      if (r.created || r.updated || r.missed) app.logger.info({ created: r.created, updated: r.updated, missed: r.missed }, 'patrol pass')
    } },
  ], opts.intervalMs ?? 15_000)
}
