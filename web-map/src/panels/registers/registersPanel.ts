// 登记 panel: the registers of the grid (实有人口, 实有房屋, 重点场所 …), generic over what
// GET /api/v1/registers describes. Pick a register; its list is narrowed to the base grid
// clicked on the map (or typed) or to a search; a row opens its detail, masked personal fields
// with 查看完整; 新增 and 编辑 use a form built from the columns, and the server's refusals are
// shown in its words. The register's layer is switched on the map from here, and the listed
// rows are dots on the map (a dot opens its row).
import './registers.css'
import type OlMap from 'ol/Map'
import { toLonLat, fromLonLat } from 'ol/proj'
import type { Session } from '../../client/api.ts'
import type { MapLayer } from '../../map/layers.ts'
import { el } from '../../ui/dom.ts'
import {
  createRow, gridAt, gridNamed, listRegisters, listRows, readRow, RegisterRefusal, unmaskRow, updateRow,
  type GridHit, type RegisterInfo, type Row,
} from '../../client/registersApi.ts'
import { renderRecord } from './recordCard.ts'
import { recordForm } from './recordForm.ts'
import { RegisterMarks } from './marks.ts'
import { displayValue, isMasked } from './values.ts'

export interface RegistersHooks {
  /** The map's tile layers (to switch the register's layer). */
  layers(): MapLayer[]
  /** A layer's visibility changed here: the layer switcher redraws its boxes. */
  layersChanged(): void
}

type View = 'list' | 'record' | 'form'
const GRID_CODE = /^\d{15}$/
const PAGE = 50

export class RegistersPanel {
  readonly element: HTMLElement
  private readonly picker = el('select', { className: 'registers-picker' })
  private readonly search = el('input', { className: 'registers-search', placeholder: '姓名、证件号、地址或 15 位网格编码', maxLength: 100 })
  private readonly gridChip = el('span', { className: 'registers-grid', hidden: true })
  private readonly layerBox = el('input', { type: 'checkbox', className: 'registers-layer-box' })
  private readonly layerToggle = el('label', { className: 'registers-layer', hidden: true })
  private readonly create = el('button', { type: 'button', className: 'registers-create', textContent: '新增', hidden: true })
  private readonly message = el('p', { className: 'registers-message', role: 'status' })
  private readonly table = el('table', { className: 'registers-table' })
  private readonly more = el('button', { type: 'button', className: 'registers-more', textContent: '加载更多', hidden: true })
  private readonly listBox = el('div', { className: 'registers-list' }, this.table, this.more)
  private readonly detail = el('section', { className: 'registers-detail', hidden: true })
  private readonly marks = new RegisterMarks()
  private registers: RegisterInfo[] = []
  private current: RegisterInfo | null = null
  private grid: GridHit | null = null
  private q = ''
  private rows: Row[] = []
  private next: string | null = null
  private loaded: Promise<void> | null = null
  private signedIn = false
  /** Requests answered after a newer one was sent are dropped. */
  private generation = 0

  constructor(private readonly map: OlMap, private readonly session: Session, private readonly hooks: RegistersHooks) {
    const find = el('form', { className: 'registers-find' }, this.search, el('button', { type: 'submit', textContent: '查询' }))
    find.addEventListener('submit', (e) => {
      e.preventDefault()
      void this.searchFor(this.search.value.trim())
    })
    this.picker.addEventListener('change', () => void this.pick(this.picker.value))
    this.layerToggle.append(this.layerBox, el('span', { textContent: '在地图上显示' }))
    this.layerBox.addEventListener('change', () => this.setLayer(this.layerBox.checked))
    this.create.addEventListener('click', () => this.openForm(null))
    this.more.addEventListener('click', () => void this.reload(true))
    const head = el('div', { className: 'registers-head' }, this.picker, this.layerToggle, this.create)
    this.element = el('section', { className: 'registers' }, head, find, this.gridChip,
      el('p', { className: 'registers-lead', textContent: '在地图上点击基础网格，列出该网格内的登记' }), this.message, this.listBox, this.detail)
    this.element.setAttribute('aria-label', '登记')
    map.addLayer(this.marks.layer)
    this.marks.layer.setVisible(false)
    map.on('singleclick', (e) => void this.clicked(e.pixel))
    map.on('moveend', () => {
      const v = map.getView()
      const c = v.getCenter()
      // the view in Web Mercator, for tests that turn lon/lat into pixels
      if (c) this.element.dataset.view = `${c[0]},${c[1]},${v.getResolution()}`
    })
    // the dock hides a panel by its hidden attribute: the dots go with it
    new MutationObserver(() => this.marks.layer.setVisible(this.signedIn && !this.element.hidden))
      .observe(this.element, { attributes: true, attributeFilter: ['hidden'] })
  }

  start(): void {
    this.signedIn = true
  }

  stop(): void {
    this.signedIn = false
    this.loaded = null
    this.registers = []
    this.current = this.grid = null
    this.rows = []
    this.picker.replaceChildren()
    this.table.replaceChildren()
    this.marks.clear()
    this.show('list')
    this.say('')
  }

  /** The dock showed the panel: the registers are read on first use. */
  shown(): void {
    if (!this.signedIn) return
    this.marks.layer.setVisible(true)
    this.loaded ??= this.load()
  }

  private async load(): Promise<void> {
    try {
      this.registers = await listRegisters(this.session)
    } catch (err) {
      this.loaded = null
      this.say((err as Error).message, 'error')
      return
    }
    this.picker.replaceChildren(...this.registers.map((r) => el('option', { value: r.name, textContent: r.title })))
    if (!this.registers.length) {
      this.say('您的角色没有可查看的登记', 'error')
      return
    }
    await this.pick(this.registers[0]!.name)
  }

  /** Chooses a register: its layer on, its list for the current grid or search. */
  async pick(name: string): Promise<void> {
    const reg = this.registers.find((r) => r.name === name)
    if (!reg) return
    this.current = reg
    this.picker.value = name
    this.element.dataset.register = name
    this.create.hidden = !reg.canWrite
    const layer = this.mapLayer()
    this.layerToggle.hidden = !layer
    if (layer) {
      this.layerToggle.querySelector('span')!.textContent = `在地图上显示「${layer.title}」`
      this.setLayer(true)
    }
    await this.reload()
  }

  private mapLayer(): MapLayer | undefined {
    const id = this.current?.layer
    return id ? this.hooks.layers().find((l) => l.info.id === id) : undefined
  }

  private setLayer(on: boolean): void {
    const layer = this.mapLayer()
    this.layerBox.checked = on
    if (!layer || layer.layer.getVisible() === on) return
    layer.layer.setVisible(on)
    this.hooks.layersChanged()
  }

  private async searchFor(text: string): Promise<void> {
    if (GRID_CODE.test(text)) {
      try {
        this.grid = await gridNamed(this.session, text)
      } catch (err) {
        this.say((err as Error).message, 'error')
        return
      }
      this.q = ''
      this.search.value = ''
      await this.reload()
      // a grid typed in is brought into view (a grid clicked on is in view already)
      const extent = this.marks.gridExtent()
      // into the part of the map the dock and the layers panel leave free
      const dock = this.element.closest('.dock')?.getBoundingClientRect().width ?? 0
      if (extent) this.map.getView().fit(extent, { padding: [60, dock + 60, 60, 260], maxZoom: 18 })
      return
    }
    this.q = text
    await this.reload()
  }

  /** Lists the current register again (or its next page) with the grid and search. */
  private async reload(append = false): Promise<void> {
    const reg = this.current
    if (!reg) return
    const generation = ++this.generation
    this.showGrid()
    this.element.dataset.loading = 'true'
    try {
      const page = await listRows(this.session, reg, { grid: this.grid?.code, q: this.q || undefined, cursor: append ? this.next ?? undefined : undefined, limit: PAGE })
      if (generation !== this.generation) return
      this.rows = append ? [...this.rows, ...page.items] : page.items
      this.next = page.next
      this.renderList()
      this.show('list')
      this.say(this.rows.length ? '' : '没有符合条件的登记')
    } catch (err) {
      if (generation === this.generation) this.say((err as Error).message, 'error')
    } finally {
      if (generation === this.generation) delete this.element.dataset.loading
    }
  }

  private showGrid(): void {
    this.gridChip.hidden = !this.grid
    this.marks.showGrid(this.grid?.geometry ?? null)
    if (!this.grid) {
      delete this.element.dataset.grid
      return
    }
    this.element.dataset.grid = this.grid.code
    const clear = el('button', { type: 'button', className: 'registers-grid-clear', textContent: '×', title: '不限网格' })
    clear.addEventListener('click', () => {
      this.grid = null
      void this.reload()
    })
    this.gridChip.replaceChildren(el('span', { textContent: `网格 ${this.grid.name}（${this.grid.code}）` }), clear)
  }

  private renderList(): void {
    const reg = this.current!
    const columns = reg.columns.filter((c) => c.list)
    const head = el('tr', {}, el('th', { textContent: '编号' }), ...columns.map((c) => el('th', { textContent: c.title })), el('th', { textContent: '' }))
    const body = this.rows.map((row) => {
      const tr = el('tr', { tabIndex: 0 }, el('td', { textContent: String(row.id) }), ...columns.map((c) => {
        const td = el('td', { textContent: displayValue(c, row[c.name]) })
        if (isMasked(c, row[c.name])) td.className = 'masked'
        return td
      }), el('td', {}, ...(row.stale === true ? [el('span', { className: 'registers-stale', textContent: '待核实' })] : [])))
      tr.dataset.id = String(row.id)
      tr.addEventListener('click', () => void this.open(row.id))
      tr.addEventListener('keydown', (e) => { if (e.key === 'Enter') void this.open(row.id) })
      return tr
    })
    this.table.replaceChildren(el('thead', {}, head), el('tbody', {}, ...body))
    this.more.hidden = !this.next
    this.element.dataset.rows = String(this.rows.length)
    this.marks.showRows(this.rows)
    this.marks.choose(null)
  }

  /** Reads a row afresh and shows it. */
  async open(id: number): Promise<void> {
    const reg = this.current
    if (!reg) return
    try {
      this.showRecord(await readRow(this.session, reg, id))
      this.say('')
    } catch (err) {
      this.say((err as Error).message, 'error')
    }
  }

  private showRecord(row: Row): void {
    const reg = this.current!
    const place = typeof row.lon === 'number' && typeof row.lat === 'number' ? [row.lon, row.lat] as [number, number] : null
    renderRecord(this.detail, reg, row, {
      unmask: (reason) => unmaskRow(this.session, reg, row.id, reason),
      edit: reg.canWrite ? () => this.openForm(row) : undefined,
      locate: place ? () => this.map.getView().animate({ center: fromLonLat(place), zoom: Math.max(this.map.getView().getZoom() ?? 0, 17), duration: 400 }) : undefined,
      back: () => { this.show('list'); this.marks.choose(null) },
    }, (text, kind) => this.say(text, kind))
    this.marks.choose(row.id)
    this.show('record')
  }

  private openForm(row: Row | null): void {
    const reg = this.current
    if (!reg) return
    const form = recordForm(reg, row, async (body) => {
      try {
        const saved = row ? await updateRow(this.session, reg, row.id, body) : await createRow(this.session, reg, body)
        this.showRecord(saved)
        this.say(row ? `已保存修改（第 ${String(saved.version ?? '')} 版）` : `已新增登记，编号 ${saved.id}`, 'ok')
        void this.refreshRow(saved)
      } catch (err) {
        this.say((err as Error).message, 'error')
        if (err instanceof RegisterRefusal) form.markInvalid(err.fields)
      }
    }, () => (row ? this.showRecord(row) : this.show('list')),
    // a new row in the grid the list is narrowed to starts in that grid's community
    row || !this.grid ? {} : { communityCode: this.grid.communityCode })
    this.detail.replaceChildren(form.element)
    delete this.detail.dataset.record
    this.say('')
    this.show('form')
  }

  /** Puts a saved row into the list (first for a new one). */
  private async refreshRow(saved: Row): Promise<void> {
    const i = this.rows.findIndex((r) => r.id === saved.id)
    if (i >= 0) this.rows[i] = saved
    else this.rows.unshift(saved)
    const shown = this.element.dataset.state
    this.renderList()
    this.marks.choose(saved.id)
    if (shown) this.element.dataset.state = shown
  }

  /** A click on the map while the panel is shown: a row's dot opens it, else the grid there narrows the list. */
  private async clicked(pixel: number[]): Promise<void> {
    if (!this.signedIn || this.element.hidden || !this.current) return
    const dot = this.map.forEachFeatureAtPixel(pixel, (f) => RegisterMarks.rowOf(f) ?? undefined, { hitTolerance: 4, layerFilter: (l) => l === this.marks.layer })
    if (dot !== undefined) {
      await this.open(dot)
      return
    }
    const [lon, lat] = toLonLat(this.map.getCoordinateFromPixel(pixel)) as [number, number]
    try {
      const hit = await gridAt(this.session, lon, lat)
      if (!hit) {
        this.say('此处不在您辖区的基础网格内')
        return
      }
      this.grid = hit
      await this.reload()
    } catch (err) {
      this.say((err as Error).message, 'error')
    }
  }

  private show(view: View): void {
    this.element.dataset.state = view
    this.listBox.hidden = view !== 'list'
    this.detail.hidden = view === 'list'
  }

  private say(text: string, kind: 'ok' | 'error' | '' = ''): void {
    this.message.textContent = text
    this.message.dataset.kind = kind
  }
}
