// The sensors' clock (run from server/background.ts): observation partitions made ahead, silence
// found (no reading for a rule's minutes), incidents closed once normal long enough without a
// new reading, and an incident whose event failed retried with the same idempotency key. Every
// step is safe on several instances at once: the open-incident unique index and intake's
// Idempotency-Key decide who wins.
import type { Knex } from 'knex'
import type { AppContext } from '../context.ts'
import { sqlFile } from '../db/sql.ts'
import { raiseEvent, setRuleLogger, type RuleRow, type StreamInfo } from './rules.ts'

const RETRY_AFTER_MS = 60_000

async function info(db: Knex, ids: string[]): Promise<Map<string, StreamInfo>> {
  const { rows } = await db.raw(sqlFile('sensors/stream_info'), { ids }) as { rows: StreamInfo[] }
  return new Map(rows.map((r) => [String(r.id), r]))
}

/** One pass; returns what it did (tests call it instead of waiting for the timer). */
export async function sensorPass(app: AppContext): Promise<{ silent: number; closed: number; retried: number }> {
  const db = app.knex
  await db.raw("SELECT sta_observation_ensure_partitions((now() AT TIME ZONE 'Asia/Shanghai')::date, 3)")
  const { rows: quiet } = await db.raw(sqlFile('sensors/silent_streams')) as { rows: { rule_id: string; datastream_id: string; admin_code: string; last_time: Date }[] }
  let silent = 0
  if (quiet.length) {
    const streams = await info(db, quiet.map((q) => q.datastream_id))
    const rules = new Map((await db('sensor_rule').whereIn('id', quiet.map((q) => q.rule_id)).select<RuleRow[]>('*')).map((r) => [String(r.id), r]))
    for (const q of quiet) {
      const now = new Date()
      const { rows } = await db.raw(`INSERT INTO sensor_incident (rule_id, datastream_id, admin_code, opened_at, last_abnormal_at)
        VALUES (?, ?, ?, ?, ?) ON CONFLICT (rule_id, datastream_id) WHERE closed_at IS NULL DO NOTHING RETURNING id`,
      [q.rule_id, q.datastream_id, q.admin_code, now, now]) as { rows: { id: string }[] }
      const s = streams.get(String(q.datastream_id))
      const rule = rules.get(String(q.rule_id))
      if (!rows[0] || !s || !rule) continue
      silent++
      await raiseEvent(db, s, rule, { id: rows[0].id, readings: [] }, `自 ${q.last_time.toISOString()} 起超过 ${rule.silence_minutes} 分钟无读数`)
    }
  }
  const { rows: closedRows } = await db.raw(sqlFile('sensors/close_settled')) as { rows: unknown[] }
  const stuck = await db('sensor_incident').whereNull('event_number').whereNull('closed_at').where('opened_at', '<', new Date(Date.now() - RETRY_AFTER_MS))
    .limit(100).select('id', 'rule_id', 'datastream_id', 'readings') as { id: string; rule_id: string; datastream_id: string; readings: { time: string; result: number | null }[] }[]
  if (stuck.length) {
    const streams = await info(db, stuck.map((s) => s.datastream_id))
    const rules = new Map((await db('sensor_rule').whereIn('id', stuck.map((s) => s.rule_id)).select<RuleRow[]>('*')).map((r) => [String(r.id), r]))
    for (const s of stuck) {
      const st = streams.get(String(s.datastream_id))
      const rule = rules.get(String(s.rule_id))
      if (st && rule) await raiseEvent(db, st, rule, s)
    }
  }
  return { silent, closed: closedRows.length, retried: stuck.length }
}

export function startSensorLoop(app: AppContext, opts: { intervalMs?: number } = {}): { stop(): Promise<void> } {
  const intervalMs = opts.intervalMs ?? 30_000
  setRuleLogger(app.logger.child({ loop: 'sensors' }))
  let stopped = false
  let running: Promise<unknown> = Promise.resolve()
  const timer = setInterval(() => {
    running = running.then(() => (stopped ? undefined : sensorPass(app)))
      .catch((err: unknown) => app.logger.error({ err }, 'sensor pass failed'))
  }, intervalMs)
  timer.unref()
  return {
    async stop() {
      stopped = true
      clearInterval(timer)
      await running
    },
  }
}
