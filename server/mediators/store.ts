// Mediation bodies and mediators inside the caller's jurisdiction (by the admin code the body
// sits in): lists by id (keyset), one row (404 outside), creates and edits with optimistic
// versions. Areas must be admin divisions of the city inside the writer's jurisdiction.
import type { Knex } from 'knex'
import type { Principal } from '../auth/users.ts'
import { adminPrefix } from '../db/jurisdiction.ts'
import { AppError, notFound } from '../http/errors.ts'
import type { BodyCreate, BodyListQuery, BodyPatch, MediatorCreate, MediatorListQuery, MediatorPatch } from './schemas.ts'

export interface BodyRow {
  id: string; city_code: string; community_code: string; community_name: string | null; name: string; kind: string; areas: string[]
  domains: string[]; address: string | null; phone: string | null; active: boolean; version: number; created_at: Date; updated_at: Date
  mediators: number
}
export interface MediatorRow {
  id: string; city_code: string; body_id: string; body_name: string; body_kind: string; community_code: string; name: string
  phone: string | null; user_id: string | null; domains: string[]; areas: string[]; capacity: number; active: boolean
  open: number; version: number; created_at: Date; updated_at: Date
}

/** A refusal naming one field (400 bad value, 403 outside the jurisdiction, 409 conflict). */
export const fieldRefusal = (status: 400 | 403 | 409, field: string, message: string) =>
  new AppError(status, status === 400 ? 'validation_failed' : status === 403 ? 'forbidden' : 'conflict', `${field}: ${message}`, { errors: [{ field, message }] })

/** Each code an admin division of the city and inside the jurisdiction (400 / 403 naming field.i). */
export async function checkAreas(db: Knex | Knex.Transaction, p: Principal, city: string, codes: readonly string[], field: string): Promise<void> {
  const known = new Set(await db('admin_division').whereIn('code', [...codes]).where('city_code', city).pluck('code') as string[])
  codes.forEach((c, i) => {
    if (!known.has(c)) throw fieldRefusal(400, `${field}.${i}`, `${c} is not an admin division of this city`).coded('mediators.area_unknown', { field: `${field}.${i}`, code: c })
    if (!p.jurisdiction.covers(c)) {
      throw fieldRefusal(403, `${field}.${i}`, `${c} lies outside your jurisdiction`).coded('mediators.outside_jurisdiction', { field: `${field}.${i}`, code: c })
    }
  })
}

const bodySelect = (db: Knex | Knex.Transaction) => db('mediation_body as b').leftJoin('admin_division as a', 'a.code', 'b.community_code')
  .select('b.*', 'a.name as community_name', db.raw('(SELECT count(*)::int FROM mediator m WHERE m.body_id = b.id AND m.active) AS mediators'))

export async function listBodies(db: Knex, p: Principal, q: BodyListQuery): Promise<{ rows: BodyRow[]; next: number | null }> {
  const qb = p.jurisdiction.apply(bodySelect(db), 'b.community_code').orderBy('b.id').limit(q.limit)
  if (q.kind) qb.where('b.kind', q.kind)
  if (q.domain) qb.whereRaw('? = ANY(b.domains)', [q.domain])
  if (q.area) qb.whereRaw('EXISTS (SELECT 1 FROM unnest(b.areas) AS x WHERE ? LIKE x || \'%\' OR x LIKE ? || \'%\')', [q.area, adminPrefix(q.area)])
  if (q.cursor) qb.where('b.id', '>', q.cursor)
  const rows = await qb as BodyRow[]
  return { rows, next: rows.length === q.limit ? Number(rows[rows.length - 1]!.id) : null }
}

export async function readBody(db: Knex | Knex.Transaction, p: Principal, id: number): Promise<BodyRow> {
  const row = await p.jurisdiction.apply(bodySelect(db).where('b.id', id), 'b.community_code').first() as BodyRow | undefined
  if (!row) throw notFound(`no mediation body ${id} in your jurisdiction`).coded('mediators.body_not_found', { id })
  return row
}

async function checkSeat(db: Knex | Knex.Transaction, p: Principal, city: string, b: { communityCode?: string | undefined; areas?: string[] | undefined }) {
  if (b.communityCode) {
    const seat = await db('admin_division').where({ code: b.communityCode, city_code: city }).first('code')
    if (!seat) throw fieldRefusal(400, 'communityCode', `${b.communityCode} is not an admin division of this city`).coded('mediators.area_unknown', { field: 'communityCode', code: b.communityCode })
    if (!p.jurisdiction.covers(b.communityCode)) throw fieldRefusal(403, 'communityCode', `${b.communityCode} lies outside your jurisdiction`).coded('mediators.outside_jurisdiction', { field: 'communityCode', code: b.communityCode })
  }
  if (b.areas) await checkAreas(db, p, city, b.areas, 'areas')
}

const uniqueName = (err: unknown, name: string | undefined) => {
  if ((err as { code?: string }).code === '23505') throw fieldRefusal(409, 'name', `a body named ${name} exists`).coded('mediators.body_name_taken', { field: 'name', name: name ?? '' })
  throw err
}

export async function createBody(knex: Knex, p: Principal, b: BodyCreate): Promise<number> {
  const city = p.cityCode!
  await checkSeat(knex, p, city, b)
  try {
    const [row] = await knex('mediation_body').insert({
      city_code: city, community_code: b.communityCode, name: b.name, kind: b.kind, areas: b.areas, domains: b.domains,
      address: b.address ?? null, phone: b.phone ?? null, active: b.active ?? true,
    }).returning('id') as { id: string }[]
    return Number(row!.id)
  } catch (err) {
    return uniqueName(err, b.name)
  }
}

export const versionConflict = (what: string, id: number, version: number) =>
  new AppError(409, 'version_conflict', `${what} ${id} is at version ${version}: read it again and reapply your change`,
    { version, errors: [{ field: 'version', message: `is ${version} now` }] }).coded('registers.version_conflict', { what, id, version })

export async function updateBody(knex: Knex, p: Principal, id: number, b: BodyPatch): Promise<void> {
  await knex.transaction(async (trx) => {
    const cur = await readBody(trx, p, id)
    if (cur.version !== b.version) throw versionConflict('mediation body', id, cur.version)
    await checkSeat(trx, p, cur.city_code, b)
    const { version: _v, communityCode, ...rest } = b
    try {
      await trx('mediation_body').where({ id }).update({
        ...Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined)),
        ...(communityCode ? { community_code: communityCode } : {}), version: cur.version + 1, updated_at: trx.fn.now(),
      })
    } catch (err) {
      uniqueName(err, b.name)
    }
    // the mediators sit where their body sits (their jurisdiction)
    if (communityCode) await trx('mediator').where({ body_id: id }).update({ community_code: communityCode })
  })
}

const mediatorSelect = (db: Knex | Knex.Transaction) => db('mediator as m').join('mediation_body as b', 'b.id', 'm.body_id')
  .select('m.*', 'b.name as body_name', 'b.kind as body_kind',
    db.raw("(SELECT count(*)::int FROM dispute d WHERE d.mediator_id = m.id AND d.status IN ('assigned', 'mediating')) AS open"))

export async function listMediators(db: Knex, p: Principal, q: MediatorListQuery): Promise<{ rows: MediatorRow[]; next: number | null }> {
  const qb = p.jurisdiction.apply(mediatorSelect(db), 'm.community_code').orderBy('m.id').limit(q.limit)
  if (q.body) qb.where('m.body_id', q.body)
  if (q.domain) qb.whereRaw('? = ANY(m.domains)', [q.domain])
  if (q.area) qb.whereRaw('EXISTS (SELECT 1 FROM unnest(m.areas) AS x WHERE ? LIKE x || \'%\' OR x LIKE ? || \'%\')', [q.area, adminPrefix(q.area)])
  if (q.active !== undefined) qb.where('m.active', q.active)
  if (q.cursor) qb.where('m.id', '>', q.cursor)
  const rows = await qb as MediatorRow[]
  return { rows, next: rows.length === q.limit ? Number(rows[rows.length - 1]!.id) : null }
}

export async function readMediator(db: Knex | Knex.Transaction, p: Principal, id: number): Promise<MediatorRow> {
  const row = await p.jurisdiction.apply(mediatorSelect(db).where('m.id', id), 'm.community_code').first() as MediatorRow | undefined
  if (!row) throw notFound(`no mediator ${id} in your jurisdiction`).coded('mediators.not_found', { id })
  return row
}

/** The mediator the signed-in account acts as (404 when none). */
export async function mediatorOfUser(db: Knex, userId: number | null): Promise<MediatorRow> {
  const row = userId === null ? undefined : await mediatorSelect(db).where('m.user_id', userId).first() as MediatorRow | undefined
  if (!row) throw notFound('your account is not linked to a mediator').coded('mediators.not_linked')
  return row
}

async function checkMediator(db: Knex | Knex.Transaction, p: Principal, city: string, m: Partial<MediatorCreate>, selfId: number | null): Promise<string | undefined> {
  let seat: string | undefined
  if (m.bodyId) {
    const body = await p.jurisdiction.apply(db('mediation_body').where({ id: m.bodyId, city_code: city }), 'community_code').first('community_code') as { community_code: string } | undefined
    if (!body) throw fieldRefusal(400, 'bodyId', `no mediation body ${m.bodyId} in your jurisdiction`).coded('mediators.body_unknown', { field: 'bodyId', id: m.bodyId })
    seat = body.community_code
  }
  if (m.areas) await checkAreas(db, p, city, m.areas, 'areas')
  if (m.userId) {
    const user = await db('app_user').where({ id: m.userId }).first('id', 'city_code') as { id: string; city_code: string | null } | undefined
    if (!user || (user.city_code !== null && user.city_code !== city)) throw fieldRefusal(400, 'userId', `no account ${m.userId} in this city`).coded('mediators.user_unknown', { field: 'userId', id: m.userId })
    const taken = await db('mediator').where({ user_id: m.userId }).modify((qb) => { if (selfId) qb.whereNot({ id: selfId }) }).first('id')
    if (taken) throw fieldRefusal(409, 'userId', `account ${m.userId} is linked to mediator ${taken.id}`).coded('mediators.user_taken', { field: 'userId', id: m.userId })
  }
  return seat
}

export async function createMediator(knex: Knex, p: Principal, m: MediatorCreate): Promise<number> {
  const city = p.cityCode!
  const seat = await checkMediator(knex, p, city, m, null)
  const [row] = await knex('mediator').insert({
    city_code: city, body_id: m.bodyId, community_code: seat, name: m.name, phone: m.phone ?? null, user_id: m.userId ?? null,
    domains: m.domains, areas: m.areas, capacity: m.capacity, active: m.active ?? true,
  }).returning('id') as { id: string }[]
  return Number(row!.id)
}

export async function updateMediator(knex: Knex, p: Principal, id: number, m: MediatorPatch): Promise<void> {
  await knex.transaction(async (trx) => {
    const cur = await readMediator(trx, p, id)
    if (cur.version !== m.version) throw versionConflict('mediator', id, cur.version)
    const seat = await checkMediator(trx, p, cur.city_code, m, id)
    const { version: _v, bodyId, userId, ...rest } = m
    await trx('mediator').where({ id }).update({
      ...Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined)),
      ...(bodyId ? { body_id: bodyId, community_code: seat } : {}), ...(userId !== undefined ? { user_id: userId } : {}),
      version: cur.version + 1, updated_at: trx.fn.now(),
    })
  })
}
