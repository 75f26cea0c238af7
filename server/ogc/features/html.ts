// HTML representations of /ogc/features (Part 1 conformance class html): small server-rendered
// pages in Simplified Chinese with the same links as the JSON (next / prev, other formats), no
// script and nothing loaded from elsewhere. Every value from the database or the request is
// escaped (escapeXml covers & < > " ').
import type { Context } from 'koa'
import type { AppContext } from '../../context.ts'
import type { LayerDef } from '../../../tiles/catalogue.ts'
import { escapeXml as esc } from '../../http/errors.ts'
import { serviceUrl } from '../common/url.ts'

export interface Link { rel: string; type?: string; title?: string; href: string }

const STYLE = 'body{font-family:system-ui,"PingFang SC","Microsoft YaHei",sans-serif;margin:1.5em auto;max-width:72em;padding:0 1em;color:#222}' +
  'table{border-collapse:collapse;margin:.5em 0}th,td{border:1px solid #ccc;padding:.25em .5em;text-align:left;vertical-align:top}' +
  'th{background:#f3f5f7}nav{margin-bottom:1em}nav a{margin-right:.5em}footer{margin-top:2em;color:#666;font-size:.9em}code{word-break:break-all}'

/** This request's URL with `f` replaced: the link to another representation of the same resource. */
export function formatUrl(ctx: Context, app: AppContext, f: string): string {
  const q: Record<string, string> = Object.fromEntries(new URLSearchParams(ctx.querystring))
  q.f = f
  return serviceUrl(ctx, app, ctx.path, q)
}

function crumbs(ctx: Context, app: AppContext, trail: [string, string][]): string {
  const home = serviceUrl(ctx, app, '/ogc/features', { f: 'html' })
  return `<nav><a href="${esc(home)}">首页</a>${trail.map(([title, path]) => ` › <a href="${esc(serviceUrl(ctx, app, path, { f: 'html' }))}">${esc(title)}</a>`).join('')}</nav>`
}

/** The page frame: title, breadcrumbs, body and the links to the other formats. */
export function page(ctx: Context, app: AppContext, title: string, trail: [string, string][], body: string, json = 'json'): string {
  return `<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">` +
    `<title>${esc(title)}</title><style>${STYLE}</style></head><body>${crumbs(ctx, app, trail)}<h1>${esc(title)}</h1>${body}` +
    `<footer>其他格式：<a rel="alternate" type="application/json" href="${esc(formatUrl(ctx, app, json))}">JSON</a></footer></body></html>`
}

const RELS: Record<string, string> = {
  'service-desc': 'API 定义（OpenAPI）', conformance: '一致性声明', data: '要素集合', items: '要素',
  'http://www.opengis.net/def/rel/ogc/1.0/queryables': '可查询属性', collection: '所属集合', next: '下一页', prev: '上一页',
}

/** Links as a list, HTML targets first-class: a JSON link is followed with f=html where it has one. */
export function linkList(links: Link[], asHtml: (l: Link) => string | null = () => null): string {
  const items = links.filter((l) => l.rel !== 'self' && l.rel !== 'alternate').map((l) => {
    const html = asHtml(l)
    const title = RELS[l.rel] ?? l.title ?? l.rel
    return `<li><a href="${esc(html ?? l.href)}">${esc(title)}</a>${html ? ` （<a href="${esc(l.href)}">${esc(l.type ?? 'JSON')}</a>）` : ''}</li>`
  })
  return items.length ? `<ul>${items.join('')}</ul>` : ''
}

/** The URL with f=html (for links to resources of this API that have an HTML page). */
export function htmlOf(href: string): string {
  const u = new URL(href)
  u.searchParams.set('f', 'html')
  return u.toString()
}

export function landingHtml(ctx: Context, app: AppContext, doc: { title: string; description: string; links: Link[] }): string {
  const body = `<p>${esc(doc.description)}</p>` + linkList(doc.links, (l) => (l.rel === 'conformance' || l.rel === 'data' ? htmlOf(l.href) : null))
  return page(ctx, app, doc.title, [], body)
}

export function conformanceHtml(ctx: Context, app: AppContext, conformsTo: string[]): string {
  return page(ctx, app, '一致性声明', [['一致性声明', '/ogc/features/conformance']], `<ul>${conformsTo.map((c) => `<li><code>${esc(c)}</code></li>`).join('')}</ul>`)
}

export interface CollectionDoc {
  id: string; title: string; description: string; links: Link[]; itemType: string; crs: string[]; storageCrs: string
  extent?: { spatial?: { bbox: number[][]; crs: string }; temporal?: { interval: (string | null)[][]; trs: string } }
}

const fmtBbox = (b: number[] | undefined) => (b ? b.map((n) => n.toFixed(5)).join(', ') : '—')
const fmtInterval = (i: (string | null)[] | undefined) => (i ? `${i[0] ?? '..'} 至 ${i[1] ?? '..'}` : '—')

function collectionRow(c: CollectionDoc): string {
  const self = c.links.find((l) => l.rel === 'self')!.href
  const items = c.links.find((l) => l.rel === 'items')!.href
  return `<tr><td><a href="${esc(htmlOf(self))}">${esc(c.title)}</a></td><td><code>${esc(c.id)}</code></td><td>${esc(c.description)}</td>` +
    `<td>${esc(fmtBbox(c.extent?.spatial?.bbox[0]))}</td><td>${esc(fmtInterval(c.extent?.temporal?.interval[0]))}</td>` +
    `<td><a href="${esc(htmlOf(items))}">浏览要素</a></td></tr>`
}

export function collectionsHtml(ctx: Context, app: AppContext, collections: CollectionDoc[]): string {
  const body = `<table><thead><tr><th>名称</th><th>标识</th><th>说明</th><th>空间范围（经纬度）</th><th>时间范围</th><th></th></tr></thead>` +
    `<tbody>${collections.map(collectionRow).join('')}</tbody></table>`
  return page(ctx, app, '要素集合', [['要素集合', '/ogc/features/collections']], body)
}

export function collectionHtml(ctx: Context, app: AppContext, c: CollectionDoc): string {
  const body = `<p>${esc(c.description)}</p><table><tbody><tr><th>标识</th><td><code>${esc(c.id)}</code></td></tr>` +
    `<tr><th>空间范围（经纬度）</th><td>${esc(fmtBbox(c.extent?.spatial?.bbox[0]))}</td></tr>` +
    `<tr><th>时间范围</th><td>${esc(fmtInterval(c.extent?.temporal?.interval[0]))}</td></tr></tbody></table>` +
    linkList(c.links, (l) => (l.rel === 'items' || l.rel.endsWith('/queryables') ? htmlOf(l.href) : null))
  return page(ctx, app, c.title, [['要素集合', '/ogc/features/collections'], [c.title, `/ogc/features/collections/${c.id}`]], body)
}

export function queryablesHtml(ctx: Context, app: AppContext, layer: LayerDef, schema: Record<string, unknown>): string {
  const props = schema.properties as Record<string, { title?: string; type?: string; format?: string }>
  const rows = Object.entries(props).map(([name, p]) =>
    `<tr><td><code>${esc(name)}</code></td><td>${esc(p.title ?? '')}</td><td>${esc([p.type, p.format].filter(Boolean).join(' / '))}</td></tr>`).join('')
  const body = `<p>过滤条件（filter，CQL2 文本）可使用的属性：</p><table><thead><tr><th>属性</th><th>名称</th><th>类型</th></tr></thead><tbody>${rows}</tbody></table>`
  return page(ctx, app, `${layer.title}：可查询属性`, [['要素集合', '/ogc/features/collections'], [layer.title, `/ogc/features/collections/${layer.id}`],
    ['可查询属性', `/ogc/features/collections/${layer.id}/queryables`]], body)
}

export interface Feature { id: string | number; geometry: { type: string; coordinates: unknown } | null; properties: Record<string, unknown> }

const cell = (v: unknown) => (v === null || v === undefined ? '' : esc(typeof v === 'object' ? JSON.stringify(v) : String(v)))

/** A geometry as short text: its type and the first position (the full one is in the GeoJSON). */
function geometryText(g: Feature['geometry']): string {
  if (!g) return ''
  let first: unknown = g.coordinates
  while (Array.isArray(first) && Array.isArray(first[0])) first = first[0]
  return `${g.type} ${Array.isArray(first) ? (first as number[]).join(' ') : ''}`
}

export function itemsHtml(ctx: Context, app: AppContext, layer: LayerDef, fc: { numberMatched: number; numberReturned: number; links: Link[] }, features: Feature[]): string {
  const itemUrl = (id: string | number) => serviceUrl(ctx, app, `/ogc/features/collections/${layer.id}/items/${encodeURIComponent(String(id))}`, { f: 'html' })
  const head = `<tr><th>编号</th>${layer.attributes.map((a) => `<th title="${esc(a.name)}">${esc(a.title)}</th>`).join('')}<th>几何</th></tr>`
  const rows = features.map((f) => `<tr><td><a href="${esc(itemUrl(f.id))}">${cell(f.id)}</a></td>` +
    `${layer.attributes.map((a) => `<td>${cell(f.properties[a.name])}</td>`).join('')}<td>${esc(geometryText(f.geometry))}</td></tr>`).join('')
  const pager = fc.links.filter((l) => l.rel === 'prev' || l.rel === 'next')
    .map((l) => `<a rel="${l.rel}" href="${esc(htmlOf(l.href))}">${l.rel === 'prev' ? '上一页' : '下一页'}</a>`).join(' ')
  const body = `<p>共 ${fc.numberMatched} 个要素，本页 ${fc.numberReturned} 个。</p>${pager ? `<p>${pager}</p>` : ''}` +
    `<table><thead>${head}</thead><tbody>${rows}</tbody></table>${pager ? `<p>${pager}</p>` : ''}`
  return page(ctx, app, `${layer.title}：要素`, [['要素集合', '/ogc/features/collections'], [layer.title, `/ogc/features/collections/${layer.id}`],
    ['要素', `/ogc/features/collections/${layer.id}/items`]], body, 'json')
}

export function itemHtml(ctx: Context, app: AppContext, layer: LayerDef, f: Feature): string {
  const rows = layer.attributes.map((a) => `<tr><th>${esc(a.title)}<br><code>${esc(a.name)}</code></th><td>${cell(f.properties[a.name])}</td></tr>`).join('')
  const body = `<table><tbody><tr><th>编号</th><td>${cell(f.id)}</td></tr>${rows}` +
    `<tr><th>几何</th><td><code>${f.geometry ? esc(JSON.stringify(f.geometry).slice(0, 4000)) : ''}</code></td></tr></tbody></table>`
  return page(ctx, app, `${layer.title} ${String(f.id)}`, [['要素集合', '/ogc/features/collections'], [layer.title, `/ogc/features/collections/${layer.id}`],
    ['要素', `/ogc/features/collections/${layer.id}/items`]], body)
}
