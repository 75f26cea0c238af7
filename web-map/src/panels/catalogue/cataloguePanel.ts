// 数据目录: the city's catalogue (every layer, API operation and dataset) searched by words (Chinese
// as substrings, the server's `q`) and filtered by kind, classification and sharing condition, 50
// at a time with 更多. A click opens the entry: owner, fields, update frequency, classification,
// sharing condition and what a grant of it opens. The command centre edits an entry's metadata
// (catalogueEdit); an external system adds entries to its application (applyAccess). Both offers
// follow the capabilities the server sent, and the server decides.
import './catalogue.css'
import type { Session } from '../../client/api.ts'
import {
  CLASSIFICATION_TITLES, editEntry, fetchEntries, fetchEntry, KIND_TITLES, SHARING_TITLES,
  type Entry, type EntryEdit, type Filter,
} from '../../client/catalogueApi.ts'
import { ROLE_TITLES } from '../../client/eventsApi.ts'
import { el } from '../../ui/dom.ts'
import { beijingTime } from '../../ui/time.ts'

export interface CatalogueHooks {
  canEdit(): boolean
  canApply(): boolean
  /** Adds the entry to the application being written (资源申请). */
  apply(entry: Entry): void
}

const PAGE = 50

function select(className: string, all: string, titles: Record<string, string>): HTMLSelectElement {
  const s = el('select', { className })
  s.append(el('option', { value: '', textContent: all }), ...Object.entries(titles).map(([value, t]) => el('option', { value, textContent: t })))
  return s
}

export class CataloguePanel {
  readonly element: HTMLElement
  private readonly q = el('input', { type: 'search', className: 'catalogue-q', placeholder: '搜索名称、字段、负责单位（空格分隔多个词）', maxLength: 100 })
  private readonly kind = select('catalogue-kind', '全部类型', KIND_TITLES)
  private readonly classification = select('catalogue-classification', '全部分级', CLASSIFICATION_TITLES)
  private readonly sharing = select('catalogue-sharing', '全部共享条件', SHARING_TITLES)
  private readonly message = el('p', { className: 'catalogue-message', role: 'status' })
  private readonly list = el('ul', { className: 'catalogue-list' })
  private readonly more = el('button', { type: 'button', className: 'catalogue-more', textContent: '更多', hidden: true })
  private readonly detail = el('div', { className: 'catalogue-detail' })
  private generation = 0
  private shownCount = 0
  private typing: ReturnType<typeof setTimeout> | undefined

  constructor(private readonly session: Session, private readonly hooks: CatalogueHooks) {
    this.q.addEventListener('input', () => {
      clearTimeout(this.typing)
      this.typing = setTimeout(() => void this.load(false), 300)
    })
    this.q.addEventListener('keydown', (e) => { if (e.key === 'Enter') { clearTimeout(this.typing); void this.load(false) } })
    for (const s of [this.kind, this.classification, this.sharing]) s.addEventListener('change', () => void this.load(false))
    this.more.addEventListener('click', () => void this.load(true))
    this.element = el('section', { className: 'catalogue-panel' },
      el('h2', {}, '数据目录'), el('div', { className: 'catalogue-filters' }, this.q, this.kind, this.classification, this.sharing),
      this.message, this.list, this.more, this.detail)
  }

  shown(): void { if (!this.list.childElementCount) void this.load(false) }

  clear(): void {
    this.generation++
    clearTimeout(this.typing)
    this.q.value = this.kind.value = this.classification.value = this.sharing.value = ''
    this.list.replaceChildren()
    this.detail.replaceChildren()
    this.message.textContent = ''
    this.more.hidden = true
    delete this.element.dataset.state
  }

  private filter(): Filter {
    return { q: this.q.value, kind: this.kind.value, classification: this.classification.value, sharing: this.sharing.value }
  }

  /** The first page for the filter, or (more) the next page appended. */
  private async load(more: boolean): Promise<void> {
    const generation = ++this.generation
    this.element.dataset.state = 'loading'
    try {
      const page = await fetchEntries(this.session, this.filter(), more ? this.shownCount : 0, PAGE)
      if (generation !== this.generation) return
      const rows = page.items.map((e) => this.row(e))
      if (more) this.list.append(...rows)
      else {
        this.list.replaceChildren(...rows)
        this.detail.replaceChildren()
        delete this.detail.dataset.id
        delete this.detail.dataset.state
      }
      this.shownCount = (more ? this.shownCount : 0) + page.items.length
      this.message.textContent = page.total ? `共 ${page.total} 项，已显示 ${this.shownCount} 项` : '没有符合条件的目录项'
      this.more.hidden = this.shownCount >= page.total
      this.element.dataset.state = 'ready'
    } catch (err) {
      if (generation !== this.generation) return
      this.message.textContent = (err as Error).message
      this.element.dataset.state = 'error'
    }
  }

  private row(e: Entry): HTMLElement {
    const li = el('li', { className: `catalogue-entry ${e.classification}` },
      el('span', { className: 'catalogue-kind-tag' }, KIND_TITLES[e.kind]),
      el('span', { className: 'catalogue-title' }, e.title),
      el('span', { className: 'catalogue-tags' }, `${e.classificationTitle} · ${e.sharingTitle}`),
      el('span', { className: 'catalogue-owner' }, `${e.owner} · ${e.updateFrequency}`))
    li.dataset.id = e.id
    li.tabIndex = 0
    const open = () => void this.open(e.id)
    li.addEventListener('click', open)
    li.addEventListener('keydown', (ev) => { if (ev.key === 'Enter') open() })
    return li
  }

  private async open(id: string): Promise<void> {
    for (const li of this.list.querySelectorAll<HTMLElement>('.catalogue-entry')) li.classList.toggle('selected', li.dataset.id === id)
    this.detail.dataset.state = 'loading'
    try {
      this.renderDetail(await fetchEntry(this.session, id))
    } catch (err) {
      this.detail.replaceChildren(el('p', { className: 'catalogue-error', role: 'alert' }, (err as Error).message))
      this.detail.dataset.state = 'error'
    }
  }

  private renderDetail(e: Entry): void {
    const item = (term: string, value: string, cls: string) => [el('dt', {}, term), el('dd', { className: cls }, value || '—')]
    const dl = el('dl', { className: 'catalogue-props' },
      ...item('编号', e.id, 'catalogue-id'), ...item('类型', KIND_TITLES[e.kind], 'catalogue-d-kind'),
      ...item('负责单位', e.owner, 'catalogue-d-owner'), ...item('更新频率', e.updateFrequency, 'catalogue-d-frequency'),
      ...item('分级', e.classificationTitle, 'catalogue-d-classification'), ...item('共享条件', e.sharingTitle, 'catalogue-d-sharing'),
      ...item('说明', e.description, 'catalogue-d-description'),
      ...item('可持有角色', e.holders ? e.holders.map((r) => ROLE_TITLES[r] ?? r).join('、') : '不限', 'catalogue-d-holders'),
      ...item('授权开放', [...e.access.layers.map((l) => `图层 ${l}`), ...e.access.operations].join('\n'), 'catalogue-d-access'),
      ...item('最近修改', e.edited ? `${e.edited.by ?? ''} ${beijingTime(e.edited.at, false)}` : '未修改（默认值）', 'catalogue-d-edited'))
    const fields = e.fields.length
      ? el('table', { className: 'catalogue-fields' },
        el('thead', {}, el('tr', {}, el('th', {}, '字段'), el('th', {}, '名称'), el('th', {}, '类型'), el('th', {}, '个人信息'))),
        el('tbody', {}, ...e.fields.map((f) => el('tr', { className: f.personal ? 'personal' : '' },
          el('td', {}, f.name), el('td', {}, f.title ?? ''), el('td', {}, f.type ?? ''), el('td', {}, f.personal ? '是' : '')))))
      : el('p', { className: 'catalogue-note' }, '无字段说明')
    this.detail.replaceChildren(el('h3', {}, e.title), dl, el('h4', {}, `字段（${e.fields.length}）`), fields)
    if (this.hooks.canApply() && e.sharing !== 'none') {
      const apply = el('button', { type: 'button', className: 'catalogue-apply', textContent: '加入资源申请' })
      apply.addEventListener('click', () => this.hooks.apply(e))
      this.detail.append(apply)
    }
    if (this.hooks.canEdit()) this.detail.append(this.editForm(e))
    this.detail.dataset.id = e.id
    this.detail.dataset.state = 'ready'
  }

  /** The command centre's overlay of the defaults: only the fields changed are sent. */
  private editForm(e: Entry): HTMLElement {
    const owner = el('input', { className: 'catalogue-e-owner', value: e.owner, maxLength: 100 })
    const frequency = el('input', { className: 'catalogue-e-frequency', value: e.updateFrequency, maxLength: 50 })
    const classification = select('catalogue-e-classification', '', CLASSIFICATION_TITLES)
    const sharing = select('catalogue-e-sharing', '', SHARING_TITLES)
    classification.firstElementChild!.remove()
    sharing.firstElementChild!.remove()
    classification.value = e.classification
    sharing.value = e.sharing
    const description = el('textarea', { className: 'catalogue-e-description', value: e.description, maxLength: 2000, rows: 3 })
    const save = el('button', { type: 'submit', className: 'catalogue-save', textContent: '保存' })
    const error = el('span', { className: 'catalogue-error', role: 'alert' })
    const label = (t: string, input: HTMLElement) => el('label', {}, el('span', {}, t), input)
    const form = el('form', { className: 'catalogue-edit' }, el('h4', {}, '编辑目录信息'),
      label('负责单位', owner), label('更新频率', frequency), label('分级', classification), label('共享条件', sharing), label('说明', description),
      el('div', { className: 'catalogue-actions' }, save, error))
    form.addEventListener('submit', (ev) => {
      ev.preventDefault()
      const edit: EntryEdit = {}
      if (owner.value.trim() !== e.owner) edit.owner = owner.value.trim()
      if (frequency.value.trim() !== e.updateFrequency) edit.updateFrequency = frequency.value.trim()
      if (classification.value !== e.classification) edit.classification = classification.value as Entry['classification']
      if (sharing.value !== e.sharing) edit.sharing = sharing.value as Entry['sharing']
      if (description.value.trim() !== e.description) edit.description = description.value.trim()
      if (!Object.keys(edit).length) {
        error.textContent = '没有修改'
        return
      }
      error.textContent = ''
      save.disabled = true
      void editEntry(this.session, e.id, edit).then((saved) => {
        this.renderDetail(saved)
        this.list.querySelector(`.catalogue-entry[data-id="${CSS.escape(saved.id)}"]`)?.replaceWith(this.row(saved))
        this.detail.dataset.saved = saved.id
      }, (err: Error) => {
        error.textContent = err.message
        save.disabled = false
      })
    })
    return form
  }
}
