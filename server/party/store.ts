// Party-building (党建引领) in the database: organisations (their chart), members (linked to a
// resident where one is registered; members in difficulty flagged), positions (阵地, on the map),
// and the organisation's activities, projects and the care given to members.
import type { Knex } from 'knex'
import type { z } from 'zod'
import type { Principal } from '../auth/users.ts'
import { notFound } from '../http/errors.ts'
import { adminPrefix } from '../db/jurisdiction.ts'
import { decodeTimeCursor, encodeTimeCursor } from '../http/cursor.ts'
import { getRow, insertRow, patchRow, versionConflict, type TableSpec } from '../teams/rows.ts'
import { checkParent, cycleRefused } from '../teams/chart.ts'
import { fieldError } from '../teams/location.ts'
import type { activityCreate, careCreate, memberCreate, memberPatch, orgCreate, orgPatch, positionCreate, positionPatch, projectCreate } from './schemas.ts'

const missing = (whatZh: string, what: string) => (id: number) => notFound(`no ${what} ${id} in your jurisdiction`).coded('party.not_found', { what, whatZh, id })

export const ORG_SPEC: TableSpec = {
  table: 'party_org', type: 'party-orgs', point: false, search: ['name'], notFound: missing('党组织', 'party organisation'),
  fields: [
    { col: 'name', name: 'name' }, { col: 'kind', name: 'kind' }, { col: 'parent_id', name: 'parentId', as: 'number' },
    { col: 'secretary_name', name: 'secretaryName', personal: 'name' }, { col: 'secretary_phone', name: 'secretaryPhone', personal: 'phone' },
    { col: 'founded_on', name: 'foundedOn', as: 'date' }, { col: 'note', name: 'note' },
  ],
}
export const MEMBER_SPEC: TableSpec = {
  table: 'party_member', type: 'party-members', point: false, search: ['name'], notFound: missing('党员', 'party member'),
  fields: [
    { col: 'org_id', name: 'orgId', as: 'number' }, { col: 'resident_id', name: 'residentId', as: 'number' },
    { col: 'name', name: 'name', personal: 'name' }, { col: 'phone', name: 'phone', personal: 'phone' }, { col: 'gender', name: 'gender' },
    { col: 'joined_on', name: 'joinedOn', as: 'date' }, { col: 'status', name: 'status' }, { col: 'in_difficulty', name: 'inDifficulty' },
    { col: 'difficulty', name: 'difficulty' }, { col: 'note', name: 'note' },
  ],
}
export const POSITION_SPEC: TableSpec = {
  table: 'party_position', type: 'party-positions', point: true, search: ['name', 'address'], notFound: missing('党建阵地', 'party position'),
  fields: [
    { col: 'name', name: 'name' }, { col: 'kind', name: 'kind' }, { col: 'org_id', name: 'orgId', as: 'number' }, { col: 'address', name: 'address' },
    { col: 'area_m2', name: 'areaM2', as: 'number' }, { col: 'open_hours', name: 'openHours' },
  ],
}

type Db = Knex | Knex.Transaction

/** An organisation a row hangs on: it exists and its area contains the row's area. */
async function checkOrg(db: Db, orgId: number, communityCode: string, field: string): Promise<void> {
  const org = await db('party_org').where({ id: orgId }).first('community_code') as { community_code: string } | undefined
  if (!org) throw fieldError(400, 'validation_failed', field, `no party organisation ${orgId}`, 'teams.unknown_parent', { id: orgId })
  if (!communityCode.startsWith(adminPrefix(org.community_code))) {
    throw fieldError(400, 'validation_failed', field, `organisation ${orgId} belongs to ${org.community_code}, which does not contain ${communityCode}`,
      'party.org_outside_area', { id: orgId, code: org.community_code, at: communityCode })
  }
}

export function createOrg(knex: Knex, p: Principal, body: z.output<typeof orgCreate>): Promise<number> {
  return knex.transaction(async (trx) => {
    const id = await insertRow(trx, p, ORG_SPEC, { ...body, parentId: undefined })
    if (body.parentId) {
      const row = await trx('party_org').where({ id }).first('community_code')
      await checkParent(trx, 'party_org', id, body.parentId, row.community_code)
      await trx('party_org').where({ id }).update({ parent_id: body.parentId })
    }
    return id
  }).catch((err: unknown) => cycleRefused(err, null, body.parentId))
}

export async function patchOrg(knex: Knex, p: Principal, id: number, body: z.output<typeof orgPatch>): Promise<void> {
  await knex.transaction(async (trx) => {
    if (body.parentId) {
      const current = await getRow(trx, p, ORG_SPEC, id)
      await checkParent(trx, 'party_org', id, body.parentId, body.communityCode ?? current.community_code)
    }
    await patchRow(trx, p, ORG_SPEC, id, body)
    const row = await trx('party_org').where({ id }).first('community_code', 'parent_id')
    if (row.parent_id !== null) await checkParent(trx, 'party_org', id, Number(row.parent_id), row.community_code)
  }).catch((err: unknown) => cycleRefused(err, id, body.parentId))
}

interface ResidentFacts { name: string; phone: string | null; gender: string; community_code: string; grid_code: string | null }

/** The resident a member is linked to (people register), inside the caller's jurisdiction. */
async function residentOf(db: Db, p: Principal, id: number, memberId: number | null): Promise<ResidentFacts> {
  const r = await p.jurisdiction.apply(db('resident as r').where('r.id', id), 'r.community_code')
    .first('r.name', 'r.phone', 'r.gender', 'r.community_code', 'r.grid_code') as ResidentFacts | undefined
  if (!r) throw fieldError(404, 'not_found', 'residentId', `no resident ${id} in your jurisdiction`, 'party.resident_not_found', { id })
  const linked = await db('party_member').where({ resident_id: id }).whereNot('id', memberId ?? 0).first('id') as { id: number } | undefined
  if (linked) throw fieldError(409, 'conflict', 'residentId', `resident ${id} is already member ${linked.id}`, 'party.resident_linked', { id, member: Number(linked.id) })
  return r
}

export function createMember(knex: Knex, p: Principal, body: z.output<typeof memberCreate>): Promise<number> {
  return knex.transaction(async (trx) => {
    const row: Record<string, unknown> & z.output<typeof memberCreate> = { ...body }
    if (body.residentId) {
      const r = await residentOf(trx, p, body.residentId, null)
      row.name ??= r.name
      if (row.phone === undefined) row.phone = r.phone
      if (row.gender === undefined) row.gender = r.gender === 'F' ? 'female' : 'male'
      if (!row.communityCode && !row.gridCode) { row.communityCode = r.community_code; row.gridCode = r.grid_code }
    }
    const id = await insertRow(trx, p, MEMBER_SPEC, row)
    const placed = await trx('party_member').where({ id }).first('community_code')
    await checkOrg(trx, body.orgId, placed.community_code, 'orgId')
    return id
  })
}

export function patchMember(knex: Knex, p: Principal, id: number, body: z.output<typeof memberPatch>): Promise<void> {
  return knex.transaction(async (trx) => {
    if (body.residentId) await residentOf(trx, p, body.residentId, id)
    const extra = body.inDifficulty === false ? { difficulty: null } : {}
    await patchRow(trx, p, MEMBER_SPEC, id, body, extra).catch((err: unknown) => refusedCheck(err, 'difficulty', 'a difficulty needs inDifficulty: true'))
    const row = await trx('party_member').where({ id }).first('community_code', 'org_id')
    await checkOrg(trx, Number(row.org_id), row.community_code, 'orgId')
  })
}

export function createPosition(knex: Knex, p: Principal, body: z.output<typeof positionCreate>): Promise<number> {
  return knex.transaction(async (trx) => {
    const id = await insertRow(trx, p, POSITION_SPEC, body)
    if (body.orgId) await checkOrg(trx, body.orgId, (await trx('party_position').where({ id }).first('community_code')).community_code, 'orgId')
    return id
  })
}

export function patchPosition(knex: Knex, p: Principal, id: number, body: z.output<typeof positionPatch>): Promise<void> {
  return knex.transaction(async (trx) => {
    await patchRow(trx, p, POSITION_SPEC, id, body)
    const row = await trx('party_position').where({ id }).first('community_code', 'org_id')
    if (row.org_id !== null) await checkOrg(trx, Number(row.org_id), row.community_code, 'orgId')
  })
}

/** An activity of an organisation in the caller's jurisdiction (at one of its positions, optionally). */
export async function addActivity(knex: Knex, p: Principal, body: z.output<typeof activityCreate>): Promise<number> {
  const org = await getRow(knex, p, ORG_SPEC, body.orgId).catch(() => { throw fieldError(404, 'not_found', 'orgId', `no party organisation ${body.orgId} in your jurisdiction`) })
  if (body.positionId) await getRow(knex, p, POSITION_SPEC, body.positionId).catch(() => { throw fieldError(404, 'not_found', 'positionId', `no party position ${body.positionId} in your jurisdiction`) })
  const [row] = await knex('party_activity').insert({
    city_code: org.city_code, community_code: org.community_code, org_id: body.orgId, position_id: body.positionId ?? null, kind: body.kind,
    title: body.title, held_at: body.heldAt, hours: body.hours, participants: body.participants, note: body.note ?? null, created_by: p.userId,
  }).returning('id') as { id: number }[]
  return Number(row!.id)
}

export async function addProject(knex: Knex, p: Principal, body: z.output<typeof projectCreate>): Promise<number> {
  const org = await getRow(knex, p, ORG_SPEC, body.orgId).catch(() => { throw fieldError(404, 'not_found', 'orgId', `no party organisation ${body.orgId} in your jurisdiction`) })
  const [row] = await knex('party_project').insert({
    city_code: org.city_code, community_code: org.community_code, org_id: body.orgId, name: body.name, status: body.status,
    started_on: body.startedOn ?? null, due_on: body.dueOn ?? null, budget: body.budget ?? null, description: body.description ?? null,
  }).returning('id') as { id: number }[]
  return Number(row!.id)
}

export async function patchProject(knex: Knex, p: Principal, id: number, body: { version: number; status?: string | undefined; dueOn?: string | undefined; description?: string | undefined }) {
  const cur = await p.jurisdiction.apply(knex('party_project').where({ id }), 'community_code').first('version') as { version: number } | undefined
  if (!cur) throw missing('党建项目', 'party project')(id)
  if (cur.version !== body.version) {
    throw versionConflict('party project', id, cur.version)
  }
  const set: Record<string, unknown> = { version: cur.version + 1, updated_at: knex.fn.now() }
  if (body.status) set.status = body.status
  if (body.dueOn) set.due_on = body.dueOn
  if (body.description) set.description = body.description
  await knex('party_project').where({ id, version: body.version }).update(set)
    .catch((err: unknown) => refusedCheck(err, 'dueOn', 'dueOn must not be before the start'))
}

/** A table CHECK the schema could not see (it needs the stored row): a 400 naming the field. */
function refusedCheck(err: unknown, field: string, detail: string): never {
  if ((err as { code?: string }).code === '23514') throw fieldError(400, 'validation_failed', field, detail)
  throw err
}

export async function addCare(knex: Knex, p: Principal, body: z.output<typeof careCreate>): Promise<number> {
  const m = await getRow(knex, p, MEMBER_SPEC, body.memberId).catch(() => { throw fieldError(404, 'not_found', 'memberId', `no party member ${body.memberId} in your jurisdiction`) })
  const [row] = await knex('party_care').insert({
    city_code: m.city_code, community_code: m.community_code, member_id: body.memberId, kind: body.kind, cared_on: body.caredOn,
    amount: body.amount ?? null, note: body.note ?? null, created_by: p.userId,
  }).returning('id') as { id: number }[]
  return Number(row!.id)
}

/** A page of a party ledger table (activities, projects, care) inside the jurisdiction, newest first. */
export async function listLedger(knex: Knex, p: Principal, table: 'party_activity' | 'party_project' | 'party_care',
  q: { community?: string | undefined; limit: number; cursor?: string | undefined }, filter?: (qb: Knex.QueryBuilder) => void) {
  const qb = p.jurisdiction.apply(knex({ t: table }), 't.community_code')
    .select('t.*', knex.raw('to_char(t.created_at AT TIME ZONE \'UTC\', \'YYYY-MM-DD"T"HH24:MI:SS.US"Z"\') AS cursor_t'))
    .orderBy([{ column: 't.created_at', order: 'desc' }, { column: 't.id', order: 'desc' }]).limit(q.limit + 1)
  if (q.community) qb.where('t.community_code', 'like', `${adminPrefix(q.community)}%`)
  if (q.cursor) {
    const c = decodeTimeCursor(q.cursor)
    qb.whereRaw('(t.created_at, t.id) < (CAST(? AS timestamptz), ?)', [c.t, c.i])
  }
  filter?.(qb)
  const rows = await qb as (Record<string, unknown> & { id: number; cursor_t: string })[]
  const page = rows.slice(0, q.limit)
  return { rows: page, next: rows.length > q.limit ? encodeTimeCursor(page.at(-1)!.cursor_t, page.at(-1)!.id) : null }
}
