// 并联办: the parts of events that the user's units hold (a department its own, a desk its
// territory offices'), soonest deadline first, an open part past its deadline marked; 只看未办结
// or all. A click opens the event's parts: every unit's task, deadline and state, so a unit sees
// whom the event waits for; its own open part takes 办结 with what was done (the server decides
// whose part it is and answers 403 otherwise). The primary unit's feedback waits for all of them.
// A desk starts parts here too (发起并联办: event number, then each unit's code, task and
// deadline); the server's refusal names the row and field (parts.N.departmentCode …).
import './parallel.css'
import type { Session } from '../../client/api.ts'
import type { StreamBus } from '../../client/streamBus.ts'
import { fetchMyParts, fetchParts, finishPart, startParts, type MyPart, type Part, type Parts } from '../../client/casesApi.ts'
import { el } from '../../ui/dom.ts'
import { beijingTime } from '../../ui/time.ts'

export interface ParallelHooks { openEvent(number: string): void; count(n: number): void }

const STATES: Record<Part['state'], string> = { open: '办理中', done: '已办结', withdrawn: '已撤回' }
const stateText = (p: Part) => (p.overdue ? '已超期' : STATES[p.state])
/** Who starts parts (server/parallel/store.ts PART_STARTERS). */
const STARTERS = ['command_center', 'district_staff', 'street_staff', 'community_staff']
const EVENT_NUMBER = /^E\d{12,16}$/

export class ParallelPanel {
  readonly element: HTMLElement
  private readonly message = el('p', { className: 'parallel-message', role: 'status' })
  private readonly list = el('ul', { className: 'parallel-list' })
  private readonly detail = el('div', { className: 'parallel-detail' })
  private readonly all = el('button', { type: 'button', className: 'parallel-all', textContent: '含已办结' })
  private showAll = false
  private generation = 0
  /** the parts listed as the user's own: 办结 is offered on these */
  private mine = new Set<number>()

  constructor(private readonly session: Session, bus: StreamBus, private readonly hooks: ParallelHooks) {
    this.all.setAttribute('aria-pressed', 'false')
    this.all.addEventListener('click', () => {
      this.showAll = !this.showAll
      this.all.setAttribute('aria-pressed', String(this.showAll))
      void this.load()
    })
    this.element = el('section', { className: 'parallel-panel' },
      el('div', { className: 'parallel-head' }, el('h2', {}, '并联办'), this.all), this.message, this.list, this.startForm(), this.detail)
    // the panel lives as long as the page, like the bus: no unsubscribe
    bus.on('event', (data) => {
      if (this.element.hidden || typeof data.action !== 'string' || !data.action.startsWith('parallel_')) return
      void this.load()
      if (data.event === this.detail.dataset.number) void this.open(String(data.event))
    })
  }

  shown(): void {
    this.element.querySelector<HTMLElement>('.parallel-start')!.hidden = !STARTERS.includes(this.session.user?.role ?? '')
    void this.load()
  }

  /** 发起并联办: rows of unit, task and deadline for one event. */
  private startForm(): HTMLElement {
    const number = el('input', { className: 'parallel-start-number', placeholder: '事件编号 E…', maxLength: 17 })
    const rows = el('div', { className: 'parallel-start-rows' })
    const addRow = () => rows.append(el('div', { className: 'parallel-start-row' },
      el('input', { className: 'parallel-start-unit', placeholder: '单位编码（如 SQ-…）', maxLength: 60 }),
      el('input', { className: 'parallel-start-task', placeholder: '任务', maxLength: 500 }),
      el('input', { className: 'parallel-start-due', type: 'datetime-local' })))
    addRow()
    const more = el('button', { type: 'button', className: 'parallel-start-more', textContent: '增加单位' })
    more.addEventListener('click', addRow)
    const error = el('span', { className: 'parallel-error', role: 'alert' })
    const go = el('button', { type: 'button', className: 'parallel-start-save', textContent: '发起并联办' })
    go.addEventListener('click', () => void (async () => {
      error.textContent = ''
      const n = number.value.trim().toUpperCase()
      if (!EVENT_NUMBER.test(n)) { error.textContent = '事件编号格式为 E 加 12 至 16 位数字'; return }
      const parts = [...rows.querySelectorAll('.parallel-start-row')].map((r) => ({
        departmentCode: r.querySelector<HTMLInputElement>('.parallel-start-unit')!.value.trim(),
        task: r.querySelector<HTMLInputElement>('.parallel-start-task')!.value.trim(),
        due: r.querySelector<HTMLInputElement>('.parallel-start-due')!.value,
      })).filter((x) => x.departmentCode || x.task || x.due)
      if (!parts.length || parts.some((x) => !x.departmentCode || !x.task || !x.due)) { error.textContent = '每个单位须填写编码、任务和时限'; return }
      go.disabled = true
      try {
        this.render(await startParts(this.session, n, parts.map((x) => ({ departmentCode: x.departmentCode, task: x.task, dueAt: new Date(x.due).toISOString() }))))
        rows.replaceChildren()
        addRow()
        void this.load()
      } catch (err) {
        error.textContent = (err as Error).message
      } finally {
        go.disabled = false
      }
    })())
    return el('div', { className: 'parallel-start' }, el('h3', {}, '发起并联办'), number, rows, el('div', { className: 'parallel-start-tools' }, more, go, error))
  }

  clear(): void {
    this.generation++
    this.list.replaceChildren()
    this.detail.replaceChildren()
    this.message.textContent = ''
    this.hooks.count(0)
    delete this.element.dataset.state
    delete this.detail.dataset.number
  }

  private async load(): Promise<void> {
    const generation = ++this.generation
    this.element.dataset.state = 'loading'
    try {
      const { items } = await fetchMyParts(this.session, this.showAll ? 'all' : 'open')
      if (generation !== this.generation) return
      const open = items.filter((p) => p.state === 'open')
      const overdue = open.filter((p) => p.overdue).length
      this.mine = new Set(items.map((p) => p.id))
      this.message.textContent = `本单位未办结 ${open.length} 件，其中超期 ${overdue} 件`
      this.hooks.count(open.length)
      this.list.replaceChildren(...items.map((p) => this.row(p)))
      if (!items.length) this.list.append(el('li', { className: 'parallel-empty' }, '暂无并联办任务'))
      this.element.dataset.state = 'ready'
    } catch (err) {
      if (generation !== this.generation) return
      this.message.textContent = (err as Error).message
      this.element.dataset.state = 'error'
    }
  }

  private row(p: MyPart): HTMLElement {
    const li = el('li', { className: `parallel-item ${p.state}${p.overdue ? ' overdue' : ''}` },
      el('span', { className: 'parallel-number' }, p.number),
      el('span', { className: 'parallel-unit' }, p.unit.name),
      el('span', { className: 'parallel-state' }, stateText(p)),
      el('span', { className: 'parallel-task' }, p.task),
      el('span', { className: 'parallel-due' }, `时限 ${beijingTime(p.dueAt, false)}`))
    li.dataset.id = String(p.id)
    li.dataset.number = p.number
    li.addEventListener('click', () => void this.open(p.number))
    return li
  }

  private async open(number: string): Promise<void> {
    this.detail.dataset.number = number
    try {
      this.render(await fetchParts(this.session, number))
    } catch (err) {
      this.detail.replaceChildren(el('p', { className: 'parallel-error', role: 'alert' }, (err as Error).message))
    }
  }

  private render(p: Parts): void {
    const link = el('button', { type: 'button', className: 'parallel-event', textContent: '在事件面板中打开' })
    link.addEventListener('click', () => this.hooks.openEvent(p.number))
    this.detail.dataset.number = p.number
    this.detail.replaceChildren(
      el('div', { className: 'parallel-detail-head' }, el('h3', {}, `${p.number} 的并联办（未办结 ${p.open} / 共 ${p.parts.length}）`), link),
      el('table', { className: 'parallel-table' },
        el('thead', {}, el('tr', {}, el('th', {}, '单位'), el('th', {}, '任务'), el('th', {}, '时限'), el('th', {}, '状态'))),
        el('tbody', {}, ...p.parts.map((x) => this.partRow(p.number, x)))))
  }

  private partRow(number: string, x: Part): HTMLElement {
    const state = el('td', { className: 'parallel-state' }, stateText(x))
    if (x.result) state.title = x.result
    const tr = el('tr', { className: `parallel-part ${x.state}${x.overdue ? ' overdue' : ''}` },
      el('td', {}, x.unit.name), el('td', {}, x.task), el('td', { className: 'parallel-due' }, beijingTime(x.dueAt, false)), state)
    tr.dataset.unit = x.unit.code
    if (x.state === 'open' && this.mine.has(x.id)) {
      const result = el('input', { className: 'parallel-result', placeholder: '办理结果', maxLength: 2000 })
      const error = el('span', { className: 'parallel-error', role: 'alert' })
      const done = el('button', { type: 'button', className: 'parallel-done', textContent: '办结' })
      done.addEventListener('click', () => void (async () => {
        error.textContent = ''
        if (!result.value.trim()) { error.textContent = '请填写办理结果'; return }
        try {
          this.render(await finishPart(this.session, number, x.id, result.value.trim()))
          void this.load()
        } catch (err) {
          error.textContent = (err as Error).message
        }
      })())
      state.append(el('div', { className: 'parallel-close' }, result, done, error))
    }
    return tr
  }
}
