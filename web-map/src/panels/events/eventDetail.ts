// One event in the events panel: its facts, its history as a timeline, and a button per action
// the server says this user may fire now (`allowed`). Firing opens a small form (comment; unit
// code for dispatching actions; satisfaction for evaluate) and POSTs the transition with the
// version shown, so acting on a stale view is refused instead of overwriting someone's step.
import type { Session } from '../../client/api.ts'
import { el } from '../../ui/dom.ts'
import {
  ACTION_TITLES, actionTitle, currentDeadline, fireTransition, LIGHT_TITLES, localTime, readEvent, readHistory, ROLE_TITLES,
  SATISFACTION_TITLES, timeLeft, UNIT_ACTIONS, type EventItem, type HistoryItem, type TransitionBody,
} from '../../client/eventsApi.ts'
import { wordNote } from './historyWording.ts'
import { mountDispatch } from '../dispatch/dispatchPanel.ts'
import { cardField, COMMENT_REQUIRED } from './actionExtras.ts'
import { classPick, suggestionsOf, type Suggestion } from './classPick.ts'
import { mountSimilarCases } from '../exemplary/similarSection.ts'

export interface DetailHooks {
  /** A transition succeeded: the list and the map should refresh. */
  changed(): void
  back(): void
}

const RELOAD_DEBOUNCE_MS = 300
/** How long a step's confirmation outlives reloads the step itself caused. */
const NOTICE_MS = 10_000

export class EventDetail {
  /** The event shown, or null. */
  number: string | null = null
  private event: EventItem | null = null
  /** the classifier's suggestions kept with the report shown (立案 picks among them) */
  private suggestions: Suggestion[] = []
  private reloadTimer: ReturnType<typeof setTimeout> | undefined
  private generation = 0
  /** The last step's confirmation: a reload from the stream right after it keeps showing it. */
  private notice: { number: string; text: string; until: number } | null = null

  constructor(private readonly root: HTMLElement, private readonly session: Session, private readonly hooks: DetailHooks) {}

  /**
   * Loads and shows an event; resolves to it (null when it cannot be read). A background reload
   * (`quiet`) leaves the view as it is when the user opened an action form while it was loading:
   * replacing the DOM would throw away what they are typing.
   */
  async show(number: string, keepMessage = '', quiet = false): Promise<EventItem | null> {
    const recent = this.notice && this.notice.number === number && Date.now() < this.notice.until ? this.notice.text : ''
    keepMessage ||= recent
    this.number = number
    this.root.hidden = false
    this.root.dataset.number = number
    const generation = ++this.generation
    try {
      const [event, history] = await Promise.all([readEvent(this.session, number), readHistory(this.session, number)])
      if (generation !== this.generation) return null // another event was opened meanwhile
      if (quiet && this.root.querySelector('form.action-form')) return this.event
      this.event = event
      this.suggestions = suggestionsOf(history)
      this.render(event, history, keepMessage)
      return event
    } catch (err) {
      if (generation !== this.generation) return null
      this.event = null
      this.root.replaceChildren(this.backButton(), el('p', { className: 'error', role: 'alert' }, (err as Error).message))
      this.root.dataset.state = 'error'
      return null
    }
  }

  /** The stream reported a change of this event (maybe by someone else): reload it shortly. */
  reloadSoon(): void {
    clearTimeout(this.reloadTimer)
    this.reloadTimer = setTimeout(() => {
      // an open action form keeps what the user typed: reload only when none is open
      if (this.number && !this.root.querySelector('form.action-form')) void this.show(this.number, '', true)
    }, RELOAD_DEBOUNCE_MS)
  }

  close(): void {
    clearTimeout(this.reloadTimer)
    this.generation++
    this.number = null
    this.event = null
    this.root.hidden = true
    this.root.replaceChildren()
    delete this.root.dataset.number
    delete this.root.dataset.state
  }

  private backButton(): HTMLButtonElement {
    const back = el('button', { type: 'button', className: 'back' }, '← 返回列表')
    back.addEventListener('click', () => this.hooks.back())
    return back
  }

  private render(e: EventItem, history: HistoryItem[], message: string): void {
    const left = timeLeft(currentDeadline(e))
    const assignee = e.assignee
      ? [e.assignee.department.name ?? e.assignee.department.code ?? '', e.assignee.member?.name ?? ''].filter(Boolean).join(' · ')
      : '未派遣'
    const facts: [string, string, string][] = [
      ['status', '状态', `${e.statusTitle}${e.light ? ` · ${LIGHT_TITLES[e.light]}` : ''}`],
      ['class', '事件类型', `${e.class.name ?? ''} ${e.class.code}`.trim()],
      ['description', '问题描述', e.description],
      ['address', '地址', e.address ?? '—'],
      ['grid', '所在网格', e.grid?.code ?? '—'],
      ['assignee', '处置单位', assignee],
      ['created', '上报时间', localTime(e.createdAt)],
      ['sign-due', '签收时限', localTime(e.deadlines.signDueAt)],
      ['handle-due', '处置时限', localTime(e.deadlines.handleDueAt)],
      ['left', '剩余时间', left?.text ?? '—'],
    ]
    if (e.satisfaction) facts.push(['satisfaction', '满意度', SATISFACTION_TITLES[e.satisfaction] ?? e.satisfaction])
    const table = el('table', {}, el('tbody', {}, ...facts.map(([key, title, value]) =>
      el('tr', { className: `fact-${key}` }, el('th', {}, title), el('td', {}, value)))))
    const actions = el('div', { className: 'actions' })
    const allowed = e.allowed ?? []
    for (const a of allowed) {
      const b = el('button', { type: 'button' }, ACTION_TITLES[a] ?? a)
      b.dataset.action = a
      b.addEventListener('click', () => this.openForm(a, actions))
      actions.append(b)
    }
    if (!allowed.length) actions.append(el('p', { className: 'hint' }, '当前没有您可执行的操作'))
    const note = el('p', { className: message ? 'notice' : 'notice empty', role: 'status' }, message)
    this.root.replaceChildren(
      this.backButton(),
      el('h3', {}, `事件 ${e.number}`),
      table,
      el('h4', {}, '操作'), actions, note,
      el('h4', {}, '办理过程'), timeline(history),
    )
    mountSimilarCases(this.root.insertBefore(el('section'), note.nextSibling), this.session, e) // 相似公示案例, after 调度
    mountDispatch(this.root.insertBefore(el('section'), note.nextSibling), this.session, e, { dispatched: (text) => { this.hooks.changed(); void this.show(e.number, text) } })
    this.root.dataset.state = 'ready'
    this.root.dataset.version = String(e.version)
  }

  /** Opens an action's form if the event shown allows it now (督办 from an overdue warning). */
  openAction(action: string): boolean {
    const actions = this.root.querySelector<HTMLElement>('.actions')
    if (!actions || !this.event?.allowed?.includes(action)) return false
    this.openForm(action, actions)
    return true
  }

  /** The form of one action, under the buttons; one form at a time. */
  private openForm(action: string, actions: HTMLElement): void {
    this.root.querySelector('form.action-form')?.remove()
    const form = el('form', { className: 'action-form' })
    form.dataset.action = action
    const needed = COMMENT_REQUIRED.has(action)
    const comment = el('textarea', { name: 'comment', maxLength: 2000, rows: 2, required: needed, placeholder: needed ? '办理意见（必填）' : '办理意见（可选）' })
    form.append(el('label', {}, `${actionTitle(action)}意见`, comment))
    let unit: HTMLInputElement | null = null
    if (UNIT_ACTIONS.has(action)) {
      unit = el('input', { name: 'departmentCode', maxLength: 40, pattern: '[A-Za-z0-9_\\-]{1,40}', required: action === 'forward',
        placeholder: action === 'forward' ? '下级单位编码（必填）' : '留空则按派遣规则' })
      form.append(el('label', {}, '单位编码', unit))
    }
    let satisfaction: HTMLSelectElement | null = null
    if (action === 'evaluate') {
      satisfaction = el('select', { name: 'satisfaction', required: true },
        ...Object.entries(SATISFACTION_TITLES).map(([value, title]) => el('option', { value }, title)))
      form.append(el('label', {}, '满意度', satisfaction))
    }
    const card = cardField(action)
    if (card) form.append(card.field)
    const pick = action === 'accept' && this.event ? classPick(this.suggestions, this.event.class.code) : null
    if (pick) form.append(pick.field)
    const error = el('p', { className: 'error', role: 'alert' })
    const submit = el('button', { type: 'submit' }, `确定${actionTitle(action)}`)
    const cancel = el('button', { type: 'button' }, '取消')
    cancel.addEventListener('click', () => form.remove())
    form.append(el('div', { className: 'buttons' }, submit, cancel), error)
    form.addEventListener('submit', (ev) => {
      ev.preventDefault()
      const body: TransitionBody = { action }
      if (comment.value.trim()) body.comment = comment.value.trim()
      if (unit?.value.trim()) body.departmentCode = unit.value.trim()
      if (satisfaction) body.satisfaction = satisfaction.value
      card?.apply(body)
      pick?.apply(body)
      if (this.event) body.expectedVersion = this.event.version
      void this.fire(body, form, submit, error)
    })
    actions.after(form)
    comment.focus()
  }

  private async fire(body: TransitionBody, form: HTMLFormElement, submit: HTMLButtonElement, error: HTMLElement): Promise<void> {
    const number = this.number
    if (!number) return
    submit.disabled = true
    error.textContent = ''
    try {
      await fireTransition(this.session, number, body)
    } catch (err) {
      error.textContent = (err as Error).message
      form.dataset.state = 'error'
      submit.disabled = false
      return
    }
    this.hooks.changed()
    const text = `已${actionTitle(body.action)}`
    this.notice = { number, text, until: Date.now() + NOTICE_MS }
    await this.show(number, text)
  }
}

/** Steps by a person whose comment the server wrote (arrival, an appeal's report, an import): the note replaces it. */
const SERVER_COMMENTED = new Set(['arrive', 'report', 'import'])
/** Notes whose comment already says it in Chinese with more (a platform's own words): the comment alone. */
const COMMENT_SUFFICES = new Set(['platform_feedback'])

/** The history, oldest first: time, action, who, the server's note worded in Chinese, and the comment. */
function timeline(items: HistoryItem[]): HTMLOListElement {
  return el('ol', { className: 'timeline' }, ...items.map((h) => {
    // the workflow's own steps are by 'system', already named 系统自动
    const role = h.actor.role && h.actor.role !== 'system' ? ROLE_TITLES[h.actor.role] ?? h.actor.role : ''
    const who = [h.actor.name, role && `（${role}）`].filter(Boolean).join('')
    // a system line's comment is a server string (English in older rows): its note is worded instead
    const worded = COMMENT_SUFFICES.has(h.action) && h.comment ? null : wordNote(h.note)
    const comment = worded && (h.actor.role === 'system' || SERVER_COMMENTED.has(h.action)) ? null : h.comment
    const li = el('li', {},
      el('time', { dateTime: h.at }, localTime(h.at)),
      el('strong', { className: 'action' }, actionTitle(h.action)),
      el('span', { className: 'who' }, who || '系统'),
      ...(worded ? [el('p', { className: 'note' }, worded)] : []),
      ...(comment ? [el('p', { className: 'comment' }, comment)] : []))
    li.dataset.action = h.action
    if (h.note) li.dataset.code = h.note.code
    li.dataset.seq = String(h.seq)
    return li
  }))
}
