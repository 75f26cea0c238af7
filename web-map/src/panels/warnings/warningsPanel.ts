// 预警面板 (Heilongjiang 6.4.1.3): the open warnings of the user's jurisdiction as a list, newest
// first, and as bubbles on the map (map/bubbles.ts). Sources: the server's warnings and fence
// alerts (loaded at sign-in, then followed on the live stream, acknowledged by the operator) and
// events that need attention now (priority 1 on arrival, overdue when the scheduler supervises).
// The stream is the events panel's connection, heard through the StreamBus.
import './warnings.css'
import type OlMap from 'ol/Map'
import type { Session } from '../../client/api.ts'
import type { StreamBus } from '../../client/streamBus.ts'
import { OPEN_STATUSES, readEvent, type EventItem } from '../../client/eventsApi.ts'
import {
  acknowledgeFenceAlert, acknowledgeWarning, openFenceAlerts, openWarnings, WARNING_ACKNOWLEDGERS, WARNING_READERS,
  type FenceAlertItem,
} from '../../client/warningsApi.ts'
import { Bubbles } from '../../map/bubbles.ts'
import { el } from '../../ui/dom.ts'
import { byNewest, CLOCK_STATUSES, eventKey, fenceKey, fromEvent, fromFenceAlert, fromWarning, URGENT_PRIORITY, warningKey, type Alarm } from './alarms.ts'
import { alarmRow } from './rows.ts'
import { SUPERVISE_ROLES } from '../events/actionExtras.ts'

export interface WarningsPanelHooks {
  /** Show the 预警 tab (a bubble was clicked). */
  reveal(): void
  /** The number of open alarms changed (the tab's badge). */
  count(n: number): void
  /** Open an event in the events panel. */
  openEvent(number: string): void
  /** Open an event with its 督办 form (an overdue event's row). */
  superviseEvent?: (number: string) => void
}

const MAX_READS = 4
const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v)

export class WarningsPanel {
  readonly element: HTMLElement
  private readonly list: HTMLUListElement
  private readonly error: HTMLElement
  private readonly summary: HTMLElement
  private readonly alarms = new Map<string, Alarm>()
  private readonly rows = new Map<string, HTMLLIElement>()
  private readonly bubbles: Bubbles
  private readonly subscriptions: (() => void)[] = []
  /** Events to read (number → whether it just arrived), at most MAX_READS at a time: a burst of supervisions is not a burst of requests. */
  private readonly pending = new Map<string, boolean>()
  private inFlight = 0
  /** Keys the stream added or removed while a reload ran: the reload's older answer must not undo them. */
  private readonly streamedDuringLoad = new Set<string>()
  private loads = 0
  private current: string | null = null
  private running = false

  constructor(map: OlMap, private readonly session: Session, private readonly bus: StreamBus, private readonly hooks: WarningsPanelHooks) {
    this.bubbles = new Bubbles(map, (key) => this.open(key))
    this.summary = el('span', { className: 'warnings-summary' }, '')
    this.error = el('p', { className: 'error', role: 'alert' })
    this.list = el('ul', { className: 'warning-list' })
    this.list.setAttribute('aria-label', '待确认预警')
    this.element = el('section', { className: 'warnings' },
      el('header', {}, el('h2', {}, '预警 · 待确认'), this.summary), this.error, this.list)
    this.element.setAttribute('aria-label', '预警面板')
  }

  /** After sign-in: load the open ones and follow the stream. */
  start(): void {
    this.stop()
    this.running = true
    const role = this.session.user?.role ?? ''
    if (!WARNING_READERS.includes(role)) {
      this.render()
      this.list.replaceChildren(el('li', { className: 'empty' }, '当前角色不接收预警'))
      return
    }
    this.subscriptions.push(
      this.bus.on('warning', (d) => this.onWarning(d)),
      this.bus.on('fence_alert', (d) => this.onFenceAlert(d)),
      this.bus.on('event', (d) => this.onEvent(d)),
      // back after a drop: what was raised or acknowledged meanwhile was never announced
      this.bus.onState((s, reconnected) => { if (s === 'open' && reconnected) void this.reload(false) }),
    )
    void this.reload(true)
  }

  /** At sign-out: forget everything shown. */
  stop(): void {
    for (const unsubscribe of this.subscriptions.splice(0)) unsubscribe()
    this.running = false
    this.loads++
    this.alarms.clear()
    this.rows.clear()
    this.pending.clear()
    this.bubbles.clear()
    this.current = null
    this.list.replaceChildren()
    this.error.textContent = ''
    delete this.element.dataset.loaded
    this.hooks.count(0)
  }

  /** Opens an alarm: highlighted in the list and on the map, the map centred on it. */
  open(key: string): void {
    const a = this.alarms.get(key)
    if (!a) return
    this.current = key
    a.fresh = false
    this.bubbles.seen(key)
    this.bubbles.select(key)
    this.bubbles.centre(a.lon, a.lat)
    this.hooks.reveal()
    for (const [k, row] of this.rows) row.classList.toggle('current', k === key)
    this.rows.get(key)?.scrollIntoView({ block: 'nearest' })
    this.element.dataset.current = key
  }

  /** Reloads the server's open warnings and fence alerts; the screen's event alarms stay. */
  private async reload(initial: boolean): Promise<void> {
    const load = ++this.loads
    this.streamedDuringLoad.clear()
    const [warnings, alerts] = await Promise.allSettled([openWarnings(this.session), openFenceAlerts(this.session)])
    if (load !== this.loads || !this.running) return
    const failed = [warnings, alerts].filter((r): r is PromiseRejectedResult => r.status === 'rejected')
    this.error.textContent = failed.length ? `预警加载失败：${(failed[0]!.reason as Error).message}` : ''
    const found = new Map<string, Alarm>()
    // a reload after a drop marks what is new to this screen, so it pulses like a live one
    if (warnings.status === 'fulfilled') for (const w of warnings.value) found.set(warningKey(w.id), fromWarning(w, !initial))
    if (alerts.status === 'fulfilled') for (const a of alerts.value) found.set(fenceKey(a.id), fromFenceAlert(a, !initial))
    for (const key of [...this.alarms.keys()]) {
      const loaded = (key.startsWith('w:') && warnings.status === 'fulfilled') || (key.startsWith('f:') && alerts.status === 'fulfilled')
      if (loaded && !found.has(key) && !this.streamedDuringLoad.has(key)) this.drop(key)
    }
    for (const [key, a] of found) {
      if (this.streamedDuringLoad.has(key)) continue
      const old = this.alarms.get(key)
      this.put({ ...a, fresh: old ? old.fresh : a.fresh })
    }
    this.render()
    this.element.dataset.loaded = String(Number(this.element.dataset.loaded ?? 0) + 1)
  }

  private onWarning(d: Record<string, unknown>): void {
    if (!isNum(d.id)) return
    const key = warningKey(d.id)
    this.streamedDuringLoad.add(key)
    if (d.change === 'acknowledged') return this.remove(key)
    if (d.change !== undefined || !isNum(d.lon) || !isNum(d.lat) || !isNum(d.level)) return
    this.put(fromWarning({
      id: d.id, kind: String(d.kind ?? ''), level: d.level, title: String(d.title ?? ''), lon: d.lon, lat: d.lat,
      raisedAt: typeof d.raisedAt === 'string' ? d.raisedAt : new Date().toISOString(),
    }, true))
    this.render()
  }

  private onFenceAlert(d: Record<string, unknown>): void {
    if (!isNum(d.id)) return
    const key = fenceKey(d.id)
    this.streamedDuringLoad.add(key)
    if (d.change === 'acknowledged' || d.acknowledgedAt) return this.remove(key)
    if (d.change !== 'created' || !isNum(d.lon) || !isNum(d.lat)) return
    this.put(fromFenceAlert(d as unknown as FenceAlertItem, true))
    this.render()
  }

  /**
   * An event changed. A closed one takes its alarms with it, a stopped clock its overdue alarm; a
   * new report is read for its priority, a supervision or escalation (what the scheduler does when
   * a deadline passes) for its light.
   */
  private onEvent(d: Record<string, unknown>): void {
    const number = typeof d.event === 'string' ? d.event : ''
    const status = typeof d.status === 'string' ? d.status : ''
    if (!/^E\d{12,16}$/.test(number)) return
    if (status && !OPEN_STATUSES.includes(status)) {
      this.remove(eventKey(number, 'urgent'))
      this.remove(eventKey(number, 'overdue'))
      return
    }
    if (status && !CLOCK_STATUSES.has(status)) this.remove(eventKey(number, 'overdue'))
    if (d.action === 'report' || d.action === 'supervise' || d.action === 'escalate') this.queueRead(number, d.action === 'report')
  }

  private queueRead(number: string, arrived: boolean): void {
    this.pending.set(number, (this.pending.get(number) ?? false) || arrived)
    while (this.inFlight < MAX_READS && this.pending.size) {
      const [next, fresh] = this.pending.entries().next().value!
      this.pending.delete(next)
      this.inFlight++
      void this.readEvent(next, fresh).finally(() => {
        this.inFlight--
        if (this.pending.size) this.queueRead(...this.pending.entries().next().value!)
      })
    }
  }

  private async readEvent(number: string, arrived: boolean): Promise<void> {
    const load = this.loads
    let e: EventItem & { priority?: number }
    try {
      e = await readEvent(this.session, number)
    } catch {
      return // gone, or not ours to read: nothing to warn about
    } finally {
      // counted for the tests: an event that raised nothing has been looked at
      this.element.dataset.eventsRead = String(Number(this.element.dataset.eventsRead ?? 0) + 1)
    }
    if (load !== this.loads || !this.running || !OPEN_STATUSES.includes(e.status)) return
    const now = new Date().toISOString()
    if (arrived && e.priority === URGENT_PRIORITY) this.put(fromEvent(e, 'urgent', e.createdAt || now))
    if (e.light === 'red' && !this.alarms.has(eventKey(number, 'overdue'))) this.put(fromEvent(e, 'overdue', now))
    this.render()
  }

  private put(a: Alarm): void {
    const old = this.alarms.get(a.key)
    this.alarms.set(a.key, a)
    if (!old || old.title !== a.title || old.level !== a.level || old.at !== a.at) {
      // rebuilt with the new content at the next render; an unchanged row keeps a half-typed comment
      this.rows.get(a.key)?.remove()
      this.rows.delete(a.key)
    }
    this.bubbles.set({ key: a.key, level: a.level, label: a.kindName, title: a.title, lon: a.lon, lat: a.lat, fresh: a.fresh })
  }

  private drop(key: string): void {
    this.alarms.delete(key)
    this.rows.get(key)?.remove()
    this.rows.delete(key)
    this.bubbles.remove(key)
    if (this.current === key) {
      this.current = null
      delete this.element.dataset.current
    }
  }

  private remove(key: string): void {
    if (!this.alarms.has(key)) return
    this.drop(key)
    this.render()
  }

  private async acknowledge(a: Alarm, comment: string): Promise<void> {
    if (a.source === 'warning') await acknowledgeWarning(this.session, a.id as number, comment)
    else if (a.source === 'fence') await acknowledgeFenceAlert(this.session, a.id as number)
    // done: the bubble goes at once (the stream's acknowledgement follows and finds nothing)
    this.remove(a.key)
  }

  /** Rows in order, newest first; rows already in place are left alone (a half-typed comment survives). */
  private render(): void {
    if (!this.running) return
    const sorted = [...this.alarms.values()].sort(byNewest)
    const canAck = WARNING_ACKNOWLEDGERS.includes(this.session.user?.role ?? '')
    const actions = {
      open: (key: string) => this.open(key),
      canAcknowledge: (a: Alarm) => a.source === 'event' || canAck,
      acknowledge: (a: Alarm, comment: string) => this.acknowledge(a, comment),
      openEvent: (number: string) => this.hooks.openEvent(number),
      supervise: SUPERVISE_ROLES.includes(this.session.user?.role ?? '') ? this.hooks.superviseEvent : undefined,
    }
    this.list.querySelector(':scope > li.empty')?.remove()
    let cursor = this.list.firstElementChild
    for (const a of sorted) {
      let row = this.rows.get(a.key)
      if (!row) {
        row = alarmRow(a, actions)
        row.classList.toggle('current', a.key === this.current)
        this.rows.set(a.key, row)
      }
      if (row === cursor) cursor = cursor.nextElementSibling
      else this.list.insertBefore(row, cursor)
    }
    while (cursor) {
      const next = cursor.nextElementSibling
      cursor.remove()
      cursor = next
    }
    if (!sorted.length) this.list.append(el('li', { className: 'empty' }, '辖区内暂无待确认的预警'))
    const red = sorted.filter((a) => a.level === 1).length
    this.summary.textContent = sorted.length ? `${sorted.length} 条${red ? ` · 红色 ${red}` : ''}` : ''
    this.element.dataset.count = String(sorted.length)
    this.hooks.count(sorted.length)
  }
}
