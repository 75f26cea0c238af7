// The analytics loop beside the event scheduler and the field loop: it folds the indicator
// deltas into the period aggregates (migration 0021) every pass.
import type { AppContext } from '../context.ts'
import { startPassLoop } from '../passLoop.ts'

export interface AnalyticsLoopOptions { intervalMs?: number }

/** Folds pending indicator deltas; -1 when another instance is folding them right now. */
export async function compactIndicators(app: AppContext): Promise<number> {
  const { rows } = await app.knex.raw('SELECT indicator_compact() AS n') as { rows: { n: string }[] }
  return Number(rows[0]!.n)
}

export function startAnalyticsLoop(app: AppContext, opts: AnalyticsLoopOptions = {}): { stop(): Promise<void> } {
  return startPassLoop(app, 'analytics', [
    { name: 'indicators', run: () => compactIndicators(app) },
  ], opts.intervalMs ?? 30_000)
}
