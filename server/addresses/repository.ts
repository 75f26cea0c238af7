// Database access for address geocoding: the city's name vocabulary (cached), candidate
// standard addresses for a batch of exact probes, and the doorplates nearest to a point.
import type { Knex } from 'knex'
import { sqlFile } from '../db/sql.ts'
import { NameIndex } from './vocabulary.ts'

export interface AddressRow {
  id: number
  level: 40 | 50 | 60
  full_address: string
  community_code: string
  road: string | null
  house_number: string | null
  estate: string | null
  building: string | null
  unit: string | null
  room: string | null
  house_key: string | null
  building_key: string | null
  unit_key: string | null
  room_key: string | null
  lon: number
  lat: number
}

export interface Division { code: string; level: 'city' | 'district' | 'street' | 'community'; name: string }

/** What fuzzy resolution needs about one city, held in memory between requests. */
export interface Gazetteer {
  cityCode: string
  roads: NameIndex
  estates: NameIndex
  divisions: Map<string, Division>
  /** Level-40 rows (road within a community) by road name. */
  roadRows: Map<string, AddressRow[]>
}

// Standard addresses change by import, a few times a year; a minute of staleness costs a
// newly imported road a minute of fuzzy matching (its exact probes work at once anyway).
const GAZETTEER_TTL_MS = 60_000
interface Cached { gazetteer: Promise<Gazetteer>; expires: number }
const gazetteers = new WeakMap<Knex, Map<string, Cached>>()

/**
 * The city's gazetteer, loaded at most once per TTL per database. The check is synchronous, so
 * concurrent callers share one load; a failed load is forgotten so the next call retries.
 */
export function gazetteer(knex: Knex, cityCode: string): Promise<Gazetteer> {
  let perDb = gazetteers.get(knex)
  if (!perDb) gazetteers.set(knex, (perDb = new Map()))
  const cached = perDb.get(cityCode)
  const now = Date.now()
  if (cached && now < cached.expires) return cached.gazetteer
  const previous = cached?.gazetteer.catch(() => undefined)
  const entry: Cached = { gazetteer: loadGazetteer(knex, cityCode, previous), expires: now + GAZETTEER_TTL_MS }
  perDb.set(cityCode, entry)
  entry.gazetteer.catch(() => {
    if (perDb.get(cityCode) === entry) perDb.delete(cityCode)
  })
  return entry.gazetteer
}

/** Drops cached gazetteers (after an import of standard addresses, and in tests). */
export function forgetGazetteers(knex: Knex): void {
  gazetteers.delete(knex)
}

async function loadGazetteer(knex: Knex, cityCode: string, previous?: Promise<Gazetteer | undefined>): Promise<Gazetteer> {
  const [vocab, admin, roads] = await Promise.all([
    knex.raw(sqlFile('addresses/vocabulary'), [cityCode, cityCode]),
    knex.raw(sqlFile('addresses/admin_names'), [cityCode]),
    knex.raw(sqlFile('addresses/road_rows'), [cityCode]),
  ])
  const rows = vocab.rows as { kind: 'road' | 'estate'; name: string }[]
  const roadRows = new Map<string, AddressRow[]>()
  for (const r of (roads.rows as AddressRow[]).map(typed)) {
    const list = roadRows.get(r.road!)
    if (list) list.push(r)
    else roadRows.set(r.road!, [r])
  }
  const roadNames = rows.filter((r) => r.kind === 'road').map((r) => r.name)
  const estateNames = rows.filter((r) => r.kind === 'estate').map((r) => r.name)
  // An unchanged vocabulary keeps its index, and with it the memo of typed names.
  const old = await previous
  return {
    roadRows,
    cityCode,
    roads: old?.roads.sameNames(roadNames) ? old.roads : new NameIndex(roadNames, 'road'),
    estates: old?.estates.sameNames(estateNames) ? old.estates : new NameIndex(estateNames, 'estate'),
    divisions: new Map((admin.rows as Division[]).map((d) => [d.code, d])),
  }
}

/** Exact probes for one batch. */
export interface Probes {
  roadHouse: { road: string; houseKey: string }[]
  estateBuilding: { estate: string; buildingKey: string }[]
  estates: string[]
}

export async function fetchCandidates(knex: Knex, cityCode: string, probes: Probes): Promise<AddressRow[]> {
  const res = await knex.raw(sqlFile('addresses/candidates'), [
    cityCode,
    probes.roadHouse.map((p) => p.road), probes.roadHouse.map((p) => p.houseKey),
    probes.estateBuilding.map((p) => p.estate), probes.estateBuilding.map((p) => p.buildingKey),
    probes.estates,
  ])
  return (res.rows as AddressRow[]).map(typed)
}

const typed = (r: AddressRow): AddressRow => ({ ...r, level: Number(r.level) as AddressRow['level'] })

export interface DoorplateRow {
  id: number
  level: number
  full_address: string
  community_code: string
  road: string | null
  house_number: string | null
  estate: string | null
  building: string | null
  lon: number
  lat: number
  deg_distance: number
  distance_m: number
}

// Metres per degree at a latitude, the smaller of the two axes (longitude shrinks with cos φ),
// less 1 % for the ellipsoid: a degree-distance bound derived from it never over-promises.
function minMetresPerDegree(lat: number): number {
  const lonMetres = 111_320 * Math.cos((Math.min(Math.abs(lat) + 0.1, 89.9) * Math.PI) / 180)
  return Math.min(lonMetres, 110_574) * 0.99
}

const MAX_CAP = 20_000

/**
 * Doorplates (level 50) within `radiusM` metres of a point, nearest first (exact geodesic
 * distance), at most `limit`. Complete: if the KNN prefetch of `cap` rows might miss a nearer
 * doorplate (degree order ≠ metre order), it is repeated with a larger cap.
 */
export async function nearestDoorplates(knex: Knex, cityCode: string, lon: number, lat: number,
  radiusM: number, limit: number): Promise<DoorplateRow[]> {
  const perDegree = minMetresPerDegree(lat)
  const degRadius = radiusM / perDegree
  for (let cap = Math.max(64, limit * 8); ; cap *= 4) {
    const res = await knex.raw(sqlFile('addresses/nearest_doorplates'), [lon, lat, cityCode, degRadius, cap])
    const rows = res.rows as DoorplateRow[]
    const within = rows.filter((r) => r.distance_m <= radiusM).slice(0, limit)
    if (rows.length < cap || cap >= MAX_CAP) return within
    // Every doorplate not fetched is at least `covered` metres away: enough if the answer is
    // full and its farthest row is nearer than that, or if the whole radius is covered.
    const covered = Math.max(...rows.map((r) => r.deg_distance)) * perDegree
    const farthest = within.length === limit ? within[within.length - 1]!.distance_m : radiusM
    if (farthest <= covered) return within
  }
}
