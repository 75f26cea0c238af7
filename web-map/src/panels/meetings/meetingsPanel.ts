// 会商: joint meetings (会商/会办/提级会商 and the 72-hour plan) of the user's area and the open
// decisions they made, tracked like events: each with its owner unit and deadline, the overdue
// ones marked (只看超期 narrows to them), and 办结 for the owner unit (the server says which:
// mayClose). A meeting opens below with its invited units, minutes (kept by the conveners) and
// decisions, where further decisions are added. 发起会商 is offered to the roles that convene.
import './meetings.css'
import type { Session } from '../../client/api.ts'
import type { MeetingHead } from '../../client/casesApi.ts'
import { addDecision, closeDecision, fetchDecisions, fetchMeeting, fetchMeetings, saveMinutes, type Decision, type Meeting } from '../../client/meetingsApi.ts'
import { el } from '../../ui/dom.ts'
import { beijingTime } from '../../ui/time.ts'
import { DecisionRow, MeetingForm } from './meetingForm.ts'

export interface MeetingsHooks { canConvene(): boolean; openEvent(number: string): void; count(n: number): void }

export class MeetingsPanel {
  readonly element: HTMLElement
  private readonly message = el('p', { className: 'meeting-message', role: 'status' })
  private readonly decisionList = el('ul', { className: 'decision-list' })
  private readonly meetingList = el('ul', { className: 'meeting-list' })
  private readonly detail = el('div', { className: 'meeting-detail' })
  private readonly overdueOnly = el('button', { type: 'button', className: 'meeting-overdue-only', textContent: '只看超期' })
  private readonly convene = el('button', { type: 'button', className: 'meeting-new', textContent: '发起会商' })
  private readonly form: MeetingForm
  private filterOverdue = false
  private generation = 0

  constructor(private readonly session: Session, private readonly hooks: MeetingsHooks) {
    this.form = new MeetingForm(session, (m) => { void this.load(); this.render(m) })
    this.overdueOnly.setAttribute('aria-pressed', 'false')
    this.overdueOnly.addEventListener('click', () => {
      this.filterOverdue = !this.filterOverdue
      this.overdueOnly.setAttribute('aria-pressed', String(this.filterOverdue))
      void this.load()
    })
    this.convene.addEventListener('click', () => this.form.open())
    this.element = el('section', { className: 'meetings-panel' },
      el('div', { className: 'meeting-head' }, el('h2', {}, '会商'), el('div', { className: 'meeting-tools' }, this.overdueOnly, this.convene)),
      this.form.element, this.message,
      el('h3', {}, '待落实的决定事项'), this.decisionList,
      el('h3', {}, '会议'), this.meetingList, this.detail)
  }

  shown(): void {
    this.convene.hidden = !this.hooks.canConvene()
    void this.load()
  }

  clear(): void {
    this.generation++
    for (const x of [this.decisionList, this.meetingList, this.detail]) x.replaceChildren()
    this.message.textContent = ''
    this.hooks.count(0)
    delete this.element.dataset.state
  }

  private async load(): Promise<void> {
    const generation = ++this.generation
    this.element.dataset.state = 'loading'
    try {
      const [decisions, meetings, overdue] = await Promise.all([fetchDecisions(this.session, this.filterOverdue), fetchMeetings(this.session),
        this.filterOverdue ? null : fetchDecisions(this.session, true)])
      if (generation !== this.generation) return
      const overdueCount = (overdue ?? decisions).items.length
      this.message.textContent = `待落实 ${decisions.items.length} 项${this.filterOverdue ? '（超期）' : `，其中超期 ${overdueCount} 项`}；会议 ${meetings.items.length} 场`
      this.hooks.count(overdueCount)
      this.decisionList.replaceChildren(...decisions.items.map((d) => this.decisionItem(d, null)))
      if (!decisions.items.length) this.decisionList.append(el('li', { className: 'meeting-empty' }, '暂无'))
      this.meetingList.replaceChildren(...meetings.items.map((m) => this.meetingItem(m)))
      if (!meetings.items.length) this.meetingList.append(el('li', { className: 'meeting-empty' }, '暂无会议'))
      this.element.dataset.state = 'ready'
    } catch (err) {
      if (generation !== this.generation) return
      this.message.textContent = (err as Error).message
      this.element.dataset.state = 'error'
    }
  }

  private decisionItem(d: Decision, meeting: Meeting | null): HTMLElement {
    const li = el('li', { className: `decision-item ${d.state}${d.overdue ? ' overdue' : ''}` },
      el('span', { className: 'decision-owner-name' }, d.owner.name),
      el('span', { className: 'decision-text' }, d.text),
      el('span', { className: 'decision-due' }, `${d.overdue ? '已超期 · ' : ''}时限 ${beijingTime(d.dueAt, false)}`),
      ...(meeting ? [] : [el('span', { className: 'decision-meeting' }, `${d.meeting.title}${d.meeting.eventNumber ? ` · ${d.meeting.eventNumber}` : ''}`)]),
      ...(d.state === 'done' ? [el('span', { className: 'decision-result' }, `已落实 ${beijingTime(d.doneAt, false)}：${d.result ?? ''}`)] : []))
    li.dataset.meeting = String(d.meetingId)
    li.dataset.seq = String(d.seq)
    if (d.mayClose) li.append(this.doneForm(d))
    return li
  }

  private doneForm(d: Decision): HTMLElement {
    const result = el('input', { className: 'decision-result-input', placeholder: '落实情况', maxLength: 2000 })
    const error = el('span', { className: 'meeting-error', role: 'alert' })
    const done = el('button', { type: 'button', className: 'decision-done', textContent: '办结' })
    done.addEventListener('click', (e) => {
      e.stopPropagation()
      void (async () => {
        if (!result.value.trim()) { error.textContent = '请填写落实情况'; return }
        try {
          const m = await closeDecision(this.session, d.meetingId, d.seq, result.value.trim())
          void this.load()
          if (this.detail.dataset.id === String(m.id)) this.render(m)
        } catch (err) {
          error.textContent = (err as Error).message
        }
      })()
    })
    return el('span', { className: 'decision-close' }, result, done, error)
  }

  private meetingItem(m: MeetingHead): HTMLElement {
    const li = el('li', { className: `meeting-item${m.overdueDecisions ? ' overdue' : ''}` },
      el('span', { className: 'meeting-kind-title' }, m.kindTitle),
      el('span', { className: 'meeting-name' }, m.title),
      el('time', {}, beijingTime(m.startsAt, false)),
      el('span', { className: 'meeting-units-line' }, `参会：${m.units.map((u) => u.name).join('、')}`),
      el('span', { className: 'meeting-counts' }, `决定 ${m.decisions} 项，未落实 ${m.openDecisions} 项${m.overdueDecisions ? `，超期 ${m.overdueDecisions} 项` : ''}`))
    li.dataset.id = String(m.id)
    li.addEventListener('click', () => void this.open(m.id))
    return li
  }

  private async open(id: number): Promise<void> {
    try {
      this.render(await fetchMeeting(this.session, id))
    } catch (err) {
      this.detail.replaceChildren(el('p', { className: 'meeting-error', role: 'alert' }, (err as Error).message))
    }
  }

  private render(m: Meeting): void {
    const convener = this.hooks.canConvene()
    const minutes = el('textarea', { className: 'meeting-minutes', rows: 4, readOnly: !convener, value: m.minutes ?? '', placeholder: '暂无纪要' })
    const status = el('span', { className: 'meeting-error', role: 'alert' })
    const tools: HTMLElement[] = []
    if (convener) {
      const save = el('button', { type: 'button', className: 'meeting-minutes-save', textContent: '保存纪要' })
      save.addEventListener('click', () => void (async () => {
        status.textContent = ''
        try {
          this.render(await saveMinutes(this.session, m.id, minutes.value))
          this.detail.querySelector('.meeting-detail-status')!.textContent = '纪要已保存'
        } catch (err) {
          status.textContent = (err as Error).message
        }
      })())
      tools.push(save)
    }
    const event = m.eventNumber ? el('button', { type: 'button', className: 'meeting-event-link', textContent: m.eventNumber }) : null
    event?.addEventListener('click', () => this.hooks.openEvent(m.eventNumber!))
    this.detail.dataset.id = String(m.id)
    this.detail.replaceChildren(
      el('h3', {}, `${m.kindTitle}：${m.title}`),
      el('p', { className: 'meeting-meta' }, `${beijingTime(m.startsAt, false)}${m.place ? ` · ${m.place}` : ''} · 召集：${m.convener}`, ...(event ? [' · 事件 ', event] : [])),
      el('p', { className: 'meeting-meta' }, `参会单位：${m.units.map((u) => `${u.name}（${u.code}）`).join('、')}`),
      el('h4', {}, '会议纪要'), minutes, el('div', { className: 'meeting-row' }, ...tools, status, el('span', { className: 'meeting-detail-status', role: 'status' })),
      el('h4', {}, '决定事项'),
      m.decisions.length ? el('ul', { className: 'decision-list meeting-decisions' }, ...m.decisions.map((d) => this.decisionItem(d, m))) : el('p', { className: 'meeting-empty' }, '暂无决定事项'),
      ...(convener ? [this.addDecisionForm(m)] : []))
  }

  private addDecisionForm(m: Meeting): HTMLElement {
    const row = new DecisionRow()
    const error = el('span', { className: 'meeting-error', role: 'alert' })
    const add = el('button', { type: 'button', className: 'decision-add', textContent: '添加决定事项' })
    add.addEventListener('click', () => void (async () => {
      error.textContent = ''
      try {
        this.render(await addDecision(this.session, m.id, row.value()))
        void this.load()
      } catch (err) {
        error.textContent = (err as Error).message
      }
    })())
    return el('div', { className: 'meeting-form-inline' }, row.element, el('div', { className: 'meeting-row' }, add, error))
  }
}
