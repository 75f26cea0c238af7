// One event's hard-case file in the 疑难 panel: why it was marked, the leaders' 批示 (shown, and
// recorded by the roles the server lets instruct), its 并联办 parts with each unit's deadline and
// state, the meetings held on it, and the quality of its handling (score, parts, reviews, 追评).
// Each section reads its own API, so a role refused one (e.g. quality) still sees the others.
// Forms: 人工认定 (centre, district), the reviews a role may give (专业评价 by the department,
// 中心评价 and 追评 by the centre; the server decides and its refusal is shown), 批示.
import type { Session } from '../../client/api.ts'
import { fetchCase, fetchQuality, markHardCase, recordInstruction, recordReview, type CaseDetail, type Part, type Quality, type Reason, type Review } from '../../client/casesApi.ts'
import { el } from '../../ui/dom.ts'
import { beijingTime } from '../../ui/time.ts'

const REASON_TITLES: Record<Reason['rule'], string> = { bounces: '多次流转', overdue: '长期超期', units: '涉及多个单位', manual: '人工认定' }
const REASON_UNITS: Record<Reason['rule'], string> = { bounces: '次', overdue: '小时', units: '个单位', manual: '' }
const PART_STATES: Record<Part['state'], string> = { open: '办理中', done: '已办结', withdrawn: '已撤回' }
const SOURCES: Record<string, string> = { department: '专业评价', centre: '中心评价', follow_up: '追评' }
const SATISFACTION: Record<string, string> = { satisfied: '满意', basically_satisfied: '基本满意', dissatisfied: '不满意' }

/** "多次流转（3 次，阈值 3）": the measured value beside the rule's threshold. */
export function reasonText(r: Reason): string {
  return REASON_TITLES[r.rule] + (r.value !== undefined ? `（${r.value} ${REASON_UNITS[r.rule]}，阈值 ${r.threshold}）` : '')
}

const section = (cls: string, title: string, ...body: (Node | string)[]) => el('section', { className: `hc-section ${cls}` }, el('h4', {}, title), ...body)
const empty = (text: string) => el('p', { className: 'hc-empty' }, text)
const score = (x: number | null) => (x === null ? '—' : String(x))
/** Who marks by hand (the server's guard on POST …/mark). */
const MARKERS = ['command_center', 'district_staff']
/** The reviews each role gives (server/quality/routes.ts REVIEWERS). */
const REVIEW_SOURCES: Record<string, Review['source'][]> = {
  department: ['department'], command_center: ['centre', 'follow_up'], district_staff: ['centre', 'follow_up'], street_staff: ['follow_up'],
}

export class CaseDetailView {
  readonly element = el('div', { className: 'hc-detail' })
  private number: string | null = null
  private generation = 0

  constructor(private readonly session: Session, private readonly canInstruct: () => boolean, private readonly openEvent: (n: string) => void) {}

  clear(): void {
    this.generation++
    this.number = null
    this.element.replaceChildren()
    delete this.element.dataset.state
    delete this.element.dataset.number
  }

  async show(number: string): Promise<void> {
    const generation = ++this.generation
    this.number = number
    this.element.dataset.state = 'loading'
    this.element.dataset.number = number
    const [c, q] = await Promise.allSettled([fetchCase(this.session, number), fetchQuality(this.session, number)])
    if (generation !== this.generation) return
    if (c.status === 'rejected') {
      this.element.replaceChildren(el('p', { className: 'hc-error', role: 'alert' }, (c.reason as Error).message))
      this.element.dataset.state = 'error'
      return
    }
    const open = el('button', { type: 'button', className: 'hc-open', textContent: '在事件面板中打开' })
    open.addEventListener('click', () => this.openEvent(number))
    this.element.replaceChildren(
      el('div', { className: 'hc-head' }, el('h3', {}, number), open),
      this.marking(c.value), this.instructions(c.value), this.parts(c.value), this.meetings(c.value),
      q.status === 'fulfilled' ? this.quality(q.value) : section('hc-quality', '办理质量', el('p', { className: 'hc-error' }, (q.reason as Error).message)))
    const review = this.reviewForm(number)
    if (review) this.element.querySelector('.hc-quality')?.append(review)
    this.element.dataset.state = 'ready'
  }

  private marking(c: CaseDetail): HTMLElement {
    const m = c.marking
    if (!m) {
      const now = c.measures?.reasons.length ? el('ul', { className: 'hc-reasons' }, ...c.measures.reasons.map((r) => el('li', {}, reasonText(r)))) : empty('未认定为疑难事件')
      return section('hc-marking', '疑难认定', now, ...(MARKERS.includes(this.session.user?.role ?? '') ? [this.markForm(c.number)] : []))
    }
    return section('hc-marking', '疑难认定',
      el('p', { className: 'hc-meta' }, `${m.source === 'rule' ? '按规则认定' : '人工认定'} · ${beijingTime(m.markedAt, false)}${m.markedBy ? ` · ${m.markedBy}` : ''}${m.open ? '' : ` · 已撤销（${beijingTime(m.clearedAt, false)}）`}`),
      el('ul', { className: 'hc-reasons' }, ...m.reasons.map((r) => el('li', { className: `hc-reason ${r.rule}` }, reasonText(r)))),
      ...(m.note ? [el('p', { className: 'hc-note' }, m.note)] : []),
      ...(c.measures ? [el('p', { className: 'hc-meta hc-measures' }, `当前：流转 ${c.measures.bounces} 次，超期 ${c.measures.overdueHours} 小时，涉及 ${c.measures.units} 个单位`)] : []),
      ...(!m.open && MARKERS.includes(this.session.user?.role ?? '') ? [this.markForm(c.number)] : []))
  }

  /** A form that posts, then shows the file again (or the server's refusal beside the button). */
  private form(cls: string, label: string, fields: HTMLElement[], submit: () => Promise<unknown> | string, number: string): HTMLElement {
    const error = el('span', { className: 'hc-error', role: 'alert' })
    const save = el('button', { type: 'button', className: `${cls}-save`, textContent: label })
    save.addEventListener('click', () => void (async () => {
      error.textContent = ''
      save.disabled = true
      try {
        const r = submit()
        if (typeof r === 'string') { error.textContent = r; return }
        await r
        if (this.number === number) await this.show(number)
      } catch (err) {
        error.textContent = (err as Error).message
      } finally {
        save.disabled = false
      }
    })())
    return el('div', { className: `hc-form ${cls}` }, ...fields, el('div', { className: 'hc-row' }, save, error))
  }

  private markForm(number: string): HTMLElement {
    const note = el('textarea', { className: 'mark-note', placeholder: '认定理由（如 多部门推诿、群众反映强烈）', maxLength: 2000, rows: 2 })
    return this.form('mark-form', '认定为疑难', [note],
      () => (note.value.trim() ? markHardCase(this.session, number, note.value.trim()) : '请填写认定理由'), number)
  }

  private reviewForm(number: string): HTMLElement | null {
    const sources = REVIEW_SOURCES[this.session.user?.role ?? ''] ?? []
    if (!sources.length) return null
    const source = el('select', { className: 'review-source' }, ...sources.map((s) => el('option', { value: s, textContent: SOURCES[s] ?? s })))
    const value = el('input', { className: 'review-score', type: 'number', min: '0', max: '100', step: '1', placeholder: '得分 0-100' })
    const comment = el('input', { className: 'review-comment', placeholder: '评价意见（可选）', maxLength: 2000 })
    return this.form('review-form', '提交评价', [el('div', { className: 'hc-row' }, source, value, comment)], () => {
      const x = Number(value.value)
      if (value.value.trim() === '' || !Number.isFinite(x) || x < 0 || x > 100) return '得分须为 0 至 100'
      return recordReview(this.session, number, { source: source.value as Review['source'], score: x, ...(comment.value.trim() ? { comment: comment.value.trim() } : {}) })
    }, number)
  }

  private instructions(c: CaseDetail): HTMLElement {
    const list = c.instructions.length
      ? el('ol', { className: 'hc-instructions' }, ...c.instructions.map((i) => el('li', { className: 'hc-instruction' },
        el('span', { className: 'hc-leader' }, `${i.leaderTitle ?? ''}${i.leaderName}`),
        el('time', {}, beijingTime(i.issuedAt, false)),
        el('span', { className: 'hc-text' }, i.text),
        ...(i.dueAt ? [el('span', { className: 'hc-meta' }, `落实时限 ${beijingTime(i.dueAt, false)}`)] : []))))
      : empty('暂无批示')
    return section('hc-instructions-section', '领导批示', list, ...(this.canInstruct() ? [this.instructionForm(c.number)] : []))
  }

  private instructionForm(number: string): HTMLElement {
    const title = el('input', { className: 'instruction-title', placeholder: '职务（如 区长）', maxLength: 100 })
    const name = el('input', { className: 'instruction-leader', placeholder: '领导姓名（默认本人）', maxLength: 100 })
    const text = el('textarea', { className: 'instruction-text', placeholder: '批示内容', maxLength: 4000, rows: 2 })
    const error = el('span', { className: 'hc-error', role: 'alert' })
    const save = el('button', { type: 'button', className: 'instruction-save', textContent: '记录批示' })
    save.addEventListener('click', () => void (async () => {
      error.textContent = ''
      if (!text.value.trim()) { error.textContent = '请填写批示内容'; return }
      save.disabled = true
      try {
        await recordInstruction(this.session, number, { text: text.value.trim(), ...(name.value.trim() ? { leaderName: name.value.trim() } : {}), ...(title.value.trim() ? { leaderTitle: title.value.trim() } : {}) })
        if (this.number === number) await this.show(number)
      } catch (err) {
        error.textContent = (err as Error).message
      } finally {
        save.disabled = false
      }
    })())
    return el('div', { className: 'hc-form instruction-form' }, el('div', { className: 'hc-row' }, title, name), text, el('div', { className: 'hc-row' }, save, error))
  }

  private parts(c: CaseDetail): HTMLElement {
    const p = c.parallel
    if (!p.parts.length) return section('hc-parts', '并联办', empty('未启动并联办'))
    return section('hc-parts', `并联办（未办结 ${p.open} / 共 ${p.parts.length}）`,
      el('table', { className: 'hc-table' },
        el('thead', {}, el('tr', {}, el('th', {}, '单位'), el('th', {}, '任务'), el('th', {}, '时限'), el('th', {}, '状态'))),
        el('tbody', {}, ...p.parts.map((x) => {
          const tr = el('tr', { className: `hc-part ${x.state}${x.overdue ? ' overdue' : ''}` },
            el('td', {}, x.unit.name), el('td', {}, x.task), el('td', { className: 'hc-due' }, beijingTime(x.dueAt, false)),
            el('td', { className: 'hc-state' }, x.overdue ? '已超期' : PART_STATES[x.state]))
          tr.dataset.unit = x.unit.code
          if (x.result) tr.title = x.result
          return tr
        }))))
  }

  private meetings(c: CaseDetail): HTMLElement {
    if (!c.meetings.length) return section('hc-meetings', '会商', empty('暂无会商'))
    return section('hc-meetings', '会商', el('ul', { className: 'hc-list' }, ...c.meetings.map((m) => el('li', {},
      el('span', { className: 'hc-kind' }, m.kindTitle), ` ${m.title} · ${beijingTime(m.startsAt, false)} · 决定事项 ${m.decisions} 项`,
      ...(m.overdueDecisions ? [el('span', { className: 'hc-overdue' }, ` 超期 ${m.overdueDecisions} 项`)] : [])))))
  }

  private quality(q: Quality): HTMLElement {
    const p = q.parts
    const cell = (label: string, value: string, cls: string) => el('div', { className: `hc-score ${cls}` }, el('span', {}, label), el('b', {}, value))
    return section('hc-quality', '办理质量',
      el('div', { className: 'hc-scores' },
        cell('综合得分', score(q.score), 'total'), cell('专业评价', score(p.department), 'department'), cell('中心评价', score(p.centre), 'centre'),
        cell(`群众评价${q.satisfaction ? `（${SATISFACTION[q.satisfaction]}）` : ''}`, score(p.evaluation), 'evaluation'), cell('追评', score(p.followUp), 'follow-up')),
      el('p', { className: 'hc-meta' }, `权重（第 ${q.weights.version} 版）：专业 ${q.weights.department}，中心 ${q.weights.centre}，群众 ${q.weights.resident}（追评占 ${q.weights.followUpShare}）`),
      q.reviews.length
        ? el('ul', { className: 'hc-list hc-reviews' }, ...q.reviews.map((r) => el('li', { className: `hc-review ${r.source}` },
          el('span', { className: 'hc-kind' }, SOURCES[r.source] ?? r.source), ` ${r.score} 分 · ${r.reviewer} · ${beijingTime(r.createdAt, false)}`,
          ...(r.comment ? [el('span', { className: 'hc-text' }, r.comment)] : []))))
        : empty('暂无评价'))
  }
}
