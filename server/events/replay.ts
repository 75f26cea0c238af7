// 复盘: one event's replay for a player. Its history on a timeline, the tracks of the members who
// handled it (the member it is assigned to and every member who acted on it) over the event's
// life, their devices' fence alerts in that window, and the SLA clock (the deadlines and the
// times it started and stopped), all in one time order so a client plays, pauses and scrubs them
// together. Tracks come from positions/replay.ts (the same reading and arithmetic as a member's
// replay): simplified in metres, keeping each vertex's time.
import type Router from '@koa/router'
import type { Knex } from 'knex'
import type { AppContext } from '../context.ts'
import type { Principal } from '../auth/users.ts'
import type { Role } from '../auth/roles.ts'
import { sqlFile } from '../db/sql.ts'
import { notFound } from '../http/errors.ts'
import { principalOf, requireRole } from '../http/auth.ts'
import { fenceAlerts, inSnapshot, loadTrack, memberFor, summarise, trackPieces, type Member } from '../positions/replay.ts'
import { NUMBER, readEvent, type EventRow } from './store.ts'
import { isAssignee } from './assignee.ts'
import { accessTo } from '../privacy/rule.ts'
import { shownText } from '../privacy/freeText.ts'

/** Office staff, departments and inspectors (an inspector sees only their own track); not residents or external systems. */
export const REPLAY_ROLES: Role[] = ['command_center', 'district_staff', 'street_staff', 'community_staff', 'gis_analyst', 'department', 'grid_inspector']

/** Tracks cover at most the last seven days of the event's life (a week of fixes every 15 s is 40,320 per device). */
export const MAX_TRACK_DAYS = 7
export const TRACK_SIMPLIFY_M = 5

const DAY = 86_400_000
const iso = (d: Date | null) => (d ? d.toISOString() : null)

interface HistoryRow { seq: number; action: string; from_status: string | null; to_status: string; actor_role: string; actor_name: string; at: Date; comment: string | null }

export async function eventReplay(knex: Knex, p: Principal, e: EventRow, now = new Date()) {
  const from = e.created_at
  const to = e.closed_at ?? now
  const trackFrom = new Date(Math.max(from.getTime(), to.getTime() - MAX_TRACK_DAYS * DAY))
  return inSnapshot(knex, async (trx) => {
    const history = await trx('event_history').where({ event_id: e.id }).orderBy('seq')
      .select('seq', 'action', 'from_status', 'to_status', 'actor_role', 'actor_name', 'at', 'comment') as HistoryRow[]
    const ids = (await trx.raw(sqlFile('events/replay_members'), { assignee: e.assignee_member_id ?? -1, event: e.id })).rows as { id: string }[]
    const members = []
    for (const { id } of ids) {
      // a member outside the caller's jurisdiction (or, for an inspector, anyone else) is left out
      const m: Member | null = await memberFor(trx, p, Number(id)).catch(() => null)
      if (!m) continue
      const track = await loadTrack(trx, m, trackFrom, to, false)
      const alerts = await fenceAlerts(trx, m, track.devices, trackFrom, to)
      members.push({
        member: { id: m.id, name: m.name, communityCode: m.communityCode, assigned: m.id === e.assignee_member_id },
        devices: track.devices, fixes: track.valid.length, kilometres: Math.round(summarise(track.valid).kilometres * 1000) / 1000,
        track: trackPieces(track.valid, TRACK_SIMPLIFY_M), fenceAlerts: alerts,
      })
    }
    const access = accessTo(p, { communityCode: e.community_code, heldByPrincipal: isAssignee(p, e) })
    const historyItems = history.map((h) => ({
      seq: h.seq, action: h.action, from: h.from_status, to: h.to_status, actor: { role: h.actor_role, name: h.actor_name },
      at: h.at.toISOString(), comment: shownText(access, h.comment),
    }))
    const clock = slaClock(e)
    return {
      event: {
        number: e.number, classCode: e.class_code, className: e.class_name, status: e.status, lon: e.lon, lat: e.lat,
        createdAt: e.created_at.toISOString(), closedAt: iso(e.closed_at),
      },
      from: from.toISOString(), to: to.toISOString(), trackFrom: trackFrom.toISOString(), simplifyMetres: TRACK_SIMPLIFY_M,
      clock, history: historyItems, members,
      timeline: timeline(historyItems, members, clock),
    }
  })
}

/**
 * The SLA clock: it starts at dispatch, is due to sign and to finish by the deadlines (as they
 * stand now: an approved extension has moved the handling one), and stops at closing. A player
 * shows the time left at any instant from these.
 */
export function slaClock(e: Pick<EventRow, 'dispatched_at' | 'sign_due_at' | 'handle_due_at' | 'signed_at' | 'closed_at'>) {
  return {
    startedAt: iso(e.dispatched_at), signDueAt: iso(e.sign_due_at), signedAt: iso(e.signed_at),
    handleDueAt: iso(e.handle_due_at), stoppedAt: iso(e.closed_at),
  }
}

type Clock = ReturnType<typeof slaClock>
interface TimelineEntry { at: string; type: 'history' | 'fenceAlert' | 'deadline'; index: number; member?: number; deadline?: string }

/** Everything in one time order, by reference into the lists (deadlines by name). */
export function timeline(history: { at: string }[], members: { member: { id: number }; fenceAlerts: { at: string }[] }[], clock: Clock): TimelineEntry[] {
  const out: TimelineEntry[] = history.map((h, index) => ({ at: h.at, type: 'history', index }))
  for (const m of members) m.fenceAlerts.forEach((a, index) => out.push({ at: a.at, type: 'fenceAlert', index, member: m.member.id }))
  for (const [deadline, at] of [['sign', clock.signDueAt], ['handle', clock.handleDueAt]] as const) {
    if (at) out.push({ at, type: 'deadline', index: 0, deadline })
  }
  // stable: equal instants keep history before alerts before deadlines
  return out.map((x, i) => ({ x, i })).sort((a, b) => (a.x.at < b.x.at ? -1 : a.x.at > b.x.at ? 1 : a.i - b.i)).map(({ x }) => x)
}

/** GET /api/v1/events/{number}/replay: staff who read the event (not its reporter as a resident). */
export function mountEventReplay(router: Router, app: AppContext): void {
  router.get('/:number/replay', requireRole(...REPLAY_ROLES), async (ctx) => {
    const p = principalOf(ctx)
    const number = String(ctx.params.number)
    const e = NUMBER.test(number) ? await readEvent(app.knex, number, p.jurisdiction, p.userId) : undefined
    if (!e) throw notFound(`no event ${number} in your jurisdiction`).coded('events.not_found', { number })
    ctx.body = await eventReplay(app.knex, p, e)
  })
}
