// 网格: the map of my grids. The base grids of my community (GET /grids, limited by the server to
// the caller's jurisdiction), mine (where I am an assigned member) filled, the others outlined,
// and the phone's position. Drawn as SVG without a base map: the app carries no OpenLayers (its
// 300 KB budget) and no tiles from outside (the page CSP), and the grid outlines are what an
// inspector needs to tell whether a place is theirs. Kept for offline use like the queues.
import { ApiError, call, session } from '../api.ts'
import { cache, h, locate, message } from '../ui.ts'

type Ring = [number, number][]
interface Grid { code: string; name: string | null; rings: Ring[]; mine: boolean; households: number | null; population: number | null }
interface Feature { geometry: { type: 'Polygon' | 'MultiPolygon'; coordinates: unknown }; properties: { code: string; name: string | null; households: number | null; population: number | null } }

const SVG = 'http://www.w3.org/2000/svg'
const svg = (tag: string, attrs: Record<string, string | number>) => {
  const el = document.createElementNS(SVG, tag)
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v))
  return el
}

async function load(): Promise<Grid[]> {
  const me = session()!.user.username
  const fc = await call<{ features: Feature[] }>('/grids?kind=base&limit=200')
  const members = await Promise.all(fc.features.map((f) =>
    call<{ items: { username: string | null }[] }>(`/grids/${encodeURIComponent(f.properties.code)}/members`).then((r) => r.items, () => [])))
  return fc.features.map((f, i) => ({
    code: f.properties.code, name: f.properties.name, households: f.properties.households, population: f.properties.population,
    rings: (f.geometry.type === 'Polygon' ? [f.geometry.coordinates as Ring[]] : f.geometry.coordinates as Ring[][]).flat(),
    mine: members[i]!.some((m) => m.username === me),
  }))
}

export async function gridsView(): Promise<HTMLElement> {
  const el = h('section', { class: 'grids' })
  el.dataset.title = '我的网格'
  let grids: Grid[] | null
  try {
    grids = await load()
    cache.set('grids', grids)
  } catch (e) {
    grids = cache.get<Grid[]>('grids')
    const offline = e instanceof ApiError && e.status === 0
    el.append(message(offline ? `离线：显示上次同步的网格${grids ? '' : '（无）'}` : (e as Error).message, offline ? 'info' : 'error'))
  }
  if (!grids) return el
  if (!grids.length) { el.append(message('辖区内没有网格')); return el }
  // an equirectangular view scaled by cos(latitude): true to shape at a community's size
  const pts = grids.flatMap((g) => g.rings.flat())
  const [minX, maxX] = [Math.min(...pts.map((p) => p[0])), Math.max(...pts.map((p) => p[0]))]
  const [minY, maxY] = [Math.min(...pts.map((p) => p[1])), Math.max(...pts.map((p) => p[1]))]
  const k = Math.cos(((minY + maxY) / 2) * Math.PI / 180)
  const scale = 1000 / Math.max((maxX - minX) * k, maxY - minY, 1e-9)
  const xy = ([lon, lat]: [number, number]) => [((lon - minX) * k * scale).toFixed(1), ((maxY - lat) * scale).toFixed(1)]
  const w = Math.ceil((maxX - minX) * k * scale)
  const ht = Math.ceil((maxY - minY) * scale)
  const map = svg('svg', { viewBox: `-10 -10 ${w + 20} ${ht + 20}`, class: 'grid-map', role: 'img', 'aria-label': '我的网格地图' })
  for (const g of [...grids].sort((a, b) => Number(a.mine) - Number(b.mine))) {
    const path = svg('path', { d: g.rings.map((r) => `M${r.map((p) => xy(p).join(' ')).join('L')}Z`).join(''), class: g.mine ? 'mine' : 'other', 'data-grid': g.code })
    const title = svg('title', {})
    title.textContent = `${g.name ?? g.code}${g.mine ? '（我的网格）' : ''}`
    path.append(title)
    map.append(path)
  }
  el.append(h('div', { class: 'card map-card' }, map, h('p', { class: 'hint where' }, '正在定位…')))
  const mine = grids.filter((g) => g.mine)
  el.append(h('div', { class: 'card' }, h('h2', {}, `我的网格（${mine.length}）`),
    mine.length ? h('ul', { class: 'list' }, ...mine.map((g) => h('li', { 'data-grid': g.code },
      h('b', {}, g.name ?? g.code), h('span', { class: 'item-meta' }, `${g.code}${g.households !== null ? ` · ${g.households} 户` : ''}${g.population !== null ? ` · ${g.population} 人` : ''}`))))
      : message('尚未分配网格'),
    h('p', { class: 'hint' }, `辖区网格共 ${grids.length} 个；深色为我的网格`)))
  void locate(5_000).then((p) => {
    const where = el.querySelector('.where')!
    if (!p) { where.textContent = '无法定位'; return }
    const [x, y] = xy([p.coords.longitude, p.coords.latitude])
    map.append(svg('circle', { cx: x!, cy: y!, r: 9, class: 'me' }))
    const inside = [...map.querySelectorAll<SVGPathElement>('path')].find((g) => g.isPointInFill(new DOMPoint(Number(x), Number(y))))
    const grid = grids!.find((g) => g.code === inside?.dataset.grid)
    where.textContent = `蓝点为当前位置：${grid ? `在${grid.mine ? '我的' : ''}网格 ${grid.name ?? grid.code}（${grid.code}）内` : '不在辖区网格内'}`
    where.setAttribute('data-inside', grid?.code ?? '')
  })
  return el
}
