// 队列: the signed-in user's work queues (待签收, 待处置, 即将到期, 被退回, 待核实) for themselves or
// their unit, and the major emergencies (重大突发) they follow with each one's time line. Read
// when the tab is shown and again when the stream says an event changed or an emergency began;
// a click on an event opens it in the events panel.
import './queues.css'
import type { Session } from '../../client/api.ts'
import type { StreamBus } from '../../client/streamBus.ts'
import { fetchEmergencies, fetchQueues, fetchTimeline, QUEUE_ORDER, type Emergency, type QueueItem, type Queues } from '../../client/queuesApi.ts'
import { el } from '../../ui/dom.ts'
import { beijingClock } from '../../ui/time.ts'

export interface QueuesHooks { openEvent(number: string): void; count(n: number): void }

/** Stream messages come in bursts: one re-read per this many ms at most. */
const SETTLE_MS = 1500

export class QueuesPanel {
  readonly element: HTMLElement
  private readonly message = el('p', { className: 'queue-message', role: 'status' })
  private readonly alarms = el('section', { className: 'queue-emergencies' })
  private readonly lists = el('div', { className: 'queue-lists' })
  private readonly scopeMe = el('button', { type: 'button', className: 'queue-scope', textContent: '我的' })
  private readonly scopeUnit = el('button', { type: 'button', className: 'queue-scope', textContent: '本单位' })
  private scope: 'me' | 'unit' = 'me'
  private generation = 0
  private timer: ReturnType<typeof setTimeout> | undefined
  private openTimeline: string | null = null

  constructor(private readonly session: Session, bus: StreamBus, private readonly hooks: QueuesHooks) {
    this.scopeMe.addEventListener('click', () => this.setScope('me'))
    this.scopeUnit.addEventListener('click', () => this.setScope('unit'))
    this.element = el('section', { className: 'queues-panel' },
      el('div', { className: 'queue-head' }, el('h2', {}, '工作队列'), el('div', { className: 'queue-scopes' }, this.scopeMe, this.scopeUnit)),
      this.message, this.alarms, this.lists)
    this.markScope()
    // the panel lives as long as the page, like the bus: no unsubscribe
    bus.on('event', () => this.soon())
    bus.on('emergency', () => this.soon())
  }

  shown(): void {
    void this.load()
  }

  /** At sign-out. */
  clear(): void {
    this.generation++
    clearTimeout(this.timer)
    this.openTimeline = null
    this.lists.replaceChildren()
    this.alarms.replaceChildren()
    this.message.textContent = ''
    delete this.element.dataset.state
  }

  private setScope(scope: 'me' | 'unit'): void {
    this.scope = scope
    this.markScope()
    void this.load()
  }

  private markScope(): void {
    this.scopeMe.setAttribute('aria-pressed', String(this.scope === 'me'))
    this.scopeUnit.setAttribute('aria-pressed', String(this.scope === 'unit'))
  }

  private soon(): void {
    // the dock hides the panels not shown: they catch up when shown again
    if (this.element.hidden || this.timer) return
    this.timer = setTimeout(() => { this.timer = undefined; void this.load() }, SETTLE_MS)
  }

  private async load(): Promise<void> {
    const generation = ++this.generation
    this.element.dataset.state = 'loading'
    try {
      const [queues, emergencies] = await Promise.all([fetchQueues(this.session, this.scope), fetchEmergencies(this.session).catch(() => ({ items: [] }))])
      if (generation !== this.generation) return
      this.renderEmergencies(emergencies.items)
      this.render(queues)
      if (this.openTimeline) await this.showTimeline(this.openTimeline)
      this.element.dataset.state = 'ready'
    } catch (err) {
      if (generation !== this.generation) return
      this.message.textContent = (err as Error).message
      this.element.dataset.state = 'error'
    }
  }

  private render(q: Queues): void {
    const who = q.holder.member?.name ?? q.holder.units.map((u) => u.name).join('、')
    this.message.textContent = `${who || '本人'} · ${beijingClock()} 更新`
    this.hooks.count(q.counts.to_sign + q.counts.due_soon)
    this.lists.replaceChildren(...QUEUE_ORDER.filter((n) => n !== 'to_verify' || q.counts.to_verify > 0 || q.queues.to_verify.length).map((name) => {
      const items = q.queues[name]
      const header = el('h3', {}, q.titles[name], el('span', { className: 'queue-count' }, String(q.counts[name])))
      const list = el('ul', { className: 'queue-list' }, ...items.map((i) => this.row(i)))
      const section = el('section', { className: `queue queue-${name}` }, header, items.length ? list : el('p', { className: 'queue-empty' }, '暂无'))
      section.dataset.queue = name
      section.dataset.count = String(q.counts[name])
      return section
    }))
  }

  private row(i: QueueItem): HTMLElement {
    const due = i.dueAt ? `${i.overdue ? '已超时 ' : '期限 '}${new Date(i.dueAt).toLocaleString('zh-CN', { timeZone: 'Asia/Shanghai', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' })}` : ''
    const li = el('li', { className: `queue-item${i.overdue ? ' overdue' : ''}${i.emergency ? ' emergency' : ''}` },
      el('button', { type: 'button', className: 'queue-open', textContent: i.number, title: '在事件面板中打开' }),
      el('span', { className: 'queue-class' }, i.class.name),
      el('span', { className: 'queue-status' }, i.statusTitle),
      el('span', { className: 'queue-due' }, due),
      el('span', { className: 'queue-text' }, i.description))
    li.dataset.number = i.number
    li.querySelector('button')!.addEventListener('click', () => this.hooks.openEvent(i.number))
    return li
  }

  private renderEmergencies(items: Emergency[]): void {
    if (!items.length) { this.alarms.replaceChildren(); return }
    this.alarms.replaceChildren(el('h3', {}, '重大突发', el('span', { className: 'queue-count' }, String(items.length))),
      ...items.map((m) => {
        const show = el('button', { type: 'button', className: 'queue-timeline-toggle', textContent: '时间线' })
        const item = el('div', { className: 'queue-emergency' },
          el('strong', {}, `${m.class.name} ${m.number}`), el('span', {}, `${m.sourceTitle} · ${m.statusTitle}`),
          el('span', { className: 'queue-text' }, m.reason),
          el('span', { className: 'queue-alerted' }, `已通知：${m.alerted.map((a) => `${a.title}${a.reached ? '' : '（无账号）'}`).join('、') || '无'}`),
          show, el('ol', { className: 'queue-timeline' }))
        item.dataset.number = m.number
        show.addEventListener('click', () => { this.openTimeline = this.openTimeline === m.number ? null : m.number; void this.showTimeline(m.number) })
        return item
      }))
  }

  private async showTimeline(number: string): Promise<void> {
    const host = [...this.alarms.querySelectorAll<HTMLElement>('.queue-emergency')].find((x) => x.dataset.number === number)?.querySelector('ol')
    if (!host) return
    if (this.openTimeline !== number) { host.replaceChildren(); return }
    const t = await fetchTimeline(this.session, number)
    host.replaceChildren(...t.timeline.map((s) => el('li', {},
      el('time', {}, new Date(s.at).toLocaleTimeString('zh-CN', { timeZone: 'Asia/Shanghai', hour12: false })),
      el('span', { className: 'queue-step' }, s.title), el('span', {}, s.actor.name), el('span', { className: 'queue-text' }, s.comment ?? ''))))
  }
}
