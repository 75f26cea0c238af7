// The grid API for the 网格 panel: list in a box, read, versions, the dry-run check, create,
// boundary change, split and merge (server/grids/routes.ts). Geometries travel as GeoJSON in
// EPSG:4490 lon/lat, which OpenLayers reads as EPSG:4326 (the two differ by under a metre).
// A refusal becomes a GridRefusal with the server's words and, for 422, its verdicts.
import type { Geometry, MultiPolygon, Polygon, LineString } from 'geojson'
import type { Session } from './api.ts'

export interface GridProps {
  code: string; version: number; kind: 'base' | 'industry'; industryType: string | null; name: string
  communityCode: string; households: number | null; population: number | null
  validFrom: string; validTo: string | null; areaM2: number
  changedBy: { username: string; name: string | null } | null
}

export interface GridFeature { type: 'Feature'; id: string; geometry: MultiPolygon | Polygon; properties: GridProps }

/** One verdict of the topology check (a violation refuses a write; a warning is advice). */
export interface Verdict {
  feature: number; code: string; rule: string; message: string
  location: Geometry | null; otherCode?: string; areaM2?: number
}

export interface CheckResult { valid: boolean; violations: Verdict[]; warnings: Verdict[] }
export interface WriteResult { grids: GridFeature[]; retired: string[]; closedAssignments: number }

/** A refused request: the server's detail, its status and, for topology refusals, the verdicts. */
export class GridRefusal extends Error {
  constructor(message: string, readonly status: number, readonly verdicts: Verdict[] = []) {
    super(message)
  }
}

const STATUS_WORDS: Record<number, string> = {
  400: '请求有误', 403: '无权操作', 404: '网格不存在或不在辖区内', 409: '网格已被他人修改，请重新选择', 422: '未通过拓扑检查',
}

async function send<T>(session: Session, url: string, init: RequestInit = {}): Promise<T> {
  const headers = new Headers(init.headers)
  headers.set('accept', 'application/json, application/geo+json, application/problem+json')
  if (init.body) headers.set('content-type', 'application/json')
  const res = await session.fetch(url, { ...init, headers })
  if (res.ok) return await res.json() as T
  let detail = ''
  let verdicts: Verdict[] = []
  try {
    const problem = await res.json() as { detail?: unknown; violations?: Verdict[]; problems?: { feature?: number; message: string }[] }
    if (typeof problem.detail === 'string') detail = problem.detail
    if (Array.isArray(problem.violations)) verdicts = problem.violations
  } catch {
    // not JSON: the status alone
  }
  const what = STATUS_WORDS[res.status] ?? `请求失败（${res.status}）`
  throw new GridRefusal(detail ? `${what}：${detail}` : what, res.status, verdicts)
}

const json = (body: unknown): RequestInit => ({ body: JSON.stringify(body) })

/** Current base grids meeting a lon/lat box (the neighbours to snap to). */
export async function gridsInBox(session: Session, box: [number, number, number, number]): Promise<GridFeature[]> {
  const bbox = box.map((v) => v.toFixed(6)).join(',')
  return (await send<{ features: GridFeature[] }>(session, `/api/v1/grids?kind=base&limit=2000&bbox=${bbox}`)).features
}

export const readGrid = (session: Session, code: string) => send<GridFeature>(session, `/api/v1/grids/${encodeURIComponent(code)}`)

export async function gridVersions(session: Session, code: string): Promise<GridFeature[]> {
  return (await send<{ features: GridFeature[] }>(session, `/api/v1/grids/${encodeURIComponent(code)}/versions`)).features
}

/** Dry run; `replaces` = the grid being reshaped (judged as closed), new grids get their future code. */
export function checkGrid(session: Session, feature: unknown, replaces?: string): Promise<CheckResult> {
  const q = replaces ? `?replaces=${encodeURIComponent(replaces)}` : '?assignCodes=true'
  return send<CheckResult>(session, `/api/v1/grids/check${q}`, { method: 'POST', ...json(feature) })
}

export function createGrid(session: Session, geometry: Polygon, props: { name: string; communityCode: string }): Promise<GridFeature> {
  return send<GridFeature>(session, '/api/v1/grids', { method: 'POST', ...json({ type: 'Feature', geometry, properties: props }) })
}

export function reshapeGrid(session: Session, code: string, geometry: Polygon): Promise<GridFeature> {
  return send<GridFeature>(session, `/api/v1/grids/${encodeURIComponent(code)}`, { method: 'PATCH', ...json({ type: 'Feature', geometry }) })
}

export function splitGrid(session: Session, code: string, line: LineString): Promise<WriteResult> {
  return send<WriteResult>(session, `/api/v1/grids/${encodeURIComponent(code)}/split`, { method: 'POST', ...json({ line }) })
}

export function mergeGrids(session: Session, codes: string[]): Promise<WriteResult> {
  return send<WriteResult>(session, '/api/v1/grids/merge', { method: 'POST', ...json({ codes }) })
}

const area = (v: Verdict) => (v.areaM2 === undefined ? '' : ` ${v.areaM2.toLocaleString('zh-CN')} 平方米`)
const INVALID_REASONS: [RegExp, string][] = [[/ring self-intersection/i, '边界环自相交'], [/self-intersection/i, '边界自相交'],
  [/hole/i, '内洞位置错误'], [/too few points/i, '顶点过少'], [/duplicate/i, '重复顶点']]

/** The Chinese sentence for a verdict, worded from its rule and parameters. */
export function verdictText(v: Verdict): string {
  const other = v.otherCode ?? ''
  switch (v.rule) {
    case 'base_overlap': return `与网格 ${other} 重叠${area(v)}`
    case 'industry_overlap': return `与同类行业网格 ${other} 重叠${area(v)}`
    case 'outside_community': return `超出所属社区 ${other}${area(v)}`
    case 'gap': return `与网格 ${other} 之间留有空隙${area(v)}`
    case 'sliver_gap': return `与网格 ${other} 之间留有细缝${area(v)}（未吸附到边界）`
    case 'invalid_geometry': return `边界无效：${INVALID_REASONS.find(([re]) => re.test(v.message))?.[1] ?? '几何不合法'}`
    case 'unknown_community': return '所属社区不存在'
    case 'code_format': return `网格编码 ${v.code} 格式不符`
    case 'code_taken': return `网格编码 ${v.code} 已被占用`
    case 'industry_community': return `行业网格与编码中的社区 ${other} 不相交`
    case 'unknown_industry_type': return '行业类型不存在'
    case 'split_line': return '切割线须完整穿过网格一次，将其分成两块'
    case 'split_parts': return `拆分后的两块与原网格不符${area(v)}`
    case 'merge_not_adjacent': return '待合并的网格须相邻（共用边界）'
    default: return v.message
  }
}

/** Warnings (gaps, slivers) are orange; everything else refuses the write and is red. */
export const isWarning = (v: Verdict) => v.rule === 'gap' || v.rule === 'sliver_gap'

export const AREA_TEXT = (m2: number) => (m2 >= 10_000 ? `${(m2 / 10_000).toFixed(2)} 公顷` : `${Math.round(m2)} 平方米`)
