// 消息: the caller's notifications (/api/v1/inbox); opening the list marks what it shows as read.
// A notice about an event leads to it; one about new proactive tasks to 主动服务.
import { ApiError, call } from '../api.ts'
import { fmtTime, h, message } from '../ui.ts'

interface Item { id: number; kindName: string; title: string; body: string | null; eventId: string | null; link: string | null; createdAt: string; read: boolean }

/** The command-screen links of notices the app has a view for (the proactive pass's names its task list). */
const VIEWS: Record<string, [string, string]> = { '#/proactive-tasks': ['/m/proactive', '去办理'] }

export async function inboxView(): Promise<HTMLElement> {
  const el = h('section', { class: 'inbox' })
  el.dataset.title = '消息'
  let r: { items: Item[]; unread: number }
  try {
    r = await call('/inbox?limit=50')
  } catch (e) {
    el.append(message(e instanceof ApiError && e.status === 0 ? '离线：联网后查看消息' : (e as Error).message, 'error'))
    return el
  }
  if (!r.items.length) el.append(message('暂无消息'))
  el.append(h('ul', { class: 'list' }, ...r.items.map((i) => h('li', { class: `item${i.read ? '' : ' unread'}` },
    h('span', { class: 'item-head' }, h('b', {}, i.title), h('span', { class: 'badge' }, i.kindName)),
    i.body ? h('span', { class: 'item-text' }, i.body) : null,
    h('span', { class: 'item-meta' }, fmtTime(i.createdAt), ' ',
      i.eventId && /^E[0-9]{12,16}$/.test(i.eventId) ? h('a', { href: `/m/event/${i.eventId}`, 'data-link': true }, i.eventId) : null,
      i.link && VIEWS[i.link] ? h('a', { href: VIEWS[i.link]![0], 'data-link': true }, VIEWS[i.link]![1]) : null)))))
  const unread = r.items.filter((i) => !i.read).map((i) => i.id)
  if (unread.length) await call('/inbox/read', { json: { ids: unread } }).catch(() => undefined)
  return el
}
