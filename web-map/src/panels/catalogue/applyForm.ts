// 提交申请 (external systems, applyAccess): the entries picked in 数据目录 (加入资源申请), the
// areas (12-digit divisions; the user's own area by default) and the purpose. The server checks
// each resource and area and names the field it refuses (resources.1, areas.0).
import type { Session } from '../../client/api.ts'
import { applyFor, type Application, type Entry } from '../../client/catalogueApi.ts'
import { el } from '../../ui/dom.ts'

export class ApplyForm {
  readonly element: HTMLFormElement
  private readonly picked = new Map<string, string>()
  private readonly resources = el('ul', { className: 'catalogue-apply-resources' })
  private readonly systemName = el('input', { className: 'catalogue-a-system', placeholder: '申请系统名称', maxLength: 100 })
  private readonly purpose = el('textarea', { className: 'catalogue-a-purpose', placeholder: '用途（至少 4 个字）', maxLength: 2000, rows: 2 })
  private readonly areas = el('input', { className: 'catalogue-a-areas', placeholder: '区划代码（12 位，逗号分隔）' })
  private readonly days = el('input', { className: 'catalogue-a-days', type: 'number', min: '1', max: '730', value: '365' })
  private readonly error = el('span', { className: 'catalogue-error', role: 'alert' })
  private defaultAreas = ''

  constructor(private readonly session: Session, private readonly submitted: (a: Application) => void) {
    const label = (t: string, input: HTMLElement) => el('label', {}, el('span', {}, t), input)
    const submit = el('button', { type: 'submit', className: 'catalogue-a-submit', textContent: '提交申请' })
    this.element = el('form', { className: 'catalogue-apply-form' }, el('h3', {}, '新建资源申请'),
      el('p', { className: 'catalogue-note' }, '在「数据目录」中打开资源，点「加入资源申请」添加到下方。'), this.resources,
      label('系统名称', this.systemName), label('用途', this.purpose), label('区域', this.areas), label('有效天数', this.days),
      el('div', { className: 'catalogue-actions' }, submit, this.error))
    this.element.addEventListener('submit', (e) => {
      e.preventDefault()
      void this.submit(submit)
    })
    this.render()
  }

  /** The user's area as 12-digit codes (its prefixes padded), unless the field was filled in. */
  start(jurisdiction: readonly string[] | undefined): void {
    this.defaultAreas = (jurisdiction ?? []).map((p) => p.padEnd(12, '0')).join(',')
    if (!this.areas.value) this.areas.value = this.defaultAreas
  }

  add(e: Entry): void {
    this.picked.set(e.id, e.title)
    this.render()
  }

  /** Empties the form after a submission; `signedOut` forgets the user's area too. */
  clear(signedOut = false): void {
    if (signedOut) this.defaultAreas = ''
    this.picked.clear()
    this.systemName.value = this.purpose.value = ''
    this.areas.value = this.defaultAreas
    this.days.value = '365'
    this.error.textContent = ''
    this.render()
  }

  private render(): void {
    this.resources.replaceChildren(...[...this.picked].map(([id, title]) => {
      const remove = el('button', { type: 'button', className: 'catalogue-a-remove', textContent: '移除' })
      remove.addEventListener('click', () => { this.picked.delete(id); this.render() })
      const li = el('li', { className: 'catalogue-a-resource' }, el('span', {}, `${title}（${id}）`), remove)
      li.dataset.id = id
      return li
    }))
    if (!this.picked.size) this.resources.append(el('li', { className: 'catalogue-note' }, '尚未选择资源'))
  }

  private async submit(button: HTMLButtonElement): Promise<void> {
    this.error.textContent = ''
    if (!this.picked.size) {
      this.error.textContent = '请先在数据目录中选择资源'
      return
    }
    button.disabled = true
    try {
      const made = await applyFor(this.session, {
        systemName: this.systemName.value.trim(), purpose: this.purpose.value.trim(), resources: [...this.picked.keys()],
        areas: this.areas.value.split(/[,，\s]+/).filter(Boolean), validDays: Number(this.days.value),
      })
      this.clear()
      this.submitted(made)
    } catch (err) {
      this.error.textContent = (err as Error).message
    } finally {
      button.disabled = false
    }
  }
}
