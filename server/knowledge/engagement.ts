// What readers do with articles: ratings (1-5, one per reader per article: rating again replaces
// it), favourites, corrections (纠错: submitted, then accepted or rejected by a reviewer) and
// requests for missing knowledge (索要: asked, then answered with an article or closed).
// Only articles on the shelf are rated, favoured or corrected.
import type { Knex } from 'knex'
import type { Principal } from '../auth/users.ts'
import { AppError, forbidden, notFound } from '../http/errors.ts'
import { decodeTimeCursor, encodeTimeCursor } from '../http/cursor.ts'
import { isReviewer, readArticle, scopeOf, STATE_TITLES, stateOf, type Db } from './articles.ts'

async function onShelf(knex: Db, p: Principal, id: number, what: string) {
  const r = await readArticle(knex, scopeOf(p), id)
  const state = stateOf(r)
  if (state !== 'published') {
    throw new AppError(409, 'not_on_shelf', `article ${id} is ${state}: only published articles are ${what}`, { status: state })
      .coded('knowledge.not_on_shelf', { id, status: state, statusTitle: STATE_TITLES[state] })
  }
  return r
}

export async function rate(knex: Knex, p: Principal, id: number, score: number, now = new Date()) {
  return knex.transaction(async (trx) => {
    await onShelf(trx, p, id, 'rated')
    await trx('knowledge_rating').insert({ article_id: id, user_id: p.userId, score, rated_at: now })
      .onConflict(['article_id', 'user_id']).merge(['score', 'rated_at'])
    const [agg] = await trx('knowledge_rating').where({ article_id: id }).select(trx.raw('avg(score)::float8 AS mean'), trx.raw('count(*)::int AS n')) as { mean: number; n: number }[]
    return { id, myRating: score, rating: { mean: Math.round(agg!.mean * 100) / 100, count: agg!.n } }
  })
}

export async function favour(knex: Knex, p: Principal, id: number, on: boolean) {
  if (on) {
    await onShelf(knex, p, id, 'favoured')
    await knex('knowledge_favourite').insert({ article_id: id, user_id: p.userId }).onConflict(['article_id', 'user_id']).ignore()
  } else {
    await readArticle(knex, scopeOf(p), id)
    await knex('knowledge_favourite').where({ article_id: id, user_id: p.userId }).delete()
  }
  return { id, favourite: on }
}

const iso = (d: Date | null) => (d ? d.toISOString() : null)

function correctionView(c: Record<string, unknown>) {
  return {
    id: Number(c.id), articleId: Number(c.article_id), content: c.content, status: c.status,
    submittedBy: { id: Number(c.submitted_by), name: c.submitted_by_name }, submittedAt: iso(c.submitted_at as Date),
    decidedAt: iso(c.decided_at as Date | null), answer: c.answer ?? null,
  }
}

export async function submitCorrection(knex: Knex, p: Principal, id: number, content: string) {
  await onShelf(knex, p, id, 'corrected')
  const [row] = await knex('knowledge_correction').insert({ article_id: id, content, submitted_by: p.userId, submitted_by_name: p.displayName }).returning('*')
  return correctionView(row as Record<string, unknown>)
}

/** The corrections of an article: a reviewer sees all, others their own. */
export async function correctionsOf(knex: Db, p: Principal, id: number) {
  await readArticle(knex, scopeOf(p), id)
  const qb = knex('knowledge_correction').where({ article_id: id }).orderBy('id')
  if (!isReviewer(p)) void qb.andWhere({ submitted_by: p.userId })
  return { id, items: (await qb as Record<string, unknown>[]).map(correctionView) }
}

export async function decideCorrection(knex: Knex, p: Principal, id: number, correctionId: number, accept: boolean, answer: string | null, now = new Date()) {
  if (!isReviewer(p)) throw forbidden('only reviewers decide corrections').coded('knowledge.reviewers_only', { step: '处理纠错' })
  await readArticle(knex, scopeOf(p), id)
  const [row] = await knex('knowledge_correction').where({ id: correctionId, article_id: id, status: 'open' })
    .update({ status: accept ? 'accepted' : 'rejected', decided_by: p.userId, decided_at: now, answer }).returning('*')
  if (row) return correctionView(row as Record<string, unknown>)
  const c = await knex('knowledge_correction').where({ id: correctionId, article_id: id }).first('status')
  if (!c) throw notFound(`no correction ${correctionId} of article ${id}`).coded('knowledge.correction_not_found', { id: correctionId })
  throw new AppError(409, 'already_decided', `correction ${correctionId} was ${c.status} already`, { status: c.status })
    .coded('knowledge.already_decided', { id: correctionId })
}

function requestView(r: Record<string, unknown>) {
  return {
    id: Number(r.id), question: r.question, detail: r.detail ?? null, status: r.status,
    askedBy: { id: Number(r.asked_by), name: r.asked_by_name }, askedAt: iso(r.asked_at as Date),
    articleId: r.article_id === null ? null : Number(r.article_id), answeredAt: iso(r.answered_at as Date | null), answer: r.answer ?? null,
  }
}

export async function ask(knex: Knex, p: Principal, b: { question: string; detail?: string | undefined }) {
  const [row] = await knex('knowledge_request').insert({
    city_code: p.cityCode, question: b.question, detail: b.detail ?? null, asked_by: p.userId, asked_by_name: p.displayName,
  }).returning('*')
  return requestView(row as Record<string, unknown>)
}

/** Requests, newest first: reviewers see the city's, others their own. */
export async function listRequests(knex: Db, p: Principal, q: { status?: string | undefined; limit: number; cursor?: string | undefined }) {
  const c = q.cursor ? decodeTimeCursor(q.cursor) : null
  const qb = knex('knowledge_request').select('*', knex.raw(`to_char(asked_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS cursor_t`))
    .where({ city_code: p.cityCode }).orderBy([{ column: 'asked_at', order: 'desc' }, { column: 'id', order: 'desc' }]).limit(q.limit + 1)
  if (!isReviewer(p)) void qb.andWhere({ asked_by: p.userId })
  if (q.status) void qb.andWhere({ status: q.status })
  if (c) void qb.andWhereRaw('(asked_at, id) < (?::timestamptz, ?::bigint)', [c.t, c.i])
  const rows = await qb as Record<string, unknown>[]
  const more = rows.length > q.limit
  if (more) rows.pop()
  const last = rows.at(-1)
  return { items: rows.map(requestView), next: more && last ? encodeTimeCursor(String(last.cursor_t), String(last.id)) : null }
}

/** A reviewer answers a request with a published article, or closes it. */
export async function answerRequest(knex: Knex, p: Principal, id: number, b: { articleId?: number | undefined; close?: boolean | undefined; answer?: string | undefined }, now = new Date()) {
  if (!isReviewer(p)) throw forbidden('only reviewers answer requests').coded('knowledge.reviewers_only', { step: '答复索要' })
  return knex.transaction(async (trx) => {
    const r = await trx('knowledge_request').where({ id, city_code: p.cityCode }).forUpdate().first()
    if (!r) throw notFound(`no request ${id}`).coded('knowledge.request_not_found', { id })
    if (r.status !== 'open') throw new AppError(409, 'already_answered', `request ${id} is ${r.status}`).coded('knowledge.already_answered', { id })
    if (b.articleId !== undefined) await onShelf(trx, p, b.articleId, 'linked')
    const [row] = await trx('knowledge_request').where({ id }).update({
      status: b.articleId === undefined ? 'closed' : 'answered', article_id: b.articleId ?? null, answered_by: p.userId, answered_at: now, answer: b.answer ?? null,
    }).returning('*')
    return requestView(row as Record<string, unknown>)
  })
}
