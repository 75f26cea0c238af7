// Open data (政务数据开放): non-confidential aggregates of a city's demands as files anyone may
// download, no sign-in: demands per district × month × major class (CSV) and per community
// (GeoJSON with a label point, or CSV), over the last twelve complete months (Asia/Shanghai).
// Counts only, never a person or an event. A cell under THRESHOLD (5) is suppressed as the
// reporters' statistics do (server/analytics/reporters.ts), and so that no suppressed cell comes
// back as a difference, each district's cells are a margin (the district's twelve-month total
// follows from the other dataset when all of its cells there are shown).
import type { Knex } from 'knex'
import { sqlFile } from '../db/sql.ts'
import { suppress, THRESHOLD } from '../analytics/reporters.ts'

export const MONTHS = 12
export const OPEN_DATASETS = {
  'demands-monthly': { name: '各区县月度诉求数量（按事件大类）', formats: ['csv'] },
  communities: { name: '各社区近十二个月诉求数量', formats: ['geojson', 'csv'] },
} as const
export type OpenDataset = keyof typeof OPEN_DATASETS

/** Field descriptions of each dataset (the catalogue entry and the CSV header say the same). */
export const OPEN_FIELDS: Record<OpenDataset, { name: string; type: 'string' | 'integer' | 'geometry'; description: string }[]> = {
  'demands-monthly': [
    { name: 'month', type: 'string', description: '月份（YYYY-MM，北京时间）' },
    { name: 'district_code', type: 'string', description: '区县代码（12位）' },
    { name: 'district_name', type: 'string', description: '区县名称' },
    { name: 'major_class', type: 'string', description: '事件大类代码（2位）' },
    { name: 'major_class_name', type: 'string', description: '事件大类名称' },
    { name: 'demands', type: 'integer', description: `诉求数量；不足${THRESHOLD}件或为防反推而隐藏时为空` },
    { name: 'suppressed', type: 'string', description: 'primary：不足阈值隐藏；secondary：为防反推隐藏；空：公开' },
  ],
  communities: [
    { name: 'community_code', type: 'string', description: '社区代码（12位）' },
    { name: 'community_name', type: 'string', description: '社区名称' },
    { name: 'district_code', type: 'string', description: '区县代码（12位）' },
    { name: 'demands', type: 'integer', description: `近十二个月诉求数量；不足${THRESHOLD}件或为防反推而隐藏时为空` },
    { name: 'suppressed', type: 'string', description: 'primary / secondary / 空' },
    { name: 'geometry', type: 'geometry', description: '社区内一点（CGCS2000 经纬度），GeoJSON 格式提供' },
  ],
}

const SHANGHAI_MS = 8 * 3600_000

/** The last MONTHS complete calendar months in Asia/Shanghai (no daylight saving: a fixed +8 h). */
export function openPeriod(now = new Date()): { from: Date; to: Date } {
  const local = new Date(now.getTime() + SHANGHAI_MS)
  const to = new Date(Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), 1) - SHANGHAI_MS)
  const from = new Date(Date.UTC(local.getUTCFullYear(), local.getUTCMonth() - MONTHS, 1) - SHANGHAI_MS)
  return { from, to }
}

type Suppressed = 'primary' | 'secondary' | null
interface Counted { district: string; count: number; suppressed: Suppressed }

/** Suppresses small cells in place, each district's cells one margin. */
function suppressByDistrict<T extends Counted>(rows: T[]): T[] {
  const cells = rows.map((r) => ({ key: [r.district], people: r.count, demands: r.count, suppressed: null as Suppressed }))
  const byDistrict = new Map<string, number[]>()
  rows.forEach((r, i) => byDistrict.set(r.district, [...(byDistrict.get(r.district) ?? []), i]))
  suppress(cells, [...byDistrict.values()], THRESHOLD)
  rows.forEach((r, i) => { r.suppressed = cells[i]!.suppressed })
  return rows
}

export interface MonthlyRow extends Counted { month: string; districtName: string; major: string; majorName: string | null }
export interface CommunityRow extends Counted { code: string; name: string; point: { type: 'Point'; coordinates: [number, number] } }

export async function monthlyDemands(knex: Knex, city: string, now = new Date()): Promise<MonthlyRow[]> {
  const { rows } = await knex.raw(sqlFile('exchange/open_monthly'), { city, ...openPeriod(now) }) as {
    rows: { month: string; district_code: string; district_name: string; major: string; major_name: string | null; demands: number }[] }
  return suppressByDistrict(rows.map((r) => ({ month: r.month, district: r.district_code, districtName: r.district_name, major: r.major,
    majorName: r.major_name, count: r.demands, suppressed: null })))
}

export async function communityDemands(knex: Knex, city: string, now = new Date()): Promise<CommunityRow[]> {
  const { rows } = await knex.raw(sqlFile('exchange/open_communities'), { city, ...openPeriod(now) }) as {
    rows: { code: string; name: string; district_code: string; point: CommunityRow['point']; demands: number }[] }
  return suppressByDistrict(rows.map((r) => ({ code: r.code, name: r.name, district: r.district_code, point: r.point, count: r.demands, suppressed: null })))
}

/** A CSV field: quoted when it holds a comma, quote or line break; a leading =+-@ is defused (formula injection). */
export function csvField(v: string | number | null): string {
  if (v === null) return ''
  let s = String(v)
  if (/^[=+\-@]/.test(s)) s = `'${s}`
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s
}

const csv = (header: string[], lines: (string | number | null)[][]) =>
  '\uFEFF' + [header, ...lines].map((l) => l.map(csvField).join(',')).join('\r\n') + '\r\n'

const shown = (r: Counted) => (r.suppressed ? null : r.count)

export function monthlyCsv(rows: MonthlyRow[]): string {
  return csv(OPEN_FIELDS['demands-monthly'].map((f) => f.name),
    rows.map((r) => [r.month, r.district, r.districtName, r.major, r.majorName, shown(r), r.suppressed]))
}

export function communitiesCsv(rows: CommunityRow[]): string {
  return csv(OPEN_FIELDS.communities.filter((f) => f.type !== 'geometry').map((f) => f.name),
    rows.map((r) => [r.code, r.name, r.district, shown(r), r.suppressed]))
}

export function communitiesGeoJson(rows: CommunityRow[], period: { from: Date; to: Date }): string {
  return JSON.stringify({
    type: 'FeatureCollection',
    period: { from: period.from.toISOString(), to: period.to.toISOString(), timeZone: 'Asia/Shanghai' },
    threshold: THRESHOLD,
    features: rows.map((r) => ({
      type: 'Feature', id: r.code, geometry: r.point,
      properties: { community_code: r.code, community_name: r.name, district_code: r.district, demands: shown(r), suppressed: r.suppressed },
    })),
  })
}
