// The analytics loop beside the event scheduler and the field loop: it folds the indicator
// deltas into the period roll-ups (migration 0021) and raises warnings (预警; each rule's own pace
// is gated in the database) every pass, and every ten minutes
// checks today's counts against their forecasts (超出预测), snapshots the assessments and stores the city-wide reports of periods that ended (a pass that
// finds them written costs a lookup).
import type { AppContext } from '../context.ts'
import { startPassLoop } from '../passLoop.ts'
import { runAssessmentPass } from '../assessment/pass.ts'
import { runReportPass } from '../reports/pass.ts'
import { runWarningPass } from '../warnings/pass.ts'
import { raiseForecastWarnings } from './forecastWarning.ts'
import { runGridQualityPass } from '../quality/gridData.ts'
import { runHardCasePass } from '../hard-cases/pass.ts'
import { tellOverdueDecisions } from '../meetings/overdue.ts'
import { runProactivePass } from '../proactive-rules/pass.ts'
import { runExchangePass } from '../exchange/pass.ts'
import { runOpenDataPass } from '../exchange/openDataFiles.ts'

export interface AnalyticsLoopOptions { intervalMs?: number }

/** Folds pending indicator deltas; -1 when another instance is folding them right now. */
export async function compactIndicators(app: AppContext): Promise<number> {
  const { rows } = await app.knex.raw('SELECT indicator_compact() AS n') as { rows: { n: string }[] }
  return Number(rows[0]!.n)
}

export function startAnalyticsLoop(app: AppContext, opts: AnalyticsLoopOptions = {}): { stop(): Promise<void> } {
  return startPassLoop(app, 'analytics', [
    { name: 'indicators', run: () => compactIndicators(app) },
    { name: 'warnings', run: async () => {
      const r = await runWarningPass(app.knex)
      if (Object.values(r).some((n) => n > 0)) app.logger.info({ ...r }, 'warnings raised')
    } },
    // 超出预测: fits every street × class group of every city, so every ten minutes, not every pass
    { name: 'forecasts', everyMs: 600_000, firstAfterMs: 120_000, run: async () => {
      const n = await raiseForecastWarnings(app.knex)
      if (n) app.logger.info({ raised: n }, 'forecast warnings raised')
    } },
    { name: 'assessments', everyMs: 600_000, firstAfterMs: 60_000, run: async () => {
      const r = await runAssessmentPass(app.knex)
      if (r.written) app.logger.info({ ...r }, 'assessment snapshots written')
    } },
    { name: 'reports', everyMs: 600_000, firstAfterMs: 90_000, run: async () => {
      const r = await runReportPass(app.knex)
      if (r.stored) app.logger.info({ ...r }, 'periodic reports stored')
    } },
    // 疑难 by the rule and overdue 会商 decisions: each marked or told once (row locks and claims)
    { name: 'hard-cases', everyMs: 600_000, firstAfterMs: 150_000, run: async () => {
      const marked = await runHardCasePass(app.knex)
      if (marked) app.logger.info({ marked }, 'hard cases marked by the rule')
    } },
    { name: 'meeting-decisions', everyMs: 60_000, run: async () => {
      const told = await tellOverdueDecisions(app.knex)
      if (told) app.logger.info({ told }, 'overdue meeting decisions told')
    } },
    // 一格一档: every grid's data quality once a day (an upsert; the stale-record notices are claimed
    // with SKIP LOCKED and spaced a month apart, so several instances never tell twice)
    { name: 'grid-quality', everyMs: 86_400_000, firstAfterMs: 300_000, run: async () => {
      const r = await runGridQualityPass(app.knex)
      if (r.told) app.logger.info({ ...r }, 'grid data quality computed, stale records told')
    } },
    // 全省一网运行: yesterday's statistics and changed open-data catalogue entries to the province
    // (outbox messages keyed by message id: a second instance or a second run queues nothing)
    { name: 'province-exchange', everyMs: 3_600_000, firstAfterMs: 180_000, run: async () => {
      const r = await runExchangePass(app.knex)
      if (r.statistics || r.catalogue || r.feedback) app.logger.info({ ...r }, 'province exchange messages queued')
    } },
    // 开放数据: each city's open-data files of the day written once (an hourly look; a day already
    // written costs a stat, and two writers of one day leave one)
    { name: 'open-data', everyMs: 3_600_000, firstAfterMs: 30_000, run: async () => {
      const r = await runOpenDataPass(app.knex, app.config.dataDir)
      if (r.written) app.logger.info({ ...r }, 'open-data files written')
    } },
    // 主动服务: every enabled rule once an hour (tasks unique per person, rule and period: a rerun makes none)
    { name: 'proactive', everyMs: 3_600_000, firstAfterMs: 240_000, run: async () => {
      const r = await runProactivePass(app.knex)
      if (r.created) app.logger.info({ ...r }, 'proactive tasks created')
    } },
  ], opts.intervalMs ?? 30_000)
}
