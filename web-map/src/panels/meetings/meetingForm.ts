// 发起会商 in the 会商 panel: kind (会商/会办/提级会商/72小时处置计划), title, the event or area it
// belongs to, time and place, the invited units (department codes) and the first decisions, each
// with an owner unit and a deadline. Times are entered as Beijing time (the screen's clock); the
// server checks the rest (owner invited, deadline after the start, a 72-hour plan's within 72 h)
// and its refusal, naming the field, is shown as it comes.
import { createMeeting, MEETING_KINDS, type Meeting, type MeetingKind, type NewDecision } from '../../client/meetingsApi.ts'
import type { Session } from '../../client/api.ts'
import { el } from '../../ui/dom.ts'

/** A datetime-local value read as Beijing time, as ISO 8601 with its offset; '' stays undefined. */
export function beijingIso(local: string): string | undefined {
  if (!local) return undefined
  return `${local.length === 16 ? `${local}:00` : local}+08:00`
}

export const codesOf = (text: string): string[] => text.split(/[\s,，、;；]+/).map((s) => s.trim()).filter(Boolean)

export class DecisionRow {
  readonly element: HTMLElement
  readonly text = el('input', { className: 'decision-text', placeholder: '决定事项', maxLength: 2000 })
  readonly owner = el('input', { className: 'decision-owner', placeholder: '责任单位代码', maxLength: 40 })
  readonly due = el('input', { type: 'datetime-local', className: 'decision-due' })
  constructor() {
    this.element = el('div', { className: 'meeting-row decision-row' }, this.text, this.owner, this.due)
  }
  get filled(): boolean { return Boolean(this.text.value.trim() || this.owner.value.trim() || this.due.value) }
  value(): NewDecision { return { text: this.text.value.trim(), owner: this.owner.value.trim(), dueAt: beijingIso(this.due.value) ?? '' } }
}

export class MeetingForm {
  readonly element: HTMLElement
  private readonly kind = el('select', { className: 'meeting-kind' })
  private readonly title = el('input', { className: 'meeting-title', placeholder: '会议名称', maxLength: 200 })
  private readonly event = el('input', { className: 'meeting-event', placeholder: '事件编号（可选）', maxLength: 17 })
  private readonly area = el('input', { className: 'meeting-area', placeholder: '社区代码（无事件时必填）', maxLength: 12 })
  private readonly starts = el('input', { type: 'datetime-local', className: 'meeting-starts' })
  private readonly place = el('input', { className: 'meeting-place', placeholder: '地点', maxLength: 200 })
  private readonly units = el('input', { className: 'meeting-units', placeholder: '参会单位代码，逗号分隔' })
  private readonly minutes = el('textarea', { className: 'meeting-minutes-new', placeholder: '会议纪要（可稍后补充）', rows: 2 })
  private readonly decisions = el('div', { className: 'meeting-decisions-new' })
  private readonly error = el('span', { className: 'meeting-error', role: 'alert' })
  private rows: DecisionRow[] = []

  constructor(private readonly session: Session, private readonly created: (m: Meeting) => void) {
    for (const [value, text] of MEETING_KINDS) this.kind.append(el('option', { value, textContent: text }))
    const more = el('button', { type: 'button', className: 'meeting-add-row', textContent: '添加决定事项' })
    more.addEventListener('click', () => this.addRow())
    const save = el('button', { type: 'button', className: 'meeting-create', textContent: '发起' })
    save.addEventListener('click', () => void this.submit(save))
    this.addRow()
    this.element = el('div', { className: 'meeting-form', hidden: true },
      el('div', { className: 'meeting-row' }, this.kind, this.title),
      el('div', { className: 'meeting-row' }, this.event, this.area),
      el('div', { className: 'meeting-row' }, el('label', {}, '时间 ', this.starts), this.place),
      this.units, this.minutes, el('h4', {}, '决定事项'), this.decisions,
      el('div', { className: 'meeting-row' }, more, save, this.error))
  }

  /** Prefills the event (from a hard case) and shows the form. */
  open(eventNumber?: string): void {
    if (eventNumber) this.event.value = eventNumber
    this.element.hidden = false
  }

  private addRow(): void {
    const r = new DecisionRow()
    this.rows.push(r)
    this.decisions.append(r.element)
  }

  private async submit(button: HTMLButtonElement): Promise<void> {
    this.error.textContent = ''
    const startsAt = beijingIso(this.starts.value)
    if (!this.title.value.trim()) { this.error.textContent = '请填写会议名称'; return }
    if (!startsAt) { this.error.textContent = '请选择会议时间'; return }
    const units = codesOf(this.units.value)
    if (!units.length) { this.error.textContent = '请填写参会单位'; return }
    button.disabled = true
    try {
      const m = await createMeeting(this.session, {
        kind: this.kind.value as MeetingKind, title: this.title.value.trim(), startsAt, units,
        ...(this.event.value.trim() ? { eventNumber: this.event.value.trim().toUpperCase() } : {}),
        ...(this.area.value.trim() ? { areaCode: this.area.value.trim() } : {}),
        ...(this.place.value.trim() ? { place: this.place.value.trim() } : {}),
        ...(this.minutes.value.trim() ? { minutes: this.minutes.value } : {}),
        decisions: this.rows.filter((r) => r.filled).map((r) => r.value()),
      })
      for (const input of this.element.querySelectorAll('input, textarea')) (input as HTMLInputElement).value = ''
      this.rows = []
      this.decisions.replaceChildren()
      this.addRow()
      this.element.hidden = true
      this.created(m)
    } catch (err) {
      this.error.textContent = (err as Error).message
    } finally {
      button.disabled = false
    }
  }
}
