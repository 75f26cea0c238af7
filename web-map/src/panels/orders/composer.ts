// The composer of 派遣力量到此: the point (and the grid under it) the operator picked on the map, the
// nearest on-duty resources from the live field force (online or idle, by their last fix, nearest
// first: distances on the sphere, rough, for choosing; the order itself is measured by the
// server), the arrival rule (a radius, or entering the grid), how long the order stands, a note.
import { getDistance } from 'ol/sphere'
import type { Session } from '../../client/api.ts'
import { metresText, sendOrder, type NewOrder, type Order } from '../../client/ordersApi.ts'
import type { Device, FieldForce } from '../../map/fieldForce.ts'
import { el } from '../../ui/dom.ts'
import type { ComposeSpec } from './hub.ts'

const NEAREST = 8
const RADII = [30, 50, 100, 200, 500]
const EXPIRIES: [number, string][] = [[30, '30 分钟'], [60, '1 小时'], [120, '2 小时'], [240, '4 小时']]
const KIND_TITLES: Record<string, string> = { phone: '手机', patrol_car: '巡查车', drone: '无人机', body_camera: '执法记录仪' }
const STATUS_TITLES: Record<string, string> = { online: '在线', idle: '静止' }

/** The on-duty devices nearest to a point: [device, metres on the sphere]. */
export function nearestOnDuty(field: FieldForce, lonLat: [number, number], n = NEAREST): [Device, number][] {
  const found: [Device, number][] = []
  for (const d of field.devices.values()) if (d.shown !== 'offline') found.push([d, getDistance(lonLat, [d.lon, d.lat])])
  return found.sort((a, b) => a[1] - b[1]).slice(0, n)
}

/** Builds the composer; `done` gets the order sent (or null when the operator closed it). */
export function composer(session: Session, field: FieldForce, spec: ComposeSpec, done: (o: Order | null) => void): HTMLElement {
  const [lon, lat] = spec.lonLat
  const error = el('p', { className: 'error', role: 'alert' })
  const rule = el('select', { name: 'rule', title: '到达判定' },
    ...RADII.map((r) => el('option', { value: `r${r}`, selected: r === 50 }, `距目标 ${r} 米内`)),
    ...(spec.grid ? [el('option', { value: 'grid' }, `进入网格 ${spec.grid.name ?? spec.grid.code}`)] : []))
  const expiry = el('select', { name: 'expires', title: '时限' }, ...EXPIRIES.map(([m, t]) => el('option', { value: String(m), selected: m === 60 }, t)))
  const note = el('input', { name: 'note', maxLength: 500, placeholder: '任务说明（可选）', autocomplete: 'off' })
  const close = el('button', { type: 'button', className: 'order-compose-close' }, '关闭')
  close.addEventListener('click', () => done(null))
  const candidates = nearestOnDuty(field, spec.lonLat)
  const list = el('ol', { className: 'order-candidates' }, ...candidates.map(([d, m]) => {
    const send = el('button', { type: 'button', className: 'order-pick' }, '派遣')
    send.dataset.device = d.identifier
    send.addEventListener('click', () => {
      const body: NewOrder = { deviceId: d.identifier, expiresInMinutes: Number(expiry.value), ...(note.value.trim() ? { note: note.value.trim() } : {}) }
      body.target = rule.value === 'grid' && spec.grid ? { type: 'grid', gridCode: spec.grid.code } : { type: 'point', coordinates: spec.lonLat, radiusM: Number(rule.value.slice(1)) }
      for (const b of list.querySelectorAll('button')) b.disabled = true
      error.textContent = ''
      sendOrder(session, body).then(done, (err: unknown) => {
        error.textContent = (err as Error).message
        for (const b of list.querySelectorAll('button')) b.disabled = false
      })
    })
    const li = el('li', { className: d.shown },
      el('span', { className: 'who' }, d.memberName ?? d.name),
      el('span', { className: 'kind' }, KIND_TITLES[d.kind] ?? d.kind),
      el('span', { className: `status ${d.shown}` }, STATUS_TITLES[d.shown] ?? d.shown),
      el('span', { className: 'distance' }, `约 ${metresText(m)}`), send)
    li.dataset.device = d.identifier
    li.dataset.distance = String(Math.round(m))
    return li
  }))
  const box = el('section', { className: 'order-compose' },
    el('header', {}, el('h3', {}, '派遣力量到此'), close),
    el('p', { className: 'order-where' }, `目标：经度 ${lon.toFixed(5)} 纬度 ${lat.toFixed(5)}${spec.grid ? `（网格 ${spec.grid.name ?? spec.grid.code}）` : ''}`),
    el('div', { className: 'order-options' }, rule, expiry), note,
    el('h4', {}, '附近在岗力量（由近及远）'),
    candidates.length ? list : el('p', { className: 'hint empty' }, '附近没有在线的巡查力量'),
    error)
  box.dataset.lon = String(lon)
  box.dataset.lat = String(lat)
  return box
}
