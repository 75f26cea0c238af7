// What a rule proposes: a warning not yet stored. The pass stores it once (dedupe key) and streams it.
import type { Knex } from 'knex'
import type { Kind } from './rules.ts'

export interface Candidate {
  kind: Kind
  /** 1 红, 2 橙, 3 黄 */
  level: 1 | 2 | 3
  title: string
  detail: Record<string, unknown>
  /** 12-digit admin code: a community, or a coarser division padded with zeros */
  area: string
  lon: number
  lat: number
  eventIds: number[]
  /** unique per city and kind */
  dedupeKey: string
  /** internal grouping key (never answered by the API) */
  subject?: string
}

/** Events listed in one warning at most; the detail says how many there were. */
export const MAX_EVENT_IDS = 200

/**
 * The smallest admin division holding every given community: the community itself, else its
 * street, district or city (padded to 12 digits), so jurisdiction by prefix shows a warning that
 * spans communities to the street (or district) staff above them, not to each community.
 */
export function commonArea(communities: readonly string[]): string {
  const first = communities[0]
  if (!first) throw new Error('commonArea of nothing')
  for (const len of [12, 9, 6, 4]) {
    const p = first.slice(0, len)
    if (communities.every((c) => c.startsWith(p))) return p.padEnd(12, '0')
  }
  return first.slice(0, 4).padEnd(12, '0')
}

/** Admin division names of a city by code (titles). */
export async function areaNames(knex: Knex, city: string): Promise<Map<string, string>> {
  const rows = await knex('admin_division').where({ city_code: city }).select('code', 'name') as { code: string; name: string }[]
  return new Map(rows.map((r) => [r.code, r.name]))
}

/** Event class names by code (titles). */
export async function classNames(knex: Knex): Promise<Map<string, string>> {
  const rows = await knex('event_class').select('code', 'name') as { code: string; name: string }[]
  return new Map(rows.map((r) => [r.code, r.name]))
}

/** Level by how far a count exceeds its threshold: 3× → 1 红, 2× → 2 橙, else 3 黄. */
export const levelByMultiple = (n: number, min: number): 1 | 2 | 3 => (n >= 3 * min ? 1 : n >= 2 * min ? 2 : 3)
