// 上报: a new event with photos and the phone's position. Always through the outbox, online or
// not: one path, so a report made offline is sent exactly like one made online (its own
// Idempotency-Key; the photos after the event). The position is the Geolocation API's WGS-84
// sent as EPSG:4326 (the server stores CGCS2000, within centimetres of it); the app draws no
// GCJ-02 base map, so no coordinate is shifted here.
import { call, session } from '../api.ts'
import { enqueue, flush, listOutbox, type Photo } from '../outbox.ts'
import { cache, clearPickers, h, locate, message, photoPicker } from '../ui.ts'

interface Versioned { key: string; value: { name?: string } }

async function options(kind: 'classes' | 'demand-types'): Promise<Versioned[]> {
  try {
    const r = await call<{ items: Versioned[] }>(`/config/${kind}`)
    cache.set(kind, r.items)
    return r.items
  } catch {
    return cache.get<Versioned[]>(kind) ?? []
  }
}

/** The report's channel by role: an inspector's app, else the staff desk's "superior" channel. */
const channelOf = (role: string) => (role === 'grid_inspector' ? 'inspector_app' : 'superior')

export async function reportView(): Promise<HTMLElement> {
  const [classes, demandTypes] = await Promise.all([options('classes'), options('demand-types')])
  const status = h('div', { class: 'status' })
  const where = h('span', { class: 'where' }, '正在定位…')
  let fix: GeolocationPosition | null = null
  const place = () => void locate().then((p) => {
    fix = p
    where.textContent = p ? `已定位（精度约 ${Math.round(p.coords.accuracy)} 米）` : '无法定位：请允许定位，或填写地址'
  })
  place()
  const form = h('form', { class: 'card form', 'aria-label': '事件上报', novalidate: true },
    h('label', {}, '事件分类', h('select', { name: 'classCode', required: true },
      h('option', { value: '' }, classes.length ? '请选择' : '（离线且无缓存：联网后再选）'),
      ...classes.map((c) => h('option', { value: c.key }, `${c.key} ${c.value.name ?? ''}`)))),
    h('label', {}, '诉求类型', h('select', { name: 'demandType' }, ...demandTypes.map((d) => h('option', { value: d.key }, d.value.name ?? d.key)))),
    h('label', {}, '问题描述', h('textarea', { name: 'description', rows: 4, maxlength: 4000, required: true })),
    h('label', {}, '地址（可选）', h('input', { name: 'address', maxlength: 300 })),
    h('label', {}, '现场照片', photoPicker('photos')),
    h('p', { class: 'hint' }, where, ' ', h('button', { type: 'button', class: 'link', onclick: place }, '重新定位')),
    h('button', { type: 'submit', class: 'primary' }, '提交'),
    status)
  form.addEventListener('submit', async (e) => {
    e.preventDefault()
    const d = new FormData(form)
    const description = String(d.get('description') ?? '').trim()
    const classCode = String(d.get('classCode') ?? '')
    const address = String(d.get('address') ?? '').trim()
    const problems = [!classCode && '请选择事件分类', description.length < 5 && '问题描述至少 5 个字', !fix && !address && '未定位时请填写地址'].filter(Boolean) as string[]
    if (problems.length) return status.replaceChildren(message(problems.join('；'), 'error'))
    const files = (form.elements.namedItem('photos') as HTMLInputElement).files
    const photos: Photo[] = [...(files ?? [])].map((f) => ({ blob: f, name: f.name, stage: 'intake' }))
    const body: Record<string, unknown> = { channel: channelOf(session()!.user.role), demandType: String(d.get('demandType') ?? '投诉举报'), classCode, description }
    if (fix) body.location = { x: fix.coords.longitude, y: fix.coords.latitude, crs: 'EPSG:4326' }
    if (address) body.address = address
    await enqueue({ kind: 'report', body, photos })
    form.reset()
    clearPickers(form)
    if (navigator.onLine) await flush()
    const left = (await listOutbox()).find((i) => i.kind === 'report' && i.body.description === description)
    status.replaceChildren(!left ? message('已上报', 'ok')
      : left.state === 'conflict' ? message(`上报被拒绝：${left.error ?? ''}（见“我的 · 待发送”）`, 'error')
        : message('当前离线，已保存，联网后自动发送', 'info'))
  })
  const el = h('section', {}, form)
  el.dataset.title = '事件上报'
  return el
}
