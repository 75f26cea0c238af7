// One row of the 预警 list: level, kind, time (Asia/Shanghai) and title, with 确认 opening a
// short form (处置意见 for a server warning) whose refusal is shown in the row itself.
import { beijingTime } from '../../ui/time.ts'
import { el } from '../../ui/dom.ts'
import { levelName, type Alarm } from './alarms.ts'

const LEVEL_CLASS: Record<number, string> = { 1: 'red', 2: 'orange', 3: 'yellow' }

export interface RowActions {
  /** the row was clicked: open the alarm (centre the map, highlight the bubble) */
  open(key: string): void
  /** may this user acknowledge it (server alarms need an acknowledging role) */
  canAcknowledge(a: Alarm): boolean
  /** acknowledges; rejects with an Error whose message is shown in the row */
  acknowledge(a: Alarm, comment: string): Promise<void>
  /** opens an event alarm's event in the events panel */
  openEvent(number: string): void
  /** opens the event with its 督办 form (overdue events; absent for roles that may not supervise) */
  supervise?: (number: string) => void
}

export function alarmRow(a: Alarm, actions: RowActions): HTMLLIElement {
  const head = el('button', { type: 'button', className: 'warning-row', title: '在地图上定位' },
    el('span', { className: `level-chip ${LEVEL_CLASS[a.level] ?? 'yellow'}` }, levelName(a.level).slice(0, 1)),
    el('span', { className: 'kind' }, a.kindName),
    el('time', { className: 'time', dateTime: a.at }, beijingTime(a.at, false)),
    el('span', { className: 'title' }, a.title))
  head.addEventListener('click', () => actions.open(a.key))
  const error = el('p', { className: 'error', role: 'alert' })
  const buttons = el('div', { className: 'warning-actions' })
  if (a.eventNumber) {
    const number = a.eventNumber
    const view = el('button', { type: 'button', className: 'view-event' }, '查看事件')
    view.addEventListener('click', () => actions.openEvent(number))
    buttons.append(view)
    const supervise = actions.supervise
    if (a.kind === 'overdue' && supervise) {
      const b = el('button', { type: 'button', className: 'supervise-event' }, '督办')
      b.addEventListener('click', () => supervise(number))
      buttons.append(b)
    }
  }
  const li = el('li', { className: 'warning-item' }, head, buttons)
  if (actions.canAcknowledge(a)) {
    const ack = el('button', { type: 'button', className: 'ack' }, '确认')
    if (a.source === 'event') ack.title = '仅从本屏的预警中移除；事件仍在事件面板中办理'
    const form = ackForm(a, actions, error, () => { form.hidden = true; ack.disabled = false })
    form.hidden = true
    ack.addEventListener('click', () => {
      form.hidden = false
      ack.disabled = true
      form.querySelector<HTMLElement>('input, button[type=submit]')?.focus()
    })
    buttons.append(ack)
    li.append(form)
  }
  li.append(error)
  li.dataset.key = a.key
  li.dataset.source = a.source
  li.dataset.kind = a.kind
  li.dataset.level = String(a.level)
  return li
}

function ackForm(a: Alarm, actions: RowActions, error: HTMLElement, close: () => void): HTMLFormElement {
  const comment = el('input', { name: 'comment', maxLength: 500, placeholder: '处置意见（可选）', autocomplete: 'off' })
  const submit = el('button', { type: 'submit' }, a.source === 'event' ? '移除' : '确认')
  const cancel = el('button', { type: 'button' }, '取消')
  const form = el('form', { className: 'ack-form' })
  // fence alerts and the screen's own event alarms take no comment (the fence route has no body)
  if (a.source === 'warning') form.append(el('label', {}, '处置意见', comment))
  form.append(el('div', { className: 'buttons' }, submit, cancel))
  cancel.addEventListener('click', () => {
    error.textContent = ''
    close()
  })
  form.addEventListener('submit', (e) => {
    e.preventDefault()
    submit.disabled = true
    error.textContent = ''
    form.dataset.state = 'sending'
    actions.acknowledge(a, comment.value).then(() => {
      form.dataset.state = 'done'
    }, (err: unknown) => {
      error.textContent = (err as Error).message
      form.dataset.state = 'error'
      submit.disabled = false
    })
  })
  return form
}
