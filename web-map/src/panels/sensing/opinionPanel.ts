// 舆情: the public-opinion candidates of the user's area (posts of the city's feeds that name a
// place we could locate and a governance topic), newest first. 受理 turns one into an event of the
// 网络舆情 channel at its place (the server makes it once, whatever the clicks); 驳回 needs a
// reason. Below, the topics of the last seven Beijing days: posts per keyword per day.
import './sensing.css'
import type { Session } from '../../client/api.ts'
import { acceptPost, fetchPosts, fetchTopics, rejectPost, type Post, type Topic } from '../../client/sensingApi.ts'
import { el } from '../../ui/dom.ts'
import { beijingDate, beijingTime } from '../../ui/time.ts'

export interface OpinionHooks { openEvent(number: string): void; locate(lonLat: [number, number]): void; count(n: number): void }

const STATUSES: [string, string][] = [['candidate', '待处理'], ['accepted', '已受理'], ['rejected', '已驳回']]
const DAYS = 7

export class OpinionPanel {
  readonly element: HTMLElement
  private readonly message = el('p', { className: 'sensing-message', role: 'status' })
  private readonly status = el('select', { className: 'opinion-status-filter' })
  private readonly list = el('ul', { className: 'sensing-list opinion-list' })
  private readonly topics = el('div', { className: 'opinion-topics' })
  private generation = 0

  constructor(private readonly session: Session, private readonly hooks: OpinionHooks) {
    for (const [value, title] of STATUSES) this.status.append(el('option', { value, textContent: title }))
    this.status.addEventListener('change', () => void this.load())
    this.element = el('section', { className: 'sensing-panel opinion-panel' },
      el('div', { className: 'sensing-head' }, el('h2', {}, '网络舆情'), this.status), this.message, this.list, this.topics)
  }

  shown(): void { void this.load() }

  clear(): void {
    this.generation++
    this.list.replaceChildren()
    this.topics.replaceChildren()
    this.message.textContent = ''
    this.hooks.count(0)
    delete this.element.dataset.state
  }

  private async load(): Promise<void> {
    const generation = ++this.generation
    this.element.dataset.state = 'loading'
    const to = beijingDate()
    const from = beijingDate(new Date(Date.now() - (DAYS - 1) * 86_400_000))
    try {
      const [{ items }, { topics }] = await Promise.all([fetchPosts(this.session, this.status.value), fetchTopics(this.session, from, to)])
      if (generation !== this.generation) return
      const title = STATUSES.find(([v]) => v === this.status.value)?.[1] ?? ''
      this.message.textContent = `${title} ${items.length} 条`
      if (this.status.value === 'candidate') this.hooks.count(items.length)
      this.list.replaceChildren(...items.map((p) => this.row(p)))
      if (!items.length) this.list.append(el('li', { className: 'sensing-empty' }, '暂无舆情信息'))
      this.renderTopics(topics, from, to)
      this.element.dataset.state = 'ready'
    } catch (err) {
      if (generation !== this.generation) return
      this.message.textContent = (err as Error).message
      this.element.dataset.state = 'error'
    }
  }

  private row(p: Post): HTMLElement {
    const li = el('li', { className: `sensing-item opinion-post ${p.status}` },
      el('span', { className: 'opinion-title' }, p.title),
      el('span', { className: 'opinion-status' }, STATUSES.find(([v]) => v === p.status)?.[1] ?? p.status),
      el('span', { className: 'sensing-time' }, `${p.feedName} · ${beijingTime(p.publishedAt, false)}`),
      el('span', { className: 'opinion-address' }, `地点：${p.address ?? p.places.join('、')} · 关键词：${p.keywords.join('、')}`),
      el('p', { className: 'opinion-content' }, p.content.slice(0, 300)))
    li.dataset.id = String(p.id)
    if (p.location) li.addEventListener('click', () => this.hooks.locate([p.location!.lon, p.location!.lat]))
    if (p.status === 'candidate') li.append(this.decide(p))
    if (p.eventNumber) {
      const ev = el('button', { type: 'button', className: 'opinion-event', textContent: `事件 ${p.eventNumber}` })
      ev.addEventListener('click', (e) => { e.stopPropagation(); this.hooks.openEvent(p.eventNumber!) })
      li.append(ev)
    }
    if (p.reason) li.append(el('span', { className: 'opinion-reason' }, `驳回理由：${p.reason}`))
    return li
  }

  private decide(p: Post): HTMLElement {
    const text = el('input', { className: 'opinion-text', placeholder: '备注（受理）或驳回理由', maxLength: 500 })
    // the 舆情 channel is not classified automatically: 受理 names the event's small class
    const classCode = el('input', { className: 'opinion-class', placeholder: '事件小类（如 0404）', maxLength: 4, size: 8 })
    const accept = el('button', { type: 'button', className: 'opinion-accept', textContent: '受理' })
    const reject = el('button', { type: 'button', className: 'opinion-reject', textContent: '驳回' })
    const error = el('span', { className: 'sensing-error', role: 'alert' })
    const act = (work: () => Promise<unknown>) => async (e: Event) => {
      e.stopPropagation()
      error.textContent = ''
      accept.disabled = reject.disabled = true
      try {
        await work()
        await this.load()
      } catch (err) {
        error.textContent = (err as Error).message
        accept.disabled = reject.disabled = false
      }
    }
    for (const input of [text, classCode]) input.addEventListener('click', (e) => e.stopPropagation())
    accept.addEventListener('click', (e) => void act(async () => {
      if (!/^\d{4}$/.test(classCode.value.trim())) throw new Error('请填写4位事件小类代码')
      const r = await acceptPost(this.session, p.id, classCode.value.trim(), text.value.trim())
      this.hooks.openEvent(r.eventNumber)
    })(e))
    reject.addEventListener('click', (e) => void act(async () => {
      if (!text.value.trim()) throw new Error('请填写驳回理由')
      await rejectPost(this.session, p.id, text.value.trim())
    })(e))
    return el('div', { className: 'opinion-decide' }, classCode, text, accept, reject, error)
  }

  /** Keywords down, days across; a day without posts of a keyword shows 0. */
  private renderTopics(topics: Topic[], from: string, to: string): void {
    const days: string[] = []
    for (let d = new Date(`${from}T00:00:00Z`); d.toISOString().slice(0, 10) <= to; d = new Date(d.getTime() + 86_400_000)) days.push(d.toISOString().slice(0, 10))
    const rows = topics.map((t) => {
      const per = new Map(t.series.map((s) => [s.period, s.posts]))
      const tr = el('tr', { className: 'opinion-topic' }, el('td', {}, t.keyword), el('td', { className: 'opinion-total' }, String(t.total)),
        ...days.map((d) => el('td', {}, String(per.get(d) ?? 0))))
      tr.dataset.keyword = t.keyword
      return tr
    })
    this.topics.replaceChildren(el('h3', {}, `近${DAYS}日话题`),
      topics.length ? el('table', { className: 'sensing-table opinion-topics-table' },
        el('thead', {}, el('tr', {}, el('th', {}, '关键词'), el('th', {}, '合计'), ...days.map((d) => el('th', {}, d.slice(5))))), el('tbody', {}, ...rows))
        : el('p', { className: 'sensing-empty' }, '近期无话题'))
  }
}
