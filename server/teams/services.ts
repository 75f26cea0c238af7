// Team services (服务管理, Heilongjiang 6.3.4.2): a demand (an event of the caller's jurisdiction,
// or a description and a place) dispatched to a team inside the demand's area, followed through
// assigned → accepted → done → rated (or cancelled), its quality rated 1-5. A finished service
// writes its line into the team's ledger (活动管理 6.3.4.3, team_activity); an event-linked one
// notes each step in the event's history with the events capability's own recordNote (the
// workflow's state is not touched).
import type { Knex } from 'knex'
import type { z } from 'zod'
import type { Principal } from '../auth/users.ts'
import { AppError, notFound } from '../http/errors.ts'
import { sqlFile } from '../db/sql.ts'
import { adminPrefix } from '../db/jurisdiction.ts'
import { decodeTimeCursor, encodeTimeCursor } from '../http/cursor.ts'
import { NUMBER, readEvent } from '../events/store.ts'
import { recordNote } from '../events/transitions.ts'
import { shownText } from '../privacy/freeText.ts'
import type { Access } from '../privacy/rule.ts'
import { fieldError, resolveLocation } from './location.ts'
import { getRow, type Row } from './rows.ts'
import { TEAM_SPEC } from './store.ts'
import { serviceStatusTitles, type doneBody, type rateBody, type serviceCreate, type SERVICE_STATUSES } from './schemas.ts'

type Status = (typeof SERVICE_STATUSES)[number]

export interface ServiceRow {
  id: number; team_id: number; team_name: string; community_code: string; grid_code: string | null; event_number: string | null
  description: string; address: string | null; lon: number | null; lat: number | null; status: Status; dispatcher_name: string | null
  dispatched_at: Date; accepted_at: Date | null; done_at: Date | null; result: string | null; hours: number | null; participants: number | null
  rating: number | null; rating_comment: string | null; rated_at: Date | null; cancel_reason: string | null; version: number; cursor_t: string
}

const iso = (d: Date | null) => (d === null ? null : new Date(d).toISOString())

/** The item of a service; free text (description, result, comment) masked of personal numbers unless full. */
export function serviceView(r: ServiceRow, access: Access) {
  return {
    id: Number(r.id), teamId: Number(r.team_id), teamName: r.team_name, status: r.status, statusTitle: serviceStatusTitles[r.status],
    eventNumber: r.event_number, description: shownText(access, r.description), address: r.address, lon: r.lon, lat: r.lat,
    communityCode: r.community_code, gridCode: r.grid_code, dispatcherName: r.dispatcher_name, dispatchedAt: iso(r.dispatched_at),
    acceptedAt: iso(r.accepted_at), doneAt: iso(r.done_at), result: shownText(access, r.result),
    hours: r.hours === null ? null : Number(r.hours), participants: r.participants, rating: r.rating,
    ratingComment: shownText(access, r.rating_comment), ratedAt: iso(r.rated_at), cancelReason: r.cancel_reason, version: r.version,
  }
}

const listParams = (p: Principal) => ({ patterns: p.jurisdiction.patterns, id: null, teamId: null, status: null, cursorT: null, cursorI: null, limit: 1 })

export async function listServices(db: Knex, p: Principal, q: { teamId?: number; status?: Status | undefined; limit: number; cursor?: string | undefined }) {
  if (p.jurisdiction.isEmpty) return { rows: [] as ServiceRow[], next: null }
  const c = q.cursor ? decodeTimeCursor(q.cursor) : null
  const { rows } = await db.raw(sqlFile('teams/service_list'), {
    ...listParams(p), teamId: q.teamId ?? null, status: q.status ?? null, cursorT: c?.t ?? null, cursorI: c?.i ?? null, limit: q.limit + 1,
  }) as { rows: ServiceRow[] }
  const page = rows.slice(0, q.limit)
  return { rows: page, next: rows.length > q.limit ? encodeTimeCursor(page.at(-1)!.cursor_t, page.at(-1)!.id) : null }
}

export async function readService(db: Knex | Knex.Transaction, p: Principal, teamId: number, id: number): Promise<ServiceRow> {
  const { rows } = p.jurisdiction.isEmpty ? { rows: [] } : await db.raw(sqlFile('teams/service_list'), { ...listParams(p), id, teamId }) as { rows: ServiceRow[] }
  if (!rows[0]) throw notFound(`team ${teamId} has no service ${id} in your jurisdiction`).coded('teams.service_not_found', { id: teamId, service: id })
  return rows[0]
}

/** Notes a step in the linked event's history (a savepoint inside the caller's transaction). */
async function noteEvent(trx: Knex.Transaction, p: Principal, number: string | null, comment: string, explanation: Record<string, unknown>) {
  if (number) await recordNote(trx, p, number, { action: 'team_service', comment, explanation })
}

function insideTeamArea(team: Row, community: string, grid: string | null, served: string[], field: string) {
  if (community.startsWith(adminPrefix(team.community_code)) || (grid !== null && served.includes(grid))) return
  throw fieldError(400, 'validation_failed', field, `the demand lies in ${community}, outside team ${team.id}'s area ${team.community_code} and its grids`,
    'teams.demand_outside_area', { id: team.id, code: team.community_code, at: community })
}

/** Dispatches a demand to a team; answers the new service's id. */
export async function dispatchService(knex: Knex, p: Principal, teamId: number, body: z.output<typeof serviceCreate>, now = new Date()): Promise<number> {
  return knex.transaction(async (trx) => {
    const team = await getRow(trx, p, TEAM_SPEC, teamId)
    if (team.active === false) throw new AppError(409, 'team_inactive', `team ${teamId} is not active`).coded('teams.inactive', { id: teamId })
    const served = await trx('team_grid').where('team_id', teamId).pluck('grid_code') as string[]
    let place: { community: string; grid: string | null; lon: number | null; lat: number | null; eventId: number | null; description: string; address: string | null }
    if (body.eventNumber) {
      const e = NUMBER.test(body.eventNumber) ? await readEvent(trx, body.eventNumber, p.jurisdiction, p.userId) : undefined
      if (!e) throw fieldError(404, 'not_found', 'eventNumber', `no event ${body.eventNumber} in your jurisdiction`, 'teams.event_not_found', { number: body.eventNumber })
      place = { community: e.community_code, grid: e.grid_code ?? null, lon: e.lon, lat: e.lat, eventId: Number(e.id),
        description: body.description ?? e.description ?? body.eventNumber, address: body.address ?? e.address ?? null }
      insideTeamArea(team, place.community, place.grid, served, 'eventNumber')
    } else {
      const loc = await resolveLocation(trx, p, { lon: body.lon, lat: body.lat })
      place = { community: loc.communityCode, grid: loc.gridCode, lon: loc.lon, lat: loc.lat, eventId: null, description: body.description!, address: body.address ?? null }
      insideTeamArea(team, place.community, place.grid, served, 'lon')
    }
    const [row] = await trx('team_service').insert({
      team_id: teamId, city_code: `${place.community.slice(0, 4)}00`, community_code: place.community, grid_code: place.grid,
      event_id: place.eventId, event_number: body.eventNumber ?? null, description: place.description.slice(0, 2000), address: place.address?.slice(0, 200) ?? null,
      geom: place.lon === null ? null : trx.raw('ST_SetSRID(ST_MakePoint(?, ?), 4490)', [place.lon, place.lat]),
      dispatched_by: p.userId, dispatcher_name: p.displayName, dispatched_at: now,
    }).returning('id') as { id: number }[]
    const id = Number(row!.id)
    await noteEvent(trx, p, body.eventNumber ?? null, `派发群防群治队伍「${String(team.name)}」服务（服务单 ${id}）`, { teamId, teamName: team.name, serviceId: id })
    return id
  })
}

function wrongState(id: number, status: Status, wanted: readonly Status[]): AppError {
  return new AppError(409, 'service_state', `service ${id} is ${status}; this step needs ${wanted.join(' or ')}`, { serviceStatus: status })
    .coded('teams.service_state', { id, status, wanted: wanted.join('/') })
}

/** One step of a service under its row lock. */
async function step(knex: Knex, p: Principal, teamId: number, id: number, from: readonly Status[],
  apply: (trx: Knex.Transaction, s: ServiceRow) => Promise<Record<string, unknown>>): Promise<void> {
  await knex.transaction(async (trx) => {
    const s = await readService(trx, p, teamId, id)
    const locked = await trx('team_service').where({ id }).forUpdate().first('status') as { status: Status }
    if (!from.includes(locked.status)) throw wrongState(id, locked.status, from)
    const set = await apply(trx, { ...s, status: locked.status })
    await trx('team_service').where({ id }).update({ ...set, version: trx.raw('version + 1'), updated_at: trx.fn.now() })
  })
}

export function acceptService(knex: Knex, p: Principal, teamId: number, id: number, now = new Date()) {
  return step(knex, p, teamId, id, ['assigned'], async () => ({ status: 'accepted', accepted_at: now }))
}

export function finishService(knex: Knex, p: Principal, teamId: number, id: number, body: z.output<typeof doneBody>, now = new Date()) {
  return step(knex, p, teamId, id, ['accepted'], async (trx, s) => {
    await trx('team_activity').insert({
      team_id: teamId, city_code: `${s.community_code.slice(0, 4)}00`, community_code: s.community_code, grid_code: s.grid_code, kind: 'service',
      title: `服务：${s.description}`.slice(0, 200), started_at: s.accepted_at ?? s.dispatched_at, hours: body.hours, participants: body.participants,
      service_id: id, created_by: p.userId,
    })
    await noteEvent(trx, p, s.event_number, `群防群治队伍「${s.team_name}」服务完成（${body.hours} 小时）`, { teamId, serviceId: id, hours: body.hours })
    return { status: 'done', done_at: now, result: body.result, hours: body.hours, participants: body.participants }
  })
}

export function rateService(knex: Knex, p: Principal, teamId: number, id: number, body: z.output<typeof rateBody>, now = new Date()) {
  return step(knex, p, teamId, id, ['done'], async (trx, s) => {
    await noteEvent(trx, p, s.event_number, `群防群治服务质量评价：${body.rating} 星`, { teamId, serviceId: id, rating: body.rating })
    return { status: 'rated', rating: body.rating, rating_comment: body.comment ?? null, rated_at: now, rated_by: p.userId }
  })
}

export function cancelService(knex: Knex, p: Principal, teamId: number, id: number, reason: string) {
  return step(knex, p, teamId, id, ['assigned', 'accepted'], async (trx, s) => {
    await noteEvent(trx, p, s.event_number, `取消群防群治队伍「${s.team_name}」服务：${reason}`, { teamId, serviceId: id, cancelled: true })
    return { status: 'cancelled', cancel_reason: reason }
  })
}
