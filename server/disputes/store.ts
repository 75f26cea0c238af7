// Reading and registering disputes. A dispute is visible inside the caller's jurisdiction (by its
// community) and to the account of the mediator it is assigned to; elsewhere it answers 404.
// Registration is one transaction: the point located (the geocoder's SQL: base grid, else the
// community containing it), the number, the dispute, its parties (ID numbers sealed), the
// assignment by the rule, the log, and a warning when the risk is high.
import type { Knex } from 'knex'
import type { Principal } from '../auth/users.ts'
import { sqlFile } from '../db/sql.ts'
import { adminPrefix } from '../db/jurisdiction.ts'
import { decodeTimeCursor, encodeTimeCursor } from '../http/cursor.ts'
import { AppError, notFound } from '../http/errors.ts'
import { locatePoints } from '../geocode/repository.ts'
import { dataKeyring } from '../privacy/keyring.ts'
import { idNumberLookup, sealIdNumber } from '../privacy/idNumber.ts'
import { pickMediator, writeAssignment } from './assign.ts'
import { warnIfRisky } from './warn.ts'
import type { DisputeCreate, DisputeListQuery } from './schemas.ts'

export const ID_CONTEXT = 'dispute_party.id_number'

export interface DisputeRow {
  id: string; number: string; city_code: string; community_code: string; community_name: string | null; grid_code: string | null
  lon: number; lat: number; address: string | null; title: string; description: string; type: string; source: string; risk_level: string
  risk_reasons: string[]; amount: string; status: string; mediator_id: string | null; mediator_name: string | null; mediator_user_id: string | null
  mediator_community: string | null; body_name: string | null; assigned_at: Date | null; assign_reason: Record<string, unknown> | null
  concluded_at: Date | null; agreement_terms: string[] | null; agreement_amount: string | null; performance_due: string | null; performance: string | null
  performance_checked_at: Date | null; performance_note: string | null; failure_reason: string | null; transfer_to: string | null; transfer_body: string | null
  revisited_at: Date | null; revisit_satisfaction: string | null; revisit_notes: string | null; version: number; created_at: Date; updated_at: Date
  overdue: boolean; cursor_t: string
}
export interface PartyRow { dispute_id: string; seq: number; role: string; name: string; id_number_sealed: string | null; id_number_masked: string | null; phone: string | null }

export function selectDisputes(db: Knex | Knex.Transaction): Knex.QueryBuilder {
  return db('dispute as d').leftJoin('admin_division as a', 'a.code', 'd.community_code')
    .leftJoin('mediator as m', 'm.id', 'd.mediator_id').leftJoin('mediation_body as b', 'b.id', 'm.body_id')
    .select('d.*', 'a.name as community_name', 'm.name as mediator_name', 'm.user_id as mediator_user_id', 'm.community_code as mediator_community',
      'b.name as body_name', db.raw('ST_X(d.geom) AS lon'), db.raw('ST_Y(d.geom) AS lat'),
      db.raw("to_char(d.performance_due, 'YYYY-MM-DD') AS performance_due"),
      // overdue: an agreement not (fully) performed after its due day (Beijing)
      db.raw("(d.status = 'agreed' AND d.performance <> 'performed' AND d.performance_due < (now() AT TIME ZONE 'Asia/Shanghai')::date) AS overdue"),
      db.raw(`to_char(d.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS cursor_t`))
}

/** Inside the jurisdiction, or assigned to the mediator the caller signs in as. */
export function visibleTo(qb: Knex.QueryBuilder, p: Principal): Knex.QueryBuilder {
  return qb.where((w) => {
    if (p.jurisdiction.isEmpty) w.whereRaw('false')
    else w.whereRaw('d.community_code LIKE ANY(?::text[])', [p.jurisdiction.patterns])
    if (p.userId !== null) w.orWhere('m.user_id', p.userId)
  })
}

export async function readDispute(db: Knex | Knex.Transaction, p: Principal, id: number, forUpdate = false): Promise<DisputeRow> {
  const qb = visibleTo(selectDisputes(db).where('d.id', id), p)
  if (forUpdate) qb.forUpdate('d')
  const row = await qb.first() as DisputeRow | undefined
  if (!row) throw notFound(`no dispute ${id} in your jurisdiction`).coded('disputes.not_found', { id })
  return row
}

export async function partiesOf(db: Knex | Knex.Transaction, ids: readonly (string | number)[]): Promise<Map<string, PartyRow[]>> {
  const rows = ids.length ? await db('dispute_party').whereIn('dispute_id', ids.map(String)).orderBy(['dispute_id', 'seq'])
    .select('dispute_id', 'seq', 'role', 'name', 'id_number_sealed', 'id_number_masked', 'phone') as PartyRow[] : []
  const out = new Map<string, PartyRow[]>()
  for (const r of rows) {
    const k = String(r.dispute_id)
    out.set(k, [...(out.get(k) ?? []), r])
  }
  return out
}

export async function listDisputes(db: Knex, p: Principal, q: DisputeListQuery): Promise<{ rows: DisputeRow[]; next: string | null }> {
  const qb = visibleTo(selectDisputes(db), p).orderBy([{ column: 'd.created_at', order: 'desc' }, { column: 'd.id', order: 'desc' }]).limit(q.limit)
  if (q.community) qb.where('d.community_code', 'like', `${adminPrefix(q.community)}%`)
  if (q.grid) qb.where('d.grid_code', q.grid)
  if (q.status) qb.whereIn('d.status', q.status)
  if (q.type) qb.whereIn('d.type', q.type)
  if (q.risk) qb.whereIn('d.risk_level', q.risk)
  if (q.mediator) qb.where('d.mediator_id', q.mediator)
  if (q.mine) qb.where('m.user_id', p.userId ?? -1)
  if (q.overdue !== undefined) {
    qb.whereRaw(`(d.status = 'agreed' AND d.performance <> 'performed' AND d.performance_due < (now() AT TIME ZONE 'Asia/Shanghai')::date) = ?`, [q.overdue])
  }
  if (q.q) {
    const text = q.q
    const byId = idNumberLookup(dataKeyring(), text, ID_CONTEXT)
    const parties = db('dispute_party as pp').select('pp.dispute_id')
    if (byId.length) parties.whereIn('pp.id_number_index', byId)
    else parties.where('pp.name', text)
    qb.where((w) => w.whereIn('d.id', parties).orWhere('d.number', text.toUpperCase())
      .orWhereRaw("d.title LIKE ? ESCAPE '\\'", [`%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`]))
  }
  if (q.cursor) {
    const c = decodeTimeCursor(q.cursor)
    qb.whereRaw('(d.created_at, d.id) < (CAST(? AS timestamptz), ?)', [c.t, c.i])
  }
  const rows = await qb as DisputeRow[]
  const last = rows.length === q.limit ? rows[rows.length - 1] : undefined
  return { rows, next: last ? encodeTimeCursor(last.cursor_t, last.id) : null }
}

/** The refusal of one field (400, 403, 422), coded by the caller. */
export const refusal = (status: 400 | 403 | 409 | 422, field: string, message: string) =>
  new AppError(status, { 400: 'validation_failed', 403: 'forbidden', 409: 'conflict', 422: 'unprocessable' }[status], `${field}: ${message}`, { errors: [{ field, message }] })

/** The community and base grid of a point: the geocoder's rule, else the community containing it. */
export async function placeOf(db: Knex | Knex.Transaction, p: Principal, city: string, lon: number, lat: number): Promise<{ community: string; grid: string | null }> {
  const [loc] = await locatePoints(db, [{ lon, lat }])
  let community: string | undefined
  let grid: string | null = null
  if (loc?.inside) {
    community = loc.baseGrid.communityCode
    grid = loc.baseGrid.code
  } else {
    const { rows } = await db.raw(sqlFile('places/community_at'), [[lon], [lat]]) as { rows: { code: string }[] }
    community = rows[0]?.code
  }
  if (!community || !community.startsWith(city.slice(0, 4))) {
    throw refusal(422, 'location', `the point ${lon}, ${lat} lies in no community of this city`).coded('disputes.outside_city', { field: 'location' })
  }
  if (!p.jurisdiction.covers(community)) {
    throw refusal(403, 'location', `the point lies in community ${community}, outside your jurisdiction`).coded('disputes.outside_jurisdiction', { field: 'location', code: community })
  }
  return { community, grid }
}

const beijingDay = (t: Date) => new Date(t.getTime() + 8 * 3_600_000).toISOString().slice(0, 10)

export function disputeNumber(day: string, seq: number): string {
  return `D${day.replaceAll('-', '')}${String(seq).padStart(4, '0')}`
}

export async function createDispute(knex: Knex, p: Principal, body: DisputeCreate): Promise<number> {
  const city = p.cityCode!
  // seal before the transaction: a sealing failure writes nothing
  const parties = body.parties.map((x, i) => {
    const s = x.idNumber ? sealIdNumber(dataKeyring(), x.idNumber, ID_CONTEXT) : null
    return { seq: i + 1, role: x.role, name: x.name, phone: x.phone ?? null, id_number_sealed: s?.sealed ?? null, id_number_index: s?.blindIndex ?? null, id_number_masked: s?.masked ?? null }
  })
  return knex.transaction(async (trx) => {
    const place = await placeOf(trx, p, city, body.location.lon, body.location.lat)
    const now = new Date()
    const { rows: [n] } = await trx.raw(sqlFile('disputes/next_number'), { city, day: beijingDay(now) }) as { rows: { last: number }[] }
    const number = disputeNumber(beijingDay(now), n!.last)
    const [row] = await trx('dispute').insert({
      number, city_code: city, community_code: place.community, grid_code: place.grid,
      geom: trx.raw('ST_SetSRID(ST_MakePoint(?, ?), 4490)', [body.location.lon, body.location.lat]), address: body.address ?? null,
      title: body.title, description: body.description, type: body.type, source: body.source, risk_level: body.riskLevel,
      risk_reasons: body.riskReasons, amount: body.amount, status: 'registered', registered_by: p.userId,
    }).returning(['id', 'status']) as { id: string; status: string }[]
    const id = row!.id
    await trx('dispute_party').insert(parties.map((x) => ({ ...x, dispute_id: id })))
    const actor = { userId: p.userId, role: p.role }
    await trx('dispute_log').insert({ dispute_id: id, action: 'register', to_status: 'registered', actor_user_id: p.userId, actor_role: p.role,
      detail: JSON.stringify({ riskLevel: body.riskLevel }) })
    const pick = await pickMediator(trx, { city_code: city, community_code: place.community, type: body.type })
    if (pick) await writeAssignment(trx, row!, pick.mediatorId, pick.reason, actor, 'assign', null)
    else await trx('dispute_log').insert({ dispute_id: id, action: 'unassigned', from_status: 'registered', to_status: 'registered', actor_user_id: p.userId, actor_role: p.role,
      detail: JSON.stringify({ text: '没有覆盖该社区且受理该类别的在岗调解员，待人工分派' }) })
    await warnIfRisky(trx, { id, number, city_code: city, community_code: place.community, type: body.type, amount: body.amount, lon: body.location.lon, lat: body.location.lat },
      null, body.riskLevel, body.riskReasons, now)
    return Number(id)
  })
}
