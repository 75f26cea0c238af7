// The yearly service-gap check (一年一体检) of an area: per community and service, how many of the
// people it serves live within a walk of the service's reach of one of its facilities along the
// roads (walk.ts), how many people each facility inside the community serves, the year's demands
// of the related classes, and whether the service is lacking there (fewer than its minShare within
// reach); then capacity against the people who can walk to it (2SFCA, fca.ts), short where under
// the service's standard. The services, reaches and thresholds are configuration (kinds.ts); a
// request may override reach and share. Population is the people register as it stands now;
// demands are those of the year checked.
import type { Knex } from 'knex'
import { z } from 'zod'
import { notFound } from '../http/errors.ts'
import { sqlFile } from '../db/sql.ts'
import { adminPrefix, type Jurisdiction } from '../db/jurisdiction.ts'
import { badParam } from '../analytics/filters.ts'
import { placeKind } from '../places/spec.ts'
import { WalkNetwork, type Segment, type Snap } from './walk.ts'
import { twoStepFca } from './fca.ts'
import { ELDERLY_AGE, FIRST_YEAR, MAX_REACH_M, MIN_REACH_M, serviceKindsAt, type ServiceKind } from './kinds.ts'

const whole = (min: number, max: number) => z.string().regex(/^[0-9]{1,6}$/, 'must be a whole number')
  .transform(Number).pipe(z.number().int().min(min, `must be ${min}-${max}`).max(max, `must be ${min}-${max}`))

export const serviceGapsQuery = z.object({
  area: z.string().regex(/^[0-9]{12}$/, 'must be a 12-digit admin code').optional()
    .describe('a district, street or community inside the caller\'s jurisdiction (default: the whole jurisdiction); outside it: 404'),
  year: whole(FIRST_YEAR, 9999).optional()
    .describe(`the year checked, ${FIRST_YEAR} to this year (Asia/Shanghai): its demands, and the age of the elderly at its end; default this year`),
  reach: whole(MIN_REACH_M, MAX_REACH_M).optional()
    .describe(`walking reach in metres along the roads for every service checked, ${MIN_REACH_M}-${MAX_REACH_M}; default each service's configured reach (/api/v1/config/service-kinds)`),
  minShare: z.string().regex(/^(0(\.[0-9]{1,3})?|1(\.0{1,3})?)$/, 'must be a share 0-1 (up to 3 decimals)').transform(Number).optional()
    .describe('a service is lacking in a community where fewer than this share of those it serves live within reach; default each service\'s configured minShare'),
  kinds: z.string().max(200, 'too long').transform((s) => s.split(',').map((k) => k.trim()))
    .pipe(z.array(placeKind, { message: `each must be a place kind: ${placeKind.options.join(', ')}` }).min(1)).optional()
    .describe('services to check, comma-separated (default every configured one); each must be configured at `at` (else 400 naming kinds)'),
  at: z.iso.datetime({ offset: true, message: 'must be an ISO 8601 date-time with offset' }).transform((s) => new Date(s)).optional()
    .describe('read the services\' configuration as in force at this moment (default now)'),
}).strict()
export type ServiceGapsQuery = z.output<typeof serviceGapsQuery>

export interface ServiceCell {
  kind: string; name: string; serves: 'all' | 'elderly'
  /** facilities of the kind standing in the community */
  facilities: number
  /** people it serves in the community (all residents, or the elderly) and how many live within reach */
  served: number; servedInReach: number; share: number | null
  households: number; householdsInReach: number; householdShare: number | null
  /** served ÷ facilities in the community (null without one) */
  perFacility: number | null
  demands: number
  lacking: boolean
  /** the known capacity of the facilities standing in the community */
  capacity: number
  /** 2SFCA accessibility: capacity within reach per 1,000 served, their mean weighted by the served at each point (null: nobody served) */
  accessPer1000: number | null
  /** accessibility under the service's minAccessPer1000 */
  capacityShort: boolean
}
export interface CommunityGaps {
  code: string; name: string; streetName: string | null
  residents: number; households: number; elderly: number
  services: ServiceCell[]
  /** simplified outline (for the report's map; not in the API answer) */
  rings?: number[][][]
}
export interface KindSummary {
  kind: string; name: string; serves: 'all' | 'elderly'; demandClasses: string[]; facilities: number; served: number; servedInReach: number; share: number | null; communitiesLacking: number
  /** what the kind was checked with: configured (configVersion) unless the request overrode reach or minShare */
  reach: number; minShare: number; capacityUnit: string; minAccessPer1000: number | null; configVersion: number
  capacity: number; facilitiesWithoutCapacity: number; accessPer1000: number | null; communitiesShort: number
}
export interface ServiceGapsAnswer {
  area: string | null; areaName: string | null; year: number
  /** the moment whose configuration was read */
  at: string
  /** the request's overrides (null: each service's configured value) */
  reach: number | null; minShare: number | null
  method: string; capacityMethod: string
  network: { nodes: number; segments: number }
  kinds: KindSummary[]
  communities: CommunityGaps[]
  facilities?: { kind: string; lon: number; lat: number }[]
}

export const METHOD = 'walking distance along the road centre lines (noded at crossings), from each facility\'s nearest road point to each house\'s, ' +
  'plus the straight access legs at both ends; multi-source Dijkstra per service'
export const CAPACITY_METHOD = 'two-step floating catchment area (2SFCA) on the same walks: each facility\'s ratio is its capacity over the people it serves ' +
  'living within reach of it (in the caller\'s jurisdiction, across the area\'s edge too); a point\'s accessibility is the sum of the ratios of the facilities within its reach; ' +
  'a community\'s is the mean over its points weighted by the people served, per 1,000 served'

const r3 = (v: number) => Math.round(v * 1000) / 1000
const shareOf = (n: number, d: number) => (d > 0 ? r3(n / d) : null)
const shanghaiYear = (now: Date) => new Date(now.getTime() + 8 * 3_600_000).getUTCFullYear()

interface CommunityRow { code: string; name: string; street_name: string | null; geojson: string }
interface FacilityRow { id: string; kind: string; community_code: string; lon: number; lat: number; capacity: number | null }
interface PointRow { community_code: string; lon: number; lat: number; residents: number; elderly: number; households: number }

export async function serviceGaps(knex: Knex, scope: Jurisdiction, q: ServiceGapsQuery,
  opts: { now?: Date; withShapes?: boolean } = {}): Promise<ServiceGapsAnswer> {
  const now = opts.now ?? new Date()
  const year = q.year ?? shanghaiYear(now)
  if (year > shanghaiYear(now)) throw badParam('year', `must be ${FIRST_YEAR}-${shanghaiYear(now)}: ${year} has not begun yet`)
    .coded('service_gaps.year_future', { year, max: shanghaiYear(now) })
  const at = q.at ?? now
  const kinds = await checkedKinds(knex, q, at)
  const area = q.area === undefined ? null : await areaIn(knex, scope, q.area)
  const { rows: communities } = await knex.raw(sqlFile('service-gaps/communities'), {
    tol: 0.00003, area: area === null ? '%' : `${adminPrefix(area.code)}%`, patterns: scope.patterns,
  }) as { rows: CommunityRow[] }
  const answer: ServiceGapsAnswer = {
    area: area?.code ?? null, areaName: area?.name ?? null, year, at: at.toISOString(), reach: q.reach ?? null, minShare: q.minShare ?? null,
    method: METHOD, capacityMethod: CAPACITY_METHOD, network: { nodes: 0, segments: 0 }, kinds: [], communities: [],
  }
  const codes = communities.map((c) => c.code)
  const inside = new Set(codes)
  const rings = communities.map((c) => ringsOf(c.geojson))
  const lats = rings.flat(2).map((p) => p[1]!)
  const midLat = lats.length ? (Math.min(...lats) + Math.max(...lats)) / 2 : 0
  const maxReach = Math.max(MIN_REACH_M, ...kinds.map((k) => k.reach))
  // the box widened by the longest reach: degrees of latitude, and of longitude at this latitude
  const dy = maxReach / 111_320
  const dx = dy / Math.cos(midLat * Math.PI / 180)
  const box = { codes, dx, dy }
  // a facility within reach of the area counts the people within reach of it: twice the reach out
  const wide = { codes, dx: 2 * dx, dy: 2 * dy }
  // one query after the other: the embedded PGlite serves one query stream
  const rowsOf = async <T>(name: string, params: Record<string, unknown>): Promise<T[]> =>
    codes.length === 0 ? [] : ((await knex.raw(sqlFile(`service-gaps/${name}`), params)) as { rows: T[] }).rows
  const edges = await rowsOf<Segment>('edges', wide)
  const facilities = await rowsOf<FacilityRow>('facilities', { ...box, kinds: kinds.map((k) => k.kind) })
  // the catchments of facilities near the area's edge reach the people across it (those the caller may count)
  const neighbours = (await rowsOf<{ code: string }>('neighbours', { ...wide, patterns: scope.patterns })).map((r) => r.code)
  const points = await rowsOf<PointRow>('population', { codes: [...codes, ...neighbours], patterns: scope.patterns, elderBorn: `${year - ELDERLY_AGE}-12-31` })
  const demands = await rowsOf<{ community_code: string; class_code: string; n: number }>('demands', {
    codes, patterns: scope.patterns, classes: [...new Set(kinds.flatMap((k) => k.demandClasses))],
    lo: new Date(`${year}-01-01T00:00:00+08:00`), hi: new Date(`${year + 1}-01-01T00:00:00+08:00`),
  })
  const net = new WalkNetwork(edges.map((e) => ({ ax: Number(e.ax), ay: Number(e.ay), bx: Number(e.bx), by: Number(e.by), length: Number(e.length) })), midLat)
  answer.network = { nodes: net.nodeCount, segments: net.edgeCount }
  const pointSnaps = points.map((p) => net.snap(p.lon, p.lat, maxReach))
  const facilitySnaps = facilities.map((f) => net.snap(f.lon, f.lat, maxReach))
  const ofKind = (k: ServiceKind) => facilities.map((f, i) => ({ ...f, capacity: f.capacity === null ? null : Number(f.capacity), snap: facilitySnaps[i]! }))
    .filter((f) => f.kind === k.kind)
  const servedAt = (k: ServiceKind, p: PointRow) => (k.serves === 'elderly' ? p.elderly : p.residents)
  const reaches = kinds.map((k) => net.reach(ofKind(k).map((f) => f.snap).filter((s): s is Snap => s !== null), k.reach))
  const fca = kinds.map((k) => twoStepFca(net, ofKind(k), points.map((p, i) => ({ lon: p.lon, lat: p.lat, snap: pointSnaps[i]!, demand: servedAt(k, p) })), k.reach))
  const cells = new Map(communities.map((c) => [c.code, kinds.map((k) => emptyCell(k))]))
  const totals = new Map(communities.map((c) => [c.code, { residents: 0, households: 0, elderly: 0 }]))
  // per community and kind: Σ served × accessibility at their point (the weighted mean's numerator)
  const accessSum = new Map(communities.map((c) => [c.code, kinds.map(() => 0)]))
  points.forEach((p, pi) => {
    if (!inside.has(p.community_code)) return
    const t = totals.get(p.community_code)!
    t.residents += p.residents; t.households += p.households; t.elderly += p.elderly
    const snap = pointSnaps[pi]!
    kinds.forEach((k, i) => {
      const c = cells.get(p.community_code)![i]!
      const served = servedAt(k, p)
      const near = snap !== null && Number.isFinite(reaches[i]!.distanceTo(snap))
      c.served += served; c.households += p.households
      if (near) { c.servedInReach += served; c.householdsInReach += p.households }
      accessSum.get(p.community_code)![i]! += served * fca[i]!.access[pi]!
    })
  })
  for (const f of facilities) {
    const i = kinds.findIndex((k) => k.kind === f.kind)
    const c = cells.get(f.community_code)?.[i]
    if (c) { c.facilities++; c.capacity += f.capacity === null ? 0 : Number(f.capacity) }
  }
  for (const d of demands) kinds.forEach((k, i) => { if (k.demandClasses.includes(d.class_code)) cells.get(d.community_code)![i]!.demands += d.n })
  answer.communities = communities.map((c, ci) => ({
    code: c.code, name: c.name, streetName: c.street_name, ...totals.get(c.code)!,
    services: cells.get(c.code)!.map((cell, i) => finish(cell, kinds[i]!, accessSum.get(c.code)![i]!)),
    ...(opts.withShapes ? { rings: rings[ci]! } : {}),
  }))
  answer.kinds = kinds.map((k, i) => {
    const all = answer.communities.map((c) => c.services[i]!)
    const served = all.reduce((s, c) => s + c.served, 0), inReach = all.reduce((s, c) => s + c.servedInReach, 0)
    const weighted = communities.reduce((s, c) => s + accessSum.get(c.code)![i]!, 0)
    const own = ofKind(k).filter((f) => inside.has(f.community_code))
    return {
      kind: k.kind, name: k.name, serves: k.serves, demandClasses: k.demandClasses,
      facilities: all.reduce((s, c) => s + c.facilities, 0), served, servedInReach: inReach, share: shareOf(inReach, served),
      communitiesLacking: all.filter((c) => c.lacking).length,
      reach: k.reach, minShare: k.minShare, capacityUnit: k.capacityUnit, minAccessPer1000: k.minAccessPer1000, configVersion: k.versionId,
      capacity: all.reduce((s, c) => s + c.capacity, 0), facilitiesWithoutCapacity: own.filter((f) => f.capacity === null).length,
      accessPer1000: served > 0 ? r3(weighted / served * 1000) : null, communitiesShort: all.filter((c) => c.capacityShort).length,
    }
  })
  if (opts.withShapes) {
    answer.facilities = facilities.filter((f) => inside.has(f.community_code)).map((f) => ({ kind: f.kind, lon: f.lon, lat: f.lat }))
  }
  return answer
}

/** The configured services asked for, with the request's overrides; a kind not configured at `at` is a 400 naming kinds. */
async function checkedKinds(knex: Knex, q: ServiceGapsQuery, at: Date): Promise<ServiceKind[]> {
  const configured = await serviceKindsAt(knex, at)
  const missing = (q.kinds ?? []).filter((k) => !configured.some((c) => c.kind === k))
  if (missing.length) {
    throw badParam('kinds', `${missing.join(', ')} not configured at ${at.toISOString()} (configured: ${configured.map((c) => c.kind).join(', ') || 'none'})`)
      .coded('service_gaps.kind_not_configured', { kinds: missing.join(', '), configured: configured.map((c) => c.kind).join(', ') })
  }
  return configured.filter((k) => q.kinds === undefined || q.kinds.includes(k.kind))
    .map((k) => ({ ...k, reach: q.reach ?? k.reach, minShare: q.minShare ?? k.minShare }))
}

function emptyCell(k: ServiceKind): ServiceCell {
  return {
    kind: k.kind, name: k.name, serves: k.serves, facilities: 0, served: 0, servedInReach: 0, share: null, households: 0, householdsInReach: 0,
    householdShare: null, perFacility: null, demands: 0, lacking: false, capacity: 0, accessPer1000: null, capacityShort: false,
  }
}

function finish(c: ServiceCell, k: ServiceKind, accessSum: number): ServiceCell {
  const share = shareOf(c.servedInReach, c.served)
  const access = c.served > 0 ? accessSum / c.served * 1000 : null
  return {
    ...c, share, householdShare: shareOf(c.householdsInReach, c.households),
    perFacility: c.facilities > 0 ? Math.round(c.served / c.facilities) : null,
    // compared unrounded: a share just under the threshold is lacking even if it rounds to it
    lacking: c.served > 0 && c.servedInReach / c.served < k.minShare,
    accessPer1000: access === null ? null : r3(access),
    capacityShort: access !== null && k.minAccessPer1000 !== null && access < k.minAccessPer1000,
  }
}

/** A district, street or community inside the jurisdiction; anything else (outside, unknown, a city) is a 404. */
async function areaIn(knex: Knex, scope: Jurisdiction, code: string): Promise<{ code: string; name: string }> {
  const row = scope.covers(code) ? await knex('admin_division').where({ code }).first('code', 'name', 'level') as { code: string; name: string; level: string } | undefined : undefined
  if (!row || row.level === 'city') throw notFound(`no area ${code} in your jurisdiction (a district, street or community)`).coded('service_gaps.area_not_found', { area: code })
  return { code: row.code, name: row.name }
}

function ringsOf(geojson: string): number[][][] {
  const g = JSON.parse(geojson) as { type: string; coordinates: unknown }
  if (g.type === 'Polygon') return g.coordinates as number[][][]
  if (g.type === 'MultiPolygon') return (g.coordinates as number[][][][]).flat()
  return []
}
