// Address geocoding: parsed inputs → standard addresses (std_address), for one input or a batch.
//
// 1. Parse (parser.ts) and derive readings: the parse itself, plus an estate reading when a
//    "road" had no road suffix (阳光花园18号 may be estate 阳光花园 building 18).
// 2. Resolve road and estate names against the city's vocabulary by similarity (typos such as
//    建没路 → 建设路), in memory: PGlite has no pg_trgm (see 0005_addresses.sql).
// 3. Fetch candidates for the whole batch in one query by exact keys (repository.ts).
// 4. Score every candidate in TS (scoring.ts); the best above MATCH_THRESHOLD is the match.
// Admin names (district, street, community) are scored, not filtered on: a wrong or misspelt
// community costs 10 % of the score instead of losing a correct doorplate.
import type { Knex } from 'knex'
import { componentsOf, parseAddress, type AddressPart, type ParsedAddress } from './parser.ts'
import { fetchCandidates, gazetteer, type AddressRow, type Gazetteer, type Probes } from './repository.ts'
import { adminChain, keysOf, LEVEL_NAMES, NAME_FLOOR, Scorer, type Keys, type Scored, type ScoredPart } from './scoring.ts'

/** Below this score an input has no match (its alternatives are still returned). */
export const MATCH_THRESHOLD = 0.6
/** Two top candidates this close in score but this far apart make a match ambiguous. */
const AMBIGUITY_SCORE = 0.02
const AMBIGUITY_METRES = 100
/** Vocabulary names tried per typed name. */
const NAMES_PER_INPUT = 3

export interface AddressMatch {
  id: number
  address: string
  /** GA/T 2000.32 level of the standard address (40, 50, 60) and its name. */
  level: number
  levelName: string
  /** The deepest level at which it agrees with the input. */
  matchedLevel: number
  matchedLevelName: string
  score: number
  /** EPSG:4490 */
  lon: number
  lat: number
  communityCode: string
  streetCode: string
  districtCode: string
  components: { road: string | null; houseNumber: string | null; estate: string | null; building: string | null; unit: string | null; room: string | null }
  agreement: Partial<Record<ScoredPart, number>>
}

export interface ParsedSummary {
  normalized: string
  components: Partial<Record<AddressPart, string>>
  present: AddressPart[]
  rest: string[]
  notes: string[]
}

export interface GeocodeResult {
  input: string
  status: 'matched' | 'no_match'
  parsed: ParsedSummary
  match: AddressMatch | null
  alternatives: AddressMatch[]
  /** Another candidate scores the same but lies elsewhere: the input needs more detail. */
  ambiguous: boolean
}

interface Prepared {
  input: string; parsed: ParsedAddress; readings: ParsedAddress[]; keys: Keys[]; roads: string[][]; estates: string[][]
}

/** Geocodes a batch of address strings (one query for all of them); results in input order. */
export async function geocodeAddresses(knex: Knex, cityCode: string, inputs: string[], alternatives: number): Promise<GeocodeResult[]> {
  const g = await gazetteer(knex, cityCode)
  const resolver = new NameResolver(g)
  const prepared = inputs.map((input) => prepare(input, resolver))
  const probes = probesFor(prepared)
  const rows = probes.estates.length + probes.estateBuilding.length + probes.roadHouse.length === 0
    ? [] : await fetchCandidates(knex, cityCode, probes)
  const index = new CandidateIndex(rows, g)
  const scorer = new Scorer()
  return prepared.map((p) => decide(p, index.candidatesFor(p), g, scorer, alternatives))
}

function prepare(input: string, resolver: NameResolver): Prepared {
  const parsed = parseAddress(input)
  const readings = readingsOf(parsed)
  return {
    input, parsed, readings, keys: readings.map(keysOf),
    roads: readings.map((r) => resolver.resolve(r.road, 'road')),
    estates: readings.map((r) => resolver.resolve(r.estate, 'estate')),
  }
}

/** The parse, and an estate reading of a suffix-less "road" or of leftover text. */
function readingsOf(p: ParsedAddress): ParsedAddress[] {
  const readings = [p]
  if (p.notes.includes('road-suffix-missing') && !p.estate) {
    readings.push({ ...p, road: undefined, houseNumber: undefined, estate: p.road, building: p.building ?? p.houseNumber })
  }
  const leftover = p.rest.find((t) => /^\p{Script=Han}{2,}$/u.test(t))
  if (!p.road && !p.estate && leftover) {
    readings.push({ ...p, road: leftover }, { ...p, estate: leftover })
  }
  return readings
}

/** Typed names → the most similar vocabulary names (see vocabulary.ts). */
class NameResolver {
  constructor(private readonly g: Gazetteer) {}

  resolve(typed: string | undefined, kind: 'road' | 'estate'): string[] {
    if (typed === undefined) return []
    const names = (kind === 'road' ? this.g.roads : this.g.estates).similar(typed, NAME_FLOOR, NAMES_PER_INPUT)
    // The typed name itself is always probed: a road imported after the vocabulary was cached
    // is then found by its exact name at once (a name that does not exist costs one index probe).
    return names.includes(typed) ? names : [...names, typed]
  }
}

function probesFor(prepared: Prepared[]): Probes {
  const probes: Probes = { roadHouse: [], estateBuilding: [], estates: [] }
  for (const p of prepared) {
    p.keys.forEach(({ houseNumber: houseKey, building: buildingKey }, i) => {
      if (houseKey) for (const road of p.roads[i]!) probes.roadHouse.push({ road, houseKey })
      for (const estate of p.estates[i]!) {
        if (buildingKey) probes.estateBuilding.push({ estate, buildingKey })
        else probes.estates.push(estate)
      }
    })
  }
  return probes
}

/** The fetched rows (and the gazetteer's road rows), reachable by the same keys the probes used. */
class CandidateIndex {
  private readonly byKey = new Map<string, AddressRow[]>()
  constructor(rows: AddressRow[], private readonly g: Gazetteer) {
    for (const r of rows) {
      if (r.road !== null && r.house_key !== null) this.add(`rh\u0000${r.road}\u0000${r.house_key}`, r)
      if (r.estate !== null && r.building_key !== null) this.add(`eb\u0000${r.estate}\u0000${r.building_key}`, r)
      if (r.estate !== null && r.level === 50) this.add(`e\u0000${r.estate}`, r)
    }
  }

  private add(key: string, row: AddressRow): void {
    const list = this.byKey.get(key)
    if (list) list.push(row)
    else this.byKey.set(key, [row])
  }

  candidatesFor(p: Prepared): AddressRow[] {
    const seen = new Map<number, AddressRow>()
    const take = (key: string) => { for (const r of this.byKey.get(key) ?? []) seen.set(r.id, r) }
    p.keys.forEach(({ houseNumber: houseKey, building: buildingKey }, i) => {
      for (const road of p.roads[i]!) {
        const doorplates = houseKey ? this.byKey.get(`rh\u0000${road}\u0000${houseKey}`) : undefined
        // The road's level-40 rows only matter when no doorplate on it answers.
        for (const r of doorplates ?? this.g.roadRows.get(road) ?? []) seen.set(r.id, r)
      }
      for (const estate of p.estates[i]!) take(buildingKey ? `eb\u0000${estate}\u0000${buildingKey}` : `e\u0000${estate}`)
    })
    return [...seen.values()]
  }
}

function decide(p: Prepared, rows: AddressRow[], g: Gazetteer, scorer: Scorer, alternatives: number): GeocodeResult {
  const ranked = rows.map((row) => {
    const chain = adminChain(row.community_code, g.divisions)
    return best(p.readings.map((r, i) => scorer.score(r, p.keys[i]!, row, chain)))
  })
    .sort((a, b) => b.score - a.score || a.row.level - b.row.level || a.row.id - b.row.id)
  const top = ranked[0]
  const parsed = summary(p.parsed)
  if (!top || top.score < MATCH_THRESHOLD) {
    return { input: p.input, status: 'no_match', parsed, match: null, alternatives: ranked.slice(0, alternatives).map(toMatch), ambiguous: false }
  }
  const second = ranked[1]
  const ambiguous = second !== undefined && top.score - second.score <= AMBIGUITY_SCORE &&
    metresBetween(top.row, second.row) > AMBIGUITY_METRES
  return {
    input: p.input, status: 'matched', parsed, match: toMatch(top),
    alternatives: ranked.slice(1, 1 + alternatives).map(toMatch), ambiguous,
  }
}

function best(scores: Scored[]): Scored {
  return scores.reduce((a, b) => (b.score > a.score ? b : a))
}

function summary(p: ParsedAddress): ParsedSummary {
  return { normalized: p.normalized, components: componentsOf(p), present: p.present, rest: p.rest, notes: p.notes }
}

function toMatch(s: Scored): AddressMatch {
  const r = s.row
  return {
    id: r.id, address: r.full_address, level: r.level, levelName: LEVEL_NAMES[r.level] ?? '',
    matchedLevel: s.matchedLevel, matchedLevelName: LEVEL_NAMES[s.matchedLevel] ?? '无',
    score: s.score, lon: r.lon, lat: r.lat,
    communityCode: r.community_code,
    streetCode: `${r.community_code.slice(0, 9)}000`,
    districtCode: `${r.community_code.slice(0, 6)}000000`,
    components: { road: r.road, houseNumber: r.house_number, estate: r.estate, building: r.building, unit: r.unit, room: r.room },
    agreement: s.agreement,
  }
}

/** Equirectangular distance: exact enough to tell "same building" from "another street". */
function metresBetween(a: { lon: number; lat: number }, b: { lon: number; lat: number }): number {
  const k = Math.PI / 180
  const x = (b.lon - a.lon) * k * Math.cos(((a.lat + b.lat) / 2) * k)
  const y = (b.lat - a.lat) * k
  return Math.sqrt(x * x + y * y) * 6_371_000
}
