// 调度 in the event detail: the unit the dispatch rules recommend, with the rules' explanation, and
// the nearest on-duty members (distance, workload, how fresh their position is), each with a
// button that dispatches the event to them (the member and their unit) through the ordinary
// transition call; the candidates are drawn on the map with lines from the event. A refusal is
// shown here, under the buttons, in the server's words.
import './dispatch.css'
import type { Session } from '../../client/api.ts'
import { actionTitle, fireTransition, type EventItem, type TransitionBody } from '../../client/eventsApi.ts'
import {
  ageText, BASIS_TITLES, DEFAULT_RADIUS, DISPATCH_ROLES, distanceText, LEVEL_TITLES, RADII, readDispatchOptions, RESULT_TITLES, STATUS_TITLES,
  type DispatchCandidate, type DispatchOptions,
} from '../../client/dispatchApi.ts'
import { clearDispatch, drawDispatch, fitDispatch } from '../../map/dispatchLayer.ts'
import { el } from '../../ui/dom.ts'
import { orderButton } from '../orders/sendButton.ts'

export interface DispatchHooks {
  /** A dispatch succeeded (text: the confirmation to show): the detail, list and map should refresh. */
  dispatched(text: string): void
}

/** The actions that send the event to a unit, in the order they are offered. */
const DISPATCHING = ['dispatch', 'reassign', 'redispatch']

/** The mount that owns the map drawing now (a newer mount, or its section leaving the page, ends it). */
let owner: object | null = null
let radius = DEFAULT_RADIUS
/** Positions move: the candidates are asked for again this often while the section is shown. */
const REFRESH_MS = 30_000

/**
 * Builds the 调度 section in `container` for an event the user may dispatch now; otherwise the
 * container stays hidden. Called again for every render of the detail (the old section is gone).
 */
export function mountDispatch(container: HTMLElement, session: Session, event: EventItem, hooks: DispatchHooks): void {
  const action = DISPATCHING.find((a) => event.allowed?.includes(a))
  if (!action || !DISPATCH_ROLES.includes(session.user?.role ?? '')) {
    container.hidden = true
    return
  }
  const token = {}
  owner = token
  container.hidden = false
  container.classList.add('dispatch')
  container.dataset.state = 'loading'
  const body = el('div', { className: 'dispatch-body' }, el('p', { className: 'hint' }, '正在查找附近在岗人员…'))
  const error = el('p', { className: 'error', role: 'alert' })
  const select = el('select', { name: 'radius', title: '搜索范围' },
    ...RADII.map((r) => el('option', { value: String(r), selected: r === radius }, `${r / 1000} 公里内`)))
  const fit = el('button', { type: 'button', className: 'dispatch-fit', title: '地图缩放到事件和附近人员' }, '地图查看')
  fit.addEventListener('click', fitDispatch)
  container.replaceChildren(el('header', {}, el('h4', {}, '调度'), fit, select), body, error)

  const ctx: Ctx = { container, session, event, hooks, action, body, error, token, seq: 0 }
  select.addEventListener('change', () => {
    radius = Number(select.value)
    void load(ctx)
  })
  // not while a dispatch is on its way or its refusal is being read
  const timer = setInterval(() => { if (container.dataset.state === 'ready') void load(ctx) }, REFRESH_MS)
  watchDetach(container, token, () => clearInterval(timer))
  void load(ctx)
}

interface Ctx {
  container: HTMLElement; session: Session; event: EventItem; hooks: DispatchHooks; action: string
  body: HTMLElement; error: HTMLElement; token: object
  /** the latest load: an older answer arriving late is dropped */
  seq: number
}

/** Clears the map once the section has left the page (the detail re-rendered or closed). */
function watchDetach(container: HTMLElement, token: object, stop: () => void): void {
  const observer = new MutationObserver(() => {
    if (container.isConnected) return
    observer.disconnect()
    stop()
    if (owner === token) {
      owner = null
      clearDispatch()
    }
  })
  observer.observe(document.body, { childList: true, subtree: true })
}

async function load(ctx: Ctx): Promise<void> {
  const seq = ++ctx.seq
  ctx.container.dataset.state = 'loading'
  ctx.error.textContent = ''
  let options: DispatchOptions
  try {
    options = await readDispatchOptions(ctx.session, ctx.event.number, radius)
  } catch (err) {
    if (owner !== ctx.token || seq !== ctx.seq) return
    ctx.body.replaceChildren()
    ctx.error.textContent = (err as Error).message
    ctx.container.dataset.state = 'error'
    return
  }
  if (owner !== ctx.token || seq !== ctx.seq) return // another event, a newer render or a newer load took over meanwhile
  ctx.body.replaceChildren(recommendation(ctx, options), candidates(ctx, options))
  const drawn = drawDispatch(options.location.coordinates, options.candidates.map((c) => ({
    memberId: c.member.id, name: c.member.name, lonLat: c.location.coordinates, status: c.status,
    distanceText: distanceText(c.distanceM), recommended: c.recommended,
  })))
  ctx.container.dataset.drawn = String(drawn)
  ctx.container.dataset.state = 'ready'
}

function recommendation(ctx: Ctx, o: DispatchOptions): HTMLElement {
  const r = o.recommended
  if (!r) return el('div', { className: 'dispatch-recommend' }, el('p', { className: 'hint' }, '派遣规则未能确定单位，请从下方人员中选择'))
  const who = [r.unit.name, r.member?.name].filter(Boolean).join(' · ')
  const why = r.rule
    ? `依据：${BASIS_TITLES[r.basis] ?? r.basis}，规则「${r.rule.name}」（优先级 ${r.rule.priority}），${LEVEL_TITLES[r.level] ?? r.level}级办理`
    : `依据：${BASIS_TITLES[r.basis] ?? r.basis}，${LEVEL_TITLES[r.level] ?? r.level}级办理`
  const rules = el('details', {}, el('summary', {}, `派遣规则比对（${o.rules.length} 条）`),
    el('ol', { className: 'dispatch-rules' }, ...o.rules.map((v) => {
      const li = el('li', {}, el('span', { className: 'rule-name' }, v.name), el('span', { className: `rule-result ${v.result}` }, RESULT_TITLES[v.result] ?? v.result))
      li.dataset.result = v.result
      return li
    })))
  const send = button(ctx, `按推荐${actionTitle(ctx.action)}`, { action: ctx.action }, `已按推荐${actionTitle(ctx.action)}：${who}`)
  send.dataset.dispatch = 'recommended'
  const box = el('div', { className: 'dispatch-recommend' },
    el('p', { className: 'dispatch-who' }, el('span', { className: 'label' }, '推荐'), el('strong', {}, who), send),
    el('p', { className: 'dispatch-why' }, why), rules)
  box.dataset.unit = r.unit.code
  return box
}

function candidates(ctx: Ctx, o: DispatchOptions): HTMLElement {
  const title = el('h5', {}, `附近在岗人员（${o.radiusM / 1000} 公里内，由近及远）`)
  if (!o.candidates.length) return el('div', {}, title, el('p', { className: 'hint empty' }, '范围内没有在线的网格人员'))
  return el('div', {}, title, el('ol', { className: 'dispatch-candidates' }, ...o.candidates.map((c) => candidate(ctx, c))))
}

function candidate(ctx: Ctx, c: DispatchCandidate): HTMLLIElement {
  const send = button(ctx, actionTitle(ctx.action),
    { action: ctx.action, departmentCode: c.unit.code, memberId: c.member.id }, `已${actionTitle(ctx.action)}：${c.unit.name} · ${c.member.name}`)
  send.dataset.dispatch = String(c.member.id)
  if (c.assigned) {
    send.disabled = true
    send.title = '当前处置人'
  }
  const tags = [c.recommended ? el('span', { className: 'tag recommended' }, '推荐') : '', c.assigned ? el('span', { className: 'tag assigned' }, '当前处置') : '']
  const li = el('li', { className: c.status },
    el('div', { className: 'who' }, el('strong', {}, c.member.name), ...tags, el('span', { className: `status ${c.status}` }, STATUS_TITLES[c.status] ?? c.status)),
    el('div', { className: 'facts' },
      el('span', { className: 'distance' }, distanceText(c.distanceM)),
      el('span', { className: 'workload' }, `在办 ${c.workload} 件`),
      el('span', { className: 'age', title: c.device.name }, `定位 ${ageText(c.fixAgeS)}`)),
    el('div', { className: 'unit' }, c.unit.name, send,
      // 派遣前往: send the member's device to the event and follow it on the map (panels/orders/)
      orderButton(ctx.session, { deviceId: c.device.identifier, lonLat: ctx.event.location.coordinates, eventNumber: ctx.event.number }, (m) => { ctx.error.textContent = m })))
  li.dataset.memberId = String(c.member.id)
  li.dataset.distance = String(c.distanceM)
  return li
}

/** A button that fires the transition with the version shown (a stale view is refused, not overwritten). */
function button(ctx: Ctx, text: string, body: TransitionBody, done: string): HTMLButtonElement {
  const b = el('button', { type: 'button', className: 'dispatch-send' }, text)
  b.addEventListener('click', () => void send(ctx, b, { ...body, expectedVersion: ctx.event.version }, done))
  return b
}

async function send(ctx: Ctx, b: HTMLButtonElement, body: TransitionBody, done: string): Promise<void> {
  for (const x of ctx.container.querySelectorAll('button')) x.disabled = true
  ctx.error.textContent = ''
  try {
    await fireTransition(ctx.session, ctx.event.number, body)
  } catch (err) {
    ctx.error.textContent = (err as Error).message
    ctx.container.dataset.state = 'refused'
    for (const x of ctx.container.querySelectorAll('button')) x.disabled = false
    b.focus()
    return
  }
  ctx.hooks.dispatched(done)
}
