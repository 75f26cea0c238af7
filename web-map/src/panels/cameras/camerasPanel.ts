// 视频: live view and video patrol (视频巡查). 我的巡查 lists the user's rounds; opening one plays
// its next camera, and the member marks it 正常 or 发现问题 (small class and description): the
// finding goes to the server with the frame on screen as its snapshot and comes back as an event
// number; the round then moves to the next camera. 监控 lists the area's cameras, each playable.
// The server decides who may do what (a round is checked only by its member, in order) and its
// Chinese refusal is shown where the operator acted.
import './cameras.css'
import type { Session } from '../../client/api.ts'
import {
  checkStop, fetchCameras, fetchMyPatrols, fetchPatrol, SHIFT_TITLES, startPlay, STOP_STATES, type Camera, type Check, type PatrolDetail,
} from '../../client/camerasApi.ts'
import { el } from '../../ui/dom.ts'
import { LivePlayer } from './player.ts'

export interface CamerasHooks { openEvent(number: string): void }

export class CamerasPanel {
  readonly element: HTMLElement
  private readonly player = new LivePlayer()
  private readonly message = el('p', { className: 'cameras-message', role: 'status' })
  private readonly patrols = el('ul', { className: 'patrol-list' })
  private readonly round = el('div', { className: 'patrol-round' })
  private readonly cameras = el('ul', { className: 'camera-list' })
  private generation = 0

  constructor(private readonly session: Session, private readonly hooks: CamerasHooks) {
    this.element = el('section', { className: 'cameras-panel' },
      el('h2', {}, '视频'), this.player.element, this.message,
      el('h3', {}, '我的视频巡查'), this.patrols, this.round,
      el('h3', {}, '监控'), this.cameras)
  }

  shown(): void { void this.load() }

  clear(): void {
    this.generation++
    this.player.stop()
    for (const e of [this.patrols, this.round, this.cameras]) e.replaceChildren()
    this.message.textContent = ''
    delete this.round.dataset.patrol
    delete this.element.dataset.state
  }

  private async load(): Promise<void> {
    const generation = ++this.generation
    this.element.dataset.state = 'loading'
    try {
      const [mine, cams] = await Promise.all([fetchMyPatrols(this.session), fetchCameras(this.session)])
      if (generation !== this.generation) return
      this.patrols.replaceChildren(...mine.items.map((p) => {
        const li = el('li', { className: `patrol ${p.status}` },
          el('span', { className: 'patrol-name' }, p.name),
          el('span', {}, `${p.shiftDate} ${SHIFT_TITLES[p.shift]}`),
          el('span', { className: 'patrol-progress' }, `${p.checked}/${p.stops}${p.findings ? ` · 发现 ${p.findings}` : ''}`))
        li.dataset.patrol = String(p.id)
        li.addEventListener('click', () => void this.openRound(p.id))
        return li
      }))
      if (!mine.items.length) this.patrols.append(el('li', { className: 'empty' }, '没有分派给您的视频巡查'))
      this.cameras.replaceChildren(...cams.items.map((c) => this.cameraRow(c)))
      this.element.dataset.state = 'ready'
    } catch (err) {
      if (generation !== this.generation) return
      this.message.textContent = (err as Error).message
      this.element.dataset.state = 'error'
    }
  }

  private cameraRow(c: Camera): HTMLElement {
    const play = el('button', { type: 'button', textContent: '播放' })
    play.addEventListener('click', () => void this.play(c.id, c.name))
    const li = el('li', { className: 'camera' }, el('span', { className: 'camera-name' }, c.name), el('span', {}, c.owner), play)
    li.dataset.camera = String(c.id)
    return li
  }

  private async play(id: number, name: string): Promise<void> {
    this.message.textContent = ''
    try {
      const p = await startPlay(this.session, id)
      if (!p.live) throw new Error(`监控 ${name} 没有 HLS 直播流`)
      this.player.element.dataset.camera = String(id)
      await this.player.play(p.live, name)
    } catch (err) {
      this.message.textContent = (err as Error).message
    }
  }

  private async openRound(id: number): Promise<void> {
    try {
      this.render(await fetchPatrol(this.session, id))
    } catch (err) {
      this.message.textContent = (err as Error).message
    }
  }

  /** The round's cameras in order; the next one plays, with 正常 and 发现问题. */
  private render(r: PatrolDetail): void {
    this.round.dataset.patrol = String(r.id)
    const next = r.items.find((s) => s.state === 'pending')
    const rows = r.items.map((s) => {
      const event = s.eventNumber ? el('a', { href: `#event=${s.eventNumber}`, textContent: s.eventNumber }) : ''
      if (event) event.addEventListener('click', (e) => { e.preventDefault(); this.hooks.openEvent(s.eventNumber!) })
      const li = el('li', { className: `stop ${s.state}${s === next ? ' current' : ''}` },
        el('span', {}, `${s.seq}. ${s.camera.name}`), el('span', { className: 'stop-state' }, STOP_STATES[s.state]), event)
      li.dataset.seq = String(s.seq)
      return li
    })
    const head = el('p', { className: 'round-head' }, `${r.name}（${r.checked}/${r.stops}）`)
    if (!next) {
      this.round.replaceChildren(head, el('ol', { className: 'stops' }, ...rows), el('p', { className: 'round-done' }, '本轮巡查已完成'))
      return
    }
    const classCode = el('input', { name: 'classCode', placeholder: '小类代码（4 位）', maxLength: 4, inputMode: 'numeric' })
    const description = el('textarea', { name: 'description', placeholder: '问题描述', rows: 2, maxLength: 4000 })
    const result = el('p', { className: 'check-result', role: 'status' })
    const ok = el('button', { type: 'button', className: 'check-normal', textContent: '正常' })
    const report = el('button', { type: 'button', className: 'check-finding', textContent: '发现问题并上报' })
    const submit = async (check: Check) => {
      ok.disabled = report.disabled = true
      try {
        const done = await checkStop(this.session, r.id, next.seq, check)
        await this.openRound(r.id)
        if (done.eventNumber) this.message.textContent = `已上报事件 ${done.eventNumber}（附截图）`
      } catch (err) {
        result.textContent = (err as Error).message
        ok.disabled = report.disabled = false
      }
    }
    ok.addEventListener('click', () => void submit({ result: 'normal' }))
    report.addEventListener('click', () => {
      const snapshot = this.player.snapshot()
      if (!snapshot) { result.textContent = '画面尚未出现，无法截图'; return }
      void submit({ result: 'finding', finding: { classCode: classCode.value.trim(), description: description.value.trim() }, snapshot })
    })
    const form = el('div', { className: 'check-form' }, el('p', {}, `第 ${next.seq} 路：${next.camera.name}`), classCode, description, el('div', {}, ok, report), result)
    this.round.replaceChildren(head, el('ol', { className: 'stops' }, ...rows), form)
    void this.play(next.camera.id, next.camera.name)
  }
}
