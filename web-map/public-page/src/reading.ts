// 公告 and 知识: the published public notices and the published public knowledge articles,
// lists with cursor paging (加载更多) and one item's page. Their HTML (sanitised by the server)
// is copied element by element through an allow-list (richText.ts).
import { call, errorText, when, type Article, type Notice, type Page } from './api.ts'
import { plainText, richText } from './richText.ts'
import { busy, el, messageLine } from './ui.ts'

const LIMIT = 20

/** A list that pages with 加载更多 (the server's `next` cursor). */
function pagedList<T>(load: (cursor: string | null) => Promise<Page<T>>, item: (t: T) => HTMLElement, empty: string): HTMLElement {
  const list = el('ul', { className: 'list' })
  const show = messageLine()
  const more = el('button', { type: 'button', className: 'btn btn-secondary more', hidden: true }, '加载更多')
  let cursor: string | null = null
  const next = async () => {
    show.clear()
    try {
      const page = await busy(more, '加载中…', () => load(cursor))
      list.append(...page.items.map((t) => el('li', {}, item(t))))
      cursor = page.next
      more.hidden = !cursor
      if (!list.children.length) show.info(empty)
      box.dataset.state = 'ready'
    } catch (err) {
      show.error(errorText(err))
      box.dataset.state = 'error'
    }
  }
  more.addEventListener('click', () => void next())
  const box = el('div', { className: 'paged' }, list, show.element, more)
  box.dataset.state = 'loading'
  void next()
  return box
}

function link(href: string, ...children: (Node | string)[]): HTMLAnchorElement {
  const a = el('a', { href }, ...children)
  a.dataset.link = ''
  return a
}

export function noticesView(): HTMLElement {
  const list = pagedList(
    (cursor) => call<Page<Notice>>(`/notices?limit=${LIMIT}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`),
    (n) => link(`/public/notices/${encodeURIComponent(String(n.id))}`, el('span', { className: 'list-title' }, n.title),
      el('span', { className: 'list-meta' }, [n.categoryName ?? n.category, when(n.publishedAt)].filter(Boolean).join(' · '))),
    '暂无公告')
  return el('section', { className: 'notices' }, el('h1', {}, '公告'), list)
}

export async function noticeView(id: string): Promise<HTMLElement> {
  const n = await call<Notice>(`/notices/${encodeURIComponent(id)}`)
  return el('article', { className: 'card article notice' }, el('h1', {}, n.title),
    el('p', { className: 'list-meta' }, [n.categoryName ?? n.category, `发布于 ${when(n.publishedAt)}`].filter(Boolean).join(' · ')),
    el('div', { className: 'rich' }, richText(n.body ?? n.bodyHtml ?? '')),
    link('/public/notices', '‹ 返回公告列表'))
}

/** A search form over the public articles; q in the address so a reload keeps the search. */
export function knowledgeView(go: (path: string) => void, q: string): HTMLElement {
  const input = el('input', { type: 'search', name: 'q', maxLength: 100, placeholder: '例如：垃圾分类、占道经营、办理居住证', value: q, enterKeyHint: 'search' })
  const form = el('form', { className: 'search', role: 'search' }, input, el('button', { type: 'submit', className: 'btn btn-primary' }, '搜索'))
  form.addEventListener('submit', (e) => {
    e.preventDefault()
    const text = input.value.trim()
    go(`/public/knowledge${text ? `?q=${encodeURIComponent(text)}` : ''}`)
  })
  const list = pagedList(
    (cursor) => call<Page<Article>>(`/knowledge?limit=${LIMIT}${q ? `&q=${encodeURIComponent(q)}` : ''}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`),
    (a) => link(`/public/knowledge/${encodeURIComponent(String(a.id))}`, el('span', { className: 'list-title' }, a.title),
      el('span', { className: 'list-excerpt' }, excerpt(a)),
      el('span', { className: 'list-meta' }, [a.category, when(a.publishedAt ?? a.updatedAt)].filter(Boolean).join(' · '))),
    q ? `没有找到与“${q}”相关的内容，换个说法试试` : '暂无公开的知识')
  return el('section', { className: 'knowledge' }, el('h1', {}, '知识'), form, list)
}

function excerpt(a: Article): string {
  const text = a.summary || a.excerpt || plainText(a.bodyHtml ?? a.body ?? '')
  return text.length > 60 ? `${text.slice(0, 60)}…` : text
}

export async function articleView(id: string): Promise<HTMLElement> {
  const a = await call<Article>(`/knowledge/${encodeURIComponent(id)}`)
  return el('article', { className: 'card article' }, el('h1', {}, a.title),
    el('p', { className: 'list-meta' }, [a.category, when(a.publishedAt ?? a.updatedAt)].filter(Boolean).join(' · ')),
    el('div', { className: 'rich' }, richText(a.bodyHtml ?? a.body ?? '')),
    link('/public/knowledge', '‹ 返回知识列表'))
}
