// Data quality per base grid (一格一档, issue 20 item 7): how fresh and complete each grid's records
// are (the registers, components, addresses and members; sql/queries/quality/grid_data_compute.sql
// says what each part counts), stored per grid with its parts, stale and duplicated records. The
// `grid_quality` layer of the catalogue draws the scores; a grid with stale records tells its
// primary member's account once a month at most (inbox, 待办) which records to verify again.
import type { Knex } from 'knex'
import type { Principal } from '../auth/users.ts'
import { adminPrefix, type Jurisdiction } from '../db/jurisdiction.ts'
import { sqlFile } from '../db/sql.ts'
import { notFound } from '../http/errors.ts'
import { deliver } from '../inbox/deliver.ts'
import type { LayerDef } from '../../tiles/catalogue.ts'

/** A record verified (a component updated) longer ago than this is stale. */
export const FRESH_DAYS = 365
/** A grid's member is told about its stale records at most this often. */
const NOTIFY_EVERY_DAYS = 30

export interface Part { rows?: number; fresh?: number; complete?: number; share: number; primary?: boolean; phone?: boolean }

export interface GridQuality {
  gridCode: string; communityCode: string; score: number; parts: Record<string, Part>
  stale: number; duplicates: number; computedAt: string
}

interface Row { grid_code: string; community_code: string; score: string; parts: Record<string, Part>; stale: number; duplicates: number; computed_at: Date }

const view = (r: Row): GridQuality => ({
  gridCode: r.grid_code, communityCode: r.community_code, score: Number(r.score), parts: r.parts,
  stale: r.stale, duplicates: r.duplicates, computedAt: r.computed_at.toISOString(),
})

/** Computes and stores the quality of every current base grid under an admin code; answers how many. */
export async function computeGridQuality(knex: Knex, areaCode: string, freshDays = FRESH_DAYS): Promise<number> {
  const { rows } = await knex.raw(sqlFile('quality/grid_data_compute'), { area: `${adminPrefix(areaCode)}%`, fresh_days: freshDays }) as { rows: unknown[] }
  return rows.length
}

/** The caller's area (default its city) when it lies in, or contains part of, its jurisdiction. */
export function areaOf(principal: Principal, area: string | undefined): string {
  const code = area ?? (principal.cityCode ? `${principal.cityCode}000000` : undefined)
  if (!code) throw notFound('no city for this caller')
  if (!principal.jurisdiction.overlaps(code)) {
    throw notFound(`no area ${code} in your jurisdiction`).coded('quality.area_not_found', { area: code })
  }
  return code
}

export async function listGridQuality(knex: Knex, scope: Jurisdiction, q: { area: string; below: number; limit: number; offset: number }): Promise<{ items: GridQuality[]; total: number }> {
  const base = () => scope.apply(knex('grid_data_quality').where('community_code', 'like', `${adminPrefix(q.area)}%`).where('score', '<', q.below), 'community_code')
  const [rows, [count]] = await Promise.all([
    base().orderBy([{ column: 'score', order: 'asc' }, { column: 'grid_code', order: 'asc' }]).limit(q.limit).offset(q.offset) as Promise<Row[]>,
    base().count<{ n: string }[]>('* as n'),
  ])
  return { items: rows.map(view), total: Number(count?.n ?? 0) }
}

export async function gridQuality(knex: Knex, scope: Jurisdiction, code: string): Promise<GridQuality | undefined> {
  const row = await scope.apply(knex('grid_data_quality').where('grid_code', code), 'community_code').first() as Row | undefined
  return row && view(row)
}

const PART_TITLES: Record<string, string> = { houses: '房屋', residents: '人口', places: '场所', special_groups: '特殊人群', components: '部件' }

/**
 * Tells the primary member of each grid under the area with stale records which records to verify
 * again (inbox 待办), once per NOTIFY_EVERY_DAYS; answers how many grids were told.
 */
export async function notifyStale(knex: Knex, areaCode: string, now = new Date()): Promise<number> {
  return knex.transaction(async (trx) => {
    const { rows } = await trx.raw(sqlFile('quality/grid_data_due'), { area: `${adminPrefix(areaCode)}%`, days: NOTIFY_EVERY_DAYS }) as {
      rows: (Row & { user_id: string | null })[]
    }
    let told = 0
    for (const r of rows) {
      const lines = Object.entries(r.parts).filter(([k, p]) => PART_TITLES[k] && p.rows !== undefined && p.fresh !== undefined && p.rows > p.fresh)
        .map(([k, p]) => `${PART_TITLES[k]} ${p.rows! - p.fresh!} 条`)
      if (r.user_id && lines.length) {
        told += await deliver(trx, {
          kind: 'todo', title: `网格 ${r.grid_code} 有 ${r.stale} 条数据超过一年未核实`,
          body: `请核实更新：${lines.join('，')}（一格一档，数据质量得分 ${Number(r.score)}）`, areaCode: r.community_code,
          link: `#/quality/grids/${r.grid_code}`, data: { gridCode: r.grid_code, stale: r.stale },
        }, { userIds: [r.user_id] }, now) > 0 ? 1 : 0
      }
      await trx('grid_data_quality').where('grid_code', r.grid_code).update({ notified_at: now })
    }
    return told
  })
}

/** The grid quality layer: the current base grids coloured by their data quality score. */
export const gridQualityLayer: LayerDef = {
  id: 'grid_quality', title: '网格数据质量', abstract: '一格一档：基础网格的数据质量得分（登记、部件、地址、网格员的完整与新鲜程度）',
  table: 'grid', geometryType: 'MultiPolygon', key: 'code', adminColumn: 'community_code',
  where: "t.kind = 'base' AND t.valid_to IS NULL",
  attributes: [
    { name: 'code', sql: 't.code', type: 'string', title: '网格编码' },
    { name: 'name', sql: 't.name', type: 'string', title: '网格名称' },
    { name: 'community_code', sql: 't.community_code', type: 'string', title: '所属社区' },
    { name: 'score', sql: '(SELECT q.score::float8 FROM grid_data_quality q WHERE q.grid_code = t.code)', type: 'number', title: '数据质量得分' },
    { name: 'stale', sql: '(SELECT q.stale FROM grid_data_quality q WHERE q.grid_code = t.code)', type: 'integer', title: '待核实条数' },
    { name: 'band', sql: "(SELECT CASE WHEN q.score >= 80 THEN 'good' WHEN q.score >= 60 THEN 'fair' ELSE 'poor' END FROM grid_data_quality q WHERE q.grid_code = t.code)", type: 'string', title: '质量等级' },
  ],
  minZoom: 10, maxZoom: 22, queryable: true,
  styles: [{ name: 'by_band', title: '按质量等级', by: 'band', colours: {
    good: ['rgba(42,157,143,0.25)', '#2a9d8f'], fair: ['rgba(233,196,106,0.3)', '#e9c46a'], poor: ['rgba(214,40,40,0.3)', '#d62828'], '*': ['rgba(141,153,174,0.15)', '#8d99ae'] } }],
}

/** The daily pass (analytics loop): every city's grids recomputed, their stale records told. */
export async function runGridQualityPass(knex: Knex): Promise<{ grids: number; told: number }> {
  const cities = await knex('grid').whereNull('valid_to').where('kind', 'base').distinct('city_code').pluck('city_code') as string[]
  let grids = 0, told = 0
  for (const city of cities) {
    if (!/^[0-9]{6}$/.test(city)) continue
    grids += await computeGridQuality(knex, `${city}000000`)
    told += await notifyStale(knex, `${city}000000`)
  }
  return { grids, told }
}
