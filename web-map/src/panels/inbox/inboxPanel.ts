// 消息: the signed-in user's notices (待办, 预警, 督办, 报告, 考核, 重大突发 …), newest first, unread
// in bold; a click marks one read and opens its event; 全部已读; 只看未读; and the user's quiet
// hours (免打扰). A notice on the stream ("inbox") is shown at once; after a dropped stream the
// list is read again, so nothing missed while offline is lost (the inbox is the store).
import './inbox.css'
import type { Session } from '../../client/api.ts'
import type { StreamBus } from '../../client/streamBus.ts'
import { fetchInbox, fetchSettings, markAllRead, markRead, saveSettings, type InboxItem } from '../../client/inboxApi.ts'
import { el } from '../../ui/dom.ts'
import { beijingTime } from '../../ui/time.ts'

export interface InboxHooks { openEvent(number: string): void; count(n: number): void }

export class InboxPanel {
  readonly element: HTMLElement
  private readonly message = el('p', { className: 'inbox-message', role: 'status' })
  private readonly list = el('ul', { className: 'inbox-list' })
  private readonly unreadOnly = el('button', { type: 'button', className: 'inbox-filter', textContent: '只看未读' })
  private readonly allRead = el('button', { type: 'button', className: 'inbox-all-read', textContent: '全部已读' })
  private readonly quietStart = el('input', { type: 'time', className: 'inbox-quiet-start' })
  private readonly quietEnd = el('input', { type: 'time', className: 'inbox-quiet-end' })
  private readonly quietSave = el('button', { type: 'button', className: 'inbox-quiet-save', textContent: '保存免打扰' })
  private readonly quietError = el('span', { className: 'inbox-error', role: 'alert' })
  private filterUnread = false
  private generation = 0
  private unread = 0

  constructor(private readonly session: Session, bus: StreamBus, private readonly hooks: InboxHooks) {
    this.unreadOnly.setAttribute('aria-pressed', 'false')
    this.unreadOnly.addEventListener('click', () => {
      this.filterUnread = !this.filterUnread
      this.unreadOnly.setAttribute('aria-pressed', String(this.filterUnread))
      void this.load()
    })
    this.allRead.addEventListener('click', () => void this.readAll())
    this.quietSave.addEventListener('click', () => void this.saveQuiet())
    this.element = el('section', { className: 'inbox-panel' },
      el('div', { className: 'inbox-head' }, el('h2', {}, '消息'), el('div', { className: 'inbox-tools' }, this.unreadOnly, this.allRead)),
      this.message, this.list,
      el('div', { className: 'inbox-quiet' }, el('span', {}, '免打扰'), this.quietStart, el('span', {}, '至'), this.quietEnd, this.quietSave, this.quietError))
    // the panel lives as long as the page, like the bus: no unsubscribe
    bus.on('inbox', (data) => this.arrived(data))
    bus.onState((s, reconnected) => { if (s === 'open' && reconnected) void this.load() })
  }

  shown(): void {
    void this.load()
    void this.loadSettings()
  }

  /** After sign-in: the badge shows the unread count before the tab is opened. */
  started(): void {
    void this.load()
  }

  clear(): void {
    this.generation++
    this.list.replaceChildren()
    this.message.textContent = ''
    this.quietError.textContent = ''
    this.hooks.count(0)
    delete this.element.dataset.state
  }

  private async load(): Promise<void> {
    const generation = ++this.generation
    this.element.dataset.state = 'loading'
    try {
      const page = await fetchInbox(this.session, this.filterUnread)
      if (generation !== this.generation) return
      this.setUnread(page.unread)
      this.list.replaceChildren(...page.items.map((i) => this.row(i)))
      if (!page.items.length) this.list.append(el('li', { className: 'inbox-empty' }, '暂无消息'))
      this.element.dataset.state = 'ready'
    } catch (err) {
      if (generation !== this.generation) return
      this.message.textContent = (err as Error).message
      this.element.dataset.state = 'error'
    }
  }

  private setUnread(n: number): void {
    this.unread = n
    this.message.textContent = `未读 ${n} 条`
    this.element.dataset.unread = String(n)
    this.hooks.count(n)
  }

  /** A stream item: its head only; the list is read again when shown, for the body. */
  private arrived(data: Record<string, unknown>): void {
    if (typeof data.id !== 'number' || typeof data.title !== 'string') return
    if (this.list.querySelector(`[data-id="${data.id}"]`)) return
    this.list.querySelector('.inbox-empty')?.remove()
    const item: InboxItem = {
      id: data.id, kind: String(data.kind ?? ''), kindName: KIND_NAMES[String(data.kind)] ?? String(data.kind ?? ''), title: data.title, body: null,
      eventId: typeof data.eventId === 'string' ? data.eventId : null, areaCode: null, link: typeof data.link === 'string' ? data.link : null,
      createdAt: String(data.createdAt ?? new Date().toISOString()), deliverAt: '', held: false, read: false, readAt: null,
    }
    this.list.prepend(this.row(item))
    this.setUnread(this.unread + 1)
  }

  private row(i: InboxItem): HTMLElement {
    const li = el('li', { className: `inbox-item${i.read ? '' : ' unread'}${i.kind === 'emergency' ? ' emergency' : ''}` },
      el('span', { className: 'inbox-kind' }, i.kindName),
      el('span', { className: 'inbox-title' }, i.title),
      el('time', { className: 'inbox-time' }, beijingTime(i.createdAt, false)),
      ...(i.body ? [el('span', { className: 'inbox-body' }, i.body)] : []))
    li.dataset.id = String(i.id)
    li.dataset.kind = i.kind
    li.addEventListener('click', () => void this.openItem(i, li))
    return li
  }

  private async openItem(i: InboxItem, li: HTMLElement): Promise<void> {
    if (li.classList.contains('unread')) {
      try {
        const r = await markRead(this.session, [i.id])
        li.classList.remove('unread')
        this.setUnread(r.unread)
      } catch (err) {
        this.message.textContent = (err as Error).message
      }
    }
    if (i.eventId && /^E\d{12,16}$/.test(i.eventId)) this.hooks.openEvent(i.eventId)
  }

  private async readAll(): Promise<void> {
    try {
      const r = await markAllRead(this.session)
      for (const li of this.list.querySelectorAll('.inbox-item.unread')) li.classList.remove('unread')
      this.setUnread(r.unread)
    } catch (err) {
      this.message.textContent = (err as Error).message
    }
  }

  private async loadSettings(): Promise<void> {
    try {
      const s = await fetchSettings(this.session)
      this.quietStart.value = s.quietStart ?? ''
      this.quietEnd.value = s.quietEnd ?? ''
    } catch {
      // the list is what matters; the settings row stays empty
    }
  }

  private async saveQuiet(): Promise<void> {
    this.quietError.textContent = ''
    try {
      const current = await fetchSettings(this.session)
      const saved = await saveSettings(this.session, { timeZone: current.timeZone, externalAddress: current.externalAddress, quietStart: this.quietStart.value || null, quietEnd: this.quietEnd.value || null })
      this.quietStart.value = saved.quietStart ?? ''
      this.quietEnd.value = saved.quietEnd ?? ''
      this.quietError.textContent = '已保存'
    } catch (err) {
      this.quietError.textContent = (err as Error).message
    }
  }
}

/** The server's kind names (server/inbox/store.ts kindTitles), for stream items that carry only the kind. */
export const KIND_NAMES: Record<string, string> = {
  todo: '待办', warning: '预警', supervision: '督办', report_ready: '报告生成', assessment: '考核结果',
  emergency: '重大突发', meeting: '会商', hard_case: '疑难事件',
}
