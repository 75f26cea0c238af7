// 待办: the caller's work queues (/api/v1/queues), with their counts as the day's figures; read
// from the last copy when offline. A queue longer than its first page has 加载更多 (the queue's
// next page by offset); the register roles have a way in to their proactive tasks (主动服务).
// A department also sees its month in figures: the command screen's indicators
// (/api/v1/analytics/indicators, its own row of unit=department), so the phone and the
// assessment count alike.
import { ApiError, call, session } from '../api.ts'
import { cache, fmtTime, h, message } from '../ui.ts'

const PAGE = 50
/** The roles the proactive task list serves (server/registers/access.ts PEOPLE_ROLES). */
const PROACTIVE_ROLES = ['command_center', 'district_staff', 'street_staff', 'community_staff', 'grid_inspector']

interface QueueItem { number: string; statusTitle: string; class: { name: string | null }; description: string; dueAt: string | null; overdue: boolean; emergency?: boolean }
interface Queues { titles: Record<string, string>; counts: Record<string, number>; queues: Record<string, QueueItem[]> }

interface Rate { numerator: number; denominator: number; rate: number | null }
interface Indicators { units?: { key: string; counts: Record<string, number>; rates: Record<string, Rate> }[] }

const pct = (r: Rate | undefined) => (r && r.rate !== null ? `${(r.rate * 100).toFixed(1)}%` : '—')

async function departmentMonth(): Promise<HTMLElement | null> {
  const u = session()?.user
  if (u?.role !== 'department' || u.departmentId == null) return null
  const month = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 7) // the Shanghai month
  let r: Indicators | null
  try {
    r = await call<Indicators>(`/analytics/indicators?period=${month}&unit=department`)
    cache.set('department-month', r)
  } catch {
    r = cache.get<Indicators>('department-month')
  }
  if (!r) return null
  const row = r.units?.find((x) => x.key === String(u.departmentId))
  const n = (k: string) => String(row?.counts[k] ?? 0)
  const cell = (key: string, value: string, label: string, title?: string) =>
    h('div', { class: 'stat', 'data-stat': key, title }, h('b', {}, value), h('span', {}, label))
  const rate = (key: string, label: string) => {
    const v = row?.rates[key]
    return cell(key, pct(v), label, v ? `${v.numerator}/${v.denominator}` : undefined)
  }
  return h('div', { class: 'card dept-month' }, h('h2', {}, `本部门 ${month} 统计`),
    h('div', { class: 'stats' }, cell('total', n('total'), '事件'), cell('closed', n('closed'), '已结案'), cell('overdue', n('overdue'), '超期'),
      rate('onTimeCloseRate', '按期结案率'), rate('returnRate', '退回率'), rate('extensionRate', '延期率')))
}

const queueItem = (i: QueueItem) => h('li', {},
  h('a', { href: `/m/event/${i.number}`, 'data-link': true, class: `item${i.overdue ? ' overdue' : ''}` },
    h('span', { class: 'item-head' }, h('b', {}, i.class.name ?? '未分类'), h('span', { class: 'badge' }, i.statusTitle)),
    h('span', { class: 'item-text' }, i.description),
    h('span', { class: 'item-meta' }, `${i.number} · 期限 ${fmtTime(i.dueAt)}${i.overdue ? ' · 已超期' : ''}`)))

/**
 * 加载更多: the queue's next page (offset = rows read so far). Pages are cut by position, so a
 * queue that changed between two reads may repeat a row (shown once) or pass one over (the next
 * full read shows it).
 */
function moreButton(name: string, list: HTMLElement, first: number, total: number): HTMLElement {
  let offset = first
  const shown = new Set([...list.querySelectorAll('a[href^="/m/event/"]')].map((a) => a.getAttribute('href')))
  const note = h('div', {})
  const btn = h('button', { type: 'button', class: 'more', 'data-queue': name })
  const label = () => { btn.textContent = `加载更多（已显示 ${shown.size} / ${total}）` }
  label()
  btn.addEventListener('click', async () => {
    btn.disabled = true
    try {
      const r = await call<Queues>(`/queues?queue=${name}&offset=${offset}&limit=${PAGE}`)
      const page = r.queues[name] ?? []
      offset += page.length
      total = r.counts[name] ?? total
      for (const i of page) {
        if (shown.has(`/m/event/${i.number}`)) continue
        shown.add(`/m/event/${i.number}`)
        list.append(queueItem(i))
      }
      note.replaceChildren()
      if (!page.length || offset >= total) return wrap.replaceChildren(note)
      label()
    } catch (e) {
      note.replaceChildren(message(e instanceof ApiError && e.status === 0 ? '离线：联网后加载更多' : (e as Error).message, 'error'))
    }
    btn.disabled = false
  })
  const wrap = h('div', { class: 'more-wrap' }, btn, note)
  return wrap
}

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
  if (PROACTIVE_ROLES.includes(session()?.user.role ?? '')) {
    el.append(h('a', { href: '/m/proactive', 'data-link': true, class: 'item entry' },
      h('span', { class: 'item-head' }, h('b', {}, '主动服务'), h('span', { class: 'badge' }, '查看任务')),
      h('span', { class: 'item-meta' }, '身份证到期、适龄入学、独居老人走访等提醒')))
  }
  for (const [name, items] of Object.entries(q.queues)) {
    if (!items.length) continue
    const list = h('ul', { class: 'list', 'data-queue': name }, ...items.map(queueItem))
    el.append(h('h2', {}, `${q.titles[name] ?? name}（${q.counts[name] ?? items.length}）`), list)
    const total = q.counts[name] ?? items.length
    if (total > items.length) el.append(moreButton(name, list, items.length, total))
  }
  if (!Object.values(q.queues).some((l) => l.length)) el.append(message('暂无待办'))
  const month = await departmentMonth()
  if (month) el.append(month)
  return el
}
