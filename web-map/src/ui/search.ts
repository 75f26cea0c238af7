// The header's search box (搜索): typing shows the server's grouped hits (events, grids, admin
// divisions, standard addresses, persons, a typed coordinate); ↑ ↓ move, Enter chooses (the first
// hit when none is marked), Esc closes the list and a second Esc clears the text. Choosing locates
// the hit on the map (a point: zoom 17; an extent: fitted) and opens it where it belongs: an event
// in the events panel, a member's device in the field panel, a grid or division highlighted.
// The map element carries data-search-located / data-search-center once the view has settled.
import type OlMap from 'ol/Map'
import { fromLonLat, toLonLat, transformExtent } from 'ol/proj'
import type { Session } from '../client/api.ts'
import { searchAll, MAX_QUERY_CHARS, MIN_QUERY_CHARS, type SearchAnswer, type SearchHit } from '../client/searchApi.ts'
import { el } from './dom.ts'
import './search.css'

/** What the page does with a chosen hit besides moving the map (main.ts wires these). */
export interface SearchHooks {
  openEvent(number: string): void
  openDevice(identifier: string): void
  /** Highlights a feature of a tile layer (its code), as a click on the map would. */
  highlight(layer: string, key: string): void
}

const DEBOUNCE_MS = 250
const POINT_ZOOM = 17

export class SearchBox {
  readonly element: HTMLDivElement
  private readonly input: HTMLInputElement
  private readonly list: HTMLUListElement
  private hits: SearchHit[] = []
  private active = -1
  private timer: ReturnType<typeof setTimeout> | undefined
  /** The answer to the latest text (older answers arriving late are dropped). */
  private pending: Promise<SearchAnswer | null> | null = null
  private seq = 0

  constructor(private readonly map: OlMap, private readonly session: Session, private readonly hooks: SearchHooks) {
    this.input = el('input', {
      type: 'text', placeholder: '搜索 事件编号、网格、地址、人员、坐标', maxLength: MAX_QUERY_CHARS,
      autocomplete: 'off', spellcheck: false, ariaLabel: '搜索',
    })
    this.input.setAttribute('role', 'combobox')
    this.input.setAttribute('aria-expanded', 'false')
    this.input.setAttribute('aria-controls', 'search-list')
    this.list = el('ul', { id: 'search-list', className: 'search-list', hidden: true })
    this.list.setAttribute('role', 'listbox')
    this.element = el('div', { className: 'search', id: 'search' }, this.input, this.list)
    this.input.addEventListener('input', () => this.schedule())
    this.input.addEventListener('keydown', (e) => this.key(e))
    this.input.addEventListener('focus', () => { if (this.hits.length) this.open(true) })
    // a click elsewhere closes the list (a click on an option chooses first: mousedown below)
    document.addEventListener('mousedown', (e) => { if (!this.element.contains(e.target as Node)) this.open(false) })
  }

  private schedule(): void {
    clearTimeout(this.timer)
    this.pending = null
    this.timer = setTimeout(() => { void this.run() }, DEBOUNCE_MS)
  }

  /** Searches the current text now; the answer is shown unless a newer text has been typed. */
  private run(): Promise<SearchAnswer | null> {
    clearTimeout(this.timer)
    const q = this.input.value.trim()
    const seq = ++this.seq
    if ([...q].length < MIN_QUERY_CHARS || !this.session.signedIn) {
      this.render(null, q)
      this.pending = Promise.resolve(null)
      return this.pending
    }
    this.element.dataset.state = 'loading'
    this.pending = searchAll(this.session, q).then((answer) => {
      if (seq === this.seq) this.render(answer, q)
      return answer
    }, (err: Error) => {
      if (seq === this.seq) this.note(err.message)
      return null
    })
    return this.pending
  }

  private render(answer: SearchAnswer | null, q: string): void {
    this.hits = answer ? answer.groups.flatMap((g) => g.items) : []
    this.active = -1
    const rows: HTMLElement[] = []
    let index = 0
    for (const g of answer?.groups ?? []) {
      rows.push(el('li', { className: 'group', role: 'presentation' }, g.title))
      for (const h of g.items) {
        const i = index++
        const li = el('li', { id: `search-option-${i}` }, el('span', { className: 'title' }, h.title), el('span', { className: 'sub' }, h.subtitle))
        li.setAttribute('role', 'option')
        li.setAttribute('aria-selected', 'false')
        li.dataset.kind = h.kind
        li.dataset.id = h.id
        li.addEventListener('mousedown', (e) => { e.preventDefault(); this.choose(i) })
        rows.push(li)
      }
    }
    if (answer && !this.hits.length && q) rows.push(el('li', { className: 'note' }, `未找到与“${q}”相关的结果`))
    this.list.replaceChildren(...rows)
    this.element.dataset.state = answer ? 'ready' : 'idle'
    this.open(rows.length > 0)
  }

  private note(message: string): void {
    this.hits = []
    this.list.replaceChildren(el('li', { className: 'note' }, message))
    this.element.dataset.state = 'error'
    this.open(true)
  }

  private open(show: boolean): void {
    this.list.hidden = !show
    this.input.setAttribute('aria-expanded', String(show))
  }

  private key(e: KeyboardEvent): void {
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault()
      if (!this.hits.length) return
      this.open(true)
      const step = e.key === 'ArrowDown' ? 1 : -1
      this.mark((this.active + step + this.hits.length) % this.hits.length)
    } else if (e.key === 'Enter') {
      e.preventDefault()
      void this.enter()
    } else if (e.key === 'Escape') {
      e.preventDefault()
      if (!this.list.hidden) this.open(false)
      else this.input.value = ''
    }
  }

  /** Enter chooses the marked hit, or the first one (searching first if the text is newer than the list). */
  private async enter(): Promise<void> {
    if (this.active >= 0) return this.choose(this.active)
    if (this.pending === null) await this.run()
    else await this.pending
    if (this.hits.length) this.choose(0)
  }

  private mark(i: number): void {
    this.active = i
    for (const li of this.list.querySelectorAll<HTMLLIElement>('[role="option"]')) {
      const on = li.id === `search-option-${i}`
      li.setAttribute('aria-selected', String(on))
      if (on) li.scrollIntoView({ block: 'nearest' })
    }
    this.input.setAttribute('aria-activedescendant', `search-option-${i}`)
  }

  private choose(i: number): void {
    const hit = this.hits[i]
    if (!hit) return
    this.open(false)
    this.input.blur()
    this.locate(hit)
    if (hit.kind === 'event') this.hooks.openEvent(hit.id)
    else if (hit.kind === 'member' && typeof hit.extra?.device === 'string') this.hooks.openDevice(hit.extra.device)
    else if (typeof hit.extra?.layer === 'string') this.hooks.highlight(hit.extra.layer, hit.id)
  }

  /** Moves the map to the hit; the map element says where it settled (for tests and the status bar). */
  private locate(hit: SearchHit): void {
    const view = this.map.getView()
    const target = this.map.getTargetElement() as HTMLElement
    delete target.dataset.searchLocated
    const settled = () => {
      if (view.getAnimating()) return
      this.map.un('moveend', settled)
      const [lon, lat] = toLonLat(view.getCenter() ?? [0, 0])
      target.dataset.searchLocated = `${hit.kind}:${hit.id}`
      target.dataset.searchCenter = `${lon!.toFixed(6)},${lat!.toFixed(6)}`
    }
    this.map.on('moveend', settled)
    if (hit.point) view.animate({ center: fromLonLat(hit.point), zoom: POINT_ZOOM, duration: 400 })
    else if (hit.bbox) view.fit(transformExtent(hit.bbox, 'EPSG:4326', 'EPSG:3857'), { padding: [60, 60, 60, 60], duration: 400, maxZoom: 18 })
  }
}
