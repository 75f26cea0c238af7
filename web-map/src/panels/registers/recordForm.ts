// The create and edit form of a register row, built from its columns: a select for options and
// yes/no, number, date and Beijing-time inputs, text otherwise; required fields starred. A
// masked personal field starts empty (its value is not known here) and is sent only if typed
// in. The server judges everything: its refusal is shown above the form in its own words and
// the fields it names are marked.
import { el } from '../../ui/dom.ts'
import type { RegisterColumn, RegisterInfo, Row } from '../../client/registersApi.ts'
import { formBody, formColumns, inputText, isMasked } from './values.ts'

type Input = HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement

export interface FormHandle {
  element: HTMLFormElement
  /** Marks the fields a refusal named (and clears the others). */
  markInvalid(fields: string[]): void
}

function inputFor(c: RegisterColumn, text: string, maskedHint: boolean): Input {
  let input: Input
  if (c.type === 'enum' || c.type === 'boolean') {
    const options = c.type === 'boolean' ? { true: '是', false: '否' } : c.options ?? {}
    input = el('select', {}, el('option', { value: '', textContent: '—' }),
      ...Object.entries(options).map(([value, title]) => el('option', { value, textContent: title })))
    input.value = text
  } else if (c.type === 'text') {
    input = el('textarea', { rows: 3, value: text })
  } else {
    const type = c.type === 'integer' || c.type === 'number' || c.type === 'lon' || c.type === 'lat' ? 'number'
      : c.type === 'date' ? 'date' : c.type === 'datetime' ? 'datetime-local' : 'text'
    input = el('input', { type, value: text })
    if (type === 'number') input.step = c.type === 'integer' ? '1' : 'any'
  }
  if (c.maxLength && !(input instanceof HTMLSelectElement)) input.maxLength = c.maxLength
  if (maskedHint && 'placeholder' in input) input.placeholder = '已脱敏：不修改请留空'
  input.name = c.name
  return input
}

/**
 * A form for a new row (`row` null; inputs start with `defaults`) or an edit of `row`. `submit`
 * gets the body (an edit: the changed fields and the version) and resolves when it is handled.
 */
export function recordForm(reg: RegisterInfo, row: Row | null, submit: (body: Record<string, unknown>) => Promise<void>, cancel: () => void,
  defaults: Record<string, string> = {}): FormHandle {
  const columns = formColumns(reg.columns)
  const start = new Map(columns.map((c) => [c.name, row ? inputText(c, row[c.name]) : defaults[c.name] ?? '']))
  const inputs = new Map<string, Input>()
  const labels = new Map<string, HTMLLabelElement>()
  const fields = columns.map((c) => {
    const input = inputFor(c, start.get(c.name)!, row !== null && isMasked(c, row[c.name]))
    inputs.set(c.name, input)
    const label = el('label', { className: 'registers-input' }, el('span', { textContent: `${c.title}${c.required ? ' *' : ''}` }), input)
    label.dataset.field = c.name
    labels.set(c.name, label)
    return label
  })
  const save = el('button', { type: 'submit', textContent: row ? '保存修改' : '新增登记' })
  const quit = el('button', { type: 'button', textContent: '取消' })
  quit.addEventListener('click', cancel)
  const title = el('strong', { textContent: row ? `编辑 ${reg.title} · 编号 ${row.id}` : `新增 ${reg.title}` })
  const form = el('form', { className: 'registers-form', noValidate: true }, title, el('div', { className: 'registers-inputs' }, ...fields),
    el('div', { className: 'registers-actions' }, save, quit))
  form.dataset.mode = row ? 'edit' : 'create'
  form.addEventListener('submit', (e) => {
    e.preventDefault()
    const texts = new Map([...inputs].map(([name, input]) => [name, input.value]))
    const body = formBody(reg.columns, texts, row ? start : null, row?.version)
    save.disabled = true
    void submit(body).finally(() => { save.disabled = false })
  })
  return {
    element: form,
    markInvalid(names: string[]) {
      for (const [name, label] of labels) label.classList.toggle('invalid', names.includes(name))
      const first = names.map((n) => inputs.get(n)).find((i) => i !== undefined)
      first?.focus()
    },
  }
}
