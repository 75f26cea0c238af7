// What some actions' forms need beyond a comment (kept here so eventDetail.ts stays short): the
// actions the server refuses without a comment (督办 says what it demands, 督办回复 answers it,
// 申诉 says why, 协办反馈 gives the opinion), and the card a 督办 may carry.
import { el } from '../../ui/dom.ts'
import type { TransitionBody } from '../../client/eventsApi.ts'

/** Who may 督办 (the server's SUPERVISORS in server/events/workflow.ts): the 督办 button of an overdue warning. */
export const SUPERVISE_ROLES = ['command_center', 'district_staff', 'street_staff']

export const COMMENT_REQUIRED = new Set(['supervise', 'answer_supervision', 'appeal', 'assist_feedback',
  // field steps: the reason of a transfer, a request or a declaration, the answer of a direct reply, the duty chief's decision
  'transfer', 'request_supervision', 'direct_reply', 'coordinate_dispatch', 'declare_emergency'])

/** The 督办 card select (none, yellow, red), or null for other actions; `apply` adds it to the body. */
export function cardField(action: string): { field: HTMLElement; apply(body: TransitionBody): void } | null {
  if (action === 'verify_on_site' || action === 'review_supervision_request') return fieldStepChoice(action)
  if (action !== 'supervise') return null
  const select = el('select', { name: 'card' }, el('option', { value: '' }, '不出牌'), el('option', { value: 'yellow' }, '黄牌'), el('option', { value: 'red' }, '红牌'))
  return {
    field: el('label', {}, '督办牌', select),
    apply: (body) => { if (select.value === 'yellow' || select.value === 'red') body.card = select.value },
  }
}

/**
 * 事件核实's outcome and the grid leader's decision on a 督办申请 (the server names the missing one).
 * The on-site position comes from the inspector's device (the server takes its last fix).
 */
function fieldStepChoice(action: 'verify_on_site' | 'review_supervision_request'): { field: HTMLElement; apply(body: TransitionBody): void } {
  if (action === 'verify_on_site') {
    const select = el('select', { name: 'outcome', required: true }, el('option', { value: 'confirmed' }, '属实'), el('option', { value: 'unconfirmed' }, '不属实'))
    return { field: el('label', {}, '核实结果', select), apply: (body) => { body.outcome = select.value === 'unconfirmed' ? 'unconfirmed' : 'confirmed' } }
  }
  const select = el('select', { name: 'grant', required: true }, el('option', { value: 'true' }, '同意督办'), el('option', { value: 'false' }, '不同意'))
  return { field: el('label', {}, '审核结论', select), apply: (body) => { body.grant = select.value === 'true' } }
}
