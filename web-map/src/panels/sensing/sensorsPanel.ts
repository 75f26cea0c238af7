// 感知: the sensor alarms of the user's area (the incidents the sensor rules opened), newest first,
// each with its device, rule and how many readings crossed; 含已恢复 adds the closed ones. A click
// shows the readings kept as evidence against the rule's threshold, locates the device on the map
// and opens the event it raised. The map's 物联感知 layer draws every device by state.
import './sensing.css'
import type { Session } from '../../client/api.ts'
import { fetchIncidents, type Incident } from '../../client/sensingApi.ts'
import { el } from '../../ui/dom.ts'
import { beijingTime } from '../../ui/time.ts'

export interface SensorsHooks { openEvent(number: string): void; locate(lonLat: [number, number]): void; count(n: number): void }

const RULES: Record<Incident['rule']['kind'], string> = { threshold: '超阈值', rate: '变化过快', silence: '静默' }

/** What the rule compares, in words: 上限 80 dB(A) · 下限 … · 每分钟变化 … · 静默 30 分钟. */
export function ruleText(i: Incident): string {
  const r = i.rule
  const u = i.thing.unit
  const parts = [r.high !== null ? `上限 ${r.high} ${u}` : '', r.low !== null ? `下限 ${r.low} ${u}` : '',
    r.perMinute !== null ? `每分钟变化 ${r.perMinute} ${u}` : '', r.silenceMinutes !== null ? `静默 ${r.silenceMinutes} 分钟` : '']
  return parts.filter(Boolean).join('，')
}

export class SensorsPanel {
  readonly element: HTMLElement
  private readonly message = el('p', { className: 'sensing-message', role: 'status' })
  private readonly list = el('ul', { className: 'sensing-list sensors-list' })
  private readonly detail = el('div', { className: 'sensing-detail sensors-detail' })
  private readonly all = el('button', { type: 'button', className: 'sensing-toggle', textContent: '含已恢复' })
  private showAll = false
  private generation = 0

  constructor(private readonly session: Session, private readonly hooks: SensorsHooks) {
    this.all.setAttribute('aria-pressed', 'false')
    this.all.addEventListener('click', () => {
      this.showAll = !this.showAll
      this.all.setAttribute('aria-pressed', String(this.showAll))
      void this.load()
    })
    this.element = el('section', { className: 'sensing-panel sensors-panel' },
      el('div', { className: 'sensing-head' }, el('h2', {}, '物联感知告警'), this.all), this.message, this.list, this.detail)
  }

  shown(): void { void this.load() }

  clear(): void {
    this.generation++
    this.list.replaceChildren()
    this.detail.replaceChildren()
    this.message.textContent = ''
    this.hooks.count(0)
    delete this.element.dataset.state
  }

  private async load(): Promise<void> {
    const generation = ++this.generation
    this.element.dataset.state = 'loading'
    try {
      const { items } = await fetchIncidents(this.session, this.showAll ? 'all' : 'open')
      if (generation !== this.generation) return
      const open = items.filter((i) => !i.closedAt).length
      this.message.textContent = `告警中 ${open} 起`
      this.hooks.count(open)
      this.list.replaceChildren(...items.map((i) => this.row(i)))
      if (!items.length) this.list.append(el('li', { className: 'sensing-empty' }, '暂无告警'))
      this.element.dataset.state = 'ready'
    } catch (err) {
      if (generation !== this.generation) return
      this.message.textContent = (err as Error).message
      this.element.dataset.state = 'error'
    }
  }

  private row(i: Incident): HTMLElement {
    const li = el('li', { className: `sensing-item sensor-incident ${i.closedAt ? 'closed' : 'open'}` },
      el('span', { className: 'sensor-thing' }, `${i.thing.name}（${i.thing.kindName}）`),
      el('span', { className: 'sensor-state' }, i.closedAt ? '已恢复' : '告警中'),
      el('span', { className: 'sensor-rule' }, `${i.rule.name} · ${RULES[i.rule.kind]} · 越限 ${i.crossings} 次`),
      el('span', { className: 'sensing-time' }, `开始 ${beijingTime(i.openedAt, false)}${i.eventNumber ? ` · 事件 ${i.eventNumber}` : ''}`))
    li.dataset.id = String(i.id)
    li.addEventListener('click', () => this.open(i))
    return li
  }

  private open(i: Incident): void {
    this.detail.dataset.id = String(i.id)
    const actions = el('div', { className: 'sensing-actions' })
    if (i.thing.lon !== null && i.thing.lat !== null) {
      const locate = el('button', { type: 'button', className: 'sensor-locate', textContent: '定位' })
      locate.addEventListener('click', () => this.hooks.locate([i.thing.lon!, i.thing.lat!]))
      actions.append(locate)
      this.hooks.locate([i.thing.lon, i.thing.lat])
    }
    if (i.eventNumber) {
      const ev = el('button', { type: 'button', className: 'sensor-event', textContent: `打开事件 ${i.eventNumber}` })
      ev.addEventListener('click', () => this.hooks.openEvent(i.eventNumber!))
      actions.append(ev)
    }
    const rows = i.readings.map((r) => el('tr', { className: 'sensor-reading' },
      el('td', {}, beijingTime(r.time)), el('td', { className: 'sensor-value' }, `${r.result} ${i.thing.unit}`)))
    this.detail.replaceChildren(
      el('h3', {}, `${i.thing.name} · ${i.datastream.name}`),
      el('p', { className: 'sensor-threshold' }, `规则：${i.rule.name}（${ruleText(i) || RULES[i.rule.kind]}）`),
      actions,
      el('table', { className: 'sensing-table sensor-readings' },
        el('thead', {}, el('tr', {}, el('th', {}, '读数时间'), el('th', {}, '读数'))), el('tbody', {}, ...rows)),
      el('p', { className: 'sensing-note' }, i.crossings > i.readings.length ? `共越限 ${i.crossings} 次，保留前 ${i.readings.length} 条读数` : `共越限 ${i.crossings} 次`))
  }
}
