// The inbox's reads and writes for one user: the listing, read marks, subscriptions, settings,
// the stream's replay and the release of held notices. Every statement names the user: a user
// reads and marks only the user's own notices (another's id is simply not found).
import type { Knex } from 'knex'
import { sqlFile } from '../db/sql.ts'
import { Jurisdiction } from '../db/jurisdiction.ts'
import { AppError, notFound } from '../http/errors.ts'
import type { StreamMessage } from '../stream/hub.ts'
import { notifyUsers } from '../stream/userNotify.ts'
import { INBOX_SSE_TYPE, type NoticeKind } from './deliver.ts'

export const kindTitles: Record<NoticeKind, string> = {
  todo: '待办', warning: '预警', supervision: '督办', report_ready: '报告生成', assessment: '考核结果',
  emergency: '重大突发', meeting: '会商', hard_case: '疑难事件',
}

interface ItemRow {
  id: string; kind: NoticeKind; title: string; body: string | null; event_ref: string | null; area_code: string | null; link: string | null
  data: Record<string, unknown> | null; created_at: Date; deliver_at: Date; pushed_at: Date | null; read_at: Date | null
}

const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null)

export const itemView = (r: ItemRow) => ({
  id: Number(r.id), kind: r.kind, kindName: kindTitles[r.kind] ?? r.kind, title: r.title, body: r.body, eventId: r.event_ref,
  areaCode: r.area_code, link: r.link, data: r.data, createdAt: iso(r.created_at), deliverAt: iso(r.deliver_at),
  held: r.pushed_at === null, read: r.read_at !== null, readAt: iso(r.read_at),
})
export type ItemView = ReturnType<typeof itemView>

export async function listInbox(knex: Knex, userId: number, q: { unread?: 'true' | 'false'; kind?: NoticeKind; before?: string; limit: number }) {
  const { rows } = await knex.raw(sqlFile('inbox/list'), {
    userId, before: q.before ?? null, kind: q.kind ?? null, unread: q.unread === 'true', limit: q.limit,
  }) as { rows: ItemRow[] }
  return { items: rows.map(itemView), unread: await unreadCount(knex, userId) }
}

export async function unreadCount(knex: Knex | Knex.Transaction, userId: number): Promise<number> {
  const row = await knex('inbox_item').where({ user_id: userId }).whereNull('read_at').count<{ n: string }[]>({ n: '*' }).first()
  return Number(row?.n ?? 0)
}

/** Marks notices read (already read ones keep their time); answers how many changed and the unread count. */
export async function markRead(knex: Knex, userId: number, b: { ids?: number[]; all?: true; kind?: NoticeKind }, now = new Date()) {
  const q = knex('inbox_item').where({ user_id: userId }).whereNull('read_at')
  if (b.ids) q.whereIn('id', b.ids)
  if (b.kind) q.where({ kind: b.kind })
  const marked = await q.update({ read_at: now })
  return { marked, unread: await unreadCount(knex, userId) }
}

interface SubscriptionRow { id: string; kind: NoticeKind; area_code: string | null; area_name: string | null; external: boolean; created_at: Date }
const subscriptionView = (r: SubscriptionRow) => ({
  id: Number(r.id), kind: r.kind, kindName: kindTitles[r.kind] ?? r.kind, areaCode: r.area_code, areaName: r.area_name,
  external: r.external, createdAt: iso(r.created_at),
})

export async function listSubscriptions(knex: Knex, userId: number) {
  const rows = await knex('inbox_subscription as s').leftJoin('admin_division as d', 'd.code', 's.area_code')
    .where('s.user_id', userId).orderBy('s.id').select<SubscriptionRow[]>('s.id', 's.kind', 's.area_code', 'd.name as area_name', 's.external', 's.created_at')
  return rows.map(subscriptionView)
}

/** A subscription inside the caller's jurisdiction: an area outside it is refused naming areaCode, a repeat is a 409. */
export async function addSubscription(knex: Knex, userId: number, scope: Jurisdiction, b: { kind: NoticeKind; areaCode?: string | null; external: boolean }) {
  const area = b.areaCode ?? null
  if (area !== null) {
    const known = await knex('admin_division').where({ code: area }).first('code')
    if (!known || !scope.covers(area)) {
      throw new AppError(400, 'validation_failed', `invalid request body: areaCode: ${area} is not an area of your jurisdiction`,
        { errors: [{ field: 'areaCode', message: 'not an area of your jurisdiction' }] }).coded('inbox.area_outside', { area })
    }
  }
  const [row] = await knex('inbox_subscription').insert({ user_id: userId, kind: b.kind, area_code: area, external: b.external })
    .onConflict(knex.raw('(user_id, kind, coalesce(area_code, \'\'))')).ignore().returning('id') as { id: string }[]
  if (!row) {
    throw new AppError(409, 'conflict', `you already subscribe to ${b.kind}${area ? ` in ${area}` : ''}`, { errors: [{ field: 'kind', message: 'already subscribed' }] })
      .coded('inbox.subscription_exists', { kind: b.kind, area })
  }
  return (await listSubscriptions(knex, userId)).find((s) => s.id === Number(row.id))!
}

export async function removeSubscription(knex: Knex, userId: number, id: number): Promise<void> {
  const n = await knex('inbox_subscription').where({ id, user_id: userId }).delete()
  if (!n) throw notFound(`no subscription ${id} of yours`).coded('inbox.subscription_not_found', { id })
}

interface SettingRow { quiet_start: string | null; quiet_end: string | null; time_zone: string; external_address: string | null; updated_at: Date }
const hhmm = (t: string | null) => (t === null ? null : t.slice(0, 5))

export async function getSettings(knex: Knex, userId: number) {
  const r = await knex('inbox_setting').where({ user_id: userId }).first<SettingRow | undefined>()
  return {
    quietStart: hhmm(r?.quiet_start ?? null), quietEnd: hhmm(r?.quiet_end ?? null), timeZone: r?.time_zone ?? 'Asia/Shanghai',
    externalAddress: r?.external_address ?? null, updatedAt: iso(r?.updated_at ?? null),
  }
}

export async function putSettings(knex: Knex, userId: number, b: { quietStart: string | null; quietEnd: string | null; timeZone: string; externalAddress: string | null }, now = new Date()) {
  const row = { user_id: userId, quiet_start: b.quietStart, quiet_end: b.quietEnd, time_zone: b.timeZone, external_address: b.externalAddress, updated_at: now }
  await knex('inbox_setting').insert(row).onConflict('user_id').merge()
  return getSettings(knex, userId)
}

interface HeadRow { id: string; user_id: string; push_seq: string; kind: NoticeKind; title: string; event_ref: string | null; link: string | null; created_at: Date }

/** The stream item of a notice (the same shape deliver() sends live). */
const streamItem = (r: HeadRow) => ({
  userId: Number(r.user_id), seq: Number(r.push_seq), id: Number(r.id), kind: r.kind, title: r.title, eventId: r.event_ref,
  link: r.link, createdAt: iso(r.created_at),
})

/** The stream's replay (registered with server/stream/replay.ts). */
export async function replayInbox(knex: Knex, userId: number, after: number): Promise<StreamMessage[]> {
  const { rows } = await knex.raw(sqlFile('inbox/replay'), { userId, after }) as { rows: HeadRow[] }
  return rows.map((r) => ({ type: INBOX_SSE_TYPE, data: streamItem(r) }))
}

/** Tells the stream of held notices whose quiet hours are over; answers how many. */
export async function releaseHeld(knex: Knex, now = new Date(), batch = 500): Promise<number> {
  return knex.transaction(async (trx) => {
    const { rows } = await trx.raw(sqlFile('inbox/release'), { now, batch }) as { rows: HeadRow[] }
    await notifyUsers(trx, INBOX_SSE_TYPE, rows.map(streamItem))
    return rows.length
  })
}
