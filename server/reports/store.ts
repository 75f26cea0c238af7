// Stored city-wide reports (table report, migration 0024): written once per city, kind, period
// and format, by the pass or by the first request after the period ended; never rewritten.
import type { Knex } from 'knex'
import type { Period } from '../analytics/calendarPeriods.ts'
import type { Format, Rendered } from './render.ts'

export interface StoredReport { content: Buffer; sha256: string; generated_at: Date }

export async function storedReport(knex: Knex, city: string, p: Period, format: Format): Promise<StoredReport | undefined> {
  return await knex('report').where({ city_code: city, kind: p.kind, label: p.label, format })
    .first('content', 'sha256', 'generated_at') as StoredReport | undefined
}

/** Stores a report unless one is there already (two instances: the second insert is a no-op); true when this call stored it. */
export async function storeReport(knex: Knex, city: string, p: Period, format: Format, r: Rendered, generatedAt: Date): Promise<boolean> {
  const rows = await knex('report').insert({
    city_code: city, kind: p.kind, label: p.label, format, period_from: p.from, period_to: p.to,
    content: r.content, bytes: r.content.length, sha256: r.sha256, generated_at: generatedAt,
  }).onConflict(['city_code', 'kind', 'label', 'format']).ignore().returning('label') as unknown[]
  return rows.length > 0
}

/** The formats stored for a city's period (no content read). */
export const storedFormats = async (knex: Knex, city: string, p: Period): Promise<string[]> =>
  await knex('report').where({ city_code: city, kind: p.kind, label: p.label }).pluck('format') as string[]

export const cityCodes = async (knex: Knex): Promise<string[]> =>
  (await knex('admin_division').where({ level: 'city' }).orderBy('code').select('code') as { code: string }[]).map((r) => r.code)
