// What some actions' forms need beyond a comment (kept here so eventDetail.ts stays short): the
// actions the server refuses without a comment (督办 says what it demands, 督办回复 answers it,
// 申诉 says why, 协办反馈 gives the opinion), and the card a 督办 may carry.
import { el } from '../../ui/dom.ts'
import type { TransitionBody } from '../../client/eventsApi.ts'

/** Who may 督办 (the server's SUPERVISORS in server/events/workflow.ts): the 督办 button of an overdue warning. */
export const SUPERVISE_ROLES = ['command_center', 'district_staff', 'street_staff']

export const COMMENT_REQUIRED = new Set(['supervise', 'answer_supervision', 'appeal', 'assist_feedback'])

/** The 督办 card select (none, yellow, red), or null for other actions; `apply` adds it to the body. */
export function cardField(action: string): { field: HTMLElement; apply(body: TransitionBody): void } | null {
  if (action !== 'supervise') return null
  const select = el('select', { name: 'card' }, el('option', { value: '' }, '不出牌'), el('option', { value: 'yellow' }, '黄牌'), el('option', { value: 'red' }, '红牌'))
  return {
    field: el('label', {}, '督办牌', select),
    apply: (body) => { if (select.value === 'yellow' || select.value === 'red') body.card = select.value },
  }
}
