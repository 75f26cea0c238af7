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
    if (this.current === null) this.show(tab.id)
  }

  show(id: string): void {
    const entry = this.entries.get(id)
    if (!entry) return
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
