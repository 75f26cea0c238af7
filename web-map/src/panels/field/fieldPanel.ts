// 巡查力量 panel: how many devices are online, idle and offline, the symbols' legend, and the card
// of the device clicked on the map — member, unit, device and kind, battery, last fix (Beijing
// time), today's kilometres (the trajectory API's) and today's tasks (patrol tasks of the member's
// day and the open events assigned to them).
import './field.css'
import type { Session } from '../../client/api.ts'
import { el } from '../../ui/dom.ts'
import { beijingTime } from '../../ui/time.ts'
import type { Device, FieldForce } from '../../map/fieldForce.ts'
import { KIND_SYMBOLS, KIND_TITLES, STATUS_COLOURS, STATUS_TITLES } from '../../map/fieldStyles.ts'
import { loadCardData, type CardData } from './cardData.ts'

export class FieldPanel {
  readonly element: HTMLElement
  private readonly counts: HTMLElement
  private readonly card: HTMLElement
  private shownFor: string | null = null
  private request = 0

  constructor(private readonly field: FieldForce, private readonly session: Session, private readonly hooks: { locate(lonLat: [number, number]): void }) {
    this.counts = el('div', { className: 'field-counts' })
    const legend = el('ul', { className: 'field-legend' }, ...Object.entries(KIND_TITLES).map(([kind, title]) =>
      el('li', {}, el('span', { className: 'field-symbol', textContent: KIND_SYMBOLS[kind] ?? '●' }), title)))
    this.card = el('div', { className: 'field-card', hidden: true })
    this.card.setAttribute('aria-live', 'polite')
    this.element = el('section', { className: 'field-panel' }, this.counts, legend, this.card)
    field.onChange = () => this.refresh()
  }

  /** Called after every applied batch of fixes: counts always, the card's live lines if open. */
  refresh(): void {
    const c = this.field.counts()
    this.counts.replaceChildren(...(Object.keys(c) as (keyof typeof c)[]).map((s) => {
      const dot = el('i', {})
      dot.style.background = STATUS_COLOURS[s]
      const chip = el('span', { className: 'field-count' }, dot, `${STATUS_TITLES[s]} ${c[s]}`)
      chip.dataset.status = s
      return chip
    }))
    const id = this.field.selected
    if (id !== this.shownFor) void this.open(id)
    else if (id) this.renderLive(this.field.devices.get(id))
  }

  /** Opens the card of a device (null closes it). */
  async open(identifier: string | null): Promise<void> {
    this.shownFor = identifier
    const ask = ++this.request
    const d = identifier ? this.field.devices.get(identifier) : undefined
    if (!d) {
      this.card.hidden = true
      this.card.replaceChildren()
      delete this.card.dataset.device
      return
    }
    this.card.hidden = false
    this.card.dataset.device = d.identifier
    delete this.card.dataset.loaded
    this.renderLive(d)
    this.renderDay(null, '加载中…')
    try {
      const data = await loadCardData(this.session, d)
      if (ask !== this.request) return
      this.renderDay(data, '')
      this.card.dataset.loaded = 'true'
    } catch (err) {
      if (ask === this.request) this.renderDay(null, (err as Error).message)
    }
  }

  private renderLive(d: Device | undefined): void {
    if (!d) return
    const status = el('span', { className: 'field-status', textContent: STATUS_TITLES[d.shown] })
    status.style.background = STATUS_COLOURS[d.shown]
    const head = el('header', { className: 'field-card-head' },
      el('strong', { className: 'field-member', textContent: d.memberName ?? '（无人携带）' }), status)
    head.dataset.status = d.shown
    const unit = [d.communityName, d.departmentName].filter(Boolean).join(' · ') || d.communityCode
    const rows = el('dl', { className: 'field-facts' },
      ...fact('单位', unit, 'unit'),
      ...fact('设备', `${d.name}（${d.identifier}）`, 'device'),
      ...fact('类型', `${KIND_SYMBOLS[d.kind] ?? ''} ${KIND_TITLES[d.kind] ?? d.kind}`, 'kind'),
      ...fact('电量', d.battery === null ? '—' : `${Math.round(d.battery)}%`, 'battery'),
      ...fact('最后定位', beijingTime(d.fixedAt), 'fixed'),
      ...fact('所在网格', d.gridCode ?? '—', 'grid'))
    const locate = el('button', { type: 'button', className: 'field-locate', textContent: '定位' })
    locate.addEventListener('click', () => this.hooks.locate([d.lon, d.lat]))
    const close = el('button', { type: 'button', className: 'field-close', textContent: '关闭' })
    close.addEventListener('click', () => this.field.select(null))
    const live = this.card.querySelector('.field-live') ?? el('div', { className: 'field-live' })
    live.replaceChildren(head, rows, el('div', { className: 'field-actions' }, locate, close))
    if (!live.isConnected) this.card.prepend(live)
  }

  private renderDay(data: CardData | null, message: string): void {
    const day = this.card.querySelector('.field-day') ?? el('div', { className: 'field-day' })
    if (!data) {
      day.replaceChildren(el('p', { className: 'field-note', textContent: message }))
    } else {
      const km = data.kilometres === null ? '—' : data.kilometres.toFixed(2)
      const kmLine = el('p', { className: 'field-km' }, '今日里程 ', el('strong', { textContent: km }), ' 公里')
      kmLine.dataset.km = data.kilometres === null ? '' : String(data.kilometres)
      const tasks = data.tasks.map((t) => el('li', { className: 'field-task' },
        `${t.templateName} · ${TASK_STATUS[t.status] ?? t.status} · ${t.visitsCounted}/${t.required}`))
      const events = data.events.map((e) => el('li', { className: 'field-event' },
        `${e.number} · ${e.className ?? e.classCode} · 处置时限 ${beijingTime(e.handleDueAt, false)}`))
      day.replaceChildren(kmLine,
        el('h4', { textContent: `今日巡查任务（${data.tasks.length}）` }),
        tasks.length ? el('ul', { className: 'field-tasks' }, ...tasks) : el('p', { className: 'field-note', textContent: '今日无巡查任务' }),
        el('h4', { textContent: `待办事件（${data.events.length}）` }),
        events.length ? el('ul', { className: 'field-events' }, ...events) : el('p', { className: 'field-note', textContent: '无待办事件' }))
    }
    if (!day.isConnected) this.card.append(day)
  }
}

const TASK_STATUS: Record<string, string> = { open: '进行中', done: '已完成', missed: '未完成' }

function fact(title: string, value: string, key: string): HTMLElement[] {
  const dd = el('dd', { textContent: value })
  dd.dataset.fact = key
  return [el('dt', { textContent: title }), dd]
}
