// 资源申请: applications for catalogue access, newest first, by state. A click opens one for 审核:
// every resource asked for with its classification and sharing condition as the catalogue has it
// now, the areas and the term; the reviewers (reviewApplications) 授权 it — the key is shown once —
// or 驳回 it with a reason, and 撤销 an approved one. Below, its recorded use: every request its
// keys made, from the access audit. External systems see their own and write new ones (applyAccess).
import './catalogue.css'
import type { Session } from '../../client/api.ts'
import {
  approveApplication, fetchApplication, fetchApplications, fetchEntry, fetchUsage, rejectApplication, revokeApplication,
  type Application, type Entry,
} from '../../client/catalogueApi.ts'
import { el } from '../../ui/dom.ts'
import { beijingTime } from '../../ui/time.ts'
import { issuedKeyBox } from './issuedKey.ts'
import { ApplyForm } from './applyForm.ts'

export interface ApplicationsHooks { canReview(): boolean; canApply(): boolean; count(n: number): void }

const STATES: [string, string][] = [['', '全部'], ['submitted', '待审核'], ['approved', '已授权'], ['rejected', '已驳回'], ['revoked', '已撤销']]
/** A reason the server accepts (reasonBody: 4 characters at least). */
const MIN_REASON = 4

export class ApplicationsPanel {
  readonly element: HTMLElement
  private readonly state = el('select', { className: 'applications-state' })
  private readonly message = el('p', { className: 'catalogue-message', role: 'status' })
  private readonly list = el('ul', { className: 'applications-list' })
  private readonly keyBox = el('div', { className: 'catalogue-key-host' })
  private readonly detail = el('div', { className: 'applications-detail' })
  private readonly form: ApplyForm
  private generation = 0

  constructor(private readonly session: Session, private readonly hooks: ApplicationsHooks) {
    for (const [value, title] of STATES) this.state.append(el('option', { value, textContent: title }))
    this.state.addEventListener('change', () => void this.load())
    this.form = new ApplyForm(session, (a) => { void this.load().then(() => this.open(a.id)) })
    this.element = el('section', { className: 'catalogue-panel applications-panel' },
      el('div', { className: 'catalogue-head' }, el('h2', {}, '资源申请'), this.state), this.keyBox, this.form.element, this.message, this.list, this.detail)
  }

  shown(): void {
    this.form.element.hidden = !this.hooks.canApply()
    this.form.start(this.session.user?.jurisdiction)
    void this.load()
  }

  /** An entry picked in 数据目录 for the application being written. */
  addResource(e: Entry): void { this.form.add(e) }

  clear(): void {
    this.generation++
    this.list.replaceChildren()
    this.detail.replaceChildren()
    this.keyBox.replaceChildren()
    this.form.clear(true)
    this.message.textContent = ''
    this.hooks.count(0)
    delete this.element.dataset.state
  }

  private async load(): Promise<void> {
    const generation = ++this.generation
    this.element.dataset.state = 'loading'
    try {
      const { items } = await fetchApplications(this.session, this.state.value)
      if (generation !== this.generation) return
      const waiting = items.filter((a) => a.state === 'submitted').length
      this.message.textContent = `${STATES.find(([v]) => v === this.state.value)?.[1] ?? ''} ${items.length} 件${this.state.value ? '' : `，待审核 ${waiting} 件`}`
      if (!this.state.value && this.hooks.canReview()) this.hooks.count(waiting)
      this.list.replaceChildren(...items.map((a) => this.row(a)))
      if (!items.length) this.list.append(el('li', { className: 'catalogue-note' }, '暂无资源申请'))
      this.element.dataset.state = 'ready'
    } catch (err) {
      if (generation !== this.generation) return
      this.message.textContent = (err as Error).message
      this.element.dataset.state = 'error'
    }
  }

  private row(a: Application): HTMLElement {
    const li = el('li', { className: `catalogue-application ${a.state}` },
      el('span', { className: 'application-title' }, `#${a.id} ${a.systemName}`),
      el('span', { className: 'application-state' }, a.stateTitle),
      el('span', { className: 'application-meta' }, `${a.applicant ?? ''} · ${beijingTime(a.submittedAt, false)} · ${a.resources.length} 项资源`))
    li.dataset.id = String(a.id)
    li.tabIndex = 0
    li.addEventListener('click', () => void this.open(a.id))
    li.addEventListener('keydown', (e) => { if (e.key === 'Enter') void this.open(a.id) })
    return li
  }

  private async open(id: number): Promise<void> {
    for (const li of this.list.querySelectorAll<HTMLElement>('.catalogue-application')) li.classList.toggle('selected', li.dataset.id === String(id))
    this.detail.dataset.state = 'loading'
    try {
      const a = await fetchApplication(this.session, id)
      // the resources as the catalogue has them now (their sharing may have changed since the application)
      const [entries, use] = await Promise.all([
        Promise.all(a.resources.map((r) => fetchEntry(this.session, r).catch(() => null))),
        a.keys.length ? fetchUsage(this.session, id) : Promise.resolve({ items: [] }),
      ])
      this.render(a, entries, use.items)
    } catch (err) {
      this.detail.replaceChildren(el('p', { className: 'catalogue-error', role: 'alert' }, (err as Error).message))
      this.detail.dataset.state = 'error'
    }
  }

  private render(a: Application, entries: (Entry | null)[], use: Awaited<ReturnType<typeof fetchUsage>>['items']): void {
    const item = (term: string, value: string, cls: string) => [el('dt', {}, term), el('dd', { className: cls }, value || '—')]
    const resources = el('ul', { className: 'application-resources' }, ...a.resources.map((id, i) => {
      const e = entries[i]
      const li = el('li', { className: `application-resource ${e?.sharing ?? 'missing'}` },
        e ? `${e.title}（${id}）· ${e.classificationTitle} · ${e.sharingTitle}` : `${id}（目录中已没有此项）`)
      li.dataset.id = id
      return li
    }))
    const dl = el('dl', { className: 'catalogue-props' },
      ...item('申请系统', a.systemName, 'application-d-system'), ...item('申请账号', a.applicant ?? '', 'application-d-applicant'),
      ...item('状态', a.stateTitle, 'application-d-state'), ...item('用途', a.purpose, 'application-d-purpose'),
      ...item('区域', a.areas.join('、'), 'application-d-areas'), ...item('有效天数', String(a.validDays), 'application-d-days'),
      ...item('提交时间', beijingTime(a.submittedAt, false), 'application-d-submitted'),
      ...(a.reviewedAt ? item('审核', `${beijingTime(a.reviewedAt, false)} ${a.reviewComment ?? ''}`, 'application-d-review') : []),
      ...(a.revokedAt ? item('撤销', `${beijingTime(a.revokedAt, false)} ${a.revokeReason ?? ''}`, 'application-d-revoke') : []),
      ...(a.keys.length ? item('密钥', a.keys.map((k) => `${k.prefix}… ${k.revokedAt ? '已停用' : `有效至 ${beijingTime(k.expiresAt, false)}`}`).join('\n'), 'application-d-keys') : []))
    this.detail.replaceChildren(el('h3', {}, `资源申请 #${a.id}`), dl, el('h4', {}, `申请的资源（${a.resources.length}）`), resources)
    if (this.hooks.canReview()) this.detail.append(...this.actions(a))
    if (a.keys.length) this.detail.append(this.usage(use))
    this.detail.dataset.id = String(a.id)
    this.detail.dataset.appState = a.state
    this.detail.dataset.state = 'ready'
  }

  /** 授权 / 驳回 while submitted, 撤销 while approved: what the server would accept now. */
  private actions(a: Application): HTMLElement[] {
    if (a.state !== 'submitted' && a.state !== 'approved') return []
    const comment = el('input', { className: 'application-comment', maxLength: 2000,
      placeholder: a.state === 'submitted' ? '审核意见（驳回时必填）' : '撤销原因（必填）' })
    const error = el('span', { className: 'catalogue-error', role: 'alert' })
    const buttons: HTMLButtonElement[] = []
    const act = (title: string, cls: string, needsReason: boolean, work: (text: string) => Promise<void>) => {
      const b = el('button', { type: 'button', className: cls, textContent: title })
      b.addEventListener('click', () => {
        const text = comment.value.trim()
        if (needsReason && text.length < MIN_REASON) {
          error.textContent = `请填写${title}原因（至少 ${MIN_REASON} 个字）`
          return
        }
        error.textContent = ''
        for (const x of buttons) x.disabled = true
        void work(text).then(() => this.load().then(() => this.open(a.id)), (err: Error) => {
          error.textContent = err.message
          for (const x of buttons) x.disabled = false
        })
      })
      buttons.push(b)
      return b
    }
    if (a.state === 'submitted') {
      act('授权', 'application-approve', false, async (text) => {
        const { key } = await approveApplication(this.session, a.id, text)
        this.keyBox.replaceChildren(issuedKeyBox(a.id, key, () => this.keyBox.replaceChildren()))
      })
      act('驳回', 'application-reject', true, async (text) => { await rejectApplication(this.session, a.id, text) })
    } else {
      act('撤销', 'application-revoke', true, async (text) => { await revokeApplication(this.session, a.id, text) })
    }
    const note = a.state === 'submitted' ? '授权后签发的密钥只能访问所列资源与区域，密钥只显示一次。' : '撤销后该申请签发的全部密钥立即失效。'
    return [el('h4', {}, '审核'), el('p', { className: 'catalogue-note' }, note), el('div', { className: 'catalogue-actions application-actions' }, comment, ...buttons, error)]
  }

  private usage(use: Awaited<ReturnType<typeof fetchUsage>>['items']): HTMLElement {
    const rows = use.map((u) => el('tr', { className: 'application-use' },
      el('td', {}, beijingTime(u.at)), el('td', {}, `${u.method} ${u.path}`), el('td', { className: 'application-use-status' }, u.status === null ? '' : String(u.status)),
      el('td', {}, u.clientAddress ?? '')))
    return el('div', { className: 'application-usage' }, el('h4', {}, `使用记录（${use.length} 次）`),
      use.length ? el('table', { className: 'catalogue-fields' },
        el('thead', {}, el('tr', {}, el('th', {}, '时间'), el('th', {}, '请求'), el('th', {}, '状态'), el('th', {}, '来源地址'))), el('tbody', {}, ...rows))
        : el('p', { className: 'catalogue-note' }, '尚无调用'))
  }
}
