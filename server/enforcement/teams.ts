// Enforcement teams (执法队伍) and their officers (执法人员) with conflicts of interest (回避), in
// the database. A team serves an admin area (its community_code, any level); its officers copy
// it. Reads are restricted to the caller's jurisdiction (404 outside), writes too (403 placing a
// row outside).
import type { Knex } from 'knex'
import type { z } from 'zod'
import type { Principal } from '../auth/users.ts'
import { areaOf, fieldError, idList, iso, notFoundIn, oneRow, page, versionConflict } from './common.ts'
import { officerView, type OfficerRow } from './access.ts'
import type { conflictSchema, ListQuery, officerCreateSchema, officerPatchSchema, teamCreateSchema, teamPatchSchema } from './schemas.ts'
import { domainTitles, type Domain } from './schemas.ts'

interface TeamRow {
  id: number | string; community_code: string; name: string; agency: string; domain: Domain; department_id: number | string | null
  office_phone: string | null; active: boolean; version: number; created_at: Date; updated_at: Date; officers?: number | string
}

const teamView = (t: TeamRow) => ({
  id: Number(t.id), name: t.name, agency: t.agency, domain: t.domain, domainTitle: domainTitles[t.domain], communityCode: t.community_code,
  departmentId: t.department_id === null ? null : Number(t.department_id), officePhone: t.office_phone, active: t.active,
  officers: Number(t.officers ?? 0), version: t.version, createdAt: iso(t.created_at), updatedAt: iso(t.updated_at),
})

function teams(db: Knex | Knex.Transaction, p: Principal) {
  return p.jurisdiction.apply(db('enforcement_team as t'), 't.community_code')
    .select('t.*', db.raw('(SELECT count(*) FROM enforcement_officer o WHERE o.team_id = t.id AND o.active) AS officers'))
}

export async function listTeams(knex: Knex, p: Principal, q: ListQuery) {
  const qb = idList(teams(knex, p), 't', q)
  if (q.q) qb.whereRaw("strpos(t.name || ' ' || t.agency, ?) > 0", [q.q])
  return page(await qb as TeamRow[], q.limit, teamView)
}

export async function teamRow(db: Knex | Knex.Transaction, p: Principal, id: number, field = 'id'): Promise<TeamRow> {
  return oneRow<TeamRow>(teams(db, p), 't', 'team', id, field)
}

export async function readTeam(knex: Knex, p: Principal, id: number) {
  return teamView(await teamRow(knex, p, id))
}

export async function createTeam(knex: Knex, p: Principal, b: z.output<typeof teamCreateSchema>) {
  const area = await areaOf(knex, p, b.communityCode, 'communityCode')
  const clash = await knex('enforcement_team').where({ city_code: area.cityCode, name: b.name }).first('id')
  if (clash) throw fieldError(409, 'conflict', 'name', `a team named ${b.name} exists (id ${clash.id})`).coded('enforcement.team_exists', { field: 'name', name: b.name })
  const [row] = await knex('enforcement_team').insert({
    city_code: area.cityCode, community_code: area.code, name: b.name, agency: b.agency, domain: b.domain,
    department_id: p.role === 'department' ? p.departmentId : null, office_phone: b.officePhone ?? null, active: b.active,
  }).returning('id')
  return readTeam(knex, p, Number(row.id))
}

export async function patchTeam(knex: Knex, p: Principal, id: number, b: z.output<typeof teamPatchSchema>) {
  await knex.transaction(async (trx) => {
    const t = await teamRow(trx, p, id)
    if (t.version !== b.version) throw versionConflict('team', id, t.version)
    const area = b.communityCode === undefined ? undefined : await areaOf(trx, p, b.communityCode, 'communityCode')
    await trx('enforcement_team').where({ id }).update({
      ...(b.name === undefined ? {} : { name: b.name }), ...(b.agency === undefined ? {} : { agency: b.agency }),
      ...(b.domain === undefined ? {} : { domain: b.domain }), ...(b.officePhone === undefined ? {} : { office_phone: b.officePhone }),
      ...(b.active === undefined ? {} : { active: b.active }), ...(area ? { community_code: area.code } : {}),
      version: t.version + 1, updated_at: trx.fn.now(),
    })
    if (area) await trx('enforcement_officer').where({ team_id: id }).update({ community_code: area.code })
  })
  return readTeam(knex, p, id)
}

function officers(db: Knex | Knex.Transaction, p: Principal) {
  return p.jurisdiction.apply(db('enforcement_officer as o').join('enforcement_team as t', 't.id', 'o.team_id'), 'o.community_code')
    .select('o.id', 'o.team_id', 't.name as team_name', 'o.community_code', 't.department_id', 'o.name', 'o.certificate_no', 'o.phone', 'o.active', 'o.version')
}

export async function listOfficers(knex: Knex, p: Principal, q: ListQuery) {
  const qb = idList(officers(knex, p), 'o', q)
  if (q.teamId !== undefined) qb.where('o.team_id', q.teamId)
  // q searches the team only: a name search over masked names would reveal them
  if (q.q) qb.whereRaw('strpos(t.name, ?) > 0', [q.q])
  return page(await qb as OfficerRow[], q.limit, (o) => officerView(p, o))
}

export async function officerRow(db: Knex | Knex.Transaction, p: Principal, id: number, field = 'id'): Promise<OfficerRow> {
  return oneRow<OfficerRow>(officers(db, p), 'o', 'officer', id, field)
}

export async function readOfficer(knex: Knex, p: Principal, id: number) {
  const o = officerView(p, await officerRow(knex, p, id))
  const conflicts = await knex('enforcement_conflict').where({ officer_id: id }).orderBy(['object_type', 'object_id'])
    .select('object_type', 'object_id', 'reason') as { object_type: string; object_id: number | string; reason: string }[]
  return { ...o, conflicts: conflicts.map((c) => ({ objectType: c.object_type, objectId: Number(c.object_id), reason: c.reason })) }
}

async function certificateFree(db: Knex | Knex.Transaction, certificateNo: string, except: number | null) {
  const clash = await db('enforcement_officer').where({ certificate_no: certificateNo }).whereNot('id', except ?? 0).first('id')
  if (clash) throw fieldError(409, 'conflict', 'certificateNo', 'this certificate number is already registered').coded('enforcement.certificate_exists', { field: 'certificateNo' })
}

export async function createOfficer(knex: Knex, p: Principal, b: z.output<typeof officerCreateSchema>) {
  const id = await knex.transaction(async (trx) => {
    const t = await teamRow(trx, p, b.teamId, 'teamId')
    await certificateFree(trx, b.certificateNo, null)
    const [row] = await trx('enforcement_officer').insert({
      city_code: (await trx('admin_division').where({ code: t.community_code }).first('city_code')).city_code,
      community_code: t.community_code, team_id: b.teamId, name: b.name, certificate_no: b.certificateNo, phone: b.phone ?? null, active: b.active,
    }).returning('id')
    return Number(row.id)
  })
  return readOfficer(knex, p, id)
}

export async function patchOfficer(knex: Knex, p: Principal, id: number, b: z.output<typeof officerPatchSchema>) {
  await knex.transaction(async (trx) => {
    const o = await officerRow(trx, p, id)
    if (o.version !== b.version) throw versionConflict('officer', id, o.version)
    const team = b.teamId === undefined ? undefined : await teamRow(trx, p, b.teamId, 'teamId')
    if (b.certificateNo !== undefined) await certificateFree(trx, b.certificateNo, id)
    await trx('enforcement_officer').where({ id }).update({
      ...(team ? { team_id: Number(team.id), community_code: team.community_code } : {}), ...(b.name === undefined ? {} : { name: b.name }),
      ...(b.certificateNo === undefined ? {} : { certificate_no: b.certificateNo }), ...(b.phone === undefined ? {} : { phone: b.phone }),
      ...(b.active === undefined ? {} : { active: b.active }), version: o.version + 1, updated_at: trx.fn.now(),
    })
  })
  return readOfficer(knex, p, id)
}

/** Adds a conflict (回避) of an officer with an object that exists inside the caller's jurisdiction. */
export async function addConflict(knex: Knex, p: Principal, officerId: number, b: z.output<typeof conflictSchema>) {
  await officerRow(knex, p, officerId)
  const obj = await p.jurisdiction.apply(knex(b.objectType === 'unit' ? 'unit' : 'place').where({ id: b.objectId }), 'community_code').first('id')
  if (!obj) throw notFoundIn(b.objectType, b.objectId, 'objectId')
  await knex('enforcement_conflict').insert({ officer_id: officerId, object_type: b.objectType, object_id: b.objectId, reason: b.reason })
    .onConflict(['officer_id', 'object_type', 'object_id']).merge(['reason'])
  return readOfficer(knex, p, officerId)
}
