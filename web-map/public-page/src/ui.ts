// Small building blocks shared by the residents' page views: a message line, a busy button,
// and the phone + SMS code pair (POST /codes with its resend countdown).
import { el } from '../../src/ui/dom.ts'
import { call, errorText, PHONE, type CodeSent } from './api.ts'

export { el }

/** A message line under a form; kind 'error' is announced (role=alert). */
export function messageLine(): { element: HTMLParagraphElement; error(text: string): void; info(text: string): void; clear(): void } {
  const p = el('p', { className: 'msg', hidden: true })
  const set = (text: string, kind: string) => {
    p.textContent = text
    p.className = `msg msg-${kind}`
    p.setAttribute('role', kind === 'error' ? 'alert' : 'status')
    p.hidden = !text
  }
  return { element: p, error: (t) => set(t, 'error'), info: (t) => set(t, 'info'), clear: () => set('', 'info') }
}

/** Runs an action with the button disabled (no double submit), showing `busy` meanwhile. */
export async function busy<T>(button: HTMLButtonElement, text: string, action: () => Promise<T>): Promise<T> {
  const before = button.textContent
  button.disabled = true
  button.textContent = text
  try {
    return await action()
  } finally {
    button.disabled = false
    button.textContent = before
  }
}

/** A labelled field: the label above the input, the hint below. */
export function field(label: string, input: HTMLElement, hint?: string): HTMLLabelElement {
  const l = el('label', { className: 'field' }, el('span', { className: 'field-label' }, label), input)
  if (hint) l.append(el('span', { className: 'field-hint' }, hint))
  return l
}

/** Marks a field as wrong (and clears the mark on the next input). */
export function markInvalid(input: HTMLInputElement | HTMLTextAreaElement): void {
  input.setAttribute('aria-invalid', 'true')
  input.addEventListener('input', () => input.removeAttribute('aria-invalid'), { once: true })
  input.focus()
}

export interface CodeFields {
  element: HTMLElement
  phone: HTMLInputElement
  code: HTMLInputElement
  /** null when both look right, else the sentence and the field to mark */
  check(): { text: string; input: HTMLInputElement } | null
}

/** Phone and SMS code with the 获取验证码 button (purpose report, or follow of a number). */
export function codeFields(purpose: 'report' | 'follow', show: ReturnType<typeof messageLine>, numberOf?: () => string): CodeFields {
  const phone = el('input', { type: 'tel', name: 'phone', inputMode: 'numeric', autocomplete: 'tel', maxLength: 11, placeholder: '11 位手机号码' })
  const code = el('input', { type: 'text', name: 'code', inputMode: 'numeric', autocomplete: 'one-time-code', maxLength: 6, placeholder: '6 位验证码' })
  const send = el('button', { type: 'button', className: 'btn btn-secondary send-code' }, '获取验证码')
  let timer: number | undefined

  const countdown = (seconds: number) => {
    let left = Math.max(1, Math.round(seconds))
    send.disabled = true
    send.textContent = `${left} 秒后重发`
    window.clearInterval(timer)
    timer = window.setInterval(() => {
      left -= 1
      if (left > 0 && send.isConnected) {
        send.textContent = `${left} 秒后重发`
        return
      }
      window.clearInterval(timer)
      send.disabled = false
      send.textContent = '重新获取'
    }, 1000)
  }

  send.addEventListener('click', async () => {
    show.clear()
    const p = phone.value.trim()
    if (!PHONE.test(p)) {
      show.error('请输入正确的 11 位手机号码')
      markInvalid(phone)
      return
    }
    const number = numberOf?.().trim()
    if (purpose === 'follow' && !number) {
      show.error('请先填写诉求编号')
      return
    }
    try {
      const sent = await busy(send, '发送中…', () => call<CodeSent>('/codes', { json: { phone: p, purpose, ...(number ? { number } : {}) } }))
      show.info(purpose === 'follow'
        ? `如编号与手机号相符，验证码将以短信发送至 ${p.slice(0, 3)}****${p.slice(7)}，${Math.round(sent.expiresIn / 60)} 分钟内有效`
        : `验证码已发送至 ${p.slice(0, 3)}****${p.slice(7)}，${Math.round(sent.expiresIn / 60)} 分钟内有效`)
      countdown(sent.resendAfter)
      code.focus()
    } catch (err) {
      show.error(errorText(err))
    }
  })

  const element = el('div', { className: 'code-fields' },
    field('手机号码', phone),
    el('div', { className: 'field' }, el('span', { className: 'field-label' }, '短信验证码'), el('div', { className: 'code-row' }, code, send)))
  return {
    element, phone, code,
    check() {
      if (!PHONE.test(phone.value.trim())) return { text: '请输入正确的 11 位手机号码', input: phone }
      if (!/^\d{6}$/.test(code.value.trim())) return { text: '请输入短信中的 6 位验证码', input: code }
      return null
    },
  }
}
