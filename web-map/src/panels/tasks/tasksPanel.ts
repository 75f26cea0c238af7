// 任务: today's patrol tasks (巡查任务) — an inspector's own (the server narrows them to him), the
// area's for office staff — with their status and progress, read from GET /api/v1/patrol-tasks
// when the tab is shown (and again at most once a minute while it stays shown).
import './tasks.css'
import type { Session } from '../../client/api.ts'
import { el } from '../../ui/dom.ts'
import { beijingClock, beijingDate } from '../../ui/time.ts'

interface Task {
  id: number; templateName: string; memberName: string; status: 'open' | 'done' | 'missed'
  required: number; visitsCounted: number
}

export const TASK_STATUS_TITLES: Record<Task['status'], string> = { open: '进行中', done: '已完成', missed: '未完成' }
const REFRESH_MS = 60_000

export class TasksPanel {
  readonly element: HTMLElement
  private readonly list = el('ul', { className: 'task-list' })
  private readonly message = el('p', { className: 'task-message', role: 'status' })
  private loadedAt = 0
  private generation = 0

  constructor(private readonly session: Session) {
    this.element = el('section', { className: 'tasks-panel' }, el('h2', {}, '今日巡查任务'), this.message, this.list)
  }

  /** The tab was shown: reads the tasks unless they are fresh. */
  shown(): void {
    if (Date.now() - this.loadedAt > REFRESH_MS) void this.load()
  }

  /** At sign-out. */
  clear(): void {
    this.generation++
    this.loadedAt = 0
    this.list.replaceChildren()
    this.message.textContent = ''
    delete this.element.dataset.state
  }

  private async load(): Promise<void> {
    const generation = ++this.generation
    this.element.dataset.state = 'loading'
    const q = new URLSearchParams({ date: beijingDate(), limit: '200' })
    try {
      const res = await this.session.fetch(`/api/v1/patrol-tasks?${q}`, { headers: { accept: 'application/json' } })
      if (!res.ok) throw new Error(res.status === 403 ? '当前角色无权查看巡查任务' : `巡查任务加载失败（${res.status}）`)
      const items = (await res.json() as { items: Task[] }).items
      if (generation !== this.generation) return
      this.loadedAt = Date.now()
      this.render(items)
    } catch (err) {
      if (generation !== this.generation) return
      this.message.textContent = (err as Error).message
      this.element.dataset.state = 'error'
    }
  }

  private render(items: Task[]): void {
    this.message.textContent = items.length ? `共 ${items.length} 项 · ${beijingClock()} 更新` : '今日没有巡查任务'
    this.list.replaceChildren(...items.map((t) => {
      const li = el('li', { className: `task ${t.status}` },
        el('span', { className: 'task-name' }, t.templateName),
        el('span', { className: 'task-member' }, t.memberName),
        el('span', { className: 'task-status' }, TASK_STATUS_TITLES[t.status] ?? t.status),
        el('span', { className: 'task-progress' }, `${t.visitsCounted}/${t.required}`))
      li.dataset.task = String(t.id)
      return li
    }))
    this.element.dataset.state = 'ready'
  }
}
