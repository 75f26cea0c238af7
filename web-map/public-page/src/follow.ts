// 进度查询 / 我的诉求: this browser's numbers (follow tokens in localStorage), a number + SMS code
// for any other (POST /reports/{n}/follow → a token), and one report: its steps, photos, the
// articles the centre answered with, the evaluation (once, when closed) and the appeal (once).
import {
  call, errorText, followed, forgetToken, keepToken, photoUrl, PublicError, SATISFACTION, tokenOf, when,
  type ReportView, type Satisfaction,
} from './api.ts'
import { busy, codeFields, el, field, markInvalid, messageLine } from './ui.ts'

const NUMBER = /^[A-Za-z0-9-]{4,40}$/

export function followView(go: (path: string) => void, prefill = '', notice = ''): HTMLElement {
  const show = messageLine()
  const number = el('input', { type: 'text', name: 'number', maxLength: 40, autocapitalize: 'characters', placeholder: '例如 E202612030001', value: prefill })
  const codes = codeFields('follow', show, () => number.value)
  const submit = el('button', { type: 'submit', className: 'btn btn-primary' }, '查询')
  const form = el('form', { className: 'card form', noValidate: true }, field('诉求编号', number), codes.element, show.element, submit)
  if (notice) show.error(notice)
  form.addEventListener('submit', async (e) => {
    e.preventDefault()
    show.clear()
    const n = number.value.trim().toUpperCase()
    if (!NUMBER.test(n)) { show.error('请输入正确的诉求编号'); markInvalid(number); return }
    const wrong = codes.check()
    if (wrong) { show.error(wrong.text); markInvalid(wrong.input); return }
    try {
      const { followToken } = await busy(submit, '查询中…', () => call<{ followToken: string }>(`/reports/${encodeURIComponent(n)}/follow`,
        { json: { phone: codes.phone.value.trim(), code: codes.code.value.trim() } }))
      keepToken(n, followToken)
      go(`/public/follow/${encodeURIComponent(n)}`)
    } catch (err) {
      show.error(errorText(err))
    }
  })

  const mine = followed()
  const list = mine.length
    ? el('ul', { className: 'list my-reports' }, ...mine.map((f) => el('li', {}, el('a', { href: `/public/follow/${encodeURIComponent(f.number)}` }, f.number,
      el('span', { className: 'list-meta' }, `保存于 ${when(new Date(f.savedAt).toISOString())}`)))))
    : el('p', { className: 'empty' }, '本机还没有提交或查询过诉求。')
  for (const a of list.querySelectorAll('a')) a.dataset.link = ''
  return el('section', { className: 'follow' }, el('h1', {}, '进度查询'),
    el('h2', {}, '我的诉求'), list,
    el('h2', {}, '按编号查询'), el('p', { className: 'lead' }, '输入诉求编号和反映时留下的手机号，凭短信验证码查看进度。'), form)
}

/** One report of this browser; without a (valid) token, the form with the number filled in. */
export async function reportDetail(go: (path: string) => void, number: string): Promise<HTMLElement> {
  const token = tokenOf(number)
  if (!token) return followView(go, number)
  let report: ReportView
  try {
    report = await call<ReportView>(`/reports/${encodeURIComponent(number)}`, { token })
  } catch (err) {
    if (err instanceof PublicError && err.status === 401) {
      forgetToken(number)
      return followView(go, number, err.message)
    }
    throw err
  }
  const section = el('section', { className: 'detail' })
  const render = (r: ReportView) => section.replaceChildren(...detailParts(r, token, render, go))
  render(report)
  return section
}

function detailParts(r: ReportView, token: string, render: (r: ReportView) => void, go: (path: string) => void): HTMLElement[] {
  const parts: HTMLElement[] = [
    el('h1', {}, '诉求详情'),
    el('div', { className: 'card' },
      el('p', { className: 'report-number' }, r.number),
      el('p', { className: 'status-line' }, '当前状态：', el('span', { className: `badge badge-${r.status}` }, r.statusName)),
      el('p', { className: 'desc' }, r.description),
      el('p', { className: 'list-meta' }, `反映时间 ${when(r.reportedAt)}`),
      ...(r.place ? [el('p', { className: 'list-meta' }, `位置 东经 ${r.place.lon.toFixed(5)}°，北纬 ${r.place.lat.toFixed(5)}°`)] : [])),
  ]
  if (r.photos.length) {
    parts.push(el('h2', {}, '现场照片'), el('div', { className: 'thumbs photos' },
      ...r.photos.map((p, i) => el('a', { href: photoUrl(p.url, token), target: '_blank' }, el('img', { src: photoUrl(p.url, token), alt: `现场照片 ${i + 1}`, loading: 'lazy' })))))
  }
  parts.push(el('h2', {}, '办理过程'), el('ol', { className: 'timeline' },
    ...r.steps.map((s) => el('li', {}, el('span', { className: 'step-name' }, s.name), el('span', { className: 'list-meta' }, when(s.at))))))
  if (r.answers.length) {
    const links = r.answers.map((a) => {
      const link = el('a', { href: `/public/knowledge/${encodeURIComponent(String(a.articleId))}` }, a.title)
      link.dataset.link = ''
      return el('li', {}, link)
    })
    parts.push(el('h2', {}, '相关解答'), el('ul', { className: 'list' }, ...links))
  }
  parts.push(evaluation(r, token, render))
  parts.push(appeal(r, token, render))
  const back = el('button', { type: 'button', className: 'btn btn-secondary' }, '返回我的诉求')
  back.addEventListener('click', () => go('/public/follow'))
  parts.push(back)
  return parts
}

function evaluation(r: ReportView, token: string, render: (r: ReportView) => void): HTMLElement {
  if (r.evaluation) {
    return el('div', { className: 'card evaluated' }, el('h2', {}, '我的评价'),
      el('p', {}, el('span', { className: 'badge' }, SATISFACTION[r.evaluation.satisfaction] ?? r.evaluation.satisfaction), ` ${when(r.evaluation.at)}`),
      ...(r.evaluation.comment ? [el('p', { className: 'desc' }, r.evaluation.comment)] : []))
  }
  if (!r.canEvaluate) return el('p', { className: 'field-hint' }, '办结后可对处理结果进行评价。')
  const show = messageLine()
  let chosen: Satisfaction | undefined
  const choices = (Object.keys(SATISFACTION) as Satisfaction[]).map((s) => {
    const b = el('button', { type: 'button', className: 'choice' }, SATISFACTION[s])
    b.dataset.value = s
    b.setAttribute('aria-pressed', 'false')
    b.addEventListener('click', () => {
      chosen = s
      for (const c of choices) c.setAttribute('aria-pressed', String(c === b))
    })
    return b
  })
  const comment = el('textarea', { name: 'comment', rows: 3, maxLength: 500, placeholder: '说说您的看法（选填）' })
  const submit = el('button', { type: 'submit', className: 'btn btn-primary' }, '提交评价')
  const form = el('form', { className: 'card form evaluate', noValidate: true }, el('h2', {}, '评价处理结果'),
    el('div', { className: 'choices', role: 'group', ariaLabel: '满意度' }, ...choices), field('评价内容', comment), show.element, submit)
  form.addEventListener('submit', async (e) => {
    e.preventDefault()
    if (!chosen) { show.error('请选择满意、基本满意或不满意'); return }
    const text = comment.value.trim()
    try {
      const next = await busy(submit, '提交中…', () => call<ReportView>(`/reports/${encodeURIComponent(r.number)}/evaluation`,
        { token, json: { satisfaction: chosen, ...(text ? { comment: text } : {}) } }))
      render(next)
    } catch (err) {
      show.error(errorText(err))
    }
  })
  return form
}

function appeal(r: ReportView, token: string, render: (r: ReportView) => void): HTMLElement {
  if (r.appeal) {
    return el('div', { className: 'card appealed' }, el('h2', {}, '我的申诉'),
      el('p', {}, [r.appeal.number ? `申诉编号 ${r.appeal.number}` : '已提交申诉', when(r.appeal.at)].join('，')),
      el('p', { className: 'desc' }, r.appeal.reason))
  }
  if (!r.canAppeal) return el('div', { hidden: true })
  const show = messageLine()
  const reason = el('textarea', { name: 'reason', rows: 3, maxLength: 500, placeholder: '请说明对处理结果的异议（5-500 字）' })
  const submit = el('button', { type: 'submit', className: 'btn btn-secondary' }, '提交申诉')
  const form = el('form', { className: 'card form appeal', noValidate: true }, el('h2', {}, '对处理结果有异议？'),
    el('p', { className: 'field-hint' }, '每个诉求可申诉一次。'), field('申诉理由', reason), show.element, submit)
  form.addEventListener('submit', async (e) => {
    e.preventDefault()
    const text = reason.value.trim()
    if (text.length < 5) { show.error('请用至少 5 个字说明申诉理由'); markInvalid(reason); return }
    try {
      await busy(submit, '提交中…', () => call<{ number: string }>(`/reports/${encodeURIComponent(r.number)}/appeal`, { token, json: { reason: text } }))
      render(await call<ReportView>(`/reports/${encodeURIComponent(r.number)}`, { token }))
    } catch (err) {
      show.error(errorText(err))
    }
  })
  return form
}
