// 采集: the collection tasks sent to my grids (专题数据采集) and their ODK XForms, filled in on the
// phone. The form is drawn from the server's reading of the XForm (GET /forms/{id}: the question
// types the server accepts, their labels, choices and required flags) plus the XML itself for
// what only it says: which questions have a body control (the rest are hidden), the start/end
// timestamps to preload and the constraint messages. @getodk/web-forms would render any XForm
// but brings Vue, PrimeVue and OpenLayers, far over the app's 300 KB budget; the server refuses
// every type this file does not draw, so nothing a task can carry is left out. Relevance is not
// evaluated: a conditional question is shown, marked optional, and the server does not require it.
// A return goes through the outbox with an instanceID made when it is queued, so a replay after a
// lost answer is the same return (the server keeps one per instanceID), never a second.
import { ApiError, call, callText } from '../api.ts'
import { enqueue, flush, listOutbox, type Photo } from '../outbox.ts'
import { cache, clearPickers, fmtTime, h, locate, message, photoPicker } from '../ui.ts'

interface Task { id: number; formId: number; title: string; gridCodes: string[]; deadline: string; counts: { submitted: number; accepted: number; returned: number } }
interface Field { name: string; path: string; type: string; label: string; required: boolean; choices: { value: string; label: string }[] | null }
interface Form { id: number; title: string; geometry: { name: string; type: string }; fields: Field[] }
interface Return { id: number; instanceId: string; status: string; reason: string | null; submittedAt: string; photos?: { present: boolean }[] }

const STATUS: Record<string, string> = { submitted: '待审核', accepted: '已通过', returned: '已退回' }

/** An answer from the network, else the last copy kept (null when neither). */
async function fresh<T>(path: string, key: string, text = false): Promise<T | null> {
  try {
    const v = text ? await callText(path) : await call<T>(path)
    cache.set(key, v)
    return v as T
  } catch (e) {
    if (!(e instanceof ApiError) || e.status !== 0) throw e
    return cache.get<T>(key)
  }
}

export async function formsView(): Promise<HTMLElement> {
  const el = h('section', { class: 'forms' })
  el.dataset.title = '采集任务'
  let tasks: { items: Task[] } | null
  try {
    tasks = await fresh<{ items: Task[] }>('/collection-tasks?open=true', 'collection-tasks')
  } catch (e) {
    el.append(message((e as Error).message, 'error'))
    return el
  }
  if (!tasks) { el.append(message('离线且无缓存：联网后查看采集任务')); return el }
  if (!tasks.items.length) el.append(message('暂无进行中的采集任务'))
  el.append(h('ul', { class: 'list' }, ...tasks.items.map((t) => h('li', {},
    h('a', { href: `/m/forms/${t.id}`, 'data-link': true, class: 'item', 'data-task': t.id },
      h('span', { class: 'item-head' }, h('b', {}, t.title), h('span', { class: 'badge' }, `已交 ${t.counts.submitted + t.counts.accepted + t.counts.returned}`)),
      h('span', { class: 'item-meta' }, `截止 ${fmtTime(t.deadline)} · 网格 ${t.gridCodes.join('、')}`))))))
  return el
}

/** What the XML adds to the server's reading: the questions with a control, preloads, constraint messages. */
function readXml(xml: string): { shown: Set<string>; preload: Map<string, 'start' | 'end'>; hints: Map<string, string> } {
  const doc = new DOMParser().parseFromString(xml, 'application/xml')
  const shown = new Set<string>()
  const walk = (el: Element, base: string) => {
    for (const c of el.children) {
      const ref = c.getAttribute('ref') ?? c.getAttribute('nodeset')
      const abs = ref === null ? base : ref.startsWith('/') ? ref : `${base}/${ref}`
      if (c.localName === 'group') walk(c, abs)
      else if (ref !== null) shown.add(abs)
    }
  }
  const body = [...doc.getElementsByTagName('*')].find((e) => e.localName === 'body')
  if (body) walk(body, '')
  const preload = new Map<string, 'start' | 'end'>()
  const hints = new Map<string, string>()
  for (const b of [...doc.getElementsByTagName('*')].filter((e) => e.localName === 'bind')) {
    const path = b.getAttribute('nodeset') ?? b.getAttribute('ref') ?? ''
    const param = b.getAttribute('jr:preloadParams')
    if (b.getAttribute('jr:preload') === 'timestamp' && (param === 'start' || param === 'end')) preload.set(path, param)
    const msg = b.getAttribute('jr:constraintMsg')
    if (msg) hints.set(path, msg)
  }
  return { shown, preload, hints }
}

/** ODK's text form of a fix: "lat lon alt acc". */
const odkPoint = (p: GeolocationPosition) => `${p.coords.latitude.toFixed(7)} ${p.coords.longitude.toFixed(7)} ${Math.round(p.coords.altitude ?? 0)} ${Math.round(p.coords.accuracy)}`

function geoInput(f: Field, status: HTMLElement): HTMLElement {
  const points: string[] = []
  const value = h('input', { type: 'hidden', name: f.name })
  const info = h('span', { class: 'where' }, '未取点')
  const show = () => {
    value.value = points.join(';')
    info.textContent = points.length ? `${f.type === 'geopoint' ? '已定位' : `已取 ${points.length} 个点`}（${points[points.length - 1]!.split(' ').slice(0, 2).join(', ')}）` : '未取点'
  }
  const take = async () => {
    info.textContent = '正在定位…'
    const p = await locate()
    if (!p) { show(); return status.replaceChildren(message('无法定位：请允许定位后重试', 'error')) }
    if (f.type === 'geopoint') points.splice(0, points.length)
    points.push(odkPoint(p))
    show()
  }
  return h('div', { class: 'geo' }, value, info, ' ',
    h('button', { type: 'button', class: 'link', 'data-geo': f.name, onclick: () => void take() }, f.type === 'geopoint' ? '使用当前位置' : '添加当前位置'),
    f.type !== 'geopoint' ? h('button', { type: 'button', class: 'link', onclick: () => { points.splice(0, points.length); show() } }, ' 清除') : null)
}

function control(f: Field, status: HTMLElement): HTMLElement {
  const common = { name: f.name, required: f.required }
  switch (f.type) {
    case 'int': return h('input', { ...common, type: 'number', step: 1, inputmode: 'numeric' })
    case 'decimal': return h('input', { ...common, type: 'number', step: 'any', inputmode: 'decimal' })
    case 'date': return h('input', { ...common, type: 'date' })
    case 'dateTime': return h('input', { ...common, type: 'datetime-local' })
    case 'time': return h('input', { ...common, type: 'time', step: 1 })
    case 'image': return photoPicker(f.name, false)
    case 'select_one': case 'select_multiple': return h('span', { class: 'choices' }, ...(f.choices ?? []).map((c) =>
      h('label', { class: 'choice' }, h('input', { type: f.type === 'select_one' ? 'radio' : 'checkbox', name: f.name, value: c.value }), c.label)))
    case 'geopoint': case 'geotrace': case 'geoshape': return geoInput(f, status)
    default: return h('input', { ...common, maxlength: 2000 })
  }
}

/** The local date and time with Beijing's offset (ISO 8601), as ODK writes a dateTime. */
const localIso = (d = new Date()) => new Date(d.getTime() + 8 * 3600_000).toISOString().replace(/\.\d+Z$/, '+08:00')

/** The photo's file name in the return: ODK's instance names it; ours is unique, as phones call every picture image.jpg. */
const photoName = (field: string, f: File) =>
  `${field}-${crypto.randomUUID().slice(0, 8)}.${({ 'image/jpeg': 'jpg', 'image/png': 'png', 'image/webp': 'webp' } as Record<string, string>)[f.type] ?? (/\.([A-Za-z0-9]{1,5})$/.exec(f.name)?.[1] ?? 'jpg')}`

function answers(form: HTMLFormElement, fields: Field[], preload: Map<string, 'start' | 'end'>, started: string, photos: Photo[]): Record<string, unknown> {
  const d = new FormData(form)
  const values: Record<string, unknown> = {}
  for (const f of fields) {
    const p = preload.get(f.path)
    if (p) { values[f.name] = p === 'start' ? started : localIso(); continue }
    if (f.type === 'select_multiple') { const all = d.getAll(f.name).map(String); if (all.length) values[f.name] = all; continue }
    const v = d.get(f.name)
    if (v instanceof File) {
      // queued with the return and uploaded after it (PUT …/returns/{instanceId}/media/{name})
      if (v.size) { const name = photoName(f.name, v); values[f.name] = name; photos.push({ blob: v, name, stage: 'other' }) }
      continue
    }
    const s = String(v ?? '').trim()
    if (!s) continue
    values[f.name] = f.type === 'dateTime' ? `${s.length === 16 ? `${s}:00` : s}+08:00` : f.type === 'time' && s.length === 5 ? `${s}:00` : s
  }
  return values
}

/** The server names a question by its name; the user knows it by its label. */
const labelled = (text: string, fields: Field[]) => fields.reduce((t, f) => t.replace(new RegExp(`(?<![A-Za-z0-9_])${f.name}(?![A-Za-z0-9_])`, 'g'), `“${f.label}”`), text)

export async function taskView(id: string): Promise<HTMLElement> {
  const el = h('section', { class: 'form-task' })
  el.dataset.title = '采集'
  const list = cache.get<{ items: Task[] }>('collection-tasks')
  let task: Task | null = list?.items.find((t) => String(t.id) === id) ?? null
  let form: Form | null = null
  let xml: string | null = null
  let mine: { items: Return[] } | null = null
  try {
    task = await fresh<Task>(`/collection-tasks/${id}`, `collection-task.${id}`) ?? task
    if (task) {
      [form, xml, mine] = await Promise.all([fresh<Form>(`/forms/${task.formId}`, `form.${task.formId}`),
        fresh<string>(`/forms/${task.formId}/xml`, `form-xml.${task.formId}`, true),
        fresh<{ items: Return[] }>(`/collection-tasks/${id}/returns`, `collection-returns.${id}`)])
    }
  } catch (e) {
    el.append(message((e as Error).message, 'error'))
    return el
  }
  if (!task || !form || !xml) { el.append(message('离线且无缓存：联网后打开此任务')); return el }
  const t = task
  const def = form
  const { shown, preload, hints } = readXml(xml)
  const started = localIso()
  const status = h('div', { class: 'status' })
  const questions = def.fields.filter((f) => shown.has(f.path) && !preload.has(f.path))
  const formEl = h('form', { class: 'card form', 'aria-label': def.title, 'data-form': def.id, novalidate: true },
    h('h2', {}, t.title),
    h('p', { class: 'item-meta' }, `截止 ${fmtTime(t.deadline)}`),
    ...questions.map((f) => h('label', { 'data-field': f.name }, `${f.label}${f.required ? ' *' : '（选填）'}`, control(f, status),
      hints.get(f.path) ? h('span', { class: 'hint' }, hints.get(f.path)!) : null)),
    h('button', { type: 'submit', class: 'primary' }, '提交'),
    status)
  formEl.addEventListener('submit', async (e) => {
    e.preventDefault()
    const photos: Photo[] = []
    const values = answers(formEl, def.fields, preload, started, photos)
    const missing = questions.filter((f) => f.required && values[f.name] === undefined).map((f) => f.label)
    if (missing.length) return status.replaceChildren(message(`请填写：${missing.join('、')}`, 'error'))
    const instanceId = `uuid:${crypto.randomUUID()}`
    await enqueue({ kind: 'return', taskId: t.id, title: t.title, body: { instanceId, values }, photos })
    formEl.reset()
    clearPickers(formEl)
    for (const g of formEl.querySelectorAll<HTMLInputElement>('.geo input[type=hidden]')) g.value = ''
    for (const w of formEl.querySelectorAll('.geo .where')) w.textContent = '未取点'
    if (navigator.onLine) await flush()
    const left = (await listOutbox()).find((i) => i.kind === 'return' && i.body.instanceId === instanceId)
    status.replaceChildren(!left ? message('已提交', 'ok')
      : left.state === 'conflict' ? message(`提交被拒绝：${labelled(left.error ?? '', def.fields)}（见“我的 · 待发送”）`, 'error')
        : message('当前离线，已保存，联网后自动发送', 'info'))
  })
  el.append(formEl)
  if (mine?.items.length) {
    el.append(h('div', { class: 'card' }, h('h2', {}, `我的提交（${mine.items.length}）`),
      h('ul', { class: 'list returns' }, ...mine.items.map((r) => h('li', { 'data-status': r.status },
        h('span', { class: 'item-head' }, h('span', {}, fmtTime(r.submittedAt)), h('span', { class: 'badge' }, STATUS[r.status] ?? r.status)),
        r.photos?.length ? h('span', { class: 'item-meta', 'data-photos': r.photos.filter((m) => m.present).length },
          `照片 ${r.photos.filter((m) => m.present).length}/${r.photos.length} 已上传`) : null,
        r.reason ? h('span', { class: 'item-text error' }, `退回原因：${r.reason}`) : null)))))
  }
  return el
}
