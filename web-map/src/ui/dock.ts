// The right-hand dock of the command screen: one tab per panel (事件, 预警, 态势 …), one panel
// shown at a time. A panel module builds its own element and adds it here with one call, so a
// new panel needs no edit of index.html and no knowledge of the others.
import { el } from './dom.ts'

export interface DockTab { id: string; title: string; element: HTMLElement; onShow?: () => void }

export class Dock {
  readonly element: HTMLElement
  private readonly tabs: HTMLElement
  private readonly body: HTMLElement
  private readonly entries = new Map<string, { tab: DockTab; button: HTMLButtonElement }>()
  private current: string | null = null
  /** Which tabs this user may see (ui/roles.ts); null: all. */
  private allowed: ((id: string) => boolean) | null = null

  /** Placed in `parent` before `before` (CSS moves the element after it, e.g. the feature info, aside). */
  constructor(parent: HTMLElement, before: Element | null = null) {
    this.tabs = el('nav', { className: 'dock-tabs', role: 'tablist' })
    this.body = el('div', { className: 'dock-body' })
    this.element = el('aside', { className: 'panel dock', hidden: true }, this.tabs, this.body)
    this.element.setAttribute('aria-label', '指挥面板')
    parent.insertBefore(this.element, before)
  }

  /** Adds a panel as a tab (the first one added is shown first); `badge` counts show on the tab. */
  add(tab: DockTab): void {
    const button = el('button', { type: 'button', className: 'dock-tab', textContent: tab.title })
    button.setAttribute('role', 'tab')
    button.dataset.tab = tab.id
    button.addEventListener('click', () => this.show(tab.id))
    tab.element.hidden = true
    tab.element.dataset.dockTab = tab.id
    this.tabs.append(button)
    this.body.append(tab.element)
    this.entries.set(tab.id, { tab, button })
    button.hidden = !this.permits(tab.id)
    if (this.current === null) this.show(tab.id)
  }

  private permits(id: string): boolean {
    return this.allowed?.(id) ?? true
  }

  /** Hides the tabs the user may not use (null shows all); a hidden tab shown now gives way to the first allowed one. */
  restrict(allowed: ((id: string) => boolean) | null): void {
    this.allowed = allowed
    for (const [id, e] of this.entries) e.button.hidden = !this.permits(id)
    if (this.current !== null && !this.permits(this.current)) {
      const first = [...this.entries.keys()].find((id) => this.permits(id))
      if (first) this.show(first)
    }
  }

  /** The tab shown now. */
  get shown(): string | null { return this.current }

  /** Shows a tab (a tab this user may not use is not shown). */
  show(id: string): void {
    const entry = this.entries.get(id)
    if (!entry || !this.permits(id)) return
    for (const [key, e] of this.entries) {
      e.tab.element.hidden = key !== id
      e.button.setAttribute('aria-selected', String(key === id))
    }
    this.current = id
    this.element.dataset.shown = id
    entry.tab.onShow?.()
  }

  /** A number on a tab (open warnings …); 0 or null hides it. */
  badge(id: string, n: number | null): void {
    const b = this.entries.get(id)?.button
    if (!b) return
    if (n) b.dataset.badge = String(n)
    else delete b.dataset.badge
  }

  set visible(v: boolean) { this.element.hidden = !v }
}
