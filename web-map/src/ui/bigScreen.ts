// 大屏: the command screen on a 1920×1080 wall. No chrome (header, status bar, layer switcher,
// dock tabs, map buttons), large type, and the views taking turns every N seconds: 态势 with its
// charts, 预警 with the bubbles, 力量 with the field force, 热力与热点 on the map. Entered with the
// 大屏 button or by URL: `?mode=screen` (the query, not the hash, which names events), with
// `&interval=<seconds>` (default 30, 2 … 3600); Esc leaves. Only the panel shown changes: the
// live stream and every panel keep running, so nothing reconnects between views.
import './bigScreen.css'
import type { User } from '../client/api.ts'
import type { MapLayer } from '../map/layers.ts'
import type { Dock } from './dock.ts'
import { el } from './dom.ts'
import { can } from './roles.ts'
import { beijingClock } from './time.ts'

export interface ScreenView {
  id: string
  title: string
  /** the server capability the view needs */
  needs: string
  /** the dock tab shown beside the map (none: the map alone) */
  tab?: string
  /** map layers switched on while the view is shown */
  layers?: string[]
}

/** The views in turn; a panel added later may push its own (shown to users with its capability). */
export const SCREEN_VIEWS: ScreenView[] = [
  { id: 'situation', title: '态势总览', needs: 'situation', tab: 'situation' },
  { id: 'warnings', title: '预警', needs: 'warnings', tab: 'warnings' },
  { id: 'field', title: '力量分布', needs: 'field', tab: 'field' },
  { id: 'heat', title: '热力与热点', needs: 'analysisLayers', layers: ['heatmap', 'hotspots'] },
]

export const DEFAULT_INTERVAL_S = 30
const MIN_INTERVAL_S = 2
const MAX_INTERVAL_S = 3600

/** The rotation interval the URL asks for, in seconds (absent or unreadable: the default). */
export function intervalFromUrl(search: string): number {
  const raw = new URLSearchParams(search).get('interval')
  const n = raw === null || !/^\d{1,5}$/.test(raw) ? DEFAULT_INTERVAL_S : Number(raw)
  return Math.min(MAX_INTERVAL_S, Math.max(MIN_INTERVAL_S, n))
}

export const screenRequested = (search: string): boolean => new URLSearchParams(search).get('mode') === 'screen'

export interface BigScreenHooks {
  dock: Dock
  layers: () => MapLayer[]
  user: () => User | null
  /** where the 大屏 button goes (the header's user area) */
  buttonHost: HTMLElement
  /** where the screen's title bar goes (over the map) */
  overlayHost: HTMLElement
}

export class BigScreen {
  private readonly title = el('span', { className: 'bs-view' })
  private readonly clock = el('time', { className: 'bs-clock' })
  private readonly dots = el('span', { className: 'bs-dots' })
  private readonly bar = el('div', { className: 'bs-bar', hidden: true },
    el('strong', { className: 'bs-name' }, '城市云图'), this.title, this.dots, this.clock, el('span', { className: 'bs-hint' }, '按 Esc 退出大屏'))
  readonly button = el('button', { type: 'button', className: 'big-screen-button', hidden: true, title: '大屏展示：无边框，轮播各视图' }, '大屏')
  private views: ScreenView[] = []
  private index = 0
  private rotateTimer: ReturnType<typeof setInterval> | undefined
  private clockTimer: ReturnType<typeof setInterval> | undefined
  /** what leaving gives back: the tab shown before and the visibility of the layers a view switched on */
  private before: { tab: string | null; layers: Map<string, boolean> } | null = null

  constructor(private readonly h: BigScreenHooks) {
    h.buttonHost.prepend(this.button)
    h.overlayHost.append(this.bar)
    this.button.addEventListener('click', () => this.enter(intervalFromUrl(location.search)))
    document.addEventListener('keydown', (e) => { if (e.key === 'Escape' && this.active) this.exit() })
  }

  get active(): boolean { return this.before !== null }

  /** After sign-in: the button for users who may, and the screen at once when the URL asks for it. */
  signedIn(): void {
    this.button.hidden = !can(this.h.user(), 'bigScreen')
    if (screenRequested(location.search)) this.enter(intervalFromUrl(location.search))
  }

  /** At sign-out (or an expired login): back to the ordinary page; the URL keeps asking, so signing in again returns here. */
  signedOut(): void {
    this.exit(false)
    this.button.hidden = true
  }

  enter(intervalS: number): boolean {
    const user = this.h.user()
    this.views = SCREEN_VIEWS.filter((v) => can(user, v.needs))
    if (!can(user, 'bigScreen') || !this.views.length || this.active) return false
    this.before = { tab: this.h.dock.shown, layers: new Map() }
    const url = new URL(location.href)
    url.searchParams.set('mode', 'screen')
    url.searchParams.set('interval', String(intervalS))
    history.replaceState(history.state, '', url)
    document.body.classList.add('big-screen')
    document.body.dataset.screenInterval = String(intervalS)
    this.bar.hidden = false
    this.dots.replaceChildren(...this.views.map((v) => el('span', { className: 'bs-dot', title: v.title })))
    this.tickClock()
    this.clockTimer = setInterval(() => this.tickClock(), 1000)
    this.index = 0
    this.show()
    this.rotateTimer = setInterval(() => { this.index = (this.index + 1) % this.views.length; this.show() }, intervalS * 1000)
    return true
  }

  /** Leaves the big screen; `forget` also drops ?mode=screen from the URL (Esc does; an expiry does not). */
  exit(forget = true): void {
    const before = this.before
    if (!before) return
    clearInterval(this.rotateTimer)
    clearInterval(this.clockTimer)
    this.setLayers(null)
    this.before = null
    document.body.classList.remove('big-screen')
    delete document.body.dataset.screenView
    delete document.body.dataset.screenInterval
    this.bar.hidden = true
    this.h.dock.visible = true
    if (before.tab) this.h.dock.show(before.tab)
    if (forget) {
      const url = new URL(location.href)
      url.searchParams.delete('mode')
      url.searchParams.delete('interval')
      history.replaceState(history.state, '', url)
    }
    window.dispatchEvent(new Event('resize'))
  }

  private show(): void {
    const view = this.views[this.index]!
    document.body.dataset.screenView = view.id
    this.title.textContent = view.title
    ;[...this.dots.children].forEach((d, i) => d.classList.toggle('on', i === this.index))
    this.setLayers(view.layers ?? null)
    this.h.dock.visible = Boolean(view.tab)
    if (view.tab) this.h.dock.show(view.tab)
    // charts size themselves to the wider panel and the map to the screen without the header
    window.dispatchEvent(new Event('resize'))
  }

  /** Switches on the view's layers, giving the others back their visibility from before. */
  private setLayers(ids: string[] | null): void {
    const kept = this.before?.layers
    if (!kept) return
    for (const l of this.h.layers()) {
      const id = l.info.id
      if (ids?.includes(id)) {
        if (!kept.has(id)) kept.set(id, l.layer.getVisible())
        l.layer.setVisible(true)
      } else if (kept.has(id)) {
        l.layer.setVisible(kept.get(id)!)
        kept.delete(id)
      }
    }
  }

  private tickClock(): void {
    const now = new Date()
    this.clock.textContent = `北京时间 ${beijingClock(now)}`
    this.clock.dateTime = now.toISOString()
  }
}
