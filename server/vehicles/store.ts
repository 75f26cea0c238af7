// Reading and writing vehicles inside the caller's jurisdiction: lists newest first with the
// keyset cursor, one vehicle (404 outside), creates and imports in one statement per batch
// (prepare.ts checks them first), edits with optimistic versions (409 when stale).
import type { Knex } from 'knex'
import type { Principal } from '../auth/users.ts'
import { adminPrefix } from '../db/jurisdiction.ts'
import { sqlFile } from '../db/sql.ts'
import { notFound } from '../http/errors.ts'
import { dataKeyring } from '../privacy/keyring.ts'
import { idNumberLookup } from '../privacy/idNumber.ts'
import { normalisePlate } from './plate.ts'
import { versionConflict } from '../registers/routeKit.ts'
import { likeEscape, newestFirst, restError } from '../registers/storeKit.ts'
import { prepareVehicles, refusal, VehicleRowProblem, type PreparedVehicle } from './prepare.ts'
import type { VehicleListQuery, VehiclePatch, VehicleRow } from './schemas.ts'
import type { VehicleDbRow } from './view.ts'

export function selectVehicles(db: Knex | Knex.Transaction): Knex.QueryBuilder {
  return db('vehicle as v').leftJoin('resident as r', 'r.id', 'v.resident_id').select(
    'v.id', 'v.city_code', 'v.community_code', 'v.grid_code', 'v.plate', 'v.plate_type', 'v.kind', 'v.use', 'v.brand', 'v.colour',
    'v.owner_relation', 'v.resident_id', db.raw('COALESCE(r.name, v.owner_name) AS owner_name'), db.raw('COALESCE(r.phone, v.owner_phone) AS owner_phone'),
    db.raw('CASE WHEN v.resident_id IS NOT NULL THEN r.id_number_sealed ELSE v.owner_id_number_sealed END AS id_sealed'),
    db.raw('CASE WHEN v.resident_id IS NOT NULL THEN r.id_number_masked ELSE v.owner_id_number_masked END AS id_masked'),
    'v.note', 'v.verified_at', 'v.version', 'v.created_at', 'v.updated_at',
    db.raw(`to_char(v.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS cursor_t`))
}

/** Filters shared by the list and the export: community (any admin level), grid, search, kind, use. */
export function filterVehicles(qb: Knex.QueryBuilder, p: Principal, f: { community?: string | undefined; grid?: string | undefined; q?: string | undefined; kind?: string | undefined; use?: string | undefined }): Knex.QueryBuilder {
  p.jurisdiction.apply(qb, 'v.community_code')
  if (f.community) qb.where('v.community_code', 'like', `${adminPrefix(f.community)}%`)
  if (f.grid) qb.where('v.grid_code', f.grid)
  if (f.kind) qb.where('v.kind', f.kind)
  if (f.use) qb.where('v.use', f.use)
  if (f.q) {
    const q = f.q
    const byId = idNumberLookup(dataKeyring(), q, 'vehicle.owner_id_number')
    if (byId.length) {
      const ofResident = idNumberLookup(dataKeyring(), q, 'resident.id_number')
      qb.where((w) => w.whereIn('v.owner_id_number_index', byId).orWhereIn('r.id_number_index', ofResident))
    } else {
      qb.where((w) => w.whereRaw("v.plate LIKE ? ESCAPE '\\'", [`%${likeEscape(normalisePlate(q))}%`])
        .orWhere('v.owner_name', q).orWhere('r.name', q))
    }
  }
  return qb
}

export async function listVehicles(db: Knex, p: Principal, q: VehicleListQuery): Promise<{ rows: VehicleDbRow[]; next: string | null }> {
  return newestFirst<VehicleDbRow>(filterVehicles(selectVehicles(db), p, q), 'v', q)
}

export async function readVehicle(db: Knex | Knex.Transaction, p: Principal, id: number): Promise<VehicleDbRow> {
  const row = await p.jurisdiction.apply(selectVehicles(db).where('v.id', id), 'v.community_code').first() as VehicleDbRow | undefined
  if (!row) throw notFound(`no vehicle ${id} in your jurisdiction`).coded('vehicles.not_found', { id })
  return row
}

/** Writes prepared rows; update: rows of a plate already registered are updated, else left out. */
export async function writeVehicles(db: Knex | Knex.Transaction, cityCode: string, rows: PreparedVehicle[], update: boolean): Promise<{ id: string; plate: string; inserted: boolean }[]> {
  const { rows: out } = await db.raw(sqlFile('vehicles/upsert'), { city: cityCode, rows: JSON.stringify(rows), update })
  return out as { id: string; plate: string; inserted: boolean }[]
}

export async function createVehicle(knex: Knex, p: Principal, body: VehicleRow & { verified?: boolean }): Promise<number> {
  const cityCode = p.cityCode!
  try {
    return await knex.transaction(async (trx) => {
      const [row] = await prepareVehicles(trx, p, cityCode, [body])
      const [written] = await writeVehicles(trx, cityCode, [row!], false)
      if (!written) throw new VehicleRowProblem(0, 'plate', refusal(409, 'plate', `plate ${body.plate} is registered already`).coded('vehicles.plate_taken', { field: 'plate', plate: body.plate }))
      return Number(written.id)
    })
  } catch (err) {
    throw restError(err)
  }
}

/** The row as the create body would give it, for a PATCH to merge into. */
function asRow(r: VehicleDbRow): VehicleRow {
  const resident = r.resident_id !== null
  return {
    plate: r.plate, kind: r.kind as VehicleRow['kind'], use: r.use as VehicleRow['use'], brand: r.brand, colour: r.colour,
    ownerRelation: r.owner_relation as VehicleRow['ownerRelation'], residentId: resident ? Number(r.resident_id) : null,
    ownerName: resident ? null : r.owner_name, ownerPhone: resident ? null : r.owner_phone, ownerIdNumber: null,
    communityCode: resident ? null : r.community_code, gridCode: resident ? null : r.grid_code, note: r.note,
  }
}

export async function updateVehicle(knex: Knex, p: Principal, id: number, patch: VehiclePatch): Promise<void> {
  try {
    await knex.transaction(async (trx) => {
      const cur = await readVehicle(trx, p, id)
      if (cur.version !== patch.version) {
        throw versionConflict('vehicle', id, cur.version)
      }
      const { version: _v, verified, ...changes } = patch
      const merged = mergeOwner(asRow(cur), changes)
      const [row] = await prepareVehicles(trx, p, cur.city_code, [merged])
      if (merged.plate !== cur.plate && await trx('vehicle').where({ plate: merged.plate }).whereNot({ id }).first('id')) {
        throw new VehicleRowProblem(0, 'plate', refusal(409, 'plate', `plate ${merged.plate} is registered already`).coded('vehicles.plate_taken', { field: 'plate', plate: merged.plate }))
      }
      const keepSealed = merged.residentId === null && changes.ownerIdNumber === undefined && cur.resident_id === null
      await trx('vehicle').where({ id }).update({
        community_code: row!.community_code, grid_code: row!.grid_code, plate: row!.plate, plate_type: row!.plate_type, kind: row!.kind, use: row!.use,
        brand: row!.brand, colour: row!.colour, owner_relation: row!.owner_relation, resident_id: row!.resident_id, owner_name: row!.owner_name,
        owner_phone: row!.owner_phone, note: row!.note, version: cur.version + 1, updated_at: trx.fn.now(),
        ...(keepSealed ? {} : { owner_id_number_sealed: row!.id_sealed, owner_id_number_index: row!.id_index, owner_id_number_masked: row!.id_masked }),
        ...(verified ? { verified_at: trx.fn.now() } : {}),
      })
    })
  } catch (err) {
    throw restError(err)
  }
}

/** The patch over the current row: a residentId makes the resident the owner, null the named owner. */
function mergeOwner(cur: VehicleRow, changes: Omit<VehiclePatch, 'version' | 'verified'>): VehicleRow {
  const merged = { ...cur, ...Object.fromEntries(Object.entries(changes).filter(([, v]) => v !== undefined)) } as VehicleRow
  if (changes.residentId) return { ...merged, ownerName: null, ownerPhone: null, ownerIdNumber: null, communityCode: null, gridCode: null }
  if (cur.residentId && changes.residentId === undefined) {
    const field = (['ownerName', 'ownerPhone', 'ownerIdNumber', 'communityCode', 'gridCode'] as const).find((f) => changes[f])
    if (field) throw new VehicleRowProblem(0, field, refusal(400, field, 'the owner is a resident: send residentId null to name another owner instead').coded('vehicles.owner_is_resident', { field }))
  }
  if (!merged.residentId) {
    if (!merged.ownerName) throw new VehicleRowProblem(0, 'ownerName', refusal(400, 'ownerName', 'required when the owner is not a resident').coded('vehicles.owner_required', { field: 'ownerName' }))
    if (!merged.communityCode) throw new VehicleRowProblem(0, 'communityCode', refusal(400, 'communityCode', 'required when the owner is not a resident').coded('vehicles.owner_required', { field: 'communityCode' }))
  }
  return merged
}
