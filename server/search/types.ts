// The shapes every search source shares. A source knows one kind of thing (events, grids, …);
// the search layer (service.ts) knows only this interface and the registry (registry.ts).
import type { Knex } from 'knex'
import type { Jurisdiction } from '../db/jurisdiction.ts'
import type { Principal } from '../auth/users.ts'
import type { SearchQuery } from './query.ts'

/** How a hit agrees with the query; the ranking's first key (exact before prefix before fuzzy). */
export type MatchKind = 'exact' | 'prefix' | 'fuzzy'
export const MATCH_RANK: Record<MatchKind, number> = { exact: 0, prefix: 1, fuzzy: 2 }

/** The result groups, in the order the page shows groups of equal rank. */
export const GROUPS = ['coordinate', 'event', 'division', 'grid', 'address', 'person'] as const
export type Group = (typeof GROUPS)[number]
export const GROUP_TITLES: Record<Group, string> = {
  coordinate: '坐标', event: '事件', grid: '网格', division: '行政区划', address: '标准地址', person: '人员',
}

export interface SearchHit {
  /** What it is: event, grid, division, address, member, coordinate (a later source adds its own, e.g. resident). */
  kind: string
  /** What the page opens: the event number, the grid or division code, the address or member id. */
  id: string
  title: string
  subtitle: string
  match: MatchKind
  /** 0..1 within its match kind (higher first); ties keep the source's order. */
  score: number
  /** EPSG:4490 lon, lat to centre on, or the extent [minLon, minLat, maxLon, maxLat] to fit. */
  point: [number, number] | null
  bbox: [number, number, number, number] | null
  /** Kind-specific extras the page may use (a member's device identifier, a grid's kind). */
  extra?: Record<string, string | number | boolean | null>
}

export interface SearchContext {
  knex: Knex
  query: SearchQuery
  principal: Principal
  jurisdiction: Jurisdiction
  cityCode: string
  /** Hits wanted per group: a source returns at most this many. */
  limit: number
}

/** One source of hits; several sources may feed one group (members and, later, residents → person). */
export interface SearchSource {
  name: string
  group: Group
  /** Whether the query can mean anything to this source (cheap, no database). */
  applies(q: SearchQuery): boolean
  search(ctx: SearchContext): Promise<SearchHit[]>
}
