// 配置: matters and rules as versioned configuration (事件清单/权责清单, 诉求类型, 上报渠道 and
// who may use them, 派遣/时限/督办规则). Staff read what is in force, or was at a chosen moment;
// an item's versions show when each started and ended, who wrote it and why. The command
// centre writes a new version (its value as JSON, an effective time, a reason); a refusal (an
// overlap, a bad field) is the server's Chinese sentence, which names the field.
import './config.css'
import type { Session } from '../../client/api.ts'
import { CONFIG_KIND_TITLES, CONFIG_KINDS, fetchInForce, fetchItem, postVersion, summary, type ConfigKindSegment, type ConfigVersion } from '../../client/configApi.ts'
import { el } from '../../ui/dom.ts'
import { beijingTime } from '../../ui/time.ts'

export interface ConfigHooks { canEdit(): boolean }

/** A datetime-local value (Beijing wall time) → ISO with the +08:00 offset. */
const fromLocal = (v: string) => (v ? `${v.length === 16 ? `${v}:00` : v}+08:00` : '')

export class ConfigPanel {
  readonly element: HTMLElement
  private readonly kind = el('select', { className: 'config-kind' })
  private readonly at = el('input', { type: 'datetime-local', className: 'config-at', title: '查看某一时点的配置（留空为现行）' })
  private readonly message = el('p', { className: 'config-message', role: 'status' })
  private readonly list = el('ul', { className: 'config-list', role: 'listbox' })
  private readonly detail = el('section', { className: 'config-detail' })
  private generation = 0
  private loaded = false

  constructor(private readonly session: Session, private readonly hooks: ConfigHooks) {
    for (const k of CONFIG_KINDS) this.kind.append(el('option', { value: k, textContent: CONFIG_KIND_TITLES[k] }))
    this.kind.addEventListener('change', () => void this.load())
    this.at.addEventListener('change', () => void this.load())
    this.element = el('section', { className: 'config-panel' }, el('h2', {}, '事项与规则配置'),
      el('div', { className: 'config-bar' }, this.kind, el('label', {}, '时点 ', this.at)), this.message, this.list, this.detail)
  }

  shown(): void {
    if (!this.loaded) void this.load()
  }

  clear(): void {
    this.generation++
    this.loaded = false
    this.list.replaceChildren()
    this.detail.replaceChildren()
    this.message.textContent = ''
    delete this.element.dataset.state
  }

  private get segment(): ConfigKindSegment { return this.kind.value as ConfigKindSegment }

  private async load(): Promise<void> {
    const generation = ++this.generation
    this.element.dataset.state = 'loading'
    this.detail.replaceChildren()
    try {
      const at = fromLocal(this.at.value)
      const r = await fetchInForce(this.session, this.segment, at || undefined)
      if (generation !== this.generation) return
      this.loaded = true
      this.message.textContent = `${CONFIG_KIND_TITLES[this.segment]}：${r.items.length} 项${at ? `（${beijingTime(r.at, false)} 时点）` : '（现行）'}`
      this.list.replaceChildren(...r.items.map((v) => this.row(v)))
      this.element.dataset.state = 'ready'
    } catch (err) {
      if (generation !== this.generation) return
      this.message.textContent = (err as Error).message
      this.element.dataset.state = 'error'
    }
  }

  private row(v: ConfigVersion): HTMLElement {
    const li = el('li', { className: 'config-item' },
      el('span', { className: 'config-key' }, v.key), summary(this.segment, v.value),
      el('span', { className: 'config-meta' }, `版本 ${v.id} · ${beijingTime(v.effectiveFrom, false)} 起 · ${v.createdBy.name}：${v.reason}`))
    li.dataset.key = v.key
    li.setAttribute('role', 'option')
    li.addEventListener('click', () => {
      for (const x of this.list.children) x.setAttribute('aria-selected', String(x === li))
      void this.open(v.key)
    })
    return li
  }

  private async open(key: string): Promise<void> {
    const generation = this.generation
    try {
      const item = await fetchItem(this.session, this.segment, key)
      if (generation !== this.generation) return
      const versions = el('ol', { className: 'config-versions' }, ...item.versions.map((v) => {
        const li = el('li', { className: `config-version${v.inForce ? ' in-force' : ''}` }, summary(this.segment, v.value),
          el('span', { className: 'config-meta' }, `版本 ${v.id} · ${beijingTime(v.effectiveFrom, false)} 至 ${v.effectiveTo ? beijingTime(v.effectiveTo, false) : '长期'}` +
            `${v.inForce ? '（现行）' : ''} · ${v.createdBy.name}：${v.reason}`))
        li.dataset.version = String(v.id)
        return li
      }))
      this.detail.replaceChildren(el('h3', {}, `${key} 的版本`), versions)
      if (this.hooks.canEdit()) this.detail.append(this.form(key, item.current ?? item.versions.at(-1)!))
    } catch (err) {
      this.detail.replaceChildren(el('p', { className: 'config-error', role: 'alert' }, (err as Error).message))
    }
  }

  /** 新增版本: the value as JSON (prefilled with the version in force), when it starts, and why. */
  private form(key: string, base: ConfigVersion): HTMLElement {
    const value = el('textarea', { className: 'config-value', value: JSON.stringify(base.value, null, 2) })
    const from = el('input', { type: 'datetime-local', className: 'config-from', title: '生效时间（留空为立即生效）' })
    const reason = el('input', { type: 'text', className: 'config-reason', placeholder: '修改原因（必填）', maxLength: 500 })
    const result = el('p', { className: 'config-result', role: 'status' })
    const submit = el('button', { type: 'button', className: 'config-submit', textContent: '新增版本' })
    submit.addEventListener('click', async () => {
      let parsed: Record<string, unknown>
      try {
        parsed = JSON.parse(value.value) as Record<string, unknown>
      } catch {
        result.textContent = '配置内容不是有效的 JSON'
        result.className = 'config-result config-error'
        return
      }
      const body: Record<string, unknown> = { ...parsed, reason: reason.value }
      if (from.value) body.effectiveFrom = fromLocal(from.value)
      submit.disabled = true
      try {
        const v = await postVersion(this.session, this.segment, key, body)
        this.message.textContent = `已新增 ${key} 的版本 ${v.id}，${beijingTime(v.effectiveFrom, false)} 起生效`
        await this.open(key)
      } catch (err) {
        result.textContent = (err as Error).message
        result.className = 'config-result config-error'
      } finally {
        submit.disabled = false
      }
    })
    return el('div', { className: 'config-form' }, el('h3', {}, '新增版本'), value, el('label', {}, '生效时间 ', from), reason, submit, result)
  }
}
