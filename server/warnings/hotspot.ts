// 新增热点: Gi* hot spots (server/analytics/hotspots.ts) of the whole city over the last `days`
// against the `days` before: a cell hot at the rule's confidence now (FDR-corrected bin) that was
// not hot at any level before raises one warning per cell and Shanghai day.
import type { Knex } from 'knex'
import { cellToLatLng } from 'h3-js'
import { sqlFile } from '../db/sql.ts'
import { Jurisdiction } from '../db/jurisdiction.ts'
import { localDate } from '../events/calendar.ts'
import { statuses } from '../events/workflow.ts'
import { hotspots, type Hotspots } from '../analytics/hotspots.ts'
import { commonArea, MAX_EVENT_IDS, type Candidate } from './candidate.ts'
import type { Params } from './rules.ts'

const BIN_OF: Record<90 | 95 | 99, number> = { 90: 1, 95: 2, 99: 3 }
/** every status but voided (a mistaken report is not a place's problem) */
const COUNTED = statuses.filter((s) => s !== 'voided')

const binsOf = (fc: Hotspots) => new Map(fc.features.map((f) => [f.id, f.properties]))

export async function newHotspotCandidates(knex: Knex, city: string, p: Params<'new_hotspot'>, now: Date, areaNames: Map<string, string>): Promise<Candidate[]> {
  const scope = Jurisdiction.of([city.slice(0, 4).padEnd(12, '0')])
  const span = p.days * 86_400_000
  const o = { resolution: p.resolution, k: 1, permutations: 0, seed: 1 }
  const window = (to: number) => ({ from: new Date(to - span), to: new Date(to), statuses: COUNTED })
  const [cur, prev] = [await hotspots(knex, scope, window(now.getTime()), o), await hotspots(knex, scope, window(now.getTime() - span), o)]
  const before = binsOf(prev)
  const need = BIN_OF[p.confidence]
  const fresh = cur.features.filter((f) => f.properties.bin >= need && (before.get(f.id)?.bin ?? 0) <= 0)
  if (!fresh.length) return []
  const { rows } = await knex.raw(sqlFile('warnings/hotspot_cells'), {
    res: p.resolution, from: window(now.getTime()).from, to: now, city, cells: fresh.map((f) => f.id), maxIds: MAX_EVENT_IDS,
  }) as { rows: { cell: string; n: number; communities: string[]; ids: string[] }[] }
  const byCell = new Map(rows.map((r) => [r.cell, r]))
  const day = localDate(now)
  const out: Candidate[] = []
  for (const f of fresh) {
    const ev = byCell.get(f.id)
    // a hot cell without events of its own is hot through its neighbours: the area is where they are
    if (!ev) continue
    const area = commonArea(ev.communities)
    const [lat, lon] = cellToLatLng(f.id)
    const pr = f.properties
    out.push({
      kind: 'new_hotspot', level: pr.bin >= 3 ? 2 : 3, area, lon, lat,
      title: `新增热点：${areaNames.get(area) ?? area}出现新的热点（近${p.days}天${pr.count}件，置信度${pr.bin >= 3 ? 99 : pr.bin >= 2 ? 95 : 90}%）`,
      detail: {
        h3: f.id, resolution: p.resolution, days: p.days, count: pr.count, z: pr.z, p: pr.p, pFdr: pr.pFdr, bin: pr.bin,
        previous: before.get(f.id) ? { count: before.get(f.id)!.count, z: before.get(f.id)!.z, bin: before.get(f.id)!.bin } : { count: 0, bin: 0 },
        eventCount: ev.n,
      },
      eventIds: ev.ids.map(Number), dedupeKey: `${f.id}:${day}`,
    })
  }
  return out
}
