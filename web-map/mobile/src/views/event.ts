// One event and the steps the caller may take on it from a phone (the server's `allowed`):
// the inspector's verification (核查, 事件核实 on site) and the handler's steps with before and
// after photos; the department's sign, feed back, ask for an extension or return. A step goes
// through the outbox with the version the user saw, so a step taken offline on an event that
// changed meanwhile comes back as a conflict to decide on, never silently applied.
import { ApiError, call } from '../api.ts'
import { enqueue, flush, listOutbox, type Photo } from '../outbox.ts'
import { cache, fmtTime, h, locate, message, photoPicker } from '../ui.ts'

interface Event {
  number: string; status: string; statusTitle: string; version: number; description: string; address: string | null
  class: { code: string | null; name: string | null }; deadlines: { handleDueAt: string | null; signDueAt: string | null }; allowed: string[]
}

/** The steps a phone offers, with the photos each takes (stage and the labels of the pickers). */
const STEPS: Record<string, { title: string; photos?: { stage: Photo['stage']; labels: string[] }; needsComment?: boolean }> = {
  sign: { title: '签收' },
  assist_sign: { title: '协办签收' },
  handle: { title: '处置', photos: { stage: 'handling', labels: ['处置前照片', '处置后照片'] } },
  feedback: { title: '处置反馈', photos: { stage: 'feedback', labels: ['处置后照片'] }, needsComment: true },
  assist_feedback: { title: '协办反馈', needsComment: true },
  report_back: { title: '回报', needsComment: true },
  request_extension: { title: '申请延期', needsComment: true },
  return: { title: '退回', needsComment: true },
  verify: { title: '核查', photos: { stage: 'verify', labels: ['核查照片'] } },
  verify_on_site: { title: '事件核实', photos: { stage: 'verify', labels: ['现场照片'] } },
  answer_supervision: { title: '督办回复', needsComment: true },
}

export async function eventView(number: string): Promise<HTMLElement> {
  const el = h('section', { class: 'event' })
  el.dataset.title = '事件详情'
  let e: Event | null
  try {
    e = await call<Event>(`/events/${number}`)
    cache.set(`event.${number}`, e)
  } catch (err) {
    e = cache.get<Event>(`event.${number}`)
    const offline = err instanceof ApiError && err.status === 0
    el.append(message(offline ? (e ? '离线：显示上次同步的内容，操作将在联网后发送' : '离线且无缓存，联网后查看') : (err as Error).message, offline ? 'info' : 'error'))
  }
  if (!e) return el
  const ev = e
  el.append(h('div', { class: 'card' },
    h('p', { class: 'item-head' }, h('b', {}, ev.class.name ?? '未分类'), h('span', { class: 'badge', 'data-status': ev.status }, ev.statusTitle)),
    h('p', {}, ev.description),
    h('p', { class: 'item-meta' }, `${ev.number}${ev.address ? ` · ${ev.address}` : ''}`),
    h('p', { class: 'item-meta' }, `签收期限 ${fmtTime(ev.deadlines.signDueAt)} · 处置期限 ${fmtTime(ev.deadlines.handleDueAt)}`)))
  const queued = (await listOutbox()).filter((i) => i.kind === 'step' && i.number === number)
  if (queued.length) el.append(message(`本事件有 ${queued.length} 项操作待发送`, 'info'))
  const steps = ev.allowed.filter((a) => STEPS[a])
  if (!steps.length) el.append(message('当前没有可在手机上进行的操作'))
  const status = h('div', { class: 'status' })
  for (const action of steps) el.append(stepForm(ev, action, status))
  el.append(status)
  return el
}

function stepForm(ev: Event, action: string, status: HTMLElement): HTMLElement {
  const step = STEPS[action]!
  const form = h('form', { class: 'card form step', 'data-action': action, 'aria-label': step.title },
    h('h2', {}, step.title),
    action === 'verify_on_site' ? h('label', {}, '核实结果', h('select', { name: 'outcome' },
      h('option', { value: 'confirmed' }, '属实'), h('option', { value: 'unconfirmed' }, '不属实'))) : null,
    action === 'request_extension' ? h('label', {}, '延期（工作日）', h('input', { name: 'days', type: 'number', min: 1, max: 30, value: 1 })) : null,
    h('label', {}, step.needsComment ? '说明' : '说明（可选）', h('textarea', { name: 'comment', rows: 2, maxlength: 2000 })),
    ...(step.photos?.labels ?? []).map((label, i) => h('label', {}, label,
      photoPicker(`photo${i}`))),
    h('button', { type: 'submit', class: 'primary' }, step.title))
  form.addEventListener('submit', async (e) => {
    e.preventDefault()
    const d = new FormData(form)
    const comment = String(d.get('comment') ?? '').trim()
    if (step.needsComment && !comment) return status.replaceChildren(message(`${step.title}须填写说明`, 'error'))
    const photos: Photo[] = (step.photos?.labels ?? []).flatMap((label, i) =>
      [...((form.elements.namedItem(`photo${i}`) as HTMLInputElement).files ?? [])].map((f) => ({ blob: f, name: `${label.replace('照片', '')}-${f.name}`, stage: step.photos!.stage })))
    const body: Record<string, unknown> & { action: string } = { action, expectedVersion: ev.version, ...(comment ? { comment } : {}) }
    if (action === 'verify_on_site') {
      body.outcome = String(d.get('outcome'))
      const fix = await locate(5_000)
      if (fix) body.location = { x: fix.coords.longitude, y: fix.coords.latitude, crs: 'EPSG:4326' }
    }
    if (action === 'request_extension') body.extension = { value: Number(d.get('days') || 1), unit: 'work_days' }
    await enqueue({ kind: 'step', number: ev.number, body, photos })
    if (navigator.onLine) await flush()
    const left = (await listOutbox()).find((i) => i.kind === 'step' && i.number === ev.number && i.body.action === action)
    status.replaceChildren(!left ? message(`${step.title}已提交`, 'ok')
      : left.state === 'conflict' ? message(`${step.title}未成功：${left.error ?? ''}（见“我的 · 待发送”）`, 'error')
        : message(`当前离线，${step.title}已保存，联网后自动发送`, 'info'))
    for (const f of status.parentElement?.querySelectorAll('form.step') ?? []) (f as HTMLFormElement).querySelector('button')!.disabled = true
  })
  return form
}
