// Knowledge articles in and out of the database: what a caller may read, one article, the list
// and search, creation and edits (every version kept). The lifecycle steps are in lifecycle.ts.
import type { Knex } from 'knex'
import type { Principal } from '../auth/users.ts'
import { sqlFile } from '../db/sql.ts'
import { AppError, notFound } from '../http/errors.ts'
import { decodeTimeCursor, encodeTimeCursor } from '../http/cursor.ts'
import { expandQuery, plainText, sanitizeBody, searchVector, segmenter, synonymMap, type SynonymMap } from './text.ts'
import { searchPlan } from './rank.ts'
import { REVIEWERS, type CreateBody, type ListQuery, type PatchBody } from './schemas.ts'

export type Db = Knex | Knex.Transaction

export const STATE_TITLES: Record<string, string> = {
  draft: '草稿', pending: '待审核', approved: '已审核待上架', rejected: '已退回', published: '已上架', withdrawn: '已下架', expired: '已过期',
}

export const isReviewer = (p: Principal) => REVIEWERS.includes(p.role)

/** Who reads what: the public sees published public articles; staff the shelf and their own; reviewers all. */
export interface Scope { public: boolean; all: boolean; user: number | null; city: string | null }
export const PUBLIC_SCOPE: Scope = { public: true, all: false, user: null, city: null }
export const scopeOf = (p: Principal): Scope => ({ public: false, all: isReviewer(p), user: p.userId, city: p.cityCode })

export interface ArticleRow {
  id: string; city_code: string; title: string; summary: string | null; body_html: string; body_text: string; category: string
  tags: string[]; visibility: 'public' | 'internal'; status: string; expires_at: Date | null; published_at: Date | null
  updated_at: Date; created_at: Date; version: number; author_id: string | null; author_name: string; source_event_number: string | null
  submitted_at: Date | null; reviewed_by: string | null; reviewed_at: Date | null; review_reason: string | null
  withdrawn_at: Date | null; withdraw_reason: string | null
}

const iso = (d: Date | null) => (d ? d.toISOString() : null)
export const stateOf = (r: Pick<ArticleRow, 'status' | 'expires_at'>, now = new Date()) =>
  r.status === 'published' && r.expires_at !== null && r.expires_at.getTime() <= now.getTime() ? 'expired' : r.status

let synonymCache: { at: number; map: SynonymMap } | undefined
const SYNONYM_TTL_MS = 60_000

/** The synonym groups (cached a minute); their words are user words of the segmenter. */
export async function synonyms(knex: Db): Promise<SynonymMap> {
  if (synonymCache && Date.now() - synonymCache.at < SYNONYM_TTL_MS) return synonymCache.map
  const rows = await knex('knowledge_synonym').select('words') as { words: string[] }[]
  // the city's own place names are words too, so 光明社区 or 建设路 is one concept, not two
  const places = await knex.raw(sqlFile('knowledge/place_names')) as { rows: { name: string }[] }
  segmenter([...rows.flatMap((r) => r.words), ...places.rows.map((r) => r.name)])
  synonymCache = { at: Date.now(), map: synonymMap(rows.map((r) => r.words)) }
  return synonymCache.map
}

/** The clean body, its plain copy and the search vector of an article's content. */
export async function indexed(knex: Db, a: { title: string; tags: string[]; bodyHtml: string }) {
  await synonyms(knex)
  const bodyHtml = sanitizeBody(a.bodyHtml)
  const bodyText = plainText(bodyHtml)
  return { bodyHtml, bodyText, search: searchVector(a.title, a.tags, bodyText) }
}

/** The public face of an article (list item or detail): no author, review or internal state. */
export function publicView(r: { id: string; title: string; summary: string | null; category: string; tags: string[]; published_at: Date | null; updated_at: Date; mean?: number | null; n?: number }) {
  return {
    id: Number(r.id), title: r.title, summary: r.summary, category: r.category, tags: r.tags,
    publishedAt: iso(r.published_at), updatedAt: iso(r.updated_at),
    rating: { mean: r.mean === null || r.mean === undefined ? null : Math.round(r.mean * 100) / 100, count: r.n ?? 0 },
  }
}

interface ItemRow {
  id: string; title: string; summary: string | null; excerpt: string; category: string; tags: string[]; visibility: string; state: string
  expires_at: Date | null; published_at: Date | null; updated_at: Date; version: number; author_id: string | null; author_name: string
  source_event_number: string | null; rank: number | null; cursor_t: string; mean: number | null; n: number
}

function itemView(r: ItemRow, pub: boolean) {
  const base = { ...publicView(r), excerpt: r.excerpt, ...(r.rank === null ? {} : { rank: Math.round(Number(r.rank) * 1e6) / 1e6 }) }
  if (pub) return base
  return {
    ...base, visibility: r.visibility, status: r.state, statusTitle: STATE_TITLES[r.state], expiresAt: iso(r.expires_at), version: r.version,
    author: { id: r.author_id === null ? null : Number(r.author_id), name: r.author_name }, sourceEvent: r.source_event_number,
  }
}

/** Search offsets travel in the cursor as base64url JSON {o}; list pages use the time cursor. */
function decodeOffset(s: string): { o: number; f: boolean } {
  try {
    const { o, f } = JSON.parse(Buffer.from(s, 'base64url').toString('utf8')) as { o?: unknown; f?: unknown }
    if (typeof o === 'number' && Number.isInteger(o) && o > 0 && o <= 10_000) return { o, f: f === 1 }
  } catch { /* fall through */ }
  throw new AppError(400, 'validation_failed', 'invalid query: cursor: not a cursor from a previous page of this list',
    { errors: [{ field: 'cursor', message: 'malformed' }] }).coded('http.bad_cursor')
}

/** A page of articles: searched (ranked) when q is given, else newest change first. */
export async function listArticles(knex: Db, scope: Scope, q: Pick<ListQuery, 'q' | 'category' | 'limit' | 'cursor'> & Partial<ListQuery>, now = new Date()) {
  const groups = q.q ? expandQuery(q.q, await synonyms(knex)) : []
  const plan = q.q ? await searchPlan(knex, groups) : null
  if (q.q && plan === null) return { items: [], next: null, words: [] }
  const page = q.q && q.cursor ? decodeOffset(q.cursor) : { o: 0, f: false }
  const offset = page.o
  const c = !q.q && q.cursor ? decodeTimeCursor(q.cursor) : null
  const select = (query: string | null) => knex.raw(sqlFile('knowledge/search'), {
    query, groups: plan?.groups ?? [], titles: plan?.titles ?? [], weights: plan?.weights ?? [], now, city: scope.city, category: q.category ?? null, visibility: scope.public ? null : q.visibility ?? null,
    public: scope.public, favouriteOf: q.favourites && scope.user !== null ? scope.user : null,
    cursorT: c?.t ?? null, cursorI: c?.i ?? null, state: scope.public ? 'published' : q.status ?? 'published',
    all: scope.all, user: scope.user, limit: q.limit + 1, offset,
  }) as Promise<{ rows: ItemRow[] }>
  let fallback = page.f && plan?.fallback ? plan.fallback : null
  let { rows } = await select(fallback ?? plan?.query ?? null)
  // no article holds two of the concepts: any one of them will do (and so on the following pages)
  if (rows.length === 0 && offset === 0 && plan?.fallback) {
    fallback = plan.fallback
    rows = (await select(fallback)).rows
  }
  const more = rows.length > q.limit
  if (more) rows.pop()
  const last = rows.at(-1)
  const next = !more || !last ? null
    : q.q ? Buffer.from(JSON.stringify({ o: offset + q.limit, ...(fallback ? { f: 1 } : {}) })).toString('base64url') : encodeTimeCursor(last.cursor_t, last.id)
  return { items: rows.map((r) => itemView(r, scope.public)), next, words: groups }
}

/** One article row the scope may read (404 otherwise, the same answer as a missing one). */
export async function readArticle(knex: Db, scope: Scope, id: number, forUpdate = false, now = new Date()): Promise<ArticleRow> {
  let qb = knex('knowledge_article').where({ id })
  if (forUpdate) qb = qb.forUpdate()
  const r = await qb.first() as ArticleRow | undefined
  const ok = r && (scope.city === null || r.city_code === scope.city) && (scope.public
    ? r.visibility === 'public' && stateOf(r, now) === 'published'
    // staff read the shelf (an expired article too, marked expired), their own articles; reviewers all
    : scope.all || r.status === 'published' || (r.author_id !== null && Number(r.author_id) === scope.user))
  if (!r || !ok) throw notFound(`no article ${id}`).coded('knowledge.not_found', { id })
  return r
}

/** One article as its reader sees it, with the rating and (staff) whether they favoured it. */
export async function articleView(knex: Db, scope: Scope, r: ArticleRow) {
  const [agg] = await knex('knowledge_rating').where({ article_id: r.id }).select(knex.raw('avg(score)::float8 AS mean'), knex.raw('count(*)::int AS n')) as { mean: number | null; n: number }[]
  const base = { ...publicView({ ...r, mean: agg?.mean ?? null, n: agg?.n ?? 0 }), bodyHtml: r.body_html }
  if (scope.public) return base
  const mine = scope.user === null ? undefined
    : await knex('knowledge_rating').where({ article_id: r.id, user_id: scope.user }).first('score') as { score: number } | undefined
  const fav = scope.user === null ? undefined : await knex('knowledge_favourite').where({ article_id: r.id, user_id: scope.user }).first('user_id')
  const state = stateOf(r)
  return {
    ...base, bodyText: r.body_text, visibility: r.visibility, status: state, statusTitle: STATE_TITLES[state], expiresAt: iso(r.expires_at),
    version: r.version, author: { id: r.author_id === null ? null : Number(r.author_id), name: r.author_name },
    sourceEvent: r.source_event_number, submittedAt: iso(r.submitted_at), createdAt: iso(r.created_at),
    review: r.reviewed_at === null ? null : { by: r.reviewed_by === null ? null : Number(r.reviewed_by), at: iso(r.reviewed_at), reason: r.review_reason },
    withdrawn: r.withdrawn_at === null ? null : { at: iso(r.withdrawn_at), reason: r.withdraw_reason },
    myRating: mine ? Number(mine.score) : null, favourite: fav !== undefined,
  }
}

async function keepVersion(trx: Knex.Transaction, id: number | string, p: Principal, v: { version: number; title: string; summary: string | null;
  bodyHtml: string; category: string; tags: string[]; visibility: string }, now: Date) {
  await trx('knowledge_article_version').insert({
    article_id: id, version: v.version, title: v.title, summary: v.summary, body_html: v.bodyHtml, category: v.category, tags: v.tags,
    visibility: v.visibility, edited_by: p.userId, edited_by_name: p.displayName, edited_at: now,
  })
}

export interface NewArticle extends Omit<CreateBody, 'submit'> { submit?: boolean; sourceEventId?: number; sourceEventNumber?: string; city: string }

/** Writes a new article (a draft, or pending when submitted at once) and its first version. */
export async function insertArticle(trx: Knex.Transaction, p: Principal, a: NewArticle, now = new Date()): Promise<number> {
  const x = await indexed(trx, a)
  const [row] = await trx('knowledge_article').insert({
    city_code: a.city, title: a.title, summary: a.summary ?? null, body_html: x.bodyHtml, body_text: x.bodyText, category: a.category,
    tags: a.tags, visibility: a.visibility, status: a.submit ? 'pending' : 'draft', submitted_at: a.submit ? now : null,
    expires_at: a.expiresAt ?? null, search: x.search, source_event_id: a.sourceEventId ?? null, source_event_number: a.sourceEventNumber ?? null,
    author_id: p.userId, author_name: p.displayName, created_at: now, updated_at: now,
  }).returning('id') as { id: string }[]
  await keepVersion(trx, row!.id, p, { version: 1, title: a.title, summary: a.summary ?? null, bodyHtml: x.bodyHtml, category: a.category, tags: a.tags, visibility: a.visibility }, now)
  return Number(row!.id)
}

/**
 * An edit. The author edits a draft or a returned article; a reviewer any article that is not
 * under review (a published one stays on the shelf). Stale versions are refused (409); the
 * previous versions stay readable.
 */
export async function patchArticle(knex: Knex, p: Principal, id: number, b: PatchBody, now = new Date()) {
  const scope = scopeOf(p)
  return knex.transaction(async (trx) => {
    const r = await readArticle(trx, scope, id, true)
    const own = r.author_id !== null && Number(r.author_id) === p.userId
    if (!(scope.all ? r.status !== 'pending' : own && ['draft', 'rejected'].includes(r.status))) {
      throw new AppError(409, 'not_editable', `article ${id} is ${r.status}: not editable by you now`, { status: r.status })
        .coded('knowledge.not_editable', { id, status: r.status, statusTitle: STATE_TITLES[stateOf(r)] })
    }
    if (b.version !== r.version) {
      throw new AppError(409, 'version_conflict', `article ${id} is at version ${r.version}, you edited ${b.version}`, { version: r.version })
        .coded('knowledge.version_conflict', { id, version: r.version })
    }
    const next = {
      title: b.title ?? r.title, summary: b.summary === undefined ? r.summary : b.summary, bodyHtml: b.bodyHtml ?? r.body_html,
      category: b.category ?? r.category, tags: b.tags ?? r.tags, visibility: b.visibility ?? r.visibility,
    }
    const x = await indexed(trx, next)
    await trx('knowledge_article').where({ id }).update({
      title: next.title, summary: next.summary, body_html: x.bodyHtml, body_text: x.bodyText, category: next.category, tags: next.tags,
      visibility: next.visibility, search: x.search, expires_at: b.expiresAt === undefined ? r.expires_at : b.expiresAt,
      version: r.version + 1, updated_at: now,
    })
    await keepVersion(trx, id, p, { ...next, bodyHtml: x.bodyHtml, version: r.version + 1 }, now)
    return articleView(trx, scope, await readArticle(trx, scope, id))
  })
}

/** Every version of an article, newest first. */
export async function versionsOf(knex: Db, scope: Scope, id: number) {
  await readArticle(knex, scope, id)
  const rows = await knex('knowledge_article_version').where({ article_id: id }).orderBy('version', 'desc')
  return {
    id, items: rows.map((v: Record<string, unknown>) => ({
      version: v.version, title: v.title, summary: v.summary, bodyHtml: v.body_html, category: v.category, tags: v.tags,
      visibility: v.visibility, editedBy: { id: v.edited_by === null ? null : Number(v.edited_by), name: v.edited_by_name },
      editedAt: (v.edited_at as Date).toISOString(),
    })),
  }
}
