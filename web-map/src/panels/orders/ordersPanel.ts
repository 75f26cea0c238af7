// 调派 (resource orders, 调派指令): the orders of the user's area being followed, each drawn on the
// map as a line from the resource's live position to its target (map/ordersLayer.ts) with the
// distance left and a rough ETA; the line's end moves as the stream's 'position' messages come in
// and the numbers are re-read from the server (PostGIS measures them) shortly after; the stream's
// 'order' messages bring state changes (en route, arrived, expired, cancelled) and an arrival
// notice. Orders are sent from the 调度 section (派遣前往) and from the map's context action
// (派遣力量到此, the composer with the nearest on-duty resources).
import './orders.css'
import type OlMap from 'ol/Map'
import type { Session } from '../../client/api.ts'
import type { StreamBus } from '../../client/streamBus.ts'
import { DISPATCH_ROLES } from '../../client/dispatchApi.ts'
import { cancelOrder, etaText, metresText, openOrders, readOrder, type Order } from '../../client/ordersApi.ts'
import type { FieldForce } from '../../map/fieldForce.ts'
import { clearOrders, drawOrder, fitOrder, lineMetres, moveResource, ordersLayer, removeOrder } from '../../map/ordersLayer.ts'
import { beijingTime } from '../../ui/time.ts'
import { el } from '../../ui/dom.ts'
import { attachOrders, type ComposeSpec } from './hub.ts'
import { composer } from './composer.ts'
import { attachContextMenu } from './contextMenu.ts'
import { orderRow, targetText, whoOf } from './orderRow.ts'

export interface OrdersHooks {
  /** show the 调派 tab */
  reveal(): void
  /** the number of open orders (the tab's badge) */
  count(n: number): void
  /** a short notice for the status bar (an arrival) */
  notice(text: string): void
}

/** A position is followed by a re-read of its order this much later (a burst of fixes costs one). */
const REREAD_MS = 700
/** An arrived order's green target stays on the map this long. */
const ARRIVED_KEEP_MS = 120_000
const RECENT = 10

export class OrdersPanel {
  readonly element: HTMLElement
  private readonly list = el('ul', { className: 'order-list' })
  private readonly recentList = el('ul', { className: 'order-list recent' })
  private readonly notice = el('p', { className: 'order-notice', role: 'status' })
  private readonly error = el('p', { className: 'error', role: 'alert' })
  private readonly composeBox = el('div', { className: 'order-compose-host' })
  private readonly orders = new Map<number, Order>()
  private readonly recent: Order[] = []
  private readonly rereads = new Map<number, ReturnType<typeof setTimeout>>()
  private readonly timers = new Set<ReturnType<typeof setTimeout>>()
  private subscriptions: (() => void)[] = []
  private generation = 0
  private running = false

  constructor(private readonly map: OlMap, private readonly session: Session, private readonly bus: StreamBus,
    private readonly field: FieldForce, private readonly hooks: OrdersHooks) {
    this.list.setAttribute('aria-label', '进行中的调派指令')
    this.element = el('section', { className: 'orders' },
      el('header', {}, el('h2', {}, '调派指令'), el('span', { className: 'hint' }, '在地图上右键可派遣力量到该处')),
      this.notice, this.error, this.composeBox, el('h3', {}, '进行中'), this.list, el('h3', {}, '最近结束'), this.recentList)
    this.element.setAttribute('aria-label', '调派面板')
    map.addLayer(ordersLayer)
    attachContextMenu(map, () => this.running)
    // a read-only probe for the browser tests and for diagnosing a wall screen
    Object.assign(map.getTargetElement() ?? {}, { ordersProbe: (id: number) => ({ lineM: lineMetres(id), status: this.orders.get(id)?.status ?? null }) })
  }

  /** After sign-in: the open orders of the area, then the stream. */
  start(): void {
    this.stop()
    if (!DISPATCH_ROLES.includes(this.session.user?.role ?? '')) {
      this.list.replaceChildren(el('li', { className: 'hint' }, '当前角色不能调派力量'))
      return
    }
    this.running = true
    const generation = this.generation
    attachOrders({ sent: (o) => this.sent(o), compose: (s) => this.compose(s) })
    this.subscriptions.push(
      this.bus.on('order', (d) => { if (typeof d.id === 'number') this.rereadSoon(d.id, 0) }),
      this.bus.on('position', (d) => this.onPosition(d)),
      this.bus.onState((s, reconnected) => { if (s === 'open' && reconnected) void this.load(generation) }),
    )
    void this.load(generation)
  }

  /** At sign-out: forget everything. */
  stop(): void {
    this.generation++
    this.running = false
    attachOrders(null)
    for (const u of this.subscriptions.splice(0)) u()
    for (const t of [...this.rereads.values(), ...this.timers]) clearTimeout(t)
    this.rereads.clear()
    this.timers.clear()
    this.orders.clear()
    this.recent.length = 0
    clearOrders()
    this.list.replaceChildren()
    this.recentList.replaceChildren()
    this.composeBox.replaceChildren()
    this.notice.textContent = ''
    this.error.textContent = ''
    delete this.element.dataset.loaded
    this.hooks.count(0)
  }

  /** An order sent from this page: follow it and show it. */
  sent(o: Order): void {
    this.upsert(o)
    this.hooks.reveal()
    fitOrder(o.id)
  }

  /** 派遣力量到此: the composer for a point picked on the map. */
  compose(spec: ComposeSpec): void {
    this.hooks.reveal()
    this.composeBox.replaceChildren(composer(this.session, this.field, spec, (o) => {
      this.composeBox.replaceChildren()
      if (o) this.sent(o)
    }))
  }

  private async load(generation: number): Promise<void> {
    try {
      const items = await openOrders(this.session)
      if (generation !== this.generation) return
      this.error.textContent = ''
      const open = new Set(items.map((o) => o.id))
      for (const o of items) this.upsert(o)
      // closed while the stream was away: read their final state
      for (const [id, o] of this.orders) if (o.open && !open.has(id)) this.rereadSoon(id, 0)
      this.element.dataset.loaded = 'true'
    } catch (err) {
      if (generation === this.generation) this.error.textContent = (err as Error).message
    }
  }

  private onPosition(d: Record<string, unknown>): void {
    if (typeof d.lon !== 'number' || typeof d.lat !== 'number') return
    for (const o of this.orders.values()) {
      if (!o.open || o.resource.device.identifier !== d.device) continue
      moveResource(o.id, [d.lon, d.lat])
      this.rereadSoon(o.id, REREAD_MS)
    }
  }

  private rereadSoon(id: number, ms: number): void {
    if (this.rereads.has(id)) return
    const generation = this.generation
    this.rereads.set(id, setTimeout(() => {
      this.rereads.delete(id)
      readOrder(this.session, id).then((o) => { if (generation === this.generation) this.upsert(o) }, () => undefined)
    }, ms))
  }

  private upsert(o: Order): void {
    const before = this.orders.get(o.id)
    this.orders.set(o.id, o)
    const label = o.status === 'arrived' ? `${whoOf(o)} 已到达` : `${whoOf(o)} · 剩余 ${metresText(o.distanceLeftM)} · ${etaText(o.etaS)}`
    if (o.open || o.status === 'arrived') {
      drawOrder({ id: o.id, status: o.status, live: o.live?.coordinates ?? null, target: o.target.coordinates,
        radiusM: o.target.type === 'point' ? o.target.radiusM : null, label })
    }
    if (!o.open && (!before || before.open)) this.closed(o, before)
    this.render()
  }

  /** An order just ended: the arrival notice, its target kept a while, the row among the recent. */
  private closed(o: Order, before: Order | undefined): void {
    if (o.status === 'arrived') {
      const text = `${whoOf(o)} 已到达${targetText(o)}（${beijingTime(o.arrivedAt)}${o.eventNumber ? `，事件 ${o.eventNumber}` : ''}）`
      if (before) {
        this.notice.textContent = text
        this.notice.dataset.orderId = String(o.id)
        this.hooks.notice(text)
      }
      const t = setTimeout(() => { this.timers.delete(t); removeOrder(o.id) }, ARRIVED_KEEP_MS)
      this.timers.add(t)
    } else {
      removeOrder(o.id)
    }
    const i = this.recent.findIndex((x) => x.id === o.id)
    if (i >= 0) this.recent.splice(i, 1)
    this.recent.unshift(o)
    this.recent.length = Math.min(this.recent.length, RECENT)
  }

  private render(): void {
    const hooks = { locate: (o: Order) => fitOrder(o.id), cancel: (o: Order, row: HTMLElement, error: HTMLElement) => this.cancel(o, row, error) }
    const open = [...this.orders.values()].filter((o) => o.open).sort((a, b) => b.id - a.id)
    this.list.replaceChildren(...(open.length ? open.map((o) => orderRow(o, hooks)) : [el('li', { className: 'hint empty' }, '暂无进行中的调派指令')]))
    this.recentList.replaceChildren(...this.recent.map((o) => orderRow(o, hooks)))
    this.hooks.count(open.length)
  }

  private cancel(o: Order, row: HTMLElement, error: HTMLElement): void {
    for (const b of row.querySelectorAll('button')) b.disabled = true
    error.textContent = ''
    cancelOrder(this.session, o.id).then((c) => this.upsert(c), (err: unknown) => {
      error.textContent = (err as Error).message
      for (const b of row.querySelectorAll('button')) b.disabled = false
    })
  }
}
