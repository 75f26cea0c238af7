// One exemplary case as a card: title, the event (number, class, community), how long it took
// against its limit and how it was evaluated, the centre's summary and reason, and the handling
// steps (the event's history, worded in Chinese like the event detail's). Shared by the 相似公示案例
// section of the event detail and the 公示 tab.
import { actionTitle, ROLE_TITLES, SATISFACTION_TITLES } from '../../client/eventsApi.ts'
import { CLASS_MATCH_TITLES, metresText, span, type Handling, type Score, type Step, type Timing } from '../../client/exemplaryApi.ts'
import { wordNote } from '../events/historyWording.ts'
import { beijingTime } from '../../ui/time.ts'
import { el } from '../../ui/dom.ts'

export interface CardInput {
  id: number; title: string; summary: string; reason: string; tags: string[]
  event: { number: string; class: { code: string; name: string }; communityName: string | null; satisfaction: string | null }
  pinnedBy: { name: string }; pinnedAt: string; timing: Timing; handling?: Handling; score?: Score
}

/** "用时 2小时5分 / 时限 4小时 · 按期" */
export function timingText(t: Timing): string {
  const taken = t.takenMinutes === null ? `总用时 ${span(t.totalMinutes)}` : `处置用时 ${span(t.takenMinutes)}`
  const limit = t.limitMinutes === null ? '' : ` / 时限 ${span(t.limitMinutes)}`
  const verdict = t.onTime === null ? '' : t.onTime ? ' · 按期办结' : ' · 超期办结'
  return `${taken}${limit}${verdict}`
}

/** Why a case was offered, in words: class, distance, shared words. */
export function whyText(s: Score): string {
  const words = s.text.words.shared.length ? `共同词语：${s.text.words.shared.join('、')}` : '无共同词语'
  return `${CLASS_MATCH_TITLES[s.class.match] ?? s.class.match} · 相距 ${metresText(s.distance.metres)} · ${words}`
}

/** The score as a sum of its weighted parts (the server's explanation, in numbers). */
export function scoreText(s: Score): string {
  const f = (x: number) => x.toFixed(2)
  return `相似度 ${f(s.total)} = 类别 ${f(s.class.value)}×${s.class.weight} + 距离 ${f(s.distance.value)}×${s.distance.weight} + 文本 ${f(s.text.value)}×${s.text.weight}` +
    `（词语重合 ${f(s.text.words.dice)}，字符重合 ${f(s.text.characters.dice)}）`
}

function stepItem(h: Step): HTMLLIElement {
  const role = h.actor.role && h.actor.role !== 'system' ? ROLE_TITLES[h.actor.role] ?? h.actor.role : ''
  const worded = h.actor.role === 'system' || !h.comment ? wordNote(h.note) : null
  const text = worded ?? h.comment
  const li = el('li', {},
    el('time', { dateTime: h.at }, beijingTime(h.at, false)),
    el('strong', {}, actionTitle(h.action)),
    el('span', { className: 'who' }, [h.actor.name, role && `（${role}）`].filter(Boolean).join('') || '系统'),
    ...(text ? [el('p', {}, text)] : []),
    ...(h.attachments ? [el('span', { className: 'photos' }, `附件 ${h.attachments}`)] : []))
  li.dataset.action = h.action
  return li
}

/** The handling steps, folded: the reader opens them when the summary is not enough. */
export function stepsBlock(h: Handling): HTMLDetailsElement {
  const d = el('details', { className: 'case-steps' },
    el('summary', {}, `办理过程（${h.steps.length} 步${h.extended ? '，曾批准延期' : ''}）`),
    el('ol', {}, ...h.steps.map(stepItem)))
  return d
}

export function caseCard(c: CardInput, footer: HTMLElement[] = []): HTMLElement {
  const satisfaction = c.handling?.evaluation?.satisfaction ?? c.event.satisfaction
  const card = el('article', { className: 'case-card' },
    el('header', {}, el('strong', { className: 'case-title' }, c.title),
      ...(c.score ? [el('span', { className: 'case-score', title: scoreText(c.score) }, `相似度 ${c.score.total.toFixed(2)}`)] : [])),
    el('p', { className: 'case-meta' }, [c.event.number, c.event.class.name, c.event.communityName].filter(Boolean).join(' · ')),
    ...(c.score ? [el('p', { className: 'case-why' }, whyText(c.score)), el('p', { className: 'case-score-detail' }, scoreText(c.score))] : []),
    el('p', { className: 'case-timing' }, timingText(c.timing) + (satisfaction ? ` · 评价：${SATISFACTION_TITLES[satisfaction] ?? satisfaction}` : ' · 未评价')),
    el('p', { className: 'case-summary' }, el('b', {}, '经验做法 '), c.summary),
    el('p', { className: 'case-reason' }, el('b', {}, '公示理由 '), c.reason),
    ...(c.tags.length ? [el('p', { className: 'case-tags' }, ...c.tags.map((t) => el('span', {}, t)))] : []),
    el('p', { className: 'case-pinned' }, `${c.pinnedBy.name} 于 ${beijingTime(c.pinnedAt, false)} 公示`),
    ...(c.handling ? [stepsBlock(c.handling)] : []),
    ...(footer.length ? [el('footer', {}, ...footer)] : []))
  card.dataset.caseId = String(c.id)
  card.dataset.event = c.event.number
  return card
}
