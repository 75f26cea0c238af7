// 事件面板: the open events of the user's jurisdiction, filtered by light, kept current by the
// live stream; a row (or an event point on the map) opens its detail, history and actions.
// All server text goes in through textContent (el()), never as markup.
import type { Session } from '../../client/api.ts'
import { currentDeadline, LIGHT_TITLES, listOpenEvents, timeLeft, type EventItem, type Light } from '../../client/eventsApi.ts'
import { EventDetail } from './eventDetail.ts'
import { el } from '../../ui/dom.ts'
import { openStream } from '../../client/sse.ts'
import type { StreamBus } from '../../client/streamBus.ts'

export interface EventsPanelUi {
  panel: HTMLElement
  live: HTMLElement
  chips: HTMLElement
  error: HTMLElement
  list: HTMLUListElement
  detail: HTMLElement
}

export interface EventsPanelHooks {
  /** Centre the map on an event and highlight it. */
  locate(number: string, lonLat: [number, number]): void
  /** Something changed on the server: redraw the events tiles. */
  changed(): void
  /** The detail was closed: drop the map highlight. */
  deselect(): void
  /** Hears every frame and state of this panel's stream: the other panels share the one connection. */
  bus?: StreamBus
}

const LIST_DEBOUNCE_MS = 400
const LIGHTS: Light[] = ['red', 'yellow', 'green']

export class EventsPanel {
  private items: EventItem[] = []
  private readonly shown = new Set<Light>(LIGHTS)
  private stopStream: (() => void) | null = null
  private refreshTimer: ReturnType<typeof setTimeout> | undefined
  private clockTimer: ReturnType<typeof setInterval> | undefined
  private loading: Promise<void> | null = null
  private again = false
  /** Bumped by every start/stop: state reports of an old stream are ignored. */
  private streamId = 0
  private readonly detail: EventDetail

  constructor(private readonly ui: EventsPanelUi, private readonly session: Session, private readonly hooks: EventsPanelHooks) {
    this.detail = new EventDetail(ui.detail, session, {
      changed: () => { this.scheduleRefresh(0); hooks.changed() },
      back: () => this.closeDetail(),
    })
    for (const chip of ui.chips.querySelectorAll<HTMLButtonElement>('button[data-light]')) {
      chip.addEventListener('click', () => {
        const light = chip.dataset.light as Light
        if (this.shown.has(light)) this.shown.delete(light)
        else this.shown.add(light)
        chip.setAttribute('aria-pressed', String(this.shown.has(light)))
        this.render()
      })
    }
  }

  /** After sign-in: load the list, follow the stream, keep the "time left" column current. */
  start(): void {
    this.stop()
    this.ui.panel.hidden = false
    this.scheduleRefresh(0)
    const id = this.streamId
    let opened = false
    this.stopStream = openStream(this.session, '/api/v1/stream', {
      onState: (s) => {
        if (id !== this.streamId) return
        this.hooks.bus?.state(s)
        // back after a drop: changes made meanwhile were never announced, so catch up
        if (s === 'open' && opened) {
          this.scheduleRefresh(0)
          this.hooks.changed()
          if (this.detail.number) this.detail.reloadSoon()
        }
        if (s === 'open') opened = true
        this.ui.live.dataset.stream = s
        this.ui.live.textContent = s === 'open' ? '实时' : s === 'connecting' ? '连接中' : '离线'
      },
      onMessage: (m) => {
        this.hooks.bus?.message(m)
        if (m.event !== 'event') return
        let number: string
        try {
          number = String((JSON.parse(m.data) as { event?: unknown }).event ?? '')
        } catch {
          return // not ours to read
        }
        this.scheduleRefresh(LIST_DEBOUNCE_MS)
        this.hooks.changed()
        if (number && number === this.detail.number) this.detail.reloadSoon()
      },
    })
    this.clockTimer = setInterval(() => this.render(), 60_000)
  }

  /** At sign-out: close the stream, forget everything shown. */
  stop(): void {
    this.stopStream?.()
    this.stopStream = null
    this.streamId++
    this.hooks.bus?.state('closed')
    this.ui.live.dataset.stream = 'closed'
    this.ui.live.textContent = '离线'
    clearTimeout(this.refreshTimer)
    clearInterval(this.clockTimer)
    this.items = []
    this.detail.close()
    this.ui.list.replaceChildren()
    this.ui.error.textContent = ''
    this.ui.list.hidden = false
    this.ui.chips.hidden = false
    this.ui.panel.hidden = true
    delete this.ui.panel.dataset.loaded
  }

  /** Opens an event's detail (a row, or a point clicked on the map), and an action's form if asked (督办 from a warning). */
  open(number: string, action?: string): void {
    this.ui.list.hidden = true
    this.ui.chips.hidden = true
    void this.detail.show(number).then((e) => {
      if (e) this.hooks.locate(e.number, e.location.coordinates)
      if (e && action) this.detail.openAction(action)
    })
  }

  private closeDetail(): void {
    this.detail.close()
    this.ui.list.hidden = false
    this.ui.chips.hidden = false
    this.hooks.deselect()
  }

  /** Many changes in a burst (a dispatch writes several) cost one reload. */
  private scheduleRefresh(delay: number): void {
    clearTimeout(this.refreshTimer)
    this.refreshTimer = setTimeout(() => void this.refresh(), delay)
  }

  /** Reloads the list; a request arriving while one runs is folded into one more afterwards. */
  private async refresh(): Promise<void> {
    if (this.loading) {
      this.again = true
      return
    }
    this.loading = (async () => {
      try {
        this.items = await listOpenEvents(this.session)
        this.ui.error.textContent = ''
      } catch (err) {
        if (this.session.signedIn) this.ui.error.textContent = `事件列表加载失败：${(err as Error).message}`
      }
      this.render()
      this.ui.panel.dataset.loaded = String(Number(this.ui.panel.dataset.loaded ?? 0) + 1)
    })()
    await this.loading
    this.loading = null
    if (this.again && this.session.signedIn) {
      this.again = false
      await this.refresh()
    }
  }

  private render(): void {
    if (!this.session.signedIn) return
    const counts: Record<Light, number> = { red: 0, yellow: 0, green: 0 }
    for (const e of this.items) if (e.light) counts[e.light]++
    for (const chip of this.ui.chips.querySelectorAll<HTMLButtonElement>('button[data-light]')) {
      const light = chip.dataset.light as Light
      chip.querySelector('.count')!.textContent = String(counts[light])
    }
    const visible = this.items.filter((e) => !e.light || this.shown.has(e.light))
    this.ui.list.replaceChildren(...visible.map((e) => this.row(e)))
    if (!visible.length) {
      this.ui.list.append(el('li', { className: 'empty' }, this.items.length ? '没有符合筛选条件的事件' : '辖区内暂无在办事件'))
    }
  }

  private row(e: EventItem): HTMLLIElement {
    const left = timeLeft(currentDeadline(e))
    const dot = el('span', { className: `dot ${e.light ?? 'none'}`, title: e.light ? LIGHT_TITLES[e.light] : '无' })
    const button = el('button', { type: 'button', className: 'event-row' },
      dot,
      el('span', { className: 'number' }, e.number),
      el('span', { className: 'class' }, e.class.name ?? e.class.code),
      el('span', { className: 'status' }, e.statusTitle),
      el('span', { className: `left${left?.overdue ? ' overdue' : ''}` }, left?.text ?? '—'))
    button.addEventListener('click', () => this.open(e.number))
    const li = el('li', {}, button)
    li.dataset.number = e.number
    li.dataset.light = e.light ?? ''
    li.dataset.status = e.status
    return li
  }
}
