// Feature properties → grid attributes, for the REST API and for imports. Names are matched
// case-insensitively against the API's camelCase names, snake_case, the ≤ 10-character DBF
// names a Shapefile forces, and the pinyin-initial / Chinese column names common in Chinese
// GIS data (网格编码 WGBM, 网格名称 WGMC, 社区代码 SQDM, 行业类型 HYLX, 户数 HS, 人口 RK).
import type { GridKind } from './topology.ts'

export const GRID_PROPERTY_ALIASES: Record<string, readonly string[]> = {
  code: ['code', 'grid_code', 'gridcode', 'wgbm', '网格编码', '编码'],
  name: ['name', 'grid_name', 'gridname', 'mc', 'wgmc', '名称', '网格名称'],
  kind: ['kind', 'grid_kind', 'gridkind'],
  industryType: ['industrytype', 'industry_type', 'ind_type', 'indtype', 'hylx', '行业类型'],
  communityCode: ['communitycode', 'community_code', 'comm_code', 'commcode', 'sqdm', '社区代码'],
  households: ['households', 'hu_shu', 'hushu', 'hs', '户数'],
  population: ['population', 'pop', 'rk', '人口'],
}

export interface GridProperties {
  code: string | undefined
  name: string | undefined
  kind: GridKind
  industryType: string | null
  communityCode: string | undefined
  households: number | null
  population: number | null
}

/** The value of the first property matching one of a field's aliases (case-insensitive). */
export function pick(props: Record<string, unknown>, aliases: readonly string[]): unknown {
  for (const [key, value] of Object.entries(props)) {
    if (aliases.includes(key.toLowerCase()) && value !== null && value !== undefined && value !== '') return value
  }
  return undefined
}

function text(value: unknown, field: string, problems: string[]): string | undefined {
  if (value === undefined) return undefined
  if (typeof value === 'string') return value.trim()
  // A 15- or 20-digit code in a numeric DBF column has lost its last digits (doubles hold 15-16).
  if (typeof value === 'number' && Number.isSafeInteger(value)) return String(value)
  problems.push(`${field} must be text (a code stored as a number loses digits), got ${JSON.stringify(value)}`)
  return undefined
}

function count(value: unknown, field: string, problems: string[]): number | null {
  if (value === undefined) return null
  const n = typeof value === 'string' && /^\s*\d+\s*$/.test(value) ? Number(value) : value
  if (typeof n === 'number' && Number.isInteger(n) && n >= 0 && n <= 10_000_000) return n
  problems.push(`${field} must be a whole number between 0 and 10000000, got ${JSON.stringify(value)}`)
  return null
}

/**
 * Reads grid attributes from feature properties. Problems with the attributes themselves
 * (wrong types, missing name) are returned as messages; code format is a topology rule.
 */
export function gridProperties(props: Record<string, unknown>, forcedKind?: GridKind): { value: GridProperties; problems: string[] } {
  const problems: string[] = []
  const code = text(pick(props, GRID_PROPERTY_ALIASES.code!), 'code', problems)
  const industryType = text(pick(props, GRID_PROPERTY_ALIASES.industryType!), 'industryType', problems) ?? null
  const rawKind = text(pick(props, GRID_PROPERTY_ALIASES.kind!), 'kind', problems)
  let kind: GridKind = forcedKind ?? (rawKind === 'industry' || (!rawKind && industryType) ? 'industry' : 'base')
  if (rawKind && rawKind !== 'base' && rawKind !== 'industry') problems.push(`kind must be "base" or "industry", got ${JSON.stringify(rawKind)}`)
  if (forcedKind && rawKind && rawKind !== forcedKind) problems.push(`kind ${rawKind} contradicts the import kind ${forcedKind}`)
  if (kind === 'base' && industryType) problems.push('a base grid has no industryType')
  if (kind === 'industry' && !industryType) problems.push('an industry grid needs industryType')
  let communityCode = text(pick(props, GRID_PROPERTY_ALIASES.communityCode!), 'communityCode', problems)
  if (communityCode === undefined && code) communityCode = communityOfCode(code, kind)
  if (communityCode !== undefined && !/^[0-9]{12}$/.test(communityCode)) {
    problems.push(`communityCode must be a 12-digit community code, got ${JSON.stringify(communityCode)}`)
  }
  if (communityCode === undefined) problems.push('communityCode (or a code it can be read from) is required')
  const name = text(pick(props, GRID_PROPERTY_ALIASES.name!), 'name', problems)
  if (name !== undefined && (name.length < 1 || name.length > 100)) problems.push('name must be 1-100 characters')
  if (code !== undefined && code.length > 40) problems.push('code is longer than 40 characters')
  kind = kind === 'industry' ? 'industry' : 'base'
  return {
    value: {
      code, name, kind, industryType: kind === 'industry' ? industryType : null, communityCode,
      households: count(pick(props, GRID_PROPERTY_ALIASES.households!), 'households', problems),
      population: count(pick(props, GRID_PROPERTY_ALIASES.population!), 'population', problems),
    },
    problems,
  }
}

/** The community code embedded in a grid code (base: digits 1-12; industry: digits 7-18). */
export function communityOfCode(code: string, kind: GridKind): string | undefined {
  if (kind === 'base' && /^[0-9]{15}$/.test(code)) return code.slice(0, 12)
  if (kind === 'industry' && /^[0-9]{20}$/.test(code)) return code.slice(6, 18)
  return undefined
}
