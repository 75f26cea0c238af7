// Knowledge and events: an article cited in an event's handling (引用), and a closed event turned
// into a draft article (工单转知识).
//
// A citation is a row of knowledge_citation and a note in the event's history written through the
// events capability's recordNote (action cite_knowledge, note code knowledge.cited), so the
// event's history shows it; the residents' page lists the public articles cited for a report.
//
// A draft from an event takes its class, description and the handling comments of its history,
// never who reported it: every value of the event's personal fields (PERSONAL_FIELDS, event.*)
// is cut out wherever it occurs, and so are mobile, fixed-line and ID numbers typed into the text.
// Staff names are left out too: the draft says what was done, not by whom.
import type { Knex } from 'knex'
import type { Principal } from '../auth/users.ts'
import { AppError, notFound } from '../http/errors.ts'
import { NUMBER, readEvent, type EventRow } from '../events/store.ts'
import { recordNote } from '../events/transitions.ts'
import { actionTitles, statusTitles, type Action } from '../events/workflow.ts'
import { PERSONAL_FIELDS } from '../privacy/fields.ts'
import { articleView, insertArticle, readArticle, scopeOf, STATE_TITLES, stateOf } from './articles.ts'
import type { CATEGORIES } from './schemas.ts'

export const CITE_ACTION = 'cite_knowledge'
const CLOSED = ['closed', 'evaluated']
const HIDDEN = '〔已隐去〕'

async function eventOf(knex: Knex | Knex.Transaction, p: Principal, number: string): Promise<EventRow> {
  const e = NUMBER.test(number) ? await readEvent(knex, number, p.jurisdiction, p.userId) : undefined
  if (!e) throw notFound(`no event ${number} in your jurisdiction`).coded('knowledge.event_not_found', { number })
  return e
}

export async function cite(knex: Knex, p: Principal, id: number, b: { event: string; note?: string | undefined }, now = new Date()) {
  return knex.transaction(async (trx) => {
    const a = await readArticle(trx, scopeOf(p), id)
    const state = stateOf(a, now)
    if (state !== 'published') {
      throw new AppError(409, 'not_on_shelf', `article ${id} is ${state}: only published articles are cited`, { status: state })
        .coded('knowledge.not_on_shelf', { id, status: state, statusTitle: STATE_TITLES[state] })
    }
    const e = await eventOf(trx, p, b.event)
    const [row] = await trx('knowledge_citation').insert({ article_id: id, event_id: e.id, event_number: e.number, cited_by: p.userId, note: b.note ?? null, created_at: now })
      .onConflict(['article_id', 'event_id']).ignore().returning('id') as { id: string }[]
    if (!row) throw new AppError(409, 'already_cited', `article ${id} is cited in event ${e.number} already`).coded('knowledge.already_cited', { id, number: e.number })
    const { seq } = await recordNote(trx, p, e.number, {
      action: CITE_ACTION, comment: b.note ?? null, explanation: { articleId: id, title: a.title, visibility: a.visibility },
    }, now)
    return { id: Number(row.id), articleId: id, title: a.title, visibility: a.visibility, event: e.number, historySeq: seq, note: b.note ?? null, createdAt: now.toISOString() }
  })
}

/** The citations of an article (the events the caller sees). */
export async function citationsOf(knex: Knex, p: Principal, id: number) {
  await readArticle(knex, scopeOf(p), id)
  const rows = await knex('knowledge_citation').where({ article_id: id }).orderBy('id') as { id: string; event_number: string; note: string | null; created_at: Date }[]
  const items = []
  for (const r of rows) {
    const e = NUMBER.test(r.event_number) ? await readEvent(knex, r.event_number, p.jurisdiction, p.userId) : undefined
    if (e) items.push({ id: Number(r.id), event: r.event_number, note: r.note, createdAt: r.created_at.toISOString() })
  }
  return { id, items }
}

/** The values of the event's personal fields (as listed in PERSONAL_FIELDS), longest first. */
function personalValues(e: EventRow): string[] {
  const values: string[] = []
  for (const f of PERSONAL_FIELDS) {
    if (!f.column.startsWith('event.')) continue
    const v = (e as unknown as Record<string, unknown>)[f.column.slice('event.'.length)]
    if (typeof v === 'string' && v.trim().length > 0) values.push(v.trim())
  }
  return values.sort((a, b) => b.length - a.length)
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
const PHONE_LIKE = /(?<!\d)(?:\+?86[\s-]?)?1[3-9]\d[\s-]?\d{4}[\s-]?\d{4}(?!\d)|(?<!\d)0\d{2,3}-?\d{7,8}(?!\d)|(?<!\d)\d{17}[\dXx](?![\dXx])/g

/** The text with the given values and every phone or ID number cut out. */
export function scrub(text: string, values: readonly string[]): string {
  let out = text
  for (const v of values) {
    out = out.replace(new RegExp(escapeRe(v), 'g'), HIDDEN)
    // a phone written with separators or spaces still names the person
    const digits = v.replace(/\D/g, '')
    if (digits.length >= 7) out = out.replace(new RegExp(digits.split('').join('[\\s-]?'), 'g'), HIDDEN)
  }
  return out.replace(PHONE_LIKE, HIDDEN)
}

const html = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')

const BIG_CLASS_CATEGORY: Record<string, (typeof CATEGORIES)[number]> = {
  '01': '市容环境', '02': '市容环境', '03': '设施管理', '04': '安全生产', '05': '街面秩序', '06': '社会事务',
}

/** A draft article from a closed or evaluated event the caller sees. */
export async function draftFromEvent(knex: Knex, p: Principal, b: { event: string; visibility: 'public' | 'internal'; category?: (typeof CATEGORIES)[number] | undefined }, now = new Date()) {
  return knex.transaction(async (trx) => {
    const e = await eventOf(trx, p, b.event)
    if (!CLOSED.includes(e.status)) {
      throw new AppError(409, 'not_closed', `event ${e.number} is ${e.status}: only a closed or evaluated event becomes an article`, { status: e.status })
        .coded('knowledge.event_not_closed', { number: e.number, statusTitle: statusTitles[e.status] })
    }
    const values = personalValues(e)
    const steps = await trx('event_history').where({ event_id: e.id }).whereNotNull('comment').orderBy('seq')
      .select('action', 'comment', 'explanation') as { action: string; comment: string; explanation: { satisfaction?: string } | null }[]
    const description = scrub(e.description, values)
    const handling = steps.filter((s) => s.action !== 'report' && s.action !== CITE_ACTION && s.comment.trim() !== '')
      .map((s) => `<li>${html(actionTitles[s.action as Action] ?? s.action)}：${html(scrub(s.comment, values))}</li>`)
    const bodyHtml = `<h3>问题类别</h3><p>${html(e.class_name)}</p><h3>问题描述</h3><p>${html(description)}</p>` +
      `<h3>处置经过</h3>${handling.length > 0 ? `<ul>${handling.join('')}</ul>` : '<p>（无处置记录）</p>'}` +
      `<h3>处置结果</h3><p>${html(statusTitles[e.status])}</p>`
    const short = [...description].slice(0, 30).join('')
    const id = await insertArticle(trx, p, {
      city: e.city_code, title: `${e.class_name}处置：${short}`, summary: `由事件 ${e.number} 转成的知识草稿`, bodyHtml,
      category: b.category ?? BIG_CLASS_CATEGORY[e.class_code.slice(0, 2)] ?? '其他', tags: [e.class_name.slice(0, 20)],
      visibility: b.visibility, expiresAt: null, sourceEventId: e.id, sourceEventNumber: e.number,
    }, now)
    const scope = scopeOf(p)
    return articleView(trx, scope, await readArticle(trx, scope, id))
  })
}
