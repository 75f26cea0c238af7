// 用量: the utility-usage flags (水电气用量异常) of the user's area, newest month first: a lone
// elderly resident's sudden drop or any household's spike, the month's amount against the mean of
// the three months before. Only for the roles that read the people register (the server's list);
// the household is named by its number, never by a person.
import './sensing.css'
import type { Session } from '../../client/api.ts'
import { fetchFlags, type UsageFlag } from '../../client/sensingApi.ts'
import { el } from '../../ui/dom.ts'

export class UsagePanel {
  readonly element: HTMLElement
  private readonly message = el('p', { className: 'sensing-message', role: 'status' })
  private readonly month = el('input', { type: 'month', className: 'usage-month', title: '月份（空：全部）' })
  private readonly table = el('tbody')
  private generation = 0

  constructor(private readonly session: Session) {
    this.month.addEventListener('change', () => void this.load())
    this.element = el('section', { className: 'sensing-panel usage-panel' },
      el('div', { className: 'sensing-head' }, el('h2', {}, '水电气用量异常'), this.month), this.message,
      el('table', { className: 'sensing-table usage-table' },
        el('thead', {}, el('tr', {}, el('th', {}, '户号'), el('th', {}, '网格'), el('th', {}, '类型'), el('th', {}, '月份'), el('th', {}, '异常'),
          el('th', {}, '用量'), el('th', {}, '前三月均值'))), this.table))
  }

  shown(): void { void this.load() }

  clear(): void {
    this.generation++
    this.table.replaceChildren()
    this.message.textContent = ''
    delete this.element.dataset.state
  }

  private async load(): Promise<void> {
    const generation = ++this.generation
    this.element.dataset.state = 'loading'
    try {
      const { items } = await fetchFlags(this.session, this.month.value)
      if (generation !== this.generation) return
      const drops = items.filter((f) => f.kind === 'drop').length
      this.message.textContent = `共 ${items.length} 条，其中独居老人用量骤降 ${drops} 条`
      this.table.replaceChildren(...items.map((f) => this.row(f)))
      this.element.dataset.state = 'ready'
    } catch (err) {
      if (generation !== this.generation) return
      this.message.textContent = (err as Error).message
      this.element.dataset.state = 'error'
    }
  }

  private row(f: UsageFlag): HTMLElement {
    const tr = el('tr', { className: `usage-flag ${f.kind}` },
      el('td', {}, f.householdNumber), el('td', {}, f.gridCode ?? '—'), el('td', {}, f.utilityTitle), el('td', {}, f.month),
      el('td', { className: 'usage-kind' }, f.kindTitle), el('td', {}, String(f.amount)), el('td', {}, String(f.baseline)))
    tr.dataset.id = String(f.id)
    return tr
  }
}
