// A register row in the 登记 panel: every column with its Chinese title, masked personal fields
// as the server sent them with 查看完整 (a reason, then POST …/unmask: the server records the
// access before it answers, and refuses roles without the right in its own words), and the
// row's actions (locate, edit).
import { el } from '../../ui/dom.ts'
import type { RegisterInfo, Row, Unmasked } from '../../client/registersApi.ts'
import { displayValue, isMasked } from './values.ts'

export interface CardActions {
  unmask(reason: string): Promise<Unmasked>
  edit?: () => void
  locate?: () => void
  back(): void
}

function button(text: string, className: string, onClick: () => void): HTMLButtonElement {
  const b = el('button', { type: 'button', className, textContent: text })
  b.addEventListener('click', onClick)
  return b
}

/** The reason form of an unmask: at least four characters, as the server asks. */
function reasonForm(submit: (reason: string) => Promise<void>, cancel: () => void): HTMLFormElement {
  const reason = el('input', { className: 'registers-reason', placeholder: '查看事由（至少 4 个字，将记入访问日志）', maxLength: 500, required: true })
  const ok = el('button', { type: 'submit', textContent: '确认查看' })
  const form = el('form', { className: 'registers-unmask' }, reason, ok, button('取消', '', cancel))
  form.addEventListener('submit', (e) => {
    e.preventDefault()
    ok.disabled = true
    void submit(reason.value.trim()).finally(() => { ok.disabled = false })
  })
  queueMicrotask(() => reason.focus())
  return form
}

/** Renders the row into `target`; `say` shows a sentence (the server's refusal) in the panel. */
export function renderRecord(target: HTMLElement, reg: RegisterInfo, row: Row, actions: CardActions, say: (text: string, kind: 'ok' | 'error') => void): void {
  const values: Row = { ...row }
  const dl = el('dl', { className: 'registers-fields' })
  const tools = el('div', { className: 'registers-tools' })
  const note = el('p', { className: 'registers-note' })
  const head = el('div', { className: 'registers-card-head' },
    button('返回列表', 'registers-back', actions.back), el('strong', { textContent: `${reg.title} · 编号 ${row.id}` }),
    ...(row.stale === true ? [el('span', { className: 'registers-stale', textContent: '待核实' })] : []))

  const draw = () => {
    dl.replaceChildren()
    for (const c of reg.columns) {
      const v = values[c.name]
      const dd = el('dd', { textContent: displayValue(c, v) })
      dd.dataset.field = c.name
      if (isMasked(c, v)) dd.classList.add('masked')
      dl.append(el('dt', { textContent: c.title }), dd)
    }
    const masked = reg.columns.some((c) => isMasked(c, values[c.name]))
    tools.replaceChildren(
      ...(masked ? [button('查看完整', 'registers-unmask-open', openUnmask)] : []),
      ...(actions.edit ? [button('编辑', 'registers-edit', actions.edit)] : []),
      ...(actions.locate ? [button('定位', 'registers-locate', actions.locate)] : []))
  }

  const openUnmask = () => {
    const form = reasonForm(async (reason) => {
      try {
        const full = await actions.unmask(reason)
        for (const f of full.fields) values[f] = full[f]
        form.remove()
        draw()
        target.dataset.unmasked = 'true'
        note.textContent = `已显示完整信息${full.audit ? `（访问已记录，日志编号 ${full.audit.id}）` : ''}`
        say('', 'ok')
      } catch (err) {
        say((err as Error).message, 'error')
      }
    }, () => form.remove())
    tools.after(form)
  }

  draw()
  target.dataset.record = String(row.id)
  delete target.dataset.unmasked
  target.replaceChildren(head, tools, note, dl)
}
