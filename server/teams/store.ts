// Teams (队伍信息, 群防群治) in the database: the team register (rows.ts shape), its members, the
// grids it serves and the organisation chart.
import type { Knex } from 'knex'
import type { z } from 'zod'
import type { Principal } from '../auth/users.ts'
import { notFound } from '../http/errors.ts'
import { sqlFile } from '../db/sql.ts'
import { adminPrefix } from '../db/jurisdiction.ts'
import { shown, type Access } from '../privacy/rule.ts'
import { getRow, insertRow, patchRow, rowView, type Row, type TableSpec } from './rows.ts'
import { checkParent, cycleRefused, nest } from './chart.ts'
import { fieldError } from './location.ts'
import type { gridsBody, memberCreate, memberPatch, teamCreate, teamPatch } from './schemas.ts'

export const TEAM_SPEC: TableSpec = {
  table: 'team', type: 'teams', point: true, search: ['name', 'address'],
  fields: [
    { col: 'name', name: 'name' }, { col: 'kind', name: 'kind' }, { col: 'parent_id', name: 'parentId', as: 'number' },
    { col: 'specialties', name: 'specialties' },
    { col: 'leader_name', name: 'leaderName', personal: 'name' }, { col: 'leader_phone', name: 'leaderPhone', personal: 'phone' },
    { col: 'address', name: 'address' }, { col: 'note', name: 'note' }, { col: 'active', name: 'active' },
  ],
  notFound: (id) => notFound(`no team ${id} in your jurisdiction`).coded('teams.not_found', { id }),
}

const MEMBER_KINDS = { name: 'name', phone: 'phone' } as const

export async function createTeam(knex: Knex, p: Principal, body: z.output<typeof teamCreate>): Promise<number> {
  return knex.transaction(async (trx) => {
    // placed first, then hung below its parent: the parent's area must contain the row's
    const id = await insertRow(trx, p, TEAM_SPEC, { ...body, parentId: undefined })
    if (body.parentId) {
      const row = await trx('team').where({ id }).first('community_code')
      await checkParent(trx, 'team', id, body.parentId, row.community_code)
      await trx('team').where({ id }).update({ parent_id: body.parentId })
    }
    return id
  }).catch((err: unknown) => cycleRefused(err, null, body.parentId))
}

export async function patchTeam(knex: Knex, p: Principal, id: number, body: z.output<typeof teamPatch>): Promise<void> {
  await knex.transaction(async (trx) => {
    if (body.parentId) {
      const current = await getRow(trx, p, TEAM_SPEC, id)
      await checkParent(trx, 'team', id, body.parentId, body.communityCode ?? current.community_code)
    }
    await patchRow(trx, p, TEAM_SPEC, id, body)
    const row = await trx('team').where({ id }).first('community_code', 'parent_id')
    if (row.parent_id !== null) await checkParent(trx, 'team', id, Number(row.parent_id), row.community_code)
  }).catch((err: unknown) => cycleRefused(err, id, body.parentId))
}

interface MemberRow { id: number; name: string; phone: string | null; duty: string; joined_on: string | null; active: boolean }

/** The members of a team, masked as the team's row is for this caller. */
export async function teamMembers(db: Knex | Knex.Transaction, team: Row, access: Access, includeInactive = false) {
  const qb = db('team_member').where('team_id', team.id).orderBy([{ column: 'duty' }, { column: 'id' }])
    .select('id', 'name', 'phone', 'duty', db.raw('joined_on::text AS joined_on'), 'active')
  if (!includeInactive) qb.where('active', true)
  const rows = await qb as MemberRow[]
  return rows.map((m) => ({
    id: Number(m.id), duty: m.duty, joinedOn: m.joined_on, active: m.active,
    ...shown(access, MEMBER_KINDS, { name: m.name, phone: m.phone },
      { type: 'teams', id: String(team.id), recordId: Number(team.id), communityCode: team.community_code, prefix: `members.${m.id}.` }),
  }))
}

/** One team as GET /{id} answers it: the item, its members and the grids it serves. */
export async function teamDetail(knex: Knex, p: Principal, id: number, access: (r: Row) => Access) {
  const row = await getRow(knex, p, TEAM_SPEC, id)
  const a = access(row)
  const grids = await knex('team_grid').where('team_id', id).orderBy('grid_code').pluck('grid_code') as string[]
  return { ...rowView(TEAM_SPEC, row, a), gridCodes: grids, members: await teamMembers(knex, row, a) }
}

export async function addMember(knex: Knex, p: Principal, teamId: number, body: z.output<typeof memberCreate>): Promise<number> {
  const team = await getRow(knex, p, TEAM_SPEC, teamId)
  const [row] = await knex('team_member').insert({
    team_id: teamId, city_code: team.city_code, community_code: team.community_code, name: body.name, phone: body.phone ?? null,
    duty: body.duty, joined_on: body.joinedOn ?? null,
  }).returning('id') as { id: number }[]
  return Number(row!.id)
}

export async function patchMember(knex: Knex, p: Principal, teamId: number, memberId: number, body: z.output<typeof memberPatch>): Promise<void> {
  await getRow(knex, p, TEAM_SPEC, teamId)
  const set: Record<string, unknown> = { updated_at: knex.fn.now() }
  if (body.name !== undefined) set.name = body.name
  if (body.phone !== undefined) set.phone = body.phone
  if (body.duty !== undefined) set.duty = body.duty
  if (body.joinedOn !== undefined) set.joined_on = body.joinedOn
  if (body.active !== undefined) set.active = body.active
  const n = await knex('team_member').where({ id: memberId, team_id: teamId }).update(set)
  if (n === 0) throw notFound(`team ${teamId} has no member ${memberId}`).coded('teams.member_not_found', { id: teamId, member: memberId })
}

/** Replaces the grids a team serves: current base grids inside the team's area, all or none. */
export async function setGrids(knex: Knex, p: Principal, teamId: number, body: z.output<typeof gridsBody>): Promise<string[]> {
  return knex.transaction(async (trx) => {
    const team = await getRow(trx, p, TEAM_SPEC, teamId)
    await trx('team').where({ id: teamId }).forUpdate().first('id')
    const prefix = `${adminPrefix(team.community_code)}%`
    const known = new Set(await trx('grid').whereIn('code', body.gridCodes).where({ kind: 'base' }).whereNull('valid_to')
      .where('community_code', 'like', prefix).pluck('code') as string[])
    const bad = body.gridCodes.findIndex((c) => !known.has(c))
    if (bad >= 0) {
      throw fieldError(400, 'validation_failed', `gridCodes.${bad}`, `no current base grid ${body.gridCodes[bad]} in the team's area ${team.community_code}`,
        'teams.grid_outside_area', { code: team.community_code, at: body.gridCodes[bad] })
    }
    await trx('team_grid').where({ team_id: teamId }).delete()
    if (body.gridCodes.length) await trx('team_grid').insert(body.gridCodes.map((g) => ({ team_id: teamId, grid_code: g })))
    return [...body.gridCodes].sort()
  })
}

interface TreeRow { id: number; parent_id: number | null; name: string; kind: string; community_code: string; grid_code: string | null; active: boolean;
  area_name: string; area_level: string; members: number; grids: number }

/** GET /tree: the chart inside the jurisdiction, nested by parent. */
export async function teamTree(knex: Knex, p: Principal, community: string | undefined) {
  if (p.jurisdiction.isEmpty) return []
  const { rows } = await knex.raw(sqlFile('teams/tree'), {
    patterns: p.jurisdiction.patterns, area: community ? `${adminPrefix(community)}%` : null,
  }) as { rows: TreeRow[] }
  return nest(rows.map((r) => ({
    id: Number(r.id), parentId: r.parent_id === null ? null : Number(r.parent_id), name: r.name, kind: r.kind,
    communityCode: r.community_code, areaName: r.area_name, areaLevel: r.area_level, gridCode: r.grid_code, active: r.active,
    members: Number(r.members), grids: Number(r.grids),
  })))
}

/** The personal fields of a team in full (for the unmask answer) and their audit names. */
export async function teamPersonal(knex: Knex, team: Row) {
  const members = await knex('team_member').where({ team_id: team.id, active: true }).orderBy('id').select('id', 'name', 'phone') as { id: number; name: string; phone: string | null }[]
  const fields: string[] = []
  if (team.leader_name) fields.push('leaderName')
  if (team.leader_phone) fields.push('leaderPhone')
  for (const m of members) fields.push(`members.${m.id}.name`, ...(m.phone ? [`members.${m.id}.phone`] : []))
  return {
    fields,
    values: { leaderName: team.leader_name ?? null, leaderPhone: team.leader_phone ?? null, members: members.map((m) => ({ id: Number(m.id), name: m.name, phone: m.phone })) },
  }
}
