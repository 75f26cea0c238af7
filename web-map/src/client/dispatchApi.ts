// 调度 from the map: GET /api/v1/events/{number}/dispatch-options (the rules' recommendation and
// the nearest on-duty members) and the Chinese words the 调度 section shows for its codes.
// Dispatching itself goes through eventsApi.fireTransition.
import { readProblem, refusalText } from './problem.ts'
import type { Session } from './api.ts'

export interface DispatchCandidate {
  member: { id: number; name: string; communityCode: string }
  unit: { code: string; name: string; kind: string }
  device: { identifier: string; name: string; kind: string }
  status: 'online' | 'idle'
  distanceM: number
  location: { coordinates: [number, number] }
  fixedAt: string
  fixAgeS: number
  workload: number
  recommended: boolean
  assigned: boolean
}

export interface RuleVerdict { ruleId: number; name: string; priority: number; result: 'chosen' | 'no_match' | 'unresolved' | 'not_reached'; reason: string }

export interface DispatchOptions {
  number: string
  status: string
  version: number
  location: { coordinates: [number, number] }
  radiusM: number
  recommended: {
    unit: { code: string; name: string }
    member: { id: number; name: string } | null
    level: string
    basis: string
    ruleId: number | null
    rule: RuleVerdict | null
  } | null
  rules: RuleVerdict[]
  candidates: DispatchCandidate[]
}

/** The roles that may dispatch (the server's DISPATCH_ROLES; the browser test checks they agree). */
export const DISPATCH_ROLES = ['command_center', 'district_staff', 'street_staff', 'community_staff']
/** Radii offered, metres (the server takes 1-20,000; default 3 km). */
export const RADII = [1000, 3000, 5000, 10_000, 20_000]
export const DEFAULT_RADIUS = 3000

export const BASIS_TITLES: Record<string, string> = { 属地: '属地管理', 属主: '属主（职能部门）', 指定: '指定单位', 属地兜底: '属地兜底（无规则适用）' }
export const LEVEL_TITLES: Record<string, string> = { grid: '网格', community: '社区', street: '街道', district: '区县', city: '市级' }
export const RESULT_TITLES: Record<string, string> = { chosen: '采用', no_match: '不适用', unresolved: '无对应单位', not_reached: '未比对' }
export const STATUS_TITLES: Record<string, string> = { online: '在线', idle: '静止' }

/** "850 米" / "2.4 公里". */
export function distanceText(m: number): string {
  return m < 1000 ? `${Math.round(m)} 米` : `${(m / 1000).toFixed(m < 10_000 ? 1 : 0)} 公里`
}

/** "35 秒前" / "4 分钟前": how old the position is. */
export function ageText(s: number): string {
  return s < 60 ? `${Math.max(0, Math.round(s))} 秒前` : `${Math.floor(s / 60)} 分钟前`
}

/** Reads the options; a refusal becomes an Error with a Chinese message and the server's detail. */
export async function readDispatchOptions(session: Session, number: string, radius: number): Promise<DispatchOptions> {
  const res = await session.fetch(`/api/v1/events/${encodeURIComponent(number)}/dispatch-options?radius=${radius}`, { headers: { accept: 'application/json' } })
  if (res.ok) return await res.json() as DispatchOptions
  const what = res.status === 403 ? '无权查看调度建议' : res.status === 404 ? '事件不存在或不在辖区内' : '调度建议加载失败'
  throw new Error(refusalText(await readProblem(res), what))
}
