// The background loops every instance runs beside its HTTP listener: the event scheduler, the
// outbox deliverer, the field loop and the analytics loop. Each claims its work in the database
// (row locks with SKIP LOCKED, leases, unique keys, advisory locks; see each loop), so any number
// of instances can run them all and every piece of work is still done once
// (test/cluster/instances.test.ts). One place, so `npm start` and the cluster tests run the same set.
import type { AppContext } from './context.ts'
import { startScheduler } from './events/scheduler.ts'
import { startDeliverer } from './integrations/deliverer.ts'
import { startFieldLoop } from './positions/loop.ts'
import { startAnalyticsLoop } from './analytics/loop.ts'
import { startInboxLoop } from './inbox/loop.ts'
import { startSensorLoop } from './sensors/loop.ts'
import { startOpinionLoop } from './opinion/loop.ts'
// outbox adapters of other capabilities register themselves when loaded (the deliverer imports
// none of them): every process that delivers runs these loops, so it loads them here
import './inbox/gateway.ts'
import './exchange/adapter.ts'

/** Pace of the loops; unset: each loop's own default (tests make them fast and small). */
export interface BackgroundOptions {
  scheduler?: { intervalMs?: number; batch?: number }
  deliverer?: { intervalMs?: number; batch?: number }
  fieldMs?: number
  analyticsMs?: number
  inboxMs?: number
  sensorsMs?: number
  opinionMs?: number
}

export function startBackground(app: AppContext, opts: BackgroundOptions = {}): { stop(): Promise<void> } {
  // Deadlines, escalations and partitions: timers are claimed with FOR UPDATE SKIP LOCKED.
  const scheduler = startScheduler(app, opts.scheduler)
  // Third-party delivery: outbox rows claimed with SKIP LOCKED and a lease, retried with back-off.
  const deliverer = startDeliverer(app, opts.deliverer)
  // Field force: position partitions, fence dwell/absence by the clock, patrol tasks and progress.
  const field = startFieldLoop(app, opts.fieldMs === undefined ? {} : { intervalMs: opts.fieldMs })
  // Analytics: indicator aggregates folded, warnings raised, assessments and reports of ended periods.
  const analytics = startAnalyticsLoop(app, opts.analyticsMs === undefined ? {} : { intervalMs: opts.analyticsMs })
  // Inbox: producers' feed rows become notices; notices held by quiet hours are released.
  const inbox = startInboxLoop(app, opts.inboxMs === undefined ? {} : { intervalMs: opts.inboxMs })
  // Sensors: observation partitions ahead, silence, incidents settled by the clock (unique open incident per rule and stream).
  const sensors = startSensorLoop(app, opts.sensorsMs === undefined ? {} : { intervalMs: opts.sensorsMs })
  // Public opinion: each active feed read once per period (claimed by moving its last_pulled_at, SKIP LOCKED).
  const opinion = startOpinionLoop(app, opts.opinionMs === undefined ? {} : { intervalMs: opts.opinionMs })
  return {
    async stop() {
      await scheduler.stop()
      await deliverer.stop()
      await field.stop()
      await analytics.stop()
      await inbox.stop()
      await sensors.stop()
      await opinion.stop()
    },
  }
}
