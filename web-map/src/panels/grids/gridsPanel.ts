// 网格 panel: pick a grid on the map (or by code) to read its attributes and browse its versions;
// draw a new grid, reshape one, split one along a drawn line or merge neighbours, snapping to the
// grids around. Before a save the server's dry-run check runs and its verdicts are listed in
// Chinese and drawn where they are; a refusal is shown here in the server's words.
import './grids.css'
import type OlMap from 'ol/Map'
import type { Polygon, LineString } from 'geojson'
import type { Session } from '../../client/api.ts'
import { el } from '../../ui/dom.ts'
import { GridEditor } from '../../map/gridEdit.ts'
import {
  checkGrid, createGrid, gridVersions, mergeGrids, readGrid, reshapeGrid, splitGrid, GridRefusal,
  type GridFeature, type Verdict,
} from '../../client/gridsApi.ts'
import { renderAttributes, renderVerdicts, renderVersions } from './gridCard.ts'
import { shownFor } from './access.ts'

type Mode = 'idle' | 'draw' | 'edit' | 'split' | 'merge'

const CODE = /^[0-9]{15}([0-9]{5})?$/
const COMMUNITY = /^[0-9]{12}$/
const HINTS: Record<Mode, string> = {
  idle: '',
  draw: '在地图上逐点绘制新网格，靠近相邻网格的顶点或边时自动吸附；点击起点或“完成绘制”结束，退格键撤销上一点，Esc 取消。',
  edit: '拖动顶点修改边界（靠近相邻网格时吸附），在边上拖动可增加顶点，按住 Alt 点击顶点可删除；改好后“检查”或“保存”。',
  split: '画一条完整穿过网格的切割线，点击“完成绘制”后拆分。',
  merge: '在地图上点击要与之合并的相邻网格（可多个），然后“确认合并”。',
}

export class GridsPanel {
  readonly element: HTMLElement
  private readonly editor: GridEditor
  private readonly code = el('input', { className: 'grids-code', placeholder: '网格编码（15 或 20 位）', maxLength: 20 })
  private readonly message = el('p', { className: 'grids-message', role: 'status' })
  private readonly card = el('section', { className: 'grids-card', hidden: true })
  private readonly tools = el('div', { className: 'grids-tools' })
  private readonly form = el('div', { className: 'grids-form', hidden: true })
  private readonly hint = el('p', { className: 'grids-hint' })
  private readonly name = el('input', { className: 'grids-name', placeholder: '网格名称', maxLength: 100 })
  private readonly community = el('input', { className: 'grids-community', placeholder: '所属社区编码（12 位）', maxLength: 12 })
  private readonly picks = el('p', { className: 'grids-picks' })
  private readonly verdicts = el('ol', { className: 'grids-verdicts' })
  private readonly versions = el('ul', { className: 'grids-versions' })
  private readonly buttons = {
    create: button('新建网格', () => this.begin('draw')),
    edit: button('编辑边界', () => this.begin('edit')),
    split: button('拆分', () => this.begin('split')),
    merge: button('合并', () => this.begin('merge')),
    finish: button('完成绘制', () => this.editor.finishDrawing()),
    check: button('检查', () => void this.check()),
    save: button('保存', () => void this.save()),
    cancel: button('取消', () => this.cancel()),
  }
  private mode: Mode = 'idle'
  private grid: GridFeature | null = null
  private mergeWith: string[] = []
  /** The verdicts of the sketch as it is now (null: not checked since it last changed). */
  private checked: { valid: boolean; warnings: number } | null = null
  private signedIn = false

  constructor(private readonly map: OlMap, private readonly session: Session) {
    this.editor = new GridEditor(map, session)
    this.editor.onSketch = () => {
      this.checked = null
      this.element.dataset.checked = 'stale'
    }
    const find = el('form', { className: 'grids-find' }, this.code, el('button', { type: 'submit', textContent: '查找' }))
    find.addEventListener('submit', (e) => {
      e.preventDefault()
      void this.findByCode()
    })
    const b = this.buttons
    this.tools.append(b.create, b.edit, b.split, b.merge)
    const newFields = el('div', { className: 'grids-new' }, this.name, this.community)
    this.form.append(this.hint, newFields, this.picks, el('div', { className: 'grids-actions' }, b.finish, b.check, b.save, b.cancel))
    this.element = el('section', { className: 'grids' },
      el('p', { className: 'grids-lead', textContent: '在地图上点击网格，或输入编码查找' }), find, this.message, this.tools, this.form,
      el('h4', { textContent: '检查结果' }), this.verdicts, this.card, el('h4', { className: 'grids-versions-title', textContent: '历史版本' }), this.versions)
    this.element.setAttribute('aria-label', '网格绘制')
    this.setMode('idle')
    map.on('moveend', () => {
      const v = map.getView()
      const c = v.getCenter()
      // the view in Web Mercator, for tests that turn lon/lat into pixels
      if (c) this.element.dataset.view = `${c[0]},${c[1]},${v.getResolution()}`
      void this.reloadNeighbours()
    })
    map.on('singleclick', (e) => this.clicked(e.pixel))
    document.addEventListener('keydown', (e) => this.key(e))
    // the dock hides a panel by its hidden attribute: editing stops and the layers go with it
    new MutationObserver(() => { if (this.element.hidden) this.hidden() }).observe(this.element, { attributes: true, attributeFilter: ['hidden'] })
  }

  /** Drawing or picking on the map: the page's own click (feature info) stays out of the way. */
  get busy(): boolean {
    return this.mode !== 'idle' && !this.element.hidden
  }

  /** After sign-in. The role menus (ui/roles.ts) hide the tab from roles that may not edit grids; this only ever hides too. */
  start(): void {
    this.signedIn = true
    const tab = this.element.closest('.dock')?.querySelector<HTMLElement>('.dock-tab[data-tab="grids"]')
    if (tab && !shownFor(this.session.user?.role)) tab.hidden = true
  }

  stop(): void {
    this.signedIn = false
    this.cancel()
    this.show(null)
    this.editor.visible = false
  }

  /** The dock showed the panel. */
  shown(): void {
    if (!this.signedIn) return
    this.editor.visible = true
    void this.reloadNeighbours()
  }

  private hidden(): void {
    this.cancel()
    this.editor.clearMarks()
    this.editor.visible = false
  }

  private async reloadNeighbours(): Promise<void> {
    if (!this.signedIn || this.element.hidden) return
    try {
      const loaded = await this.editor.loadNeighbours()
      if (!loaded && this.mode === 'idle') this.say('放大地图后可在地图上选取和绘制网格', 'zoom')
      else if (this.message.dataset.kind === 'zoom') this.say('')
      if (this.grid) this.editor.pick([this.grid.properties.code, ...this.mergeWith])
      this.element.dataset.neighbours = String(this.editor.neighbours.getFeatures().length)
    } catch (err) {
      this.say((err as Error).message, 'error')
    }
  }

  private clicked(pixel: number[]): void {
    if (this.element.hidden || !this.signedIn) return
    const code = this.editor.gridAt(pixel)
    if (!code) return
    if (this.mode === 'idle') void this.select(code)
    else if (this.mode === 'merge' && this.grid && code !== this.grid.properties.code) {
      this.mergeWith = this.mergeWith.includes(code) ? this.mergeWith.filter((c) => c !== code) : [...this.mergeWith, code]
      this.editor.pick([this.grid.properties.code, ...this.mergeWith])
      this.showPicks()
    }
  }

  /** Esc cancels what is being drawn; Backspace takes back the last point (not while typing). */
  private key(e: KeyboardEvent): void {
    if (!this.busy || (e.target instanceof HTMLElement && e.target.closest('input, textarea, select'))) return
    if (e.key === 'Escape') this.cancel()
    else if (e.key === 'Backspace' && (this.mode === 'draw' || this.mode === 'split')) {
      e.preventDefault()
      this.editor.removeLastPoint()
    }
  }

  private async findByCode(): Promise<void> {
    const code = this.code.value.trim()
    if (!CODE.test(code)) {
      this.say('请输入 15 位基础网格或 20 位行业网格编码', 'error')
      return
    }
    await this.select(code, true)
  }

  /** Reads a grid and its versions, outlines it; `fit` zooms to it with its neighbours around. */
  async select(code: string, fit = false): Promise<void> {
    this.cancel()
    try {
      const [grid, versions] = await Promise.all([readGrid(this.session, code), gridVersions(this.session, code)])
      this.show(grid, versions)
      this.say('')
      if (fit) this.editor.fitGrids([grid])
    } catch (err) {
      this.say((err as Error).message, 'error')
    }
  }

  private show(grid: GridFeature | null, versions: GridFeature[] = []): void {
    this.grid = grid
    this.mergeWith = []
    this.editor.clearMarks()
    this.editor.pick(grid ? [grid.properties.code] : [])
    this.card.hidden = !grid
    if (grid) {
      renderAttributes(this.card, grid)
      this.code.value = grid.properties.code
      this.community.value = grid.properties.communityCode
      this.element.dataset.grid = grid.properties.code
    } else delete this.element.dataset.grid
    renderVersions(this.versions, versions, (v) => {
      this.editor.showVersion(v)
      if (v) this.element.dataset.versionShown = String(v.properties.version)
      else delete this.element.dataset.versionShown
    })
    this.setMode('idle')
  }

  private begin(mode: Mode): void {
    if (mode !== 'draw' && !this.grid) {
      this.say('请先在地图上选取一个网格', 'error')
      return
    }
    this.cancel()
    this.editor.clearMarks()
    this.say('')
    if (mode === 'draw') this.editor.startDraw('Polygon', () => this.drawn())
    else if (mode === 'split') this.editor.startDraw('LineString', () => void this.split())
    else if (mode === 'edit') this.editor.startEdit(this.grid!)
    else this.showPicks()
    this.setMode(mode)
  }

  private drawn(): void {
    this.buttons.finish.hidden = true
    void this.check()
  }

  private cancel(): void {
    this.editor.stop()
    this.mergeWith = []
    if (this.grid) this.editor.pick([this.grid.properties.code])
    renderVerdicts(this.verdicts, [], () => undefined)
    this.checked = null
    delete this.element.dataset.checked
    this.setMode('idle')
  }

  private setMode(mode: Mode): void {
    this.mode = mode
    this.element.dataset.mode = mode
    const b = this.buttons
    this.form.hidden = mode === 'idle'
    this.tools.hidden = mode !== 'idle'
    this.hint.textContent = HINTS[mode]
    b.finish.hidden = mode !== 'draw' && mode !== 'split'
    b.check.hidden = mode !== 'draw' && mode !== 'edit'
    b.save.hidden = mode === 'split'
    b.save.textContent = mode === 'merge' ? '确认合并' : '保存'
    this.name.parentElement!.hidden = mode !== 'draw'
    this.picks.hidden = mode !== 'merge'
    for (const t of [b.edit, b.split, b.merge]) t.disabled = !this.grid
  }

  private showPicks(): void {
    const codes = this.grid ? [this.grid.properties.code, ...this.mergeWith] : []
    this.picks.textContent = `待合并：${codes.join('、')}${this.mergeWith.length ? '' : '（请在地图上点击相邻网格）'}`
  }

  /** The sketch as the feature the check and the write take. */
  private sketchFeature(): { type: 'Feature'; geometry: Polygon; properties: Record<string, unknown> } | null {
    const geometry = this.editor.sketchGeometry() as Polygon | null
    if (!geometry) return null
    const p = this.grid?.properties
    const properties = this.mode === 'edit' && p
      ? { code: p.code, name: p.name, communityCode: p.communityCode, kind: p.kind, industryType: p.industryType }
      : { name: this.name.value.trim() || '新网格', communityCode: this.community.value.trim() }
    return { type: 'Feature', geometry, properties }
  }

  /** Runs the server's dry run on the sketch; draws and lists the verdicts. */
  private async check(): Promise<boolean> {
    const feature = this.sketchFeature()
    if (!feature) {
      this.say('请先在地图上绘制', 'error')
      return false
    }
    if (this.mode === 'draw' && !COMMUNITY.test(String(feature.properties.communityCode))) {
      this.say('请填写 12 位所属社区编码', 'error')
      return false
    }
    try {
      const result = await checkGrid(this.session, feature, this.mode === 'edit' ? this.grid!.properties.code : undefined)
      const all = [...result.violations, ...result.warnings]
      this.showVerdicts(all)
      this.checked = { valid: result.valid, warnings: result.warnings.length }
      this.element.dataset.checked = result.valid ? (result.warnings.length ? 'warnings' : 'valid') : 'invalid'
      if (!result.valid) this.say(`未通过拓扑检查：${result.violations.length} 处问题，请修改后再保存`, 'error')
      else if (result.warnings.length) this.say(`检查通过，但有 ${result.warnings.length} 处空隙提示；确认无误可再次点击“保存”`, 'warning')
      else this.say('检查通过：无重叠、无空隙、未超出社区', 'ok')
      return result.valid
    } catch (err) {
      this.refused(err)
      return false
    }
  }

  private showVerdicts(verdicts: Verdict[]): void {
    this.editor.showVerdicts(verdicts)
    renderVerdicts(this.verdicts, verdicts, (n) => {
      this.editor.focusVerdict(n)
      this.element.dataset.focused = String(n)
    })
  }

  /** Save: a stale or unchecked sketch is checked first; violations stop it, warnings ask once. */
  private async save(): Promise<void> {
    if (this.mode === 'merge') return this.merge()
    const wasChecked = this.checked
    if (!wasChecked) {
      if (!await this.check()) return
      if (this.checked!.warnings) return
    } else if (!wasChecked.valid) {
      this.say('未通过拓扑检查，请修改后再保存', 'error')
      return
    }
    const feature = this.sketchFeature()!
    this.buttons.save.disabled = true
    try {
      const saved = this.mode === 'edit'
        ? await reshapeGrid(this.session, this.grid!.properties.code, feature.geometry)
        : await createGrid(this.session, feature.geometry, feature.properties as { name: string; communityCode: string })
      const verb = this.mode === 'edit' ? `已保存网格 ${saved.properties.code} 第 ${saved.properties.version} 版` : `已新建网格 ${saved.properties.code}`
      await this.afterWrite(saved.properties.code, [])
      this.say(verb, 'ok')
    } catch (err) {
      this.refused(err)
    } finally {
      this.buttons.save.disabled = false
    }
  }

  private async split(): Promise<void> {
    const line = this.editor.sketchGeometry() as LineString | null
    if (!line || !this.grid) return
    try {
      const result = await splitGrid(this.session, this.grid.properties.code, line)
      const codes = result.grids.map((g) => g.properties.code)
      await this.afterWrite(codes[0]!, result.grids)
      this.say(`已拆分为 ${codes.join('、')}（原网格 ${result.retired.join('、')} 已注销）`, 'ok')
    } catch (err) {
      this.refused(err)
    }
  }

  private async merge(): Promise<void> {
    if (!this.grid || !this.mergeWith.length) {
      this.say('请在地图上点击至少一个相邻网格', 'error')
      return
    }
    try {
      const result = await mergeGrids(this.session, [this.grid.properties.code, ...this.mergeWith])
      const code = result.grids[0]!.properties.code
      await this.afterWrite(code, result.grids)
      this.say(`已合并为 ${code}（原网格 ${result.retired.join('、')} 已注销）`, 'ok')
    } catch (err) {
      this.refused(err)
    }
  }

  /** After a write: the neighbours again, the new grid picked, the produced grids outlined. */
  private async afterWrite(code: string, produced: GridFeature[]): Promise<void> {
    this.editor.stop()
    await this.select(code)
    await this.reloadNeighbours()
    if (produced.length) this.editor.showResults(produced)
  }

  /** A refusal in the server's words; topology verdicts drawn and listed as well. */
  private refused(err: unknown): void {
    const e = err as Error
    this.say(e.message, 'error')
    if (e instanceof GridRefusal && e.verdicts.length) this.showVerdicts(e.verdicts)
  }

  private say(text: string, kind: 'ok' | 'error' | 'warning' | 'zoom' | '' = ''): void {
    this.message.textContent = text
    this.message.dataset.kind = kind
  }
}

function button(text: string, onClick: () => void): HTMLButtonElement {
  const b = el('button', { type: 'button', textContent: text })
  b.addEventListener('click', onClick)
  return b
}
