// Scores one standard address against one parsed input. Pure.
//
// score = Σ weight·agreement / Σ weight, over the components the input gives (a component the
// input leaves out neither helps nor hurts: missing levels are tolerated). Deeper levels weigh
// more, since they are what tells doorplates apart. Names agree by similarity (typos cost part
// of their weight), numbers only when equal. A candidate more specific than the input (a room
// when a doorplate was asked for) loses 2 % per extra component, so the plain doorplate ranks
// first and its rooms follow.
import type { ParsedAddress } from './parser.ts'
import { numberKey } from './normalize.ts'
import { nameSimilarity, type NameKind } from './similarity.ts'
import type { AddressRow, Division } from './repository.ts'

export const WEIGHTS = {
  city: 0.02, district: 0.04, street: 0.06, community: 0.10,
  road: 0.25, houseNumber: 0.20, estate: 0.15, building: 0.10, unit: 0.04, room: 0.04,
} as const
export type ScoredPart = keyof typeof WEIGHTS

/** GA/T 2000.32 address levels. */
export const LEVEL_NAMES: Record<number, string> = {
  10: '省/市/区县', 20: '乡镇/街道', 30: '社区/村', 40: '街路巷/小区', 50: '门牌/楼栋', 60: '单元/户室',
}

/** A name agreeing less than this is no agreement at all (a different road, not a typo). */
export const NAME_FLOOR = 0.5
const EXTRA_PENALTY = 0.98

/** The admin names of a candidate, by its community code. */
export interface AdminChain { city?: Division; district?: Division; street?: Division; community?: Division }

export function adminChain(communityCode: string, divisions: Map<string, Division>): AdminChain {
  return {
    city: divisions.get(`${communityCode.slice(0, 4)}00000000`),
    district: divisions.get(`${communityCode.slice(0, 6)}000000`),
    street: divisions.get(`${communityCode.slice(0, 9)}000`),
    community: divisions.get(communityCode),
  }
}

export interface Scored {
  row: AddressRow
  score: number
  /** Agreement 0..1 of every component the input gives. */
  agreement: Partial<Record<ScoredPart, number>>
  /** The deepest GA/T level at which the candidate agrees with the input. */
  matchedLevel: number
}

/** Number keys of a reading, computed once rather than per candidate. */
export interface Keys { houseNumber: string | null; building: string | null; unit: string | null; room: string | null }

export function keysOf(p: ParsedAddress): Keys {
  return { houseNumber: numberKey(p.houseNumber), building: numberKey(p.building), unit: numberKey(p.unit), room: numberKey(p.room) }
}

/**
 * Scores candidates. Name similarities are memoised, and so are a reading's admin agreements
 * per community: a batch meets the same few names and communities again and again.
 */
export class Scorer {
  private readonly names = new Map<string, Map<string, number>>()
  private readonly admin = new WeakMap<ParsedAddress, Map<string, [ScoredPart, number][]>>()

  private nameAgreement(typed: string, standard: string | undefined, kind: NameKind): number {
    if (standard === undefined) return 0
    let perTyped = this.names.get(kind + typed)
    if (!perTyped) this.names.set(kind + typed, (perTyped = new Map()))
    let a = perTyped.get(standard)
    if (a === undefined) {
      const sim = nameSimilarity(typed, standard, kind)
      a = sim >= NAME_FLOOR ? round(sim) : 0
      perTyped.set(standard, a)
    }
    return a
  }

  private adminAgreement(p: ParsedAddress, communityCode: string, chain: AdminChain): [ScoredPart, number][] {
    let perCommunity = this.admin.get(p)
    if (!perCommunity) this.admin.set(p, (perCommunity = new Map()))
    let out = perCommunity.get(communityCode)
    if (!out) {
      out = []
      for (const part of ['city', 'district', 'street', 'community'] as const) {
        const typed = p[part]
        if (typed !== undefined) out.push([part, this.nameAgreement(typed, chain[part]?.name, part)])
      }
      perCommunity.set(communityCode, out)
    }
    return out
  }

  score(p: ParsedAddress, keys: Keys, row: AddressRow, chain: AdminChain): Scored {
    const agreement: Partial<Record<ScoredPart, number>> = {}
    for (const [part, a] of this.adminAgreement(p, row.community_code, chain)) agreement[part] = a
    if (p.road !== undefined) agreement.road = this.nameAgreement(p.road, row.road ?? undefined, 'road')
    if (p.estate !== undefined) agreement.estate = this.nameAgreement(p.estate, row.estate ?? undefined, 'estate')
    const numbers: [keyof Keys, string | null][] = [
      ['houseNumber', row.house_key], ['building', row.building_key], ['unit', row.unit_key], ['room', row.room_key],
    ]
    let extra = 0
    for (const [part, key] of numbers) {
      const typed = keys[part]
      if (typed === null) {
        if (key !== null) extra++
        continue
      }
      agreement[part] = key === typed ? 1 : 0
    }
    let sum = 0
    let total = 0
    for (const [part, a] of Object.entries(agreement) as [ScoredPart, number][]) {
      sum += WEIGHTS[part] * a
      total += WEIGHTS[part]
    }
    const score = total === 0 ? 0 : (sum / total) * EXTRA_PENALTY ** extra
    return { row, score: round(score), agreement, matchedLevel: matchedLevel(p, agreement, row) }
  }
}

/** One-off scoring (tests); batches use one Scorer. */
export function scoreCandidate(p: ParsedAddress, row: AddressRow, chain: AdminChain): Scored {
  return new Scorer().score(p, keysOf(p), row, chain)
}

const agrees = (a: number | undefined) => a !== undefined && a >= NAME_FLOOR

/**
 * The deepest level of the chain on which input and candidate agree: 40 when the road or
 * estate agrees; 50 when, besides, every doorplate/building number they both have agrees;
 * 60 when the candidate is a room and unit and room agree as well. Below 40, the deepest
 * admin level that agrees (30 community, 20 street, 10 district/city).
 */
function matchedLevel(p: ParsedAddress, a: Partial<Record<ScoredPart, number>>, row: AddressRow): number {
  const l40 = agrees(a.road) || agrees(a.estate)
  const both50 = (['houseNumber', 'building'] as const).filter((k) => a[k] !== undefined && row[k === 'houseNumber' ? 'house_key' : 'building_key'] !== null)
  const l50 = l40 && both50.length > 0 && both50.every((k) => a[k] === 1)
  const l60 = l50 && row.level === 60 && (p.room !== undefined || p.unit !== undefined) &&
    (a.room ?? 1) === 1 && (a.unit ?? 1) === 1
  if (l60) return 60
  if (l50) return 50
  if (l40) return 40
  if (agrees(a.community)) return 30
  if (agrees(a.street)) return 20
  if (agrees(a.district) || agrees(a.city)) return 10
  return 0
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000
}
