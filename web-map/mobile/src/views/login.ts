import { ApiError, login } from '../api.ts'
import { navigate } from '../nav.ts'
import { h, message } from '../ui.ts'

export function loginView(): HTMLElement {
  const status = h('div')
  const form = h('form', { class: 'card form', 'aria-label': '登录' },
    h('label', {}, '用户名', h('input', { name: 'username', autocomplete: 'username', required: true })),
    h('label', {}, '密码', h('input', { name: 'password', type: 'password', autocomplete: 'current-password', required: true })),
    h('button', { type: 'submit', class: 'primary' }, '登录'),
    status)
  form.addEventListener('submit', async (e) => {
    e.preventDefault()
    const data = new FormData(form)
    status.replaceChildren(message('正在登录…'))
    try {
      await login(String(data.get('username')), String(data.get('password')))
      navigate('/m/', true)
    } catch (err) {
      status.replaceChildren(message(err instanceof ApiError && err.status === 0 ? '网络不可用，请联网后登录' : (err as Error).message, 'error'))
    }
  })
  const el = h('section', {}, form)
  el.dataset.title = '登录'
  return el
}
