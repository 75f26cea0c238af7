// 相似公示案例 in the event detail (重点公示, Heilongjiang 6.4.1.8): the pinned cases the server
// finds similar to this event (same class, near, similar text), each with how it was handled and
// why it was offered; and, on a closed event, 设为公示案例 for the roles that may pin (a small
// form: title, experience, reason, tags). Mounted by panels/events/eventDetail.ts in one line.
import './exemplary.css'
import type { Session } from '../../client/api.ts'
import type { EventItem } from '../../client/eventsApi.ts'
import {
  CASE_READER_ROLES, listCases, pinCase, PINNABLE_STATUSES, PINNER_ROLES, similarCases, type CaseItem, type SimilarCase,
} from '../../client/exemplaryApi.ts'
import { el } from '../../ui/dom.ts'
import { caseCard } from './caseCard.ts'

/** The detail re-renders on every change the stream reports: answers are kept this long per event. */
const CACHE_MS = 30_000
const cache = new Map<string, { at: number; items: SimilarCase[]; own: CaseItem | null }>()

/** Forget what was loaded (a case was pinned or withdrawn). */
export function forgetSimilar(): void { cache.clear() }

/** Builds the section in `container` (replacing its content); hidden for roles that do not read cases. */
export function mountSimilarCases(container: HTMLElement, session: Session, event: EventItem): void {
  if (!CASE_READER_ROLES.includes(session.user?.role ?? '')) {
    container.hidden = true
    return
  }
  container.classList.add('similar-cases')
  const body = el('div', { className: 'similar-body' }, el('p', { className: 'hint' }, '正在查找相似公示案例…'))
  const parts: Parts = { container, body, pinArea: el('div', { className: 'pin-area' }), error: el('p', { className: 'error', role: 'alert' }) }
  container.replaceChildren(el('h4', {}, '相似公示案例'), parts.pinArea, body, parts.error)
  const mayPin = PINNER_ROLES.includes(session.user?.role ?? '') && PINNABLE_STATUSES.includes(event.status)
  const hit = cache.get(event.number)
  // a fresh answer renders at once: a reload of the detail (the stream) does not flicker
  if (hit && Date.now() - hit.at <= CACHE_MS) render(parts, session, event, mayPin, hit)
  else void load(parts, session, event, mayPin)
}

interface Parts { container: HTMLElement; body: HTMLElement; pinArea: HTMLElement; error: HTMLElement }
type Answer = { at: number; items: SimilarCase[]; own: CaseItem | null }

async function load(parts: Parts, session: Session, event: EventItem, mayPin: boolean): Promise<void> {
  parts.container.dataset.state = 'loading'
  try {
    const [similar, own] = await Promise.all([
      similarCases(session, event.number),
      mayPin ? listCases(session, { q: event.number, state: 'on_show', limit: 1 }) : Promise.resolve({ items: [] as CaseItem[] }),
    ])
    const hit = { at: Date.now(), items: similar.items, own: own.items.find((c) => c.event.number === event.number) ?? null }
    cache.set(event.number, hit)
    render(parts, session, event, mayPin, hit)
  } catch (err) {
    parts.body.replaceChildren()
    parts.error.textContent = (err as Error).message
    parts.container.dataset.state = 'error'
  }
}

function render(parts: Parts, session: Session, event: EventItem, mayPin: boolean, hit: Answer): void {
  renderPinArea(parts.pinArea, session, event, mayPin, hit.own, () => { forgetSimilar(); mountSimilarCases(parts.container, session, event) })
  parts.body.replaceChildren(...(hit.items.length
    ? hit.items.map((c) => caseCard(c, [openLink(c.event.number)]))
    : [el('p', { className: 'hint' }, '暂无相似的公示案例')]))
  parts.container.dataset.count = String(hit.items.length)
  parts.container.dataset.state = 'ready'
}

/** 查看事件: opens the case's event in this panel (main.ts follows #event=…). */
function openLink(number: string): HTMLAnchorElement {
  return el('a', { href: `#event=${number}`, className: 'case-open' }, '查看原事件')
}

function renderPinArea(area: HTMLElement, session: Session, event: EventItem, mayPin: boolean, own: CaseItem | null, changed: () => void): void {
  if (own) {
    area.replaceChildren(el('p', { className: 'pinned-note' }, `本事件已设为公示案例：${own.title}`))
    area.dataset.pinned = String(own.id)
    return
  }
  delete area.dataset.pinned
  if (!mayPin) {
    area.replaceChildren()
    return
  }
  const button = el('button', { type: 'button', className: 'pin-open' }, '设为公示案例')
  button.addEventListener('click', () => area.replaceChildren(pinForm(session, event, () => { area.replaceChildren(button) }, changed)))
  area.replaceChildren(button)
}

function field(label: string, input: HTMLInputElement | HTMLTextAreaElement): HTMLLabelElement {
  return el('label', {}, label, input)
}

/** The form is an action-form: the detail's background reloads leave the page alone while one is open. */
function pinForm(session: Session, event: EventItem, cancel: () => void, done: () => void): HTMLFormElement {
  const title = el('input', { name: 'title', required: true, maxLength: 100, value: `${event.class.name ?? ''}处置案例`.slice(0, 100) })
  const summary = el('textarea', { name: 'summary', required: true, maxLength: 2000, rows: 3, placeholder: '如何处置、有何经验可借鉴（必填）' })
  const reason = el('input', { name: 'reason', required: true, maxLength: 500, placeholder: '如：处置及时、群众满意（必填）' })
  const tags = el('input', { name: 'tags', maxLength: 200, placeholder: '关键词，空格分隔（可选）' })
  const error = el('p', { className: 'error', role: 'alert' })
  const submit = el('button', { type: 'submit' }, '确定公示')
  const back = el('button', { type: 'button' }, '取消')
  back.addEventListener('click', cancel)
  const form = el('form', { className: 'action-form pin-form' }, field('标题', title), field('经验做法', summary), field('公示理由', reason), field('关键词', tags),
    el('div', { className: 'buttons' }, submit, back), error)
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault()
    submit.disabled = true
    error.textContent = ''
    try {
      await pinCase(session, {
        event: event.number, title: title.value.trim(), summary: summary.value.trim(), reason: reason.value.trim(),
        tags: tags.value.split(/[\s,，]+/).map((t) => t.trim()).filter(Boolean),
      })
      done()
    } catch (err) {
      error.textContent = (err as Error).message
      form.dataset.state = 'error'
      submit.disabled = false
    }
  })
  return form
}
