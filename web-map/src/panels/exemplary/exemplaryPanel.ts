// 公示 tab of the dock (重点公示, Heilongjiang 6.4.1.8): the cases the centre pinned, newest first,
// shown first on the command screen so the next similar event can draw on them. Search by text
// (title, experience, description, event number, tag), on show or withdrawn; a case opens to its
// handling steps; its event opens in the events panel; pinners withdraw a case with a reason (the
// server keeps it, stamped).
import './exemplary.css'
import type { Session } from '../../client/api.ts'
import { CASE_READER_ROLES, listCases, PINNER_ROLES, readCase, withdrawCase, type CaseItem, type CaseQuery } from '../../client/exemplaryApi.ts'
import { el } from '../../ui/dom.ts'
import { beijingTime } from '../../ui/time.ts'
import { caseCard, stepsBlock } from './caseCard.ts'
import { forgetSimilar } from './similarSection.ts'

export interface ExemplaryHooks { openEvent(number: string): void }

const PAGE = 20

export class ExemplaryPanel {
  readonly element: HTMLElement
  private readonly list: HTMLElement
  private readonly error: HTMLElement
  private readonly more: HTMLButtonElement
  private readonly search: HTMLInputElement
  private readonly state: HTMLSelectElement
  private next: string | null = null
  private generation = 0

  constructor(private readonly session: Session, private readonly hooks: ExemplaryHooks) {
    this.search = el('input', { type: 'search', name: 'q', maxLength: 100, placeholder: '标题、经验、事件编号或关键词' })
    this.state = el('select', { name: 'state', title: '公示状态' },
      el('option', { value: 'on_show' }, '公示中'), el('option', { value: 'withdrawn' }, '已撤下'), el('option', { value: 'all' }, '全部'))
    const form = el('form', { className: 'exemplary-filter' }, this.search, this.state, el('button', { type: 'submit' }, '查询'))
    form.addEventListener('submit', (e) => { e.preventDefault(); void this.load(false) })
    this.state.addEventListener('change', () => void this.load(false))
    this.list = el('div', { className: 'exemplary-list' })
    this.error = el('p', { className: 'error', role: 'alert' })
    this.more = el('button', { type: 'button', className: 'exemplary-more', hidden: true }, '加载更多')
    this.more.addEventListener('click', () => void this.load(true))
    this.element = el('section', { className: 'exemplary' },
      el('header', {}, el('h2', {}, '重点公示 · 典型案例')), form, this.error, this.list, this.more)
    this.element.setAttribute('aria-label', '重点公示')
  }

  /** The tab was shown: load the first page afresh. */
  shown(): void {
    void this.load(false)
  }

  private async load(append: boolean): Promise<void> {
    const generation = ++this.generation
    if (!CASE_READER_ROLES.includes(this.session.user?.role ?? '')) {
      this.list.replaceChildren(el('p', { className: 'hint' }, '当前角色不查看公示案例'))
      this.more.hidden = true
      return
    }
    const q: CaseQuery = { state: this.state.value as CaseQuery['state'], q: this.search.value.trim() || undefined, limit: PAGE }
    if (append && this.next) q.cursor = this.next
    this.element.dataset.state = 'loading'
    this.error.textContent = ''
    try {
      const page = await listCases(this.session, q)
      if (generation !== this.generation) return
      const cards = page.items.map((c) => this.card(c))
      if (append) this.list.append(...cards)
      else this.list.replaceChildren(...(cards.length ? cards : [el('p', { className: 'hint' }, '暂无公示案例')]))
      this.next = page.next
      this.more.hidden = !page.next
      this.element.dataset.state = 'ready'
    } catch (err) {
      if (generation !== this.generation) return
      this.error.textContent = (err as Error).message
      this.element.dataset.state = 'error'
    }
  }

  private card(c: CaseItem): HTMLElement {
    const open = el('button', { type: 'button' }, '查看原事件')
    open.addEventListener('click', () => this.hooks.openEvent(c.event.number))
    const steps = el('button', { type: 'button' }, '办理过程')
    const footer: HTMLElement[] = [open, steps]
    if (c.onShow && PINNER_ROLES.includes(this.session.user?.role ?? '')) {
      const withdraw = el('button', { type: 'button', className: 'withdraw' }, '撤下')
      withdraw.addEventListener('click', () => this.withdrawForm(card, c))
      footer.push(withdraw)
    }
    const card = caseCard(c, footer)
    if (!c.onShow && c.withdrawn) {
      card.classList.add('withdrawn')
      card.append(el('p', { className: 'case-withdrawn' },
        `已于 ${beijingTime(c.withdrawn.at, false)} 由 ${c.withdrawn.by.name ?? '—'} 撤下${c.withdrawn.reason ? `：${c.withdrawn.reason}` : ''}`))
    }
    if (!c.stillWellHandled) card.append(el('p', { className: 'case-warning' }, '注意：该事件公示后被评价为不满意'))
    steps.addEventListener('click', async () => {
      steps.disabled = true
      try {
        const full = await readCase(this.session, c.id)
        if (full.handling) card.querySelector('footer')!.before(stepsBlock(full.handling))
        const d = card.querySelector<HTMLDetailsElement>('details.case-steps')
        if (d) d.open = true
        steps.remove()
      } catch (err) {
        this.error.textContent = (err as Error).message
        steps.disabled = false
      }
    })
    return card
  }

  private withdrawForm(card: HTMLElement, c: CaseItem): void {
    card.querySelector('form.withdraw-form')?.remove()
    const reason = el('input', { name: 'reason', maxLength: 500, placeholder: '撤下原因（可选）' })
    const error = el('p', { className: 'error', role: 'alert' })
    const submit = el('button', { type: 'submit' }, '确定撤下')
    const cancel = el('button', { type: 'button' }, '取消')
    const form = el('form', { className: 'withdraw-form' }, reason, el('div', { className: 'buttons' }, submit, cancel), error)
    cancel.addEventListener('click', () => form.remove())
    form.addEventListener('submit', async (e) => {
      e.preventDefault()
      submit.disabled = true
      try {
        await withdrawCase(this.session, c.id, reason.value.trim())
        forgetSimilar()
        await this.load(false)
      } catch (err) {
        error.textContent = (err as Error).message
        submit.disabled = false
      }
    })
    card.append(form)
    reason.focus()
  }
}
