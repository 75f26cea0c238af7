// Notices (公告) in and out of the database, and the JSON shapes they are answered in.
import type { Knex } from 'knex'
import { z } from 'zod'
import { AppError, notFound } from '../http/errors.ts'
import { sqlFile } from '../db/sql.ts'
import { decodeTimeCursor, encodeTimeCursor } from '../http/cursor.ts'
import { sanitizeNotice, textOf } from './sanitize.ts'

export const CATEGORIES = { notice: '通知公告', policy: '政策解读', service: '办事指南', safety: '安全提示', activity: '社区活动' } as const
export type Category = keyof typeof CATEGORIES
const STATUS_NAMES: Record<string, string> = { draft: '草稿', published: '已发布', withdrawn: '已撤回' }

// eslint-disable-next-line no-control-regex -- the NUL is what is refused (PostgreSQL cannot store it)
const noNul = /^[^\u0000]*$/
const when = z.iso.datetime({ offset: true }).transform((s) => new Date(s))
const html = z.string().max(100_000).regex(noNul, 'must not contain a NUL character')
  .transform((s) => sanitizeNotice(s))
  .refine((s) => textOf(s).length > 0, 'has no text once sanitised (scripts, styles and unknown tags are removed)')
const fields = {
  title: z.string().trim().min(1).max(200).regex(noNul, 'must not contain a NUL character'),
  category: z.enum(Object.keys(CATEGORIES) as [Category, ...Category[]]),
  bodyHtml: html,
  audience: z.enum(['public', 'internal']),
  publishFrom: when.nullable(),
  publishUntil: when.nullable(),
}
const window = (b: { publishFrom?: Date | null | undefined; publishUntil?: Date | null | undefined }) =>
  !b.publishFrom || !b.publishUntil || b.publishUntil > b.publishFrom
export const createSchema = z.object({ ...fields, audience: fields.audience.default('public'), publishFrom: fields.publishFrom.optional(), publishUntil: fields.publishUntil.optional() })
  .strict().refine(window, { path: ['publishUntil'], message: 'must be after publishFrom' })
export const patchSchema = z.object({ ...Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, v.optional()])) as { [K in keyof typeof fields]: z.ZodOptional<(typeof fields)[K]> },
  version: z.number().int().positive() }).strict()
export const stateSchema = z.object({ version: z.number().int().positive().optional() }).strict()
export const listQuery = z.object({
  status: z.enum(['draft', 'published', 'withdrawn']).optional(), audience: z.enum(['public', 'internal']).optional(),
  q: z.string().trim().min(1).max(100).regex(noNul).optional(), limit: z.coerce.number().int().min(1).max(100).default(20), cursor: z.string().max(200).optional(),
}).strict()
export const publicListQuery = z.object({ limit: z.coerce.number().int().min(1).max(50).default(10), cursor: z.string().max(200).optional() }).strict()

export interface NoticeRow {
  id: number; city_code: string; title: string; category: Category; body_html: string; audience: string; status: string
  publish_from: Date | null; publish_until: Date | null; published_at: Date | null; withdrawn_at: Date | null
  version: number; created_at: Date; updated_at: Date; cursor_t?: string
}

const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null)

export function staffView(r: NoticeRow) {
  return { id: Number(r.id), title: r.title, category: r.category, categoryName: CATEGORIES[r.category], bodyHtml: r.body_html,
    audience: r.audience, status: r.status, statusName: STATUS_NAMES[r.status], publishFrom: iso(r.publish_from), publishUntil: iso(r.publish_until),
    publishedAt: iso(r.published_at), withdrawnAt: iso(r.withdrawn_at), version: r.version, createdAt: iso(r.created_at), updatedAt: iso(r.updated_at) }
}

export function publicView(r: Pick<NoticeRow, 'id' | 'title' | 'category' | 'body_html' | 'published_at'>) {
  return { id: Number(r.id), title: r.title, body: r.body_html, publishedAt: iso(r.published_at), category: r.category, categoryName: CATEGORIES[r.category] }
}

export const noticeNotFound = (id: string | number) => notFound(`no notice ${String(id).slice(0, 20)}`).coded('notices.not_found', { id: String(id).slice(0, 20) })

export async function staffList(knex: Knex, city: string, q: z.output<typeof listQuery>) {
  const c = q.cursor ? decodeTimeCursor(q.cursor) : undefined
  const like = q.q ? `%${q.q.replace(/[\\%_]/g, (m) => `\\${m}`)}%` : null
  const { rows } = await knex.raw(sqlFile('notices/staff_list'), { city, status: q.status ?? null, audience: q.audience ?? null, q: like,
    cursorT: c?.t ?? null, cursorI: c?.i ?? null, limit: q.limit + 1 }) as { rows: NoticeRow[] }
  const page = rows.slice(0, q.limit)
  return { items: page.map(staffView), next: rows.length > q.limit ? encodeTimeCursor(page.at(-1)!.cursor_t!, page.at(-1)!.id) : null }
}

export async function publicList(knex: Knex, q: { limit: number; cursor?: string | undefined; id?: number }, now = new Date()) {
  const c = q.cursor ? decodeTimeCursor(q.cursor) : undefined
  const { rows } = await knex.raw(sqlFile('notices/public_list'), { now, id: q.id ?? null, cursorT: c?.t ?? null, cursorI: c?.i ?? null, limit: q.limit + 1 }) as { rows: NoticeRow[] }
  const page = rows.slice(0, q.limit)
  return { items: page.map(publicView), next: rows.length > q.limit ? encodeTimeCursor(page.at(-1)!.cursor_t!, page.at(-1)!.id) : null }
}

export async function getNotice(knex: Knex | Knex.Transaction, city: string, id: string, forUpdate = false): Promise<NoticeRow> {
  if (!/^[1-9]\d{0,15}$/.test(id)) throw noticeNotFound(id)
  const qb = knex('notice').where({ id: Number(id), city_code: city }).first()
  const row = await (forUpdate ? qb.forUpdate() : qb) as NoticeRow | undefined
  if (!row) throw noticeNotFound(id)
  return row
}

export function assertVersion(row: NoticeRow, version: number | undefined): void {
  if (version !== undefined && version !== row.version) {
    throw new AppError(409, 'version_conflict', `notice ${row.id} is at version ${row.version}, not ${version}`, { version: row.version })
      .coded('notices.version_conflict', { id: Number(row.id), version: row.version })
  }
}

export const illegalState = (row: NoticeRow, action: 'publish' | 'withdraw') =>
  new AppError(409, 'illegal_state', `notice ${row.id} is ${row.status}: it cannot be ${action === 'publish' ? 'published' : 'withdrawn'}`, { status: row.status })
    .coded('notices.illegal_state', { id: Number(row.id), status: STATUS_NAMES[row.status], action: action === 'publish' ? '发布' : '撤回' })
