// The daily upward push: for every city with an enabled province platform, yesterday's
// statistics (and any of the last week's days not sent yet) and the catalogue entries of its
// open datasets when they changed, and the steps of recent instructions the province has not been
// sent yet (its platform was configured after them; migration 0072 queues the others as they
// happen). Each is one outbox message keyed by its message id, so a pass
// run twice, or on two instances at once, queues nothing twice (the insert is ON CONFLICT DO
// NOTHING); delivery, retry and the delivery log are the outbox's.
import crypto from 'node:crypto'
import type { Knex } from 'knex'
import { sqlFile } from '../db/sql.ts'
import { cityAdminCode } from '../integrations/platforms.ts'
import { envelope, provinceCode, queueExchange } from './messages.ts'
import { OPEN_DATASETS, OPEN_FIELDS, type OpenDataset } from './openData.ts'

/** How far back a day missed (the service was down) is still sent. */
export const CATCH_UP_DAYS = 7
const DAY_MS = 86_400_000
const SHANGHAI_MS = 8 * 3600_000

/** The calendar day (Asia/Shanghai) of an instant, as YYYY-MM-DD. */
export const shanghaiDay = (t: Date) => new Date(t.getTime() + SHANGHAI_MS).toISOString().slice(0, 10)

export interface DailyStatistics {
  areaCode: string; date: string; timeZone: 'Asia/Shanghai'
  rows: { districtCode: string; majorClass: string; reported: number; closed: number; closedOverdue: number }[]
  totals: { reported: number; closed: number; closedOverdue: number }
}

export async function dailyStatistics(knex: Knex, city: string, day: string): Promise<DailyStatistics> {
  const { rows } = await knex.raw(sqlFile('exchange/daily_statistics'), { city, day }) as {
    rows: { district_code: string; major: string; reported: number; closed: number; closed_overdue: number }[] }
  const out = rows.map((r) => ({ districtCode: r.district_code, majorClass: r.major, reported: r.reported, closed: r.closed, closedOverdue: r.closed_overdue }))
  const sum = (k: 'reported' | 'closed' | 'closedOverdue') => out.reduce((a, r) => a + r[k], 0)
  return { areaCode: cityAdminCode(city), date: day, timeZone: 'Asia/Shanghai', rows: out, totals: { reported: sum('reported'), closed: sum('closed'), closedOverdue: sum('closedOverdue') } }
}

export const statisticsMessageId = (city: string, day: string) => `stats:${city}:${day}`

/** The catalogue entry of an open dataset (what the provincial catalogue registers). */
export function openDatasetEntry(city: string, dataset: OpenDataset, updatedAt: Date) {
  const d = OPEN_DATASETS[dataset]
  return {
    id: `${city}/open-data/${dataset}`, name: d.name, resourceType: 'dataset' as const,
    description: '城市网格化治理平台开放数据：诉求数量的汇总统计，不含个人信息；不足5件的单元格已隐藏。',
    owner: '城市运行管理服务中心', fields: OPEN_FIELDS[dataset].map((f) => ({ name: f.name, type: f.type, description: f.description })),
    updateFrequency: '每月' as const, classification: '公开' as const, sharing: '无条件共享' as const, areaCode: cityAdminCode(city),
    formats: [...d.formats], links: d.formats.map((f) => `/api/v1/exchange/open-data/${city}/${dataset}.${f}`), updatedAt: updatedAt.toISOString(),
  }
}

/** A catalogue entry's message id carries a hash of its content: a changed entry is sent again, an unchanged one never. */
export function catalogueMessageId(entry: ReturnType<typeof openDatasetEntry>): string {
  const { updatedAt: _, ...content } = entry
  return `catalogue:${entry.id.replace(/\//g, '.')}:${crypto.createHash('sha256').update(JSON.stringify(content)).digest('hex').slice(0, 16)}`
}

export interface PushSummary { statistics: number; catalogue: number; feedback: number }

/** How far back an instruction's steps are still caught up (a province link configured later). */
export const FEEDBACK_CATCH_UP_DAYS = 90

export async function runExchangePass(knex: Knex, now = new Date()): Promise<PushSummary> {
  const platforms = await knex('integration_platform').where({ adapter: 'province', enabled: true }).select('code', 'city_code', 'created_at') as
    { code: string; city_code: string; created_at: Date }[]
  const summary: PushSummary = { statistics: 0, catalogue: 0, feedback: 0 }
  for (const p of platforms) {
    if (p.code !== provinceCode(p.city_code)) continue
    // from the day before the platform was configured: it may want yesterday's figures at once
    const first = shanghaiDay(new Date(Math.max(p.created_at.getTime() - DAY_MS, now.getTime() - CATCH_UP_DAYS * DAY_MS)))
    const days: string[] = []
    for (let t = now.getTime() - DAY_MS; shanghaiDay(new Date(t)) >= first; t -= DAY_MS) days.push(shanghaiDay(new Date(t)))
    const sent = new Set((await knex('outbox').where({ topic: 'integration', platform_code: p.code })
      .whereIn('key', days.map((d) => `${p.code}:${statisticsMessageId(p.city_code, d)}`)).select('key') as { key: string }[]).map((r) => r.key))
    for (const day of days) {
      const id = statisticsMessageId(p.city_code, day)
      if (sent.has(`${p.code}:${id}`)) continue
      if (await queueExchange(knex, p.city_code, envelope('statistics', id, p.city_code, await dailyStatistics(knex, p.city_code, day), now))) summary.statistics++
    }
    for (const dataset of Object.keys(OPEN_DATASETS) as OpenDataset[]) {
      const entry = openDatasetEntry(p.city_code, dataset, now)
      if (await queueExchange(knex, p.city_code, envelope('catalogue-entry', catalogueMessageId(entry), p.city_code, entry, now))) summary.catalogue++
    }
    const { rows } = await knex.raw(sqlFile('exchange/feedback_catch_up'), { city: p.city_code, days: FEEDBACK_CATCH_UP_DAYS }) as { rows: { queued: number }[] }
    summary.feedback += rows[0]!.queued
  }
  return summary
}
