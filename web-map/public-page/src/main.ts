// The residents' page (H5) at /public/: 我要反映, 进度查询, 公告, 知识. Routes are paths under
// /public/ (History API; the server answers this page for each of them), so a shared or
// reloaded link opens where it points. Everything it loads is of its own origin.
import './style.css'
import { errorText, followed, type Notice, type Page, call, when } from './api.ts'
import { followView, reportDetail } from './follow.ts'
import { articleView, knowledgeView, noticesView, noticeView } from './reading.ts'
import { reportView } from './report.ts'
import { el, messageLine } from './ui.ts'

const view = document.getElementById('view')!
const title = document.getElementById('title')!

interface Route { tab: string; title: string; render: (m: string[], query: URLSearchParams) => HTMLElement | Promise<HTMLElement> }

const ROUTES: [RegExp, Route][] = [
  [/^\/public\/report$/, { tab: 'report', title: '我要反映', render: () => reportView(go) }],
  [/^\/public\/follow$/, { tab: 'follow', title: '进度查询', render: () => followView(go) }],
  [/^\/public\/follow\/([^/]+)$/, { tab: 'follow', title: '诉求详情', render: (m) => reportDetail(go, decodeURIComponent(m[1]!)) }],
  [/^\/public\/notices$/, { tab: 'notices', title: '公告', render: () => noticesView() }],
  [/^\/public\/notices\/([^/]+)$/, { tab: 'notices', title: '公告', render: (m) => noticeView(decodeURIComponent(m[1]!)) }],
  [/^\/public\/knowledge$/, { tab: 'knowledge', title: '知识', render: (_m, q) => knowledgeView(go, (q.get('q') ?? '').trim().slice(0, 100)) }],
  [/^\/public\/knowledge\/([^/]+)$/, { tab: 'knowledge', title: '知识', render: (m) => articleView(decodeURIComponent(m[1]!)) }],
]
const HOME: Route = { tab: 'home', title: '首页', render: () => homeView() }

let shown = 0

async function render(): Promise<void> {
  const path = location.pathname.replace(/\/+$/, '') || '/public'
  let route = HOME
  let match: string[] = []
  for (const [re, r] of ROUTES) {
    const m = re.exec(path)
    if (m) { route = r; match = [...m]; break }
  }
  const ticket = ++shown
  title.textContent = route.title
  document.title = `${route.title} · 市民服务`
  for (const a of document.querySelectorAll<HTMLAnchorElement>('.tabs a')) a.classList.toggle('active', a.dataset.tab === route.tab)
  document.body.dataset.route = route.tab
  view.dataset.state = 'loading'
  let node: HTMLElement
  try {
    node = await route.render(match, new URLSearchParams(location.search))
  } catch (err) {
    const show = messageLine()
    show.error(errorText(err))
    node = el('section', {}, el('h1', {}, route.title), show.element)
  }
  if (ticket !== shown) return // a later navigation won
  view.replaceChildren(node)
  view.dataset.state = 'ready'
  window.scrollTo(0, 0)
}

function go(path: string): void {
  history.pushState(null, '', path)
  void render()
}

function homeView(): HTMLElement {
  const card = (href: string, name: string, text: string) => {
    const a = el('a', { href, className: 'home-card' }, el('span', { className: 'home-card-title' }, name), el('span', { className: 'home-card-text' }, text))
    a.dataset.link = ''
    return a
  }
  const mine = followed().length
  const latest = el('ul', { className: 'list' })
  call<Page<Notice>>('/notices?limit=3').then((p) => {
    latest.append(...p.items.map((n) => {
      const a = el('a', { href: `/public/notices/${encodeURIComponent(String(n.id))}` }, el('span', { className: 'list-title' }, n.title),
        el('span', { className: 'list-meta' }, when(n.publishedAt)))
      return el('li', {}, a)
    }))
  }, () => { /* the notices tab says why */ })
  return el('section', { className: 'home' },
    el('div', { className: 'home-grid' },
      card('/public/report', '我要反映', '随手拍，反映身边的问题'),
      card('/public/follow', '进度查询', mine ? `本机有 ${mine} 个诉求` : '凭编号和验证码查询'),
      card('/public/notices', '公告', '政务公开、通知通告'),
      card('/public/knowledge', '知识', '办事指南、常见问题')),
    el('h2', {}, '最新公告'), latest)
}

// links of our own pages navigate in place; others (photos in a new tab) as usual
document.addEventListener('click', (e) => {
  if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return
  const a = (e.target as Element).closest?.('a')
  if (!a || a.target || a.origin !== location.origin || !/^\/public(\/|$)/.test(a.pathname)) return
  e.preventDefault()
  go(a.pathname + a.search)
})
window.addEventListener('popstate', () => void render())
void render()
