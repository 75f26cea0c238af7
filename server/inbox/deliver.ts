// The inbox's one door for producers (dispatch, warnings, 督办, reports, assessment, hard cases,
// field steps, emergencies): deliver() writes one inbox row per recipient in the caller's
// transaction, so a notice exists exactly when the change that caused it commits. Copies follow
// commit: the stream is told by pg_notify (which fires at commit), the messaging gateway by an
// outbox row whose available_at is the end of the recipient's quiet hours. Held notices reach
// the stream when the inbox loop (loop.ts) releases them.
import type { Knex } from 'knex'
import type { Role } from '../auth/roles.ts'
import { sqlFile } from '../db/sql.ts'
import { notifyUsers } from '../stream/userNotify.ts'
import { queueGatewayMessages, type GatewayItem } from './gateway.ts'

export const noticeKinds = ['todo', 'warning', 'supervision', 'report_ready', 'assessment', 'emergency', 'meeting', 'hard_case'] as const
export type NoticeKind = (typeof noticeKinds)[number]

export interface Notice {
  kind: NoticeKind
  /** at most 200 characters (longer is cut) */
  title: string
  /** at most 4,000 characters (longer is cut) */
  body?: string
  /** the event's number (E…) or id */
  eventId?: string
  /** 12-digit admin code the notice concerns: role and subscription recipients are those whose jurisdiction covers it */
  areaCode?: string
  /** where the command screen opens it, e.g. '#/events/E…' */
  link?: string
  data?: Record<string, unknown>
}

export interface Recipients {
  /** app_user ids (numbers are accepted too) */
  userIds?: (string | number)[]
  /**
   * users of these roles whose jurisdiction covers the area: areaCode, else the notice's, else the
   * community of the notice's event; with none of these the roles reach no one (never every city)
   */
  roles?: Role[]
  /** 12-digit admin code (default: the notice's); subscribers of the kind whose area and jurisdiction cover it are added */
  areaCode?: string
}

/** The SSE event name of inbox items on /api/v1/stream. */
export const INBOX_SSE_TYPE = 'inbox'

interface Written { id: string; user_id: string; deliver_at: Date; pushed_at: Date | null; push_seq: string | null; external: boolean; address: string | null; city_code: string }

const ADMIN_CODE = /^[0-9]{12}$/

/**
 * Writes inbox rows in the caller's transaction; delivery over the stream and the outbox follows
 * commit. Answers the number of recipients. A notice nobody receives is not an error (a unit with
 * no account yet): it answers 0. `now` is for tests that place the notice inside quiet hours.
 */
export async function deliver(db: Knex | Knex.Transaction, notice: Notice, to: Recipients, now: Date = new Date()): Promise<number> {
  const area = to.areaCode ?? notice.areaCode ?? (to.roles?.length ? await eventArea(db, notice.eventId) : undefined)
  const userIds = (to.userIds ?? []).map((u) => String(u)).filter((u) => /^[0-9]{1,18}$/.test(u))
  const { rows } = await db.raw(sqlFile('inbox/deliver'), {
    userIds, roles: to.roles ?? [], kind: notice.kind,
    area: area && ADMIN_CODE.test(area) ? area : null,
    title: cut(notice.title, 200) || notice.kind, body: notice.body === undefined ? null : cut(notice.body, 4000),
    eventRef: notice.eventId === undefined ? null : cut(String(notice.eventId), 40),
    link: notice.link === undefined ? null : cut(notice.link, 500),
    data: dataOf(notice.data), now,
  }) as { rows: Written[] }
  if (!rows.length) return 0
  const head = { kind: notice.kind, title: cut(notice.title, 200), eventId: notice.eventId ?? null, link: notice.link ?? null, createdAt: now.toISOString() }
  const pushed = rows.filter((r) => r.pushed_at !== null)
  await notifyUsers(db, INBOX_SSE_TYPE, pushed.map((r) => ({ userId: Number(r.user_id), seq: Number(r.push_seq), id: Number(r.id), ...head })))
  const external: GatewayItem[] = rows.filter((r) => r.external && r.address)
    .map((r) => ({ id: Number(r.id), cityCode: r.city_code, address: r.address!, availableAt: r.deliver_at, kind: notice.kind, title: head.title, body: notice.body ?? '' }))
  await queueGatewayMessages(db, external)
  return rows.length
}

/** The community of the event a notice concerns (by number or id), if it names one that exists. */
async function eventArea(db: Knex | Knex.Transaction, ref: string | undefined): Promise<string | undefined> {
  if (ref === undefined) return undefined
  const q = db('event').first('community_code')
  const row = /^E[0-9]{12,16}$/.test(ref) ? await q.where('number', ref) : /^[0-9]{1,18}$/.test(ref) ? await q.where('id', ref) : undefined
  return row?.community_code ?? undefined
}

/** Producer data larger than the column allows is dropped, not refused: the producer's change must not fail over a notice. */
function dataOf(data: Record<string, unknown> | undefined): string | null {
  if (data === undefined) return null
  const text = JSON.stringify(data)
  return text.length <= 8000 ? text : null
}

function cut(text: string, max: number): string {
  return [...text].slice(0, max).join('')
}
