// 态势 panel: the situation of an area (the user's jurisdiction first): events today and this
// week, open events per light, the indicators, and charts of the trend, classes, channels and
// units. Clicking a unit (bar or row) or a place on the map drills down city → district → street
// → community → grid; the breadcrumb goes back up; the map outlines and fits the area. Follows
// event changes (debounced) and refreshes every minute.
import './situation.css'
import type OlMap from 'ol/Map'
import { toLonLat } from 'ol/proj'
import { ANALYTICS_ROLES, type Session } from '../../client/api.ts'
import type { StreamBus } from '../../client/streamBus.ts'
import { LIGHT_TITLES, type Light } from '../../client/eventsApi.ts'
import { beijingClock, beijingTime } from '../../ui/time.ts'
import { el } from '../../ui/dom.ts'
import * as api from './situationApi.ts'
import { CHILD_LEVEL, LEVEL_TITLES, RATE_TITLES, type Area } from './situationApi.ts'
import { barOption, Chart, pieOption, trendOption } from './charts.ts'
import { AreaOutline } from './mapArea.ts'
import { loadSnapshot, TREND_DAYS, type PeriodKind, type Snapshot } from './snapshot.ts'

const CHANGE_DEBOUNCE_MS = 1500
/** A busy city streams changes every few seconds: the panel reloads at most this often for them. */
const CHANGE_MIN_INTERVAL_MS = 8000
const REFRESH_MS = 60_000
const LIGHTS: Light[] = ['red', 'yellow', 'green']

export interface SituationHooks {
  /** Opens an event (the grid's list) in the events panel. */
  openEvent?(number: string): void
}

const percent = (r: number | null) => (r === null ? '—' : `${(r * 100).toFixed(1)}%`)

export class SituationPanel {
  readonly element: HTMLElement
  private readonly crumbs = el('nav', { className: 'crumbs' })
  private readonly error = el('p', { className: 'error' })
  private readonly updated = el('span', { className: 'updated' })
  private readonly counts = el('div', { className: 'sit-counts' })
  private readonly periodButtons: Record<PeriodKind, HTMLButtonElement>
  private readonly rates = el('table', { className: 'sit-rates' })
  private readonly note = el('p', { className: 'note' })
  private readonly unitTitle = el('h3', {}, '下级单位')
  private readonly unitList = el('ul', { className: 'sit-units' })
  private readonly eventList = el('ul', { className: 'sit-events' })
  private readonly charts: { trend: Chart; classes: Chart; channels: Chart; units: Chart }
  private readonly sections: Record<'trend' | 'rates' | 'units' | 'events', HTMLElement>
  private readonly outline: AreaOutline
  /** the breadcrumb: the jurisdiction's top first, the area shown last */
  private path: Area[] = []
  private period: PeriodKind = 'week'
  private snapshot: Snapshot | null = null
  private seq = 0
  private stale = true
  private started = false
  private changeTimer: ReturnType<typeof setTimeout> | undefined
  private changePending = false
  private lastRefresh = 0
  private minuteTimer: ReturnType<typeof setInterval> | undefined
  private readonly gridNameCache = new Map<string, Promise<Map<string, string>>>()

  constructor(private readonly session: Session, map: OlMap, bus: StreamBus, private readonly hooks: SituationHooks = {}) {
    this.outline = new AreaOutline(map)
    const chart = (name: string) => new Chart(el('div', { className: `sit-chart ${name}` }))
    this.charts = { trend: chart('trend'), classes: chart('classes'), channels: chart('channels'), units: chart('units') }
    this.charts.units.onClick = (key) => this.drillTo(key)
    const periodButton = (p: PeriodKind, title: string) => {
      const b = el('button', { type: 'button', textContent: title })
      b.dataset.period = p
      b.addEventListener('click', () => this.setPeriod(p))
      return b
    }
    this.periodButtons = { today: periodButton('today', '今日'), week: periodButton('week', '本周') }
    const section = (cls: string, ...children: (Node | string)[]) => el('section', { className: cls }, ...children)
    this.sections = {
      rates: section('sit-section', el('h3', {}, '考核指标'), this.rates),
      trend: section('sit-section', el('h3', {}, `趋势 · 近${TREND_DAYS}日（虚线为去年同期）`), this.charts.trend.element),
      units: section('sit-section', this.unitTitle, this.charts.units.element, this.unitList),
      events: section('sit-section', el('h3', {}, '网格事件'), this.eventList),
    }
    this.element = el('section', { className: 'panel situation' },
      el('header', {}, el('h2', {}, '态势总览'), this.updated),
      this.crumbs, this.error, this.counts,
      el('div', { className: 'sit-period', role: 'group' }, el('span', {}, '统计周期'), this.periodButtons.today, this.periodButtons.week),
      this.note, this.sections.rates, this.sections.trend,
      section('sit-section', el('h3', {}, '事件分类'), this.charts.classes.element),
      section('sit-section', el('h3', {}, '来源渠道'), this.charts.channels.element),
      this.sections.units, this.sections.events)
    this.element.setAttribute('aria-label', '态势')
    // event changes, and a reconnection (changes made meanwhile were never announced)
    bus.on('event', () => this.changed())
    bus.onState((_s, reconnected) => { if (reconnected) this.changed() })
    map.on('singleclick', (e) => void this.mapClicked(toLonLat(e.coordinate) as [number, number]))
    window.addEventListener('resize', () => {
      if (this.visible) for (const c of Object.values(this.charts)) c.draw()
    })
  }

  /** After sign-in: start from the user's jurisdiction (loaded when the tab is first shown). */
  start(): void {
    this.stop()
    this.started = true
    this.stale = true
    this.minuteTimer = setInterval(() => this.refreshSoon(0), REFRESH_MS)
    if (this.visible) void this.refresh()
  }

  stop(): void {
    this.started = false
    this.seq++
    clearTimeout(this.changeTimer)
    this.changePending = false
    clearInterval(this.minuteTimer)
    this.path = []
    this.snapshot = null
    this.gridNameCache.clear()
    for (const c of Object.values(this.charts)) c.dispose()
    this.outline.clear()
    this.crumbs.replaceChildren()
    this.counts.replaceChildren()
    this.error.textContent = ''
    delete this.element.dataset.area
    delete this.element.dataset.loaded
    this.element.dataset.state = 'idle'
  }

  /** The dock shows the tab: draw what is stale, size the charts to the panel, fit the map to the area. */
  shown(): void {
    if (!this.started) return
    if (this.stale) void this.refresh().then(() => this.fitMap())
    else {
      for (const c of Object.values(this.charts)) c.draw()
      void this.fitMap()
    }
  }

  /** An event changed somewhere (the stream): refresh once the burst is over. */
  private changed(): void {
    // a burst costs one reload, and a steady flow one every CHANGE_MIN_INTERVAL_MS (a pending reload takes the change along)
    if (!this.started || this.changePending) return
    this.changePending = true
    this.refreshSoon(Math.max(CHANGE_DEBOUNCE_MS, this.lastRefresh + CHANGE_MIN_INTERVAL_MS - Date.now()))
  }

  private get visible(): boolean {
    return !this.element.hidden && this.element.isConnected
  }

  private get area(): Area | undefined {
    return this.path.at(-1)
  }

  private refreshSoon(delay: number): void {
    clearTimeout(this.changeTimer)
    this.changeTimer = setTimeout(() => {
      this.changePending = false
      if (this.visible) void this.refresh()
      else this.stale = true
    }, delay)
  }

  private setPeriod(p: PeriodKind): void {
    this.period = p
    void this.refresh()
  }

  /** Loads the area's snapshot; answers of an older request (the user drilled on) are dropped. */
  private async refresh(): Promise<void> {
    const seq = ++this.seq
    this.stale = false
    this.lastRefresh = Date.now()
    this.element.dataset.state = 'loading'
    try {
      // roles without analytics (grid inspectors) are told so without asking for a 403
      if (!ANALYTICS_ROLES.includes(this.session.user?.role ?? '')) throw new Error('403')
      if (!this.path.length) {
        const top = await api.jurisdictionTop(this.session)
        if (seq !== this.seq) return
        if (!top) throw new Error('辖区不是单一行政区划，无法汇总')
        this.path = [top]
      }
      const snap = await loadSnapshot(this.session, this.area!, this.period, (c) => this.gridNames(c))
      if (seq !== this.seq) return
      this.snapshot = snap
      this.error.textContent = ''
      this.render(snap)
      this.element.dataset.state = 'ready'
    } catch (err) {
      if (seq !== this.seq || !this.session.signedIn) return
      const message = (err as Error).message
      this.error.textContent = message.includes('403') ? '当前角色无权查看态势分析' : `态势数据加载失败：${message}`
      this.element.dataset.state = 'error'
    }
    this.element.dataset.loaded = String(Number(this.element.dataset.loaded ?? 0) + 1)
  }

  private gridNames(community: string): Promise<Map<string, string>> {
    let p = this.gridNameCache.get(community)
    if (!p) {
      p = api.communityGrids(this.session, community).then((gs) => new Map(gs.map((g) => [g.code, g.name])))
      p.catch(() => this.gridNameCache.delete(community))
      this.gridNameCache.set(community, p)
    }
    return p
  }

  private render(s: Snapshot): void {
    this.element.dataset.area = s.area.code
    this.element.dataset.level = s.area.level
    this.element.dataset.period = s.period
    this.updated.textContent = `更新于 ${beijingClock()}`
    this.renderCrumbs()
    const count = (key: string, title: string, n: number, label: string) => {
      const b = el('b', {}, String(n))
      b.dataset.count = key
      return el('div', { className: 'sit-card', title: label }, el('span', {}, title), b)
    }
    const light = (l: Light) => {
      const n = el('b', {}, String(s.lights[l]))
      const item = el('span', { className: 'sit-light' }, el('span', { className: `dot ${l}` }), LIGHT_TITLES[l], n)
      item.dataset.light = l
      return item
    }
    this.counts.replaceChildren(
      count('today', '今日新增', s.today, s.labels.today), count('week', '本周新增', s.week, s.labels.week),
      el('div', { className: 'sit-card sit-lights' }, el('span', {}, '在办亮灯'), el('div', {}, ...LIGHTS.map(light))))
    for (const [p, b] of Object.entries(this.periodButtons)) b.setAttribute('aria-pressed', String(p === s.period))

    const grid = s.area.level === 'grid'
    this.note.textContent = grid
      ? `网格不在考核指标的统计单元内（指标按区、街道、社区统计）：以下为本网格${s.period === 'today' ? '今日' : '本周'}事件的分类、渠道与列表（按网格编码筛选事件）。`
      : s.partial ? '事件较多，网格排名只统计了最近的 2000 件。' : ''
    this.sections.rates.hidden = s.rates === null
    if (s.rates) this.renderRates(s.rates)
    this.sections.trend.hidden = s.trend === null
    if (s.trend) this.charts.trend.set(trendOption(s.trend))
    this.charts.classes.set(barOption(s.classes, '#58d68d'))
    this.charts.channels.set(pieOption(s.channels))
    const child = CHILD_LEVEL[s.area.level]
    this.sections.units.hidden = child === null
    if (child) this.renderUnits(s, child)
    this.sections.events.hidden = s.events === null
    if (s.events) this.renderEvents(s)
  }

  private renderRates(rates: NonNullable<Snapshot['rates']>): void {
    this.rates.replaceChildren(...RATE_TITLES.map(([name, title]) => {
      const r = rates[name]
      const tr = el('tr', {}, el('th', {}, title), el('td', { className: 'value' }, percent(r.rate)),
        el('td', { className: 'fraction' }, `${r.numerator}/${r.denominator}`))
      tr.dataset.rate = name
      return tr
    }))
  }

  private renderUnits(s: Snapshot, child: api.Level): void {
    this.unitTitle.textContent = `下级单位排名 · ${LEVEL_TITLES[child]}（点击下钻）`
    this.charts.units.set(barOption(s.units.filter((u) => u.value > 0)))
    this.unitList.replaceChildren(...s.units.map((u, i) => {
      const b = el('button', { type: 'button' }, el('span', { className: 'rank' }, String(i + 1)), el('span', { className: 'name' }, u.name), el('b', {}, String(u.value)))
      b.addEventListener('click', () => this.drillTo(u.key))
      const li = el('li', {}, b)
      li.dataset.key = u.key
      return li
    }))
    if (!s.units.length) this.unitList.append(el('li', { className: 'empty' }, '本周期内下级单位暂无事件'))
  }

  private renderEvents(s: Snapshot): void {
    const items = s.events!.slice(0, 50)
    this.eventList.replaceChildren(...items.map((e) => {
      const b = el('button', { type: 'button' }, el('span', { className: `dot ${e.light ?? 'none'}` }), el('span', { className: 'number' }, e.number),
        el('span', { className: 'class' }, e.class.name ?? e.class.code), el('span', { className: 'status' }, e.statusTitle),
        el('time', {}, beijingTime(e.createdAt, false).slice(5)))
      b.addEventListener('click', () => this.hooks.openEvent?.(e.number))
      const li = el('li', {}, b)
      li.dataset.number = e.number
      return li
    }))
    if (!items.length) this.eventList.append(el('li', { className: 'empty' }, '本周期内本网格暂无事件'))
  }

  private renderCrumbs(): void {
    this.crumbs.replaceChildren(...this.path.flatMap((a, i) => {
      const last = i === this.path.length - 1
      const b = el('button', { type: 'button', textContent: a.name, disabled: last })
      b.dataset.code = a.code
      b.dataset.level = a.level
      if (!last) b.addEventListener('click', () => this.up(i))
      return i ? [el('span', { className: 'sep' }, '›'), b] : [b]
    }))
  }

  /** Drills into a unit of the shown area by its code (a bar, a row, or the map). */
  private drillTo(code: string): void {
    const s = this.snapshot
    const child = s && CHILD_LEVEL[s.area.level]
    const row = s?.units.find((u) => u.key === code)
    if (!s || !child || !row) return
    this.path.push({ code, level: child, name: row.name })
    void this.refresh().then(() => this.fitMap())
  }

  private up(index: number): void {
    this.path = this.path.slice(0, index + 1)
    void this.refresh().then(() => this.fitMap())
  }

  /** A click on the map while the panel is shown: the unit one level down holding that point. */
  private async mapClicked(lonLat: [number, number]): Promise<void> {
    const area = this.area
    const child = area && CHILD_LEVEL[area.level]
    if (!this.visible || !this.session.signedIn || !area || !child) return
    let chain: api.GeocodeChain
    try {
      chain = await api.geocode(this.session, lonLat[0], lonLat[1])
    } catch {
      return // outside the city or the jurisdiction: nothing to drill into
    }
    const hit = child === 'grid' ? chain.baseGrid : child === 'city' ? null : chain[child]
    // only a unit inside the area shown (a click beside a street officer's street goes nowhere),
    // and only while the panel is still shown (a click on a device switches to 力量)
    if (!hit || area !== this.area || !this.visible || !hit.code.startsWith(prefixOf(area))) return
    this.path.push({ code: hit.code, level: child, name: hit.name ?? hit.code })
    await this.refresh()
    await this.fitMap()
  }

  /** Outlines the shown area on the map and fits the view to it. */
  private async fitMap(): Promise<void> {
    const area = this.area
    if (!area || !this.visible) return
    try {
      const feature = await api.areaGeometry(this.session, area)
      if (area === this.area) this.outline.show(feature, area.code)
    } catch {
      // the numbers are shown; a boundary that fails to load leaves the map where it is
    }
  }
}

/** The admin code prefix an area's units share (990102001000 → 990102001). */
function prefixOf(a: Area): string {
  const keep = { city: 4, district: 6, street: 9, community: 12, grid: 15 }[a.level]
  return a.code.slice(0, keep)
}
