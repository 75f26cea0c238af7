// Feature → staged row conversion for community and component imports (grids use
// server/grids/candidates.ts). Property names are matched like grid properties: API names,
// ≤ 10-character DBF names and common pinyin-initial / Chinese column names.
import type { Crs } from '../geo/crs.ts'
import { looksSwapped, toStorage } from '../geo/crs.ts'
import { inputProblemsError, type InputFeature } from '../grids/candidates.ts'
import { polygonsFromInput, type InputProblem, type StoredPolygon } from '../grids/geometryInput.ts'
import { GRID_PROPERTY_ALIASES, pick } from '../grids/properties.ts'
import type { Candidate } from '../grids/topology.ts'

export const COMMUNITY_ALIASES = {
  code: ['code', 'qhdm', 'xzqdm', 'community_code', 'communitycode', 'comm_code', '区划代码', '代码'],
  name: ['name', 'mc', 'qhmc', 'xzqmc', '名称'],
} as const

export const COMPONENT_ALIASES = {
  id: ['id', 'component_id', 'comp_id', 'bjbm', 'code', '部件编码', '编码'],
  name: ['name', 'mc', 'bjmc', '名称'],
  state: ['state', 'zt', '状态'],
  material: ['material', 'cz', '材质'],
} as const

const STATES = ['完好', '破损', '丢失', '占用', '废弃']

export type StagedRows =
  | { kind: 'grid'; rows: Candidate[]; places: string[] }
  | { kind: 'community'; rows: { idx: number; code: string; name: string; geometry: string }[]; places: string[] }
  | { kind: 'component'; rows: ComponentRow[]; places: string[] }

interface ComponentRow { idx: number; id: string; name: string; state: string; communityCode: string; material: string | null; lon: number; lat: number }

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v.trim() : typeof v === 'number' && Number.isSafeInteger(v) ? String(v) : undefined)

export function convertCommunities(features: InputFeature[], crs: Crs): StagedRows {
  const { polygons, problems } = polygonsFromInput(features.map((f) => f.geometry), crs)
  const rows = features.map((f, idx) => {
    const props = f.properties ?? {}
    const code = str(pick(props, COMMUNITY_ALIASES.code))
    const name = str(pick(props, COMMUNITY_ALIASES.name))
    if (!code) problems.push({ feature: idx, message: 'code (12-digit community code) is required' })
    if (!name || name.length > 100) problems.push({ feature: idx, message: 'name (1-100 characters) is required' })
    return { idx, code: code ?? '', name: name ?? '', geometry: JSON.stringify(polygons[idx] as StoredPolygon) }
  })
  if (problems.length) throw inputProblemsError(sorted(problems))
  // The jurisdiction that must cover a new community is its parent street's.
  return { kind: 'community', rows, places: rows.map((r) => /^[0-9]{12}$/.test(r.code) ? `${r.code.slice(0, 9)}000` : r.code) }
}

export function convertComponents(features: InputFeature[], crs: Crs): StagedRows {
  const problems: InputProblem[] = []
  const rows: ComponentRow[] = []
  features.forEach((f, idx) => {
    const props = f.properties ?? {}
    const id = str(pick(props, COMPONENT_ALIASES.id))
    const name = str(pick(props, COMPONENT_ALIASES.name)) ?? id
    const state = str(pick(props, COMPONENT_ALIASES.state)) ?? '完好'
    const communityCode = str(pick(props, GRID_PROPERTY_ALIASES.communityCode!))
    const before = problems.length
    if (!id) problems.push({ feature: idx, message: 'id (16-digit component id) is required' })
    if (!communityCode || !/^[0-9]{12}$/.test(communityCode)) problems.push({ feature: idx, message: 'communityCode (12 digits) is required' })
    if (!STATES.includes(state)) problems.push({ feature: idx, message: `state must be one of ${STATES.join(' ')}` })
    const point = pointOf(f.geometry, crs, idx, problems)
    if (problems.length === before && point) {
      rows.push({ idx, id: id!, name: name!.slice(0, 100), state, communityCode: communityCode!, material: str(pick(props, COMPONENT_ALIASES.material)) ?? null, ...point })
    }
  })
  if (problems.length) throw inputProblemsError(sorted(problems))
  return { kind: 'component', rows, places: rows.map((r) => r.communityCode) }
}

function pointOf(geometry: unknown, crs: Crs, feature: number, problems: InputProblem[]): { lon: number; lat: number } | undefined {
  const g = geometry as { type?: unknown; coordinates?: unknown } | null
  if (!g || g.type !== 'Point' || !Array.isArray(g.coordinates)) {
    problems.push({ feature, message: `geometry must be a Point, got ${JSON.stringify(g?.type ?? null)}` })
    return undefined
  }
  const c = g.coordinates as unknown[]
  if (c.length !== 2 || typeof c[0] !== 'number' || typeof c[1] !== 'number') {
    problems.push({ feature, message: c.length > 2 ? '3D (Z/M) coordinates are not accepted' : 'a Point needs two numeric ordinates' })
    return undefined
  }
  if (crs.geographic && looksSwapped(c[0], c[1])) {
    problems.push({ feature, message: 'coordinates look swapped (latitude, longitude): positions are longitude, latitude' })
    return undefined
  }
  try {
    const p = toStorage(c[0], c[1], crs)
    return { lon: p.lon, lat: p.lat }
  } catch (err) {
    problems.push({ feature, message: (err as Error).message })
    return undefined
  }
}

const sorted = (p: InputProblem[]) => p.sort((a, b) => (a.feature ?? 0) - (b.feature ?? 0))
