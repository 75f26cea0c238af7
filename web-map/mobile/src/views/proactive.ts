// 主动服务: the open proactive tasks the caller may see (/api/v1/proactive-rules/tasks: an
// inspector's are those of the grids they serve), each with its rule, due date and person exactly
// as the server shows them to this role (masked there, never here), and the two ways to close
// one: 办结 with a note (for a lone elderly resident, the visit: how and when) or 无需办理 with a
// reason. Both go through the outbox, so they work offline and are sent once. The first page is
// kept for reading offline; it holds personal data, so signing out drops it (me.ts).
import { ApiError, call } from '../api.ts'
import { enqueue, flush, listOutbox, type ProactiveItem } from '../outbox.ts'
import { cache, h, message } from '../ui.ts'

export const PROACTIVE_CACHE = 'proactive'
const PAGE = 20

interface Task {
  id: number; kind: string; kindTitle: string; title: string; dueOn: string
  rule: { name: string }
  resident: { name: string | null; phone: string | null; houseAddress: string | null; idNumber: string; gender: 'M' | 'F'; age: number | null }
}
interface Page { items: Task[]; next: number | null }

const METHODS: [string, string][] = [['home', '入户走访'], ['phone', '电话联系'], ['video', '视频联系'], ['office', '来访']]

export async function proactiveView(): Promise<HTMLElement> {
  const el = h('section', { class: 'proactive' })
  el.dataset.title = '主动服务'
  let page: Page | null
  try {
    page = await call<Page>(`/proactive-rules/tasks?status=open&limit=${PAGE}`)
    cache.set(PROACTIVE_CACHE, page)
  } catch (e) {
    page = cache.get<Page>(PROACTIVE_CACHE)
    const offline = e instanceof ApiError && e.status === 0
    el.append(message(offline ? `离线：显示上次同步的任务${page ? '，办理将在联网后发送' : '（无）'}` : (e as Error).message, offline ? 'info' : 'error'))
  }
  if (!page) return el
  const queued = new Map((await listOutbox()).filter((i): i is ProactiveItem => i.kind === 'proactive').map((i) => [i.taskId, i]))
  const list = h('ul', { class: 'list' })
  const add = (tasks: Task[]) => {
    for (const t of tasks) if (!list.querySelector(`li[data-task="${t.id}"]`)) list.append(taskCard(t, queued.get(t.id)))
  }
  add(page.items)
  el.append(page.items.length ? list : message('暂无主动服务任务'))
  if (page.next !== null) el.append(more(page.next, add))
  return el
}

/** 加载更多: the next keyset page (ids descending, after the last id read). */
function more(next: number, add: (tasks: Task[]) => void): HTMLElement {
  let after: number | null = next
  const note = h('div', {})
  const btn = h('button', { type: 'button', class: 'more' }, '加载更多')
  btn.addEventListener('click', async () => {
    btn.disabled = true
    try {
      const p = await call<Page>(`/proactive-rules/tasks?status=open&limit=${PAGE}&after=${after}`)
      add(p.items)
      after = p.next
      note.replaceChildren()
      if (after === null) btn.remove()
    } catch (e) {
      note.replaceChildren(message(e instanceof ApiError && e.status === 0 ? '离线：联网后加载更多' : (e as Error).message, 'error'))
    }
    btn.disabled = false
  })
  return h('div', { class: 'more-wrap' }, btn, note)
}

/** A task closed on the server leaves the offline copy, so it is not offered again offline. */
function dropCached(id: number): void {
  const p = cache.get<Page>(PROACTIVE_CACHE)
  if (p) cache.set(PROACTIVE_CACHE, { ...p, items: p.items.filter((t) => t.id !== id) })
}

function person(t: Task): string {
  const r = t.resident
  return [r.name ?? '—', `${r.gender === 'F' ? '女' : '男'}${r.age === null ? '' : ` ${r.age} 岁`}`, r.idNumber, r.phone, r.houseAddress].filter(Boolean).join(' · ')
}

function taskCard(t: Task, pending: ProactiveItem | undefined): HTMLElement {
  const badge = h('span', { class: 'badge' }, pending ? (pending.state === 'conflict' ? '冲突' : '待发送') : '待办')
  const status = h('div', { class: 'status' })
  const li = h('li', { class: 'item', 'data-task': t.id },
    h('span', { class: 'item-head' }, h('b', {}, t.kindTitle), badge),
    h('span', { class: 'item-text' }, t.title),
    h('span', { class: 'item-text person' }, person(t)),
    h('span', { class: 'item-meta' }, `规则：${t.rule.name} · 期限 ${t.dueOn}`))
  if (pending) return li
  const visit = t.kind === 'lone_elderly_visit'
  const done = h('form', { class: 'form act', 'data-action': 'done', 'aria-label': '办结', hidden: true },
    visit ? h('label', {}, '走访方式', h('select', { name: 'method' }, ...METHODS.map(([v, label]) => h('option', { value: v }, label)))) : null,
    h('label', {}, visit ? '走访情况（可选）' : '办理说明（可选）', h('textarea', { name: 'note', rows: 2, maxlength: 2000 })),
    h('button', { type: 'submit', class: 'primary' }, visit ? '记录走访并办结' : '办结'))
  const dismiss = h('form', { class: 'form act', 'data-action': 'dismiss', 'aria-label': '无需办理', hidden: true },
    h('label', {}, '原因', h('textarea', { name: 'reason', rows: 2, maxlength: 2000, required: true })),
    h('button', { type: 'submit', class: 'primary' }, '确认无需办理'))
  const toggle = (show: HTMLFormElement, other: HTMLFormElement) => () => { show.hidden = !show.hidden; other.hidden = true }
  const buttons = h('span', { class: 'row' },
    h('button', { type: 'button', 'data-open': 'done', onclick: toggle(done, dismiss) }, '办结'),
    h('button', { type: 'button', 'data-open': 'dismiss', onclick: toggle(dismiss, done) }, '无需办理'))
  const submit = (action: 'done' | 'dismiss', form: HTMLFormElement) => async (e: Event) => {
    e.preventDefault()
    const d = new FormData(form)
    let body: Record<string, unknown>
    if (action === 'dismiss') {
      const reason = String(d.get('reason') ?? '').trim()
      if (!reason) return status.replaceChildren(message('请填写无需办理的原因', 'error'))
      body = { reason }
    } else {
      const note = String(d.get('note') ?? '').trim()
      // the visit took place now, whenever the phone gets to send it
      body = { ...(note ? { note } : {}), ...(visit ? { visit: { method: String(d.get('method')), visitedAt: new Date().toISOString() } } : {}) }
    }
    for (const b of li.querySelectorAll('button')) b.disabled = true
    await enqueue({ kind: 'proactive', taskId: t.id, title: `${t.kindTitle}：${t.resident.name ?? ''}`, action, body, photos: [] })
    if (navigator.onLine) await flush()
    const left = (await listOutbox()).find((i) => i.kind === 'proactive' && i.taskId === t.id)
    const word = action === 'done' ? '办结' : '无需办理'
    if (!left) dropCached(t.id)
    buttons.remove()
    done.remove()
    dismiss.remove()
    badge.textContent = !left ? (action === 'done' ? '已办结' : '已关闭') : left.state === 'conflict' ? '冲突' : '待发送'
    li.dataset.state = !left ? 'sent' : left.state
    status.replaceChildren(!left ? message(`${word}已提交`, 'ok')
      : left.state === 'conflict' ? message(`${word}未成功：${left.error ?? ''}（见“我的 · 待发送”）`, 'error')
        : message(`当前离线，${word}已保存，联网后自动发送`, 'info'))
  }
  done.addEventListener('submit', submit('done', done))
  dismiss.addEventListener('submit', submit('dismiss', dismiss))
  li.append(buttons, done, dismiss, status)
  return li
}
