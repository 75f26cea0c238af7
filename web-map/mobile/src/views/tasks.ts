// 待办: the caller's work queues (/api/v1/queues), with their counts as the day's figures; read
// from the last copy when offline.
import { ApiError, call } from '../api.ts'
import { cache, fmtTime, h, message } from '../ui.ts'

interface QueueItem { number: string; statusTitle: string; class: { name: string | null }; description: string; dueAt: string | null; overdue: boolean; emergency?: boolean }
interface Queues { titles: Record<string, string>; counts: Record<string, number>; queues: Record<string, QueueItem[]> }

export async function tasksView(): Promise<HTMLElement> {
  const el = h('section', { class: 'tasks' })
  el.dataset.title = '我的待办'
  let q: Queues | null = null
  let note: HTMLElement | null = null
  try {
    q = await call<Queues>('/queues')
    cache.set('queues', q)
  } catch (e) {
    q = cache.get<Queues>('queues')
    note = message(e instanceof ApiError && e.status === 0 ? `离线：显示上次同步的待办${q ? '' : '（无）'}` : (e as Error).message, e instanceof ApiError && e.status === 0 ? 'info' : 'error')
  }
  if (note) el.append(note)
  if (!q) return el
  el.append(h('div', { class: 'stats', 'aria-label': '统计' },
    ...Object.entries(q.counts).map(([k, n]) => h('div', { class: 'stat', 'data-queue': k }, h('b', {}, String(n)), h('span', {}, q!.titles[k] ?? k)))))
  for (const [name, items] of Object.entries(q.queues)) {
    if (!items.length) continue
    el.append(h('h2', {}, `${q.titles[name] ?? name}（${q.counts[name] ?? items.length}）`),
      h('ul', { class: 'list', 'data-queue': name }, ...items.map((i) => h('li', {},
        h('a', { href: `/m/event/${i.number}`, 'data-link': true, class: `item${i.overdue ? ' overdue' : ''}` },
          h('span', { class: 'item-head' }, h('b', {}, i.class.name ?? '未分类'), h('span', { class: 'badge' }, i.statusTitle)),
          h('span', { class: 'item-text' }, i.description),
          h('span', { class: 'item-meta' }, `${i.number} · 期限 ${fmtTime(i.dueAt)}${i.overdue ? ' · 已超期' : ''}`))))))
  }
  if (!Object.values(q.queues).some((l) => l.length)) el.append(message('暂无待办'))
  return el
}
