// 我的: who is signed in, duty sign-in/out (考勤), patrol, the outbox (pending items and
// conflicts, each to retry or discard), sign out. Attendance is online only: the server judges
// it by its own clock (server/patrol/attendance.ts), so a sign-in sent later would be late.
import { call, saveSession, session } from '../api.ts'
import { discard, listOutbox, retry, flush, type OutboxItem } from '../outbox.ts'
import { patrolling, sendTrack, startPatrol, stopPatrol, unsentFixes } from '../patrol.ts'
import { navigate } from '../nav.ts'
import { cache, fmtTime, h, locate, message } from '../ui.ts'
import { PROACTIVE_CACHE } from './proactive.ts'

const PLACE: Record<string, string> = { in_grid: '在责任网格内', outside_grid: '不在责任网格内', no_grid: '未分配网格' }

function duty(): HTMLElement {
  const status = h('div', { class: 'status' })
  const act = (action: 'sign_in' | 'sign_out') => async () => {
    if (!navigator.onLine) return status.replaceChildren(message('考勤以服务器时间为准，须联网后签到/签退', 'error'))
    status.replaceChildren(message('正在定位…'))
    const fix = await locate()
    if (!fix) return status.replaceChildren(message('无法定位：请允许定位后重试', 'error'))
    try {
      const r = await call<{ placeStatus: string; at: string; lateMinutes: number | null; earlyMinutes: number | null }>('/attendance',
        { json: { action, location: { x: fix.coords.longitude, y: fix.coords.latitude, crs: 'EPSG:4326' }, accuracy: fix.coords.accuracy } })
      status.replaceChildren(message(`${action === 'sign_in' ? '签到' : '签退'}成功 ${fmtTime(r.at)} · ${PLACE[r.placeStatus] ?? r.placeStatus}` +
        `${r.lateMinutes ? ` · 迟到 ${Math.round(r.lateMinutes)} 分钟` : ''}${r.earlyMinutes ? ` · 早退 ${Math.round(r.earlyMinutes)} 分钟` : ''}`, 'ok'))
    } catch (e) {
      status.replaceChildren(message((e as Error).message, 'error'))
    }
  }
  return h('div', { class: 'card' }, h('h2', {}, '考勤'),
    h('div', { class: 'row' }, h('button', { type: 'button', class: 'primary', onclick: act('sign_in') }, '签到'),
      h('button', { type: 'button', onclick: act('sign_out') }, '签退')), status)
}

function patrol(): HTMLElement {
  const info = h('p', { class: 'hint' })
  const btn = h('button', { type: 'button' })
  const show = () => {
    btn.textContent = patrolling() ? '结束巡查' : '开始巡查'
    info.textContent = `未上传轨迹点 ${unsentFixes()} 个`
  }
  btn.addEventListener('click', async () => {
    if (patrolling()) await stopPatrol()
    else startPatrol(show)
    show()
  })
  show()
  return h('div', { class: 'card' }, h('h2', {}, '巡查轨迹'), btn, info)
}

const KIND_TITLE = (i: OutboxItem) => (i.kind === 'report' ? `上报：${String(i.body.description ?? '').slice(0, 30)}`
  : i.kind === 'return' ? `采集：${i.title}` : i.kind === 'proactive' ? `主动服务 · ${i.action === 'done' ? '办结' : '无需办理'}：${i.title}`
    : `${i.number} · ${String(i.body.action)}`)

async function outbox(): Promise<HTMLElement> {
  const items = await listOutbox()
  const box = h('div', { class: 'card outbox' }, h('h2', {}, `待发送（${items.length}）`))
  if (!items.length) box.append(message('没有待发送的操作'))
  const list = h('ul', { class: 'list' })
  for (const i of items) {
    list.append(h('li', { class: `item ${i.state}`, 'data-state': i.state },
      h('span', { class: 'item-head' }, h('b', {}, KIND_TITLE(i)), h('span', { class: 'badge' }, i.state === 'conflict' ? '冲突' : '待发送')),
      h('span', { class: 'item-meta' }, `${fmtTime(i.createdAt)}${i.photos.length ? ` · 照片 ${i.photos.length}` : ''}`),
      i.error ? h('span', { class: 'item-text error' }, i.error) : null,
      i.state === 'conflict' ? h('span', { class: 'row' },
        i.kind === 'step' ? h('a', { href: `/m/event/${i.number}`, 'data-link': true }, '查看事件') : null,
        i.kind === 'proactive' ? h('a', { href: '/m/proactive', 'data-link': true }, '查看任务') : null,
        h('button', { type: 'button', onclick: async () => { await retry(i); navigate('/m/me', true) } }, '重试'),
        h('button', { type: 'button', onclick: async () => { await discard(i.id!); navigate('/m/me', true) } }, '放弃')) : null))
  }
  box.append(list)
  if (items.some((i) => i.state === 'pending')) {
    box.append(h('button', { type: 'button', onclick: async () => { await flush(); navigate('/m/me', true) } }, '立即发送'))
  }
  return box
}

export async function meView(): Promise<HTMLElement> {
  const s = session()!
  void sendTrack()
  const el = h('section', { class: 'me' },
    h('div', { class: 'card' }, h('p', {}, h('b', {}, s.user.displayName), ` · ${s.user.roleTitle ?? s.user.role}`)),
    s.user.role === 'grid_inspector' ? duty() : null,
    s.user.role === 'grid_inspector' ? patrol() : null,
    await outbox(),
    h('button', { type: 'button', class: 'danger', onclick: async () => {
      await call('/auth/logout', { method: 'POST' }).catch(() => undefined)
      saveSession(null)
      cache.set(PROACTIVE_CACHE, null) // names and phones of residents: not left on a phone signed out
      navigate('/m/login', true)
    } }, '退出登录'))
  el.dataset.title = '我的'
  return el
}
