// The status bar: what an operator needs at a glance — whose area this screen shows, the time in
// Beijing and whether the live stream is connected. (The tile counters stay on the map element
// as data-tiles-loaded … for the tests; they are no reading for an operator.)
import type { Session } from '../client/api.ts'
import type { StreamBus, StreamState } from '../client/streamBus.ts'
import { el } from './dom.ts'
import { beijingClock } from './time.ts'

const STREAM_WORDS: Record<StreamState, string> = { open: '实时连接正常', connecting: '实时连接中…', closed: '实时连接已断开' }
/** Admin code prefix length → division level (server/db/jurisdiction.ts prefixes). */
const LEVEL_BY_PREFIX: Record<number, string> = { 4: 'city', 6: 'district', 9: 'street', 12: 'community' }

export class StatusBar {
  private readonly area = el('span', { className: 'status-area' }, '未登录')
  private readonly stream = el('span', { className: 'status-stream' })
  private readonly clock = el('time', { className: 'status-clock' })
  private readonly message = el('span', { className: 'status-notice', role: 'status' })
  private generation = 0

  constructor(root: HTMLElement, private readonly session: Session, bus: StreamBus) {
    this.stream.dataset.stream = 'closed'
    root.replaceChildren(this.area, this.stream, this.clock, this.message)
    bus.onState((s) => this.setStream(s))
    const tick = () => {
      const now = new Date()
      this.clock.textContent = `北京时间 ${beijingClock(now)}`
      this.clock.dateTime = now.toISOString()
    }
    tick()
    setInterval(tick, 1000)
  }

  /** After sign-in: the user's area by name (the jurisdiction's divisions), with the role. */
  async signedIn(): Promise<void> {
    const generation = ++this.generation
    const user = this.session.user
    const role = user?.roleTitle ?? ''
    this.area.textContent = role
    const names = await this.areaNames().catch(() => [] as string[])
    if (generation !== this.generation) return
    this.area.textContent = [names.length ? `辖区：${names.join('、')}` : '', role].filter(Boolean).join(' · ')
  }

  /** A passing message (a part of the screen failed to start): shown until the next sign-in or sign-out. */
  notice(text: string): void {
    this.message.textContent = text
  }

  signedOut(): void {
    this.generation++
    this.area.textContent = '未登录'
    this.message.textContent = ''
    this.setStream('closed')
  }

  private setStream(s: StreamState): void {
    this.stream.dataset.stream = s
    this.stream.textContent = this.session.signedIn || s !== 'closed' ? STREAM_WORDS[s] : ''
  }

  /** Names of the divisions the user's jurisdiction prefixes stand for, largest first. */
  private async areaNames(): Promise<string[]> {
    const prefixes = this.session.user?.jurisdiction ?? []
    const levels = [...new Set(prefixes.map((p) => LEVEL_BY_PREFIX[p.length]).filter((l): l is string => !!l))]
    const found: string[] = []
    for (const level of levels) {
      const res = await this.session.fetch(`/api/v1/admin-divisions?level=${level}`, { headers: { accept: 'application/json' } })
      if (!res.ok) continue
      const { items } = await res.json() as { items: { code: string; name: string }[] }
      found.push(...items.filter((d) => prefixes.some((p) => d.code === p.padEnd(12, '0'))).map((d) => d.name))
    }
    return found
  }
}
