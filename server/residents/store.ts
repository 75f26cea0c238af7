// Reads of the resident register and the REST item: personal fields as the one masking rule
// shows them to the caller; the ID number is decrypted only for a caller who reads it in full
// (the stored masked form serves everyone else), gender, birth date and age come from it.
import type { Knex } from 'knex'
import type { Principal } from '../auth/users.ts'
import { sqlFile } from '../db/sql.ts'
import { dataKeyring } from '../privacy/keyring.ts'
import { idNumberLookup } from '../privacy/idNumber.ts'
import { shown } from '../privacy/rule.ts'
import { registerAccess } from '../registers/access.ts'
import { isStale, staleCutoff } from '../houses/store.ts'
import { ageOn, beijingDay } from './identity.ts'
import { RESIDENT_PERSONAL } from './schema.ts'

export const ID_CONTEXT = 'resident.id_number'

export interface ResidentDbRow {
  id: string; version: number; community_code: string; grid_code: string | null; name: string; gender: 'M' | 'F'; birth_date: string
  id_number_sealed: string; id_number_masked: string; phone: string | null; kind: string; nationality: string
  house_id: string | null; house_address: string | null; household_number: string | null; residence_role: string | null
  flag: string | null; flagged_at: Date | null; moved_out_at: Date | null; verified_at: Date | null; id_card_valid_until: string | null; created_at: Date; updated_at: Date
  lon: number | null; lat: number | null
}

export interface ResidentFilter {
  community?: string | undefined; grid?: string | undefined; q?: string | undefined; flagged?: boolean | undefined
  kind?: string | undefined; house?: number | undefined; movedOut?: boolean | undefined; after?: number | undefined
  ids?: number[] | undefined; limit: number
}

/** What a free-text `q` means: an exact ID number (by blind index), an exact phone, else a name prefix. */
export function searchTerms(q: string | undefined): { indexes: string[] | null; phone: string | null; name: string | null } {
  if (q === undefined) return { indexes: null, phone: null, name: null }
  const compact = q.replace(/\s/g, '')
  if (/^\d{17}[\dXx]$/.test(compact)) return { indexes: idNumberLookup(dataKeyring(), compact, ID_CONTEXT), phone: null, name: null }
  if (/^\+?\d[\d-]{6,}$/.test(compact)) return { indexes: null, phone: compact.replace(/-/g, '').replace(/^\+?86(?=1\d{10}$)/, ''), name: null }
  return { indexes: null, phone: null, name: q.replace(/[\\%_]/g, (c) => `\\${c}`) }
}

export async function listResidents(knex: Knex, p: Principal, city: string, f: ResidentFilter): Promise<ResidentDbRow[]> {
  // movedOut absent: the residents here now (moved-out ones only when asked, or by id)
  const movedOut = f.movedOut ?? (f.ids ? null : false)
  const { rows } = await knex.raw(sqlFile('people/resident_list'), {
    city, patterns: p.jurisdiction.patterns, community: f.community ?? null, grid: f.grid ?? null, ...searchTerms(f.q),
    flagged: f.flagged ?? null, kind: f.kind ?? null, house: f.house ?? null, movedOut, after: f.after ?? null,
    ids: f.ids ?? null, limit: f.limit,
  }) as { rows: ResidentDbRow[] }
  return rows
}

export async function readResident(knex: Knex, p: Principal, city: string, id: number): Promise<ResidentDbRow | undefined> {
  return (await listResidents(knex, p, city, { ids: [id], limit: 1 }))[0]
}

const iso = (d: Date | null) => (d === null ? null : d.toISOString())

export function residentItem(p: Principal, r: ResidentDbRow, grids: ReadonlySet<string>, staleBefore = staleCutoff(), now = new Date()): Record<string, unknown> {
  const access = registerAccess(p, { communityCode: r.community_code, gridCode: r.grid_code }, grids)
  const idNumber = access === 'full' ? dataKeyring().decrypt(r.id_number_sealed, ID_CONTEXT) : r.id_number_masked
  const personal = shown(access, RESIDENT_PERSONAL, { name: r.name, idNumber, phone: r.phone, houseAddress: r.house_address },
    { type: 'residents', id: String(r.id), recordId: Number(r.id), communityCode: r.community_code, prefix: '' })
  return {
    id: Number(r.id), version: r.version, ...personal, gender: r.gender, birthDate: r.birth_date, age: ageOn(r.birth_date, beijingDay(now)),
    kind: r.kind, nationality: r.nationality, houseId: r.house_id === null ? null : Number(r.house_id), residenceRole: r.residence_role,
    householdNumber: r.household_number, flag: r.flag, flaggedAt: iso(r.flagged_at), movedOutAt: iso(r.moved_out_at),
    communityCode: r.community_code, gridCode: r.grid_code, lon: r.lon, lat: r.lat,
    idCardValidUntil: r.id_card_valid_until, verifiedAt: iso(r.verified_at), stale: isStale(r.verified_at, staleBefore), createdAt: iso(r.created_at), updatedAt: iso(r.updated_at),
  }
}
