// The lifecycle of an article: draft → pending (上报) → approved | rejected (审核) → published
// (上架) → withdrawn (下架); a returned article is edited and submitted again, a withdrawn one
// may be put back on the shelf. Expiry (expires_at passed) takes an article off the shelf on read
// (articles.ts stateOf, search.sql); withdrawing an expired article records it as withdrawn.
// Each step is one conditional UPDATE: a step from the wrong state changes nothing and answers
// 409 coded knowledge.invalid_state with the article's state.
import type { Knex } from 'knex'
import type { Principal } from '../auth/users.ts'
import { AppError, forbidden } from '../http/errors.ts'
import { articleView, readArticle, scopeOf, STATE_TITLES, stateOf } from './articles.ts'

export type Step = 'submit' | 'approve' | 'reject' | 'publish' | 'withdraw'

export const STEP_TITLES: Record<Step, string> = { submit: '上报', approve: '审核通过', reject: '审核退回', publish: '上架', withdraw: '下架' }

/** The states each step starts from, and where it leads. */
const STEPS: Record<Step, { from: string[]; to: string; reviewer: boolean }> = {
  submit: { from: ['draft', 'rejected'], to: 'pending', reviewer: false },
  approve: { from: ['pending'], to: 'approved', reviewer: true },
  reject: { from: ['pending'], to: 'rejected', reviewer: true },
  publish: { from: ['approved', 'withdrawn'], to: 'published', reviewer: true },
  withdraw: { from: ['published'], to: 'withdrawn', reviewer: true },
}

function columns(step: Step, p: Principal, now: Date, reason: string | null): Record<string, unknown> {
  switch (step) {
    case 'submit': return { submitted_at: now }
    case 'approve': case 'reject': return { reviewed_by: p.userId, reviewed_at: now, review_reason: reason }
    case 'publish': return { published_at: now, withdrawn_at: null, withdraw_reason: null }
    case 'withdraw': return { withdrawn_at: now, withdraw_reason: reason }
  }
}

export async function step(knex: Knex, p: Principal, id: number, s: Step, reason: string | null = null, now = new Date()) {
  const scope = scopeOf(p)
  const rule = STEPS[s]
  return knex.transaction(async (trx) => {
    const r = await readArticle(trx, scope, id, true)
    if (rule.reviewer && !scope.all) throw forbidden(`only reviewers may ${s} an article`).coded('knowledge.reviewers_only', { step: STEP_TITLES[s] })
    if (!rule.reviewer && !scope.all && Number(r.author_id) !== p.userId) {
      throw forbidden(`only the author or a reviewer may ${s} article ${id}`).coded('knowledge.not_author', { id })
    }
    const state = stateOf(r, now)
    // an expired article is still 'published' in its row: it may be withdrawn, not published again as is
    if (!rule.from.includes(r.status)) {
      throw new AppError(409, 'invalid_state', `article ${id} is ${state}: cannot ${s}`, { status: state })
        .coded('knowledge.invalid_state', { id, step: STEP_TITLES[s], status: state, statusTitle: STATE_TITLES[state] })
    }
    await (trx('knowledge_article').where({ id, status: r.status }) as Knex.QueryBuilder)
      .update({ status: rule.to, updated_at: now, ...columns(s, p, now, reason) })
    return articleView(trx, scope, await readArticle(trx, scope, id))
  })
}
