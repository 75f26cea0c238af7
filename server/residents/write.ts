// Writes residents set-based (import and create alike): ID numbers checked and sealed in Node
// (AES-GCM and HMAC cost microseconds), then per batch of at most 5,000 rows one check query,
// one household upsert, one resident upsert by blind index and two statements that keep the
// residence history (close what changed, open what is new). Any refused row throws
// RegisterRowError naming its spreadsheet row and field before anything of its batch is written;
// the caller's transaction rolls the rest back.
import type { Knex } from 'knex'
import type { Principal } from '../auth/users.ts'
import { sqlFile } from '../db/sql.ts'
import { dataKeyring } from '../privacy/keyring.ts'
import { IdNumberError, normaliseIdNumber } from '../privacy/idNumber.ts'
import { maskIdNumber } from '../privacy/fields.ts'
import { RegisterRowError } from '../registers/registry.ts'
import { BATCH } from '../houses/store.ts'
import { identityOf } from './identity.ts'
import { RowFeed } from '../registers/rowFeed.ts'
import type { ResidentRow } from './schema.ts'
import { ID_CONTEXT } from './store.ts'

interface Sealed { row: ResidentRow; ord: number; sealed: string; index: string; masked: string; gender: 'M' | 'F'; birthDate: string }

interface CheckRow {
  ord: number; house_id: string | null; house_status: string | null; community_code: string | null; community_found: boolean
  existing_id: string | null; existing_community: string | null
}

/** The residence role a row implies when it names none: registered residents are registered there. */
export const defaultRole = (kind: string): 'registered' | 'living' => (kind === 'registered' ? 'registered' : 'living')

/** Seals rows of a file, batch by batch: duplicates are found across every batch sealed so far. */
export class RowSealer {
  private readonly keyring = dataKeyring()
  private readonly seen = new Map<string, number>()

  constructor(private readonly rows: readonly ResidentRow[], private readonly rowNo: (i: number) => number) {}

  seal(from: number, to: number): Sealed[] {
    const out: Sealed[] = []
    for (let i = from; i < Math.min(to, this.rows.length); i++) out.push(this.one(i))
    return out
  }

  private one(i: number): Sealed {
    const { rows, rowNo, keyring, seen } = this
    const row = rows[i]!
    let id: string
    try {
      id = normaliseIdNumber(row.idNumber)
    } catch (err) {
      if (err instanceof IdNumberError) throw new RegisterRowError(rowNo(i), 'idNumber', 'residents.id_number', err.message)
      throw err
    }
    const index = keyring.blindIndex(id, ID_CONTEXT)
    const first = seen.get(index)
    if (first !== undefined) {
      const both = [rows[first]!, row]
      const twoRegistered = both.every((r) => (r.residenceRole ?? defaultRole(r.kind)) === 'registered')
      if (twoRegistered) throw new RegisterRowError(rowNo(i), 'houseId', 'residents.registered_twice', `the same person is registered at a house in row ${rowNo(first)} too: one registered house at a time`)
      throw new RegisterRowError(rowNo(i), 'idNumber', 'residents.duplicate_in_file', `the same ID number is in row ${rowNo(first)} too`)
    }
    seen.set(index, i)
    return { row, ord: i, sealed: keyring.encrypt(id, ID_CONTEXT), index, masked: maskIdNumber(id), ...identityOf(id) }
  }
}

export async function writeResidents(trx: Knex.Transaction, source: ResidentRow[] | RowFeed<ResidentRow>, p: Principal, city: string,
  rowNumbers: readonly number[], reason = 'import'): Promise<{ inserted: number; updated: number; ids: number[] }> {
  // an import's feed grows while the rest of its file is validated; a REST create is complete
  const feed = Array.isArray(source) ? RowFeed.of(source, rowNumbers) : source
  const rowNo = (i: number) => feed.rowNumbers[i] ?? i + 2
  const sealer = new RowSealer(feed.rows, rowNo)
  let inserted = 0
  let updated = 0
  const ids: number[] = []
  let end = await feed.until(BATCH)
  let next = sealer.seal(0, end)
  for (let start = 0; start < end;) {
    const batch = next
    const { rows: checks } = await trx.raw(sqlFile('people/resident_check'), {
      city, rows: JSON.stringify(batch.map((s) => ({ ord: s.ord, house_id: s.row.houseId ?? null, house_address: s.row.houseAddress ?? null,
        community_code: s.row.communityCode ?? null, id_index: s.index }))),
    }) as { rows: CheckRow[] }
    const houseOf = placeBatch(batch, checks, p, rowNo)
    const households = await householdIds(trx, city, batch, houseOf)
    const upserting = trx.raw(sqlFile('people/resident_upsert'), {
      city, reason,
      rows: JSON.stringify(batch.map((s) => ({
        ord: s.ord, name: s.row.name, gender: s.gender, birth_date: s.birthDate, id_sealed: s.sealed, id_index: s.index, id_masked: s.masked,
        phone: s.row.phone ?? null, kind: s.row.kind, nationality: s.row.nationality ?? null, house_id: houseOf.get(s.ord) ?? null,
        household_id: s.row.householdNumber ? households.get(s.row.householdNumber) ?? null : null, community_code: s.row.communityCode ?? null,
        verified_at: s.row.verifiedAt ?? null, id_card_valid_until: s.row.idCardValidUntil ?? null,
      }))),
      roles: JSON.stringify(batch.map((s) => ({ id_index: s.index, role: s.row.residenceRole ?? defaultRole(s.row.kind) }))),
    }).then((r: { rows: { id: string; id_number_index: string; inserted: boolean }[] }) => r) // then() sends it: a knex query runs when awaited
    // the next batch is sealed (AES-GCM, HMAC: Node's CPU) while the database writes this one,
    // its longest statement by far
    let nextEnd = end
    next = await whilePending(upserting, async () => {
      nextEnd = await feed.until(end + BATCH)
      return sealer.seal(end, nextEnd)
    })
    const { rows: written } = await upserting
    const byIndex = new Map(written.map((w) => [w.id_number_index, w]))
    // a new resident's first residence was opened by the upsert; the others keep their history here
    const moved = batch.filter((s) => !byIndex.get(s.index)!.inserted)
    if (moved.length) {
      const links = JSON.stringify(moved.map((s) => ({
        resident_id: byIndex.get(s.index)!.id, house_id: houseOf.get(s.ord) ?? null, role: s.row.residenceRole ?? defaultRole(s.row.kind),
      })))
      await trx.raw(sqlFile('people/residence_close'), { links })
      await trx.raw(sqlFile('people/residence_open'), { links, reason })
    }
    for (const s of batch) {
      const w = byIndex.get(s.index)!
      ids.push(Number(w.id))
      if (w.inserted) inserted++
      else updated++
    }
    start = end
    end = nextEnd
  }
  return { inserted, updated, ids }
}

/** Runs `work` while `pending` is in flight; a throw from `work` waits for `pending` to settle first. */
async function whilePending<T>(pending: Promise<unknown>, work: () => Promise<T>): Promise<T> {
  // observed at once: `pending` may fail while `work` is still waiting on the feed
  pending.catch(() => undefined)
  try {
    return await work()
  } catch (err) {
    await pending.catch(() => undefined)
    throw err
  }
}

/** Each row's house and community from the check, or the RegisterRowError of the first row refused. */
function placeBatch(batch: Sealed[], checks: CheckRow[], p: Principal, rowNo: (i: number) => number): Map<number, string | null> {
  const byOrd = new Map(batch.map((s) => [s.ord, s]))
  const houseOf = new Map<number, string | null>()
  for (const c of checks) {
    const s = byOrd.get(c.ord)!
    const houseField = s.row.houseId != null ? 'houseId' : s.row.houseAddress != null ? 'houseAddress' : 'communityCode'
    const named = s.row.houseId != null || s.row.houseAddress != null
    if (named && c.house_id === null) throw new RegisterRowError(rowNo(c.ord), houseField, 'residents.house_not_found', `no house ${s.row.houseId ?? s.row.houseAddress ?? ''} in this city`)
    if (c.house_status === 'demolished') throw new RegisterRowError(rowNo(c.ord), houseField, 'houses.demolished', `house ${c.house_id} is demolished: nobody can live there`)
    if (!c.community_found) throw new RegisterRowError(rowNo(c.ord), houseField, 'houses.community_not_found', `no community ${c.community_code ?? ''} in this city`)
    if (!p.jurisdiction.covers(c.community_code!)) throw new RegisterRowError(rowNo(c.ord), houseField, 'residents.outside_jurisdiction', `community ${c.community_code} lies outside your jurisdiction`)
    if (c.existing_community !== null && !p.jurisdiction.covers(c.existing_community)) {
      throw new RegisterRowError(rowNo(c.ord), 'idNumber', 'residents.elsewhere', 'this person is registered outside your jurisdiction: they move out there first')
    }
    houseOf.set(c.ord, c.house_id)
    s.row = { ...s.row, communityCode: c.community_code }
  }
  return houseOf
}

async function householdIds(trx: Knex.Transaction, city: string, batch: Sealed[], houseOf: Map<number, string | null>): Promise<Map<string, string>> {
  const named = batch.filter((s) => s.row.householdNumber)
  if (!named.length) return new Map()
  await trx.raw(sqlFile('people/household_upsert'), {
    city, rows: JSON.stringify(named.map((s) => ({ household_number: s.row.householdNumber, house_id: houseOf.get(s.ord) ?? null, community_code: s.row.communityCode }))),
  })
  const { rows } = await trx.raw(sqlFile('people/household_ids'), { city, numbers: [...new Set(named.map((s) => s.row.householdNumber!))] }) as { rows: { id: string; household_number: string }[] }
  return new Map(rows.map((r) => [r.household_number, r.id]))
}
