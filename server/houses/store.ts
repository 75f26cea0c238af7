// Reads and writes of the house register. Every write goes through writeHouses (one statement
// per batch, import and create alike) or patchHouse; a house set to demolished flags the residents
// living in it in the same transaction.
import type { Knex } from 'knex'
import type { Principal } from '../auth/users.ts'
import { sqlFile } from '../db/sql.ts'
import { registerAccess } from '../registers/access.ts'
import { RegisterRowError } from '../registers/registry.ts'
import { shown } from '../privacy/rule.ts'
import { HOUSE_PERSONAL, type HouseRow } from './schema.ts'

/** A row not verified (核实) within this many days is stale. */
export const STALE_DAYS = 90
export const BATCH = 5000

export interface HouseDbRow {
  id: string; version: number; community_code: string; grid_code: string | null; address_id: string | null
  building: string | null; unit: string | null; room: string | null; full_address: string; use: string; area: number | null
  owner_name: string | null; owner_phone: string | null; rented: boolean; status: string; demolished_at: Date | null
  verified_at: Date | null; created_at: Date; updated_at: Date; lon: number | null; lat: number | null; resident_count: number
}

export interface HouseFilter {
  community?: string | undefined; grid?: string | undefined; q?: string | undefined; status?: string | undefined
  after?: number | undefined; ids?: number[] | undefined; limit: number
}

export function listHouses(knex: Knex, p: Principal, city: string, f: HouseFilter): Promise<HouseDbRow[]> {
  return knex.raw(sqlFile('people/house_list'), {
    city, patterns: p.jurisdiction.patterns, community: f.community ?? null, grid: f.grid ?? null, q: f.q ?? null,
    status: f.status ?? null, after: f.after ?? null, ids: f.ids ?? null, limit: f.limit,
  }).then((r: { rows: HouseDbRow[] }) => r.rows)
}

export async function readHouse(knex: Knex, p: Principal, city: string, id: number): Promise<HouseDbRow | undefined> {
  return (await listHouses(knex, p, city, { ids: [id], limit: 1 }))[0]
}

const iso = (d: Date | null) => (d === null ? null : d.toISOString())

export function isStale(verifiedAt: Date | null, staleBefore: Date): boolean {
  return verifiedAt === null || verifiedAt < staleBefore
}

export const staleCutoff = (now = new Date()) => new Date(now.getTime() - STALE_DAYS * 86_400_000)

/** The REST item: the owner's name and phone as the one masking rule shows them to this caller. */
export function houseItem(p: Principal, r: HouseDbRow, grids: ReadonlySet<string>, staleBefore = staleCutoff()): Record<string, unknown> {
  const access = registerAccess(p, { communityCode: r.community_code, gridCode: r.grid_code }, grids)
  const owner = shown(access, HOUSE_PERSONAL, { ownerName: r.owner_name, ownerPhone: r.owner_phone },
    { type: 'houses', id: String(r.id), recordId: Number(r.id), communityCode: r.community_code, prefix: '' })
  return {
    id: Number(r.id), version: r.version, fullAddress: r.full_address, addressId: r.address_id === null ? null : Number(r.address_id),
    building: r.building, unit: r.unit, room: r.room, use: r.use, area: r.area, ...owner, rented: r.rented, status: r.status,
    demolishedAt: iso(r.demolished_at), communityCode: r.community_code, gridCode: r.grid_code, lon: r.lon, lat: r.lat,
    residentCount: r.resident_count, verifiedAt: iso(r.verified_at), stale: isStale(r.verified_at, staleBefore),
    createdAt: iso(r.created_at), updatedAt: iso(r.updated_at),
  }
}

interface CheckRow {
  ord: number; address_id: string | null; address_found: boolean; community_code: string | null; community_found: boolean
  existing_id: string | null; existing_community: string | null
}

/**
 * Writes houses set-based (a check and an upsert per batch of at most 5,000), inside `trx`. A row
 * naming a standard address or community that does not exist, or landing outside the caller's
 * jurisdiction, throws RegisterRowError with its spreadsheet row (`rowNumbers[i]`).
 */
export async function writeHouses(trx: Knex.Transaction, rows: HouseRow[], p: Principal, city: string,
  rowNumbers: readonly number[]): Promise<{ inserted: number; updated: number; ids: number[] }> {
  let inserted = 0
  let updated = 0
  const ids: number[] = []
  const seen = new Map<string, number>()
  rows.forEach((r, i) => {
    const first = seen.get(r.fullAddress)
    if (first !== undefined) {
      throw new RegisterRowError(rowNumbers[i] ?? i + 2, 'fullAddress', 'houses.duplicate_in_file', `the house ${r.fullAddress} appears twice (also row ${rowNumbers[first] ?? first + 2})`)
    }
    seen.set(r.fullAddress, i)
  })
  for (let start = 0; start < rows.length; start += BATCH) {
    const batch = rows.slice(start, start + BATCH).map((r, k) => ({
      ord: start + k, address_id: r.addressId ?? null, full_address: r.fullAddress, building: r.building ?? null, unit: r.unit ?? null,
      room: r.room ?? null, use: r.use ?? null, area: r.area ?? null, owner_name: r.ownerName ?? null, owner_phone: r.ownerPhone ?? null,
      rented: r.rented ?? null, status: r.status ?? null, community_code: r.communityCode ?? null, lon: r.lon ?? null, lat: r.lat ?? null,
      verified_at: r.verifiedAt ?? null,
    }))
    const json = JSON.stringify(batch)
    const { rows: checks } = await trx.raw(sqlFile('people/house_check'), { rows: json, city }) as { rows: CheckRow[] }
    for (const c of checks) {
      const row = rowNumbers[c.ord] ?? c.ord + 2
      if (c.address_id !== null && !c.address_found) throw new RegisterRowError(row, 'addressId', 'houses.address_not_found', `no standard address ${c.address_id} in this city`)
      if (!c.community_found) throw new RegisterRowError(row, 'communityCode', 'houses.community_not_found', `no community ${c.community_code ?? ''} in this city`)
      for (const cc of [c.community_code, c.existing_community]) {
        if (cc !== null && !p.jurisdiction.covers(cc)) throw new RegisterRowError(row, 'communityCode', 'houses.outside_jurisdiction', `community ${cc} lies outside your jurisdiction`)
      }
    }
    const { rows: written } = await trx.raw(sqlFile('people/house_upsert'), { rows: json, city }) as { rows: { id: string; status: string; inserted: boolean }[] }
    const demolished = written.filter((w) => w.status === 'demolished').map((w) => Number(w.id))
    if (demolished.length) await trx.raw(sqlFile('people/house_flag_residents'), { ids: demolished })
    for (const w of written) {
      ids.push(Number(w.id))
      if (w.inserted) inserted++
      else updated++
    }
  }
  return { inserted, updated, ids }
}
