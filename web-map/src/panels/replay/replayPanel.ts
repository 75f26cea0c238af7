// 复盘 panel: one event's life played on the map. Load an event by number (or #replay=E… in the
// address), then play, pause, change the speed or drag the time slider: the handling members move
// along their tracks, the history rows and fence alerts light up as their moment passes, and the
// SLA clock shows the time left (or overdue) at that instant, all in Beijing time.
import './replay.css'
import type OlMap from 'ol/Map'
import Feature from 'ol/Feature'
import LineString from 'ol/geom/LineString'
import Point from 'ol/geom/Point'
import VectorLayer from 'ol/layer/Vector'
import VectorSource from 'ol/source/Vector'
import { fromLonLat } from 'ol/proj'
import { Circle, Fill, Stroke, Style, Text } from 'ol/style'
import type { Session } from '../../client/api.ts'
import { actionTitle } from '../../client/eventsApi.ts'
import { el } from '../../ui/dom.ts'
import { beijingTime } from '../../ui/time.ts'
import { clockAt, positionAt, spanText, type ReplayAnswer } from './replayData.ts'

const SPEEDS = [1, 10, 60, 600, 3600]
const KIND_TITLES: Record<string, string> = { enter: '进入围栏', exit: '离开围栏', dwell: '滞留', absent: '离岗' }
const NUMBER = /^E\d{12,16}$/

export class ReplayPanel {
  readonly element: HTMLElement
  private readonly source = new VectorSource()
  readonly layer = new VectorLayer({ source: this.source, zIndex: 60, visible: false })
  private readonly input = el('input', { placeholder: '事件编号，如 E202612030001', maxLength: 20, className: 'replay-number' })
  private readonly message = el('p', { className: 'replay-message', role: 'status' })
  private readonly body = el('div', { className: 'replay-body', hidden: true })
  private readonly slider = el('input', { type: 'range', min: '0', max: '1000', value: '0', className: 'replay-slider' })
  private readonly playButton = el('button', { type: 'button', textContent: '播放' })
  private readonly speed = el('select', { className: 'replay-speed' })
  private readonly now = el('output', { className: 'replay-now' })
  private readonly clock = el('output', { className: 'replay-clock' })
  private readonly list = el('ol', { className: 'replay-timeline' })
  private data: ReplayAnswer | null = null
  private range: [number, number] = [0, 1]
  private t = 0
  private playing = false
  private lastFrame = 0
  private readonly movers = new Map<number, Feature<Point>>()

  constructor(private readonly session: Session, private readonly map: OlMap) {
    for (const s of SPEEDS) this.speed.append(el('option', { value: String(s), textContent: `${s}×` }))
    this.speed.value = '60'
    const form = el('form', { className: 'replay-load' }, this.input, el('button', { type: 'submit', textContent: '复盘' }))
    form.addEventListener('submit', (e) => { e.preventDefault(); void this.load(this.input.value.trim()) })
    this.playButton.addEventListener('click', () => this.toggle())
    this.slider.addEventListener('input', () => this.seek(this.range[0] + (Number(this.slider.value) / 1000) * (this.range[1] - this.range[0])))
    this.body.append(el('div', { className: 'replay-controls' }, this.playButton, this.speed, this.now), this.slider, this.clock, this.list)
    this.element = el('section', { className: 'replay' }, form, this.message, this.body)
    this.element.setAttribute('aria-label', '复盘')
    map.addLayer(this.layer)
  }

  /** Loads one event's replay; a refused or unknown number says so where the operator typed it. */
  async load(number: string): Promise<void> {
    this.pause()
    if (!NUMBER.test(number)) {
      this.message.textContent = '请输入事件编号（E 开头，12-16 位数字）'
      return
    }
    this.input.value = number
    this.message.textContent = '加载中…'
    const res = await this.session.fetch(`/api/v1/events/${number}/replay`)
    if (!res.ok) {
      const problem = await res.json().catch(() => ({})) as { detail?: string }
      this.message.textContent = res.status === 404 ? `辖区内没有事件 ${number}` : `无法复盘：${problem.detail ?? res.status}`
      this.body.hidden = true
      return
    }
    this.data = await res.json() as ReplayAnswer
    this.message.textContent = `${this.data.event.className} · ${this.data.members.length} 名处置人员`
    this.range = [Date.parse(this.data.from), Math.max(Date.parse(this.data.to), Date.parse(this.data.from) + 1000)]
    this.draw()
    this.renderList()
    this.body.hidden = false
    this.layer.setVisible(true)
    this.element.dataset.loaded = number
    this.seek(this.range[0])
    const view = this.map.getView()
    view.animate({ center: fromLonLat([this.data.event.lon, this.data.event.lat]), zoom: Math.max(view.getZoom() ?? 0, 15), duration: 300 })
  }

  /** The static features: the event, each member's track; movers are placed by seek(). */
  private draw(): void {
    const d = this.data!
    this.source.clear()
    this.movers.clear()
    const eventPoint = new Feature(new Point(fromLonLat([d.event.lon, d.event.lat])))
    eventPoint.setStyle(new Style({ image: new Circle({ radius: 9, fill: new Fill({ color: '#ff6b6b' }), stroke: new Stroke({ color: '#fff', width: 2 }) }) }))
    this.source.addFeature(eventPoint)
    for (const m of d.members) {
      for (const piece of m.track) {
        const line = new Feature(new LineString(piece.coordinates.map((c) => fromLonLat(c))))
        line.setStyle(new Style({ stroke: new Stroke({ color: m.member.assigned ? '#3fb6ff' : '#b794f6', width: 3 }) }))
        this.source.addFeature(line)
      }
      const mover = new Feature(new Point(fromLonLat([d.event.lon, d.event.lat])))
      mover.setStyle(new Style({
        image: new Circle({ radius: 7, fill: new Fill({ color: '#58d68d' }), stroke: new Stroke({ color: '#07111f', width: 2 }) }),
        text: new Text({ text: m.member.name, offsetY: -16, fill: new Fill({ color: '#e9f4ff' }), stroke: new Stroke({ color: '#07111f', width: 3 }) }),
      }))
      this.movers.set(m.member.id, mover)
    }
  }

  private renderList(): void {
    const d = this.data!
    this.list.replaceChildren(...d.timeline.map((x) => {
      let text: string
      if (x.type === 'history') {
        const h = d.history[x.index]!
        text = `${actionTitle(h.action)} · ${h.actor.name}`
      } else if (x.type === 'fenceAlert') {
        const m = d.members.find((mm) => mm.member.id === x.member)!
        const a = m.fenceAlerts[x.index]!
        text = `${m.member.name} ${KIND_TITLES[a.kind] ?? a.kind}「${a.fenceName}」`
      } else {
        text = x.deadline === 'sign' ? '签收时限' : '处置时限'
      }
      const li = el('li', { className: `replay-item ${x.type}` }, el('time', { textContent: beijingTime(x.at) }), el('span', { textContent: text }))
      li.dataset.at = String(Date.parse(x.at))
      li.addEventListener('click', () => this.seek(Date.parse(x.at)))
      return li
    }))
  }

  /** Moves everything to instant t. */
  seek(t: number): void {
    if (!this.data) return
    this.t = Math.min(Math.max(t, this.range[0]), this.range[1])
    this.slider.value = String(Math.round(((this.t - this.range[0]) / (this.range[1] - this.range[0])) * 1000))
    this.now.textContent = beijingTime(this.t)
    this.element.dataset.time = String(this.t)
    for (const m of this.data.members) {
      const mover = this.movers.get(m.member.id)!
      const at = positionAt(m.track, this.t)
      if (at && !this.source.hasFeature(mover)) this.source.addFeature(mover)
      if (!at && this.source.hasFeature(mover)) this.source.removeFeature(mover)
      if (at) mover.getGeometry()!.setCoordinates(fromLonLat(at))
    }
    const c = clockAt(this.data.clock, this.t)
    this.clock.dataset.phase = c.phase
    this.clock.dataset.overdue = String((c.leftMs ?? 0) < 0)
    this.clock.textContent = c.phase === 'not_started' ? '时限未开始（尚未派遣）'
      : `${c.deadline === 'sign' ? '签收' : '处置'}${c.phase === 'stopped' ? '（已结案）' : ''}：${c.leftMs === null ? '无时限' : spanText(c.leftMs).startsWith('超时') ? spanText(c.leftMs) : `剩余 ${spanText(c.leftMs)}`}`
    for (const li of this.list.children) (li as HTMLElement).classList.toggle('past', Number((li as HTMLElement).dataset.at) <= this.t)
  }

  toggle(): void {
    if (this.playing) this.pause()
    else this.play()
  }

  play(): void {
    if (!this.data) return
    if (this.t >= this.range[1]) this.seek(this.range[0])
    this.playing = true
    this.playButton.textContent = '暂停'
    this.lastFrame = performance.now()
    const frame = (now: number) => {
      if (!this.playing) return
      this.seek(this.t + (now - this.lastFrame) * Number(this.speed.value))
      this.lastFrame = now
      if (this.t >= this.range[1]) this.pause()
      else requestAnimationFrame(frame)
    }
    requestAnimationFrame(frame)
  }

  pause(): void {
    this.playing = false
    this.playButton.textContent = '播放'
  }

  /** Signed out: nothing of the last user's replay stays on the screen. */
  clear(): void {
    this.pause()
    this.data = null
    this.source.clear()
    this.layer.setVisible(false)
    this.body.hidden = true
    this.message.textContent = ''
    this.input.value = ''
    delete this.element.dataset.loaded
  }
}
