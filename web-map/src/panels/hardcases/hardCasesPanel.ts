// 疑难: the register of hard cases in the user's area (why each was marked: the rule's reasons
// with the measured value and threshold, or 人工认定 with its note), newest first; a click opens
// the event's file below (caseDetail.ts: 批示 shown and recorded, 并联办 parts, meetings, quality).
// Any event number can be looked up too, so an event's parts and quality are readable before or
// without a marking. An event changing on the stream reloads the file that is open.
import './hardCases.css'
import type { Session } from '../../client/api.ts'
import type { StreamBus } from '../../client/streamBus.ts'
import { fetchHardCases, type HardCase } from '../../client/casesApi.ts'
import { el } from '../../ui/dom.ts'
import { beijingTime } from '../../ui/time.ts'
import { CaseDetailView, reasonText } from './caseDetail.ts'

export interface HardCasesHooks { openEvent(number: string): void; canInstruct(): boolean; count(n: number): void }

const EVENT_NUMBER = /^E\d{12,16}$/

export class HardCasesPanel {
  readonly element: HTMLElement
  private readonly message = el('p', { className: 'hardcase-message', role: 'status' })
  private readonly list = el('ul', { className: 'hardcase-list' })
  private readonly all = el('button', { type: 'button', className: 'hardcase-all', textContent: '含已撤销' })
  private readonly lookup = el('input', { className: 'hardcase-lookup', placeholder: '事件编号 E…', maxLength: 17 })
  private readonly detail: CaseDetailView
  /** the tab's badge: open hard cases */
  private readonly count: (n: number) => void
  private showAll = false
  private generation = 0

  constructor(private readonly session: Session, bus: StreamBus, hooks: HardCasesHooks) {
    this.detail = new CaseDetailView(session, hooks.canInstruct, hooks.openEvent)
    this.count = hooks.count
    this.all.setAttribute('aria-pressed', 'false')
    this.all.addEventListener('click', () => {
      this.showAll = !this.showAll
      this.all.setAttribute('aria-pressed', String(this.showAll))
      void this.load()
    })
    const go = el('button', { type: 'button', className: 'hardcase-go', textContent: '查看' })
    const lookupError = el('span', { className: 'hc-error', role: 'alert' })
    const find = () => {
      const n = this.lookup.value.trim().toUpperCase()
      lookupError.textContent = EVENT_NUMBER.test(n) ? '' : '事件编号格式为 E 加 12 至 16 位数字'
      if (!lookupError.textContent) void this.detail.show(n)
    }
    go.addEventListener('click', find)
    this.lookup.addEventListener('keydown', (e) => { if (e.key === 'Enter') find() })
    this.element = el('section', { className: 'hardcases-panel' },
      el('div', { className: 'hardcase-head' }, el('h2', {}, '疑难事件'), el('div', { className: 'hardcase-tools' }, this.all)),
      this.message, this.list,
      el('div', { className: 'hardcase-find' }, this.lookup, go, lookupError),
      this.detail.element)
    // the panel lives as long as the page, like the bus: no unsubscribe
    bus.on('event', (data) => {
      const number = typeof data.event === 'string' ? data.event : typeof data.number === 'string' ? data.number : null
      if (this.element.hidden) return
      if (number && number === this.detail.element.dataset.number) void this.detail.show(number)
      if (typeof data.action === 'string' && /hard_case|instruction/.test(data.action)) void this.load()
    })
  }

  shown(): void { void this.load() }

  clear(): void {
    this.generation++
    this.list.replaceChildren()
    this.message.textContent = ''
    this.detail.clear()
    this.count(0)
    delete this.element.dataset.state
  }

  private async load(): Promise<void> {
    const generation = ++this.generation
    this.element.dataset.state = 'loading'
    try {
      const { items } = await fetchHardCases(this.session, this.showAll ? 'all' : 'open')
      if (generation !== this.generation) return
      const open = items.filter((i) => i.clearedAt === null).length
      this.message.textContent = `疑难事件 ${open} 件${this.showAll ? `（含已撤销共 ${items.length} 件）` : ''}`
      this.count(open)
      this.list.replaceChildren(...items.map((i) => this.row(i)))
      if (!items.length) this.list.append(el('li', { className: 'hardcase-empty' }, '暂无疑难事件'))
      this.element.dataset.state = 'ready'
    } catch (err) {
      if (generation !== this.generation) return
      this.message.textContent = (err as Error).message
      this.element.dataset.state = 'error'
    }
  }

  private row(i: HardCase): HTMLElement {
    const li = el('li', { className: `hardcase-item${i.clearedAt ? ' cleared' : ''}` },
      el('span', { className: 'hardcase-number' }, i.number),
      el('span', { className: 'hardcase-class' }, `${i.class.name} · ${i.statusTitle}`),
      el('span', { className: 'hardcase-source' }, i.source === 'rule' ? '规则' : '人工'),
      el('span', { className: 'hardcase-reasons' }, i.reasons.map(reasonText).join('；')),
      el('span', { className: 'hardcase-meta' }, `认定于 ${beijingTime(i.markedAt, false)}${i.instructions ? ` · 批示 ${i.instructions} 条` : ''}${i.clearedAt ? ' · 已撤销' : ''}`),
      ...(i.note ? [el('span', { className: 'hardcase-note' }, i.note)] : []))
    li.dataset.number = i.number
    li.addEventListener('click', () => {
      for (const x of this.list.querySelectorAll('.selected')) x.classList.remove('selected')
      li.classList.add('selected')
      void this.detail.show(i.number)
    })
    return li
  }
}
