// The staff's mobile app at /m/ (H5, phone first): sign in, my queues, an event's steps
// (verify, handle with before/after photos, the department's sign / feed back / extension /
// return), report with photos and the phone's position, collection forms, the map of my grids,
// notifications, proactive tasks (主动服务), duty sign-in/out and the offline outbox. Routes with the History API; the server answers /m/<route> with this page.
import './style.css'
import { session } from './api.ts'
import { flush, listOutbox, onOutboxChange } from './outbox.ts'
import { h } from './ui.ts'
import { navigate, setRenderer } from './nav.ts'
import { loginView } from './views/login.ts'
import { tasksView } from './views/tasks.ts'
import { eventView } from './views/event.ts'
import { reportView } from './views/report.ts'
import { inboxView } from './views/inbox.ts'
import { meView } from './views/me.ts'
import { formsView, taskView } from './views/forms.ts'
import { gridsView } from './views/grids.ts'
import { proactiveView } from './views/proactive.ts'

const view = document.getElementById('view')!
const title = document.getElementById('title')!
const tabs = document.getElementById('tabs')!
const net = document.getElementById('net')!


let renderSeq = 0

async function render(): Promise<void> {
  const seq = ++renderSeq
  const path = location.pathname.replace(/\/+$/, '') || '/m'
  const signed = session()
  tabs.hidden = !signed
  // a tab names the roles it serves (collection returns and my grids are the inspectors' and community staff's)
  for (const a of tabs.querySelectorAll<HTMLAnchorElement>('a[data-roles]')) a.hidden = !signed || !a.dataset.roles!.split(' ').includes(signed.user.role)
  if (!signed && path !== '/m/login') return navigate('/m/login', true)
  const route: [string, (params: string[]) => Promise<HTMLElement> | HTMLElement][] = [
    ['^/m/login$', () => loginView()],
    ['^/m$', () => tasksView()],
    ['^/m/report$', () => reportView()],
    ['^/m/inbox$', () => inboxView()],
    ['^/m/me$', () => meView()],
    ['^/m/forms$', () => formsView()],
    ['^/m/forms/([1-9][0-9]{0,15})$', (p) => taskView(p[0]!)],
    ['^/m/grids$', () => gridsView()],
    ['^/m/proactive$', () => proactiveView()],
    ['^/m/event/(E[0-9]{12,16})$', (p) => eventView(p[0]!)],
  ]
  const hit = route.map(([re, f]) => [path.match(new RegExp(re)), f] as const).find(([m]) => m)
  // 主动服务 is reached from 待办 and from its inbox notices: it lights 待办
  const tab = path === '/m' || path === '/m/proactive' ? 'tasks' : path.split('/')[2]
  for (const a of tabs.querySelectorAll<HTMLAnchorElement>('a[data-tab]')) a.classList.toggle('active', a.dataset.tab === tab)
  view.setAttribute('aria-busy', 'true')
  const el = hit ? await hit[1](hit[0]!.slice(1)) : h('p', { class: 'msg' }, '页面不存在')
  if (seq !== renderSeq) return
  title.textContent = el.dataset.title ?? '网格通'
  view.replaceChildren(el)
  view.removeAttribute('aria-busy')
}

async function showNet(): Promise<void> {
  const items = await listOutbox()
  const conflicts = items.filter((i) => i.state === 'conflict').length
  net.textContent = `${navigator.onLine ? '在线' : '离线'}${items.length ? ` · 待发送 ${items.length - conflicts}` : ''}${conflicts ? ` · 冲突 ${conflicts}` : ''}`
  net.className = `net ${navigator.onLine ? 'on' : 'off'}${conflicts ? ' conflict' : ''}`
  net.dataset.pending = String(items.length - conflicts)
  net.dataset.conflicts = String(conflicts)
}

document.addEventListener('click', (e) => {
  const a = (e.target as Element).closest<HTMLAnchorElement>('a[data-link]')
  if (!a || e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey) return
  e.preventDefault()
  navigate(a.pathname)
})
window.addEventListener('popstate', () => void render())
window.addEventListener('online', () => { void showNet(); void flush() })
window.addEventListener('offline', () => void showNet())
onOutboxChange(() => void showNet())

if ('serviceWorker' in navigator) {
  navigator.serviceWorker.register('/m/sw.js', { scope: '/m/' }).catch(() => undefined)
}

setRenderer(() => void render())
void render()
void showNet()
if (session() && navigator.onLine) void flush()
