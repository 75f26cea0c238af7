// 群体性诉求: many demands from one place. Events of the last `hours` are grouped into disks of
// radiusM (geodesic) around the busiest events (diskClusters); a disk holding at least minEvents
// demands is a cluster. One warning per cluster, keyed by its first event (earliest, then
// lowest id); a cluster sharing an event with a recent mass warning is that gathering still going
// on and raises nothing new.
import type { Knex } from 'knex'
import { sqlFile } from '../db/sql.ts'
import { commonArea, levelByMultiple, MAX_EVENT_IDS, type Candidate } from './candidate.ts'
import type { Params } from './rules.ts'

interface Row { a: string; b: string | null; number: string | null; created_at: Date | null; class_code: string | null; community_code: string | null; lon: number | null; lat: number | null }
export interface MassEvent { id: number; number: string; at: number; classCode: string; community: string; lon: number; lat: number }

/**
 * Disks of radius r around the busiest events, greedily: the event with the most unclaimed events
 * within r (itself included; ties: the earliest) takes them all as one cluster, while that count
 * reaches minPts. Unlike DBSCAN, whose clusters chain through a dense downtown into one, a cluster
 * here is what the rule says: minPts demands within r of one place (at most 2r across).
 * Answers clusters as event indices; events are given in time order.
 */
export function diskClusters(n: number, pairs: [number, number][], minPts: number): number[][] {
  const nb: number[][] = Array.from({ length: n }, (_, i) => [i])
  for (const [i, j] of pairs) { nb[i]!.push(j); nb[j]!.push(i) }
  const taken = new Array<boolean>(n).fill(false)
  const clusters: number[][] = []
  for (;;) {
    let best = -1, bestCount = 0
    for (let i = 0; i < n; i++) {
      if (taken[i] || nb[i]!.length < minPts) continue
      let c = 0
      for (const j of nb[i]!) if (!taken[j]) c++
      if (c > bestCount) { best = i; bestCount = c }
    }
    if (best < 0 || bestCount < minPts) return clusters
    const members = nb[best]!.filter((j) => !taken[j])
    for (const j of members) taken[j] = true
    clusters.push(members)
  }
}

export async function massCandidates(knex: Knex, city: string, p: Params<'mass'>, now: Date, areaNames: Map<string, string>): Promise<Candidate[]> {
  const since = new Date(now.getTime() - p.hours * 3600_000)
  const { rows } = await knex.raw(sqlFile('warnings/mass_events'), {
    city, since, now, radiusM: p.radiusM, deg: (p.radiusM / 111_000) * 2, grp: p.group,
  }) as { rows: Row[] }
  // in time order, so border events shared by two clusters go the same way in every instance
  const events: MassEvent[] = rows.filter((r) => r.b === null).map((r) => ({
    id: Number(r.a), number: r.number!, at: r.created_at!.getTime(), classCode: r.class_code!, community: r.community_code!, lon: Number(r.lon), lat: Number(r.lat),
  })).sort((x, y) => x.at - y.at || x.id - y.id)
  const index = new Map(events.map((e, i) => [String(e.id), i]))
  const pairs = rows.filter((r) => r.b !== null).map((r) => [index.get(String(r.a))!, index.get(String(r.b))!] as [number, number])
  const clusters = diskClusters(events.length, pairs, p.minEvents)
  if (!clusters.length) return []
  const { rows: recent } = await knex.raw(sqlFile('warnings/mass_recent'), { city, since }) as { rows: { ids: string[] }[] }
  const warned = new Set(recent.flatMap((r) => r.ids.map(Number)))
  const out: Candidate[] = []
  for (const c of clusters) {
    const members = c.map((i) => events[i]!).sort((x, y) => x.at - y.at || x.id - y.id)
    if (members.some((m) => warned.has(m.id))) continue
    const area = commonArea(members.map((m) => m.community))
    const lon = members.reduce((s, m) => s + m.lon, 0) / members.length
    const lat = members.reduce((s, m) => s + m.lat, 0) / members.length
    const n = members.length
    out.push({
      kind: 'mass', level: levelByMultiple(n, p.minEvents), area, lon, lat,
      title: `群体性诉求：${areaNames.get(area) ?? area}${p.radiusM}米范围内${p.hours}小时${n}件诉求`,
      detail: {
        eventCount: n, radiusM: p.radiusM, hours: p.hours, group: p.group,
        classCodes: [...new Set(members.map((m) => m.classCode))].sort(),
        numbers: members.slice(0, MAX_EVENT_IDS).map((m) => m.number),
        firstAt: new Date(members[0]!.at).toISOString(), lastAt: new Date(members[n - 1]!.at).toISOString(),
      },
      eventIds: members.slice(0, MAX_EVENT_IDS).map((m) => m.id), dedupeKey: `first:${members[0]!.id}`,
    })
  }
  return out
}
