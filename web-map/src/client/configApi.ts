// 配置: GET /api/v1/config/{kind} (in force now or ?at=), /{kind}/{key} (one item with every
// version) and POST /{kind}/{key}/versions (the command centre's new version). A refusal is
// worded from the server's Chinese problem detail, which names the field at fault.
import type { Session } from './api.ts'
import { API_LANGUAGE, readProblem, refusalText } from './problem.ts'

export const CONFIG_KINDS = ['classes', 'demand-types', 'channels', 'dispatch-rules', 'time-limits', 'supervision-rules',
  'class-field-rules', 'hard-case-rules', 'service-kinds'] as const
export type ConfigKindSegment = (typeof CONFIG_KINDS)[number]
/** The server's kindTitles (server/config/kinds.ts). */
export const CONFIG_KIND_TITLES: Record<ConfigKindSegment, string> = {
  'classes': '事件分类（事件清单/权责清单）', 'demand-types': '诉求类型', 'channels': '上报渠道',
  'dispatch-rules': '派遣规则', 'time-limits': '时限规则', 'supervision-rules': '督办规则',
  'class-field-rules': '类别现场规则（现场核实、重大突发）', 'hard-case-rules': '疑难认定规则',
  'service-kinds': '公共服务体检规则（步行可达范围、服务对象、容量标准）',
}

export interface ConfigVersion {
  id: number; kind: string; key: string; effectiveFrom: string; effectiveTo: string | null; inForce: boolean
  value: Record<string, unknown>; reason: string; createdBy: { userId: number | null; name: string }; createdAt: string
}

export class ConfigApiError extends Error {}

async function call<T>(session: Session, url: string, init: RequestInit = {}): Promise<T> {
  const res = await session.fetch(url, { ...init, headers: { accept: 'application/json', 'accept-language': API_LANGUAGE, ...(init.headers ?? {}) } })
  if (!res.ok) throw new ConfigApiError(res.status === 403 && !init.method ? '当前角色无权查看配置' : refusalText(await readProblem(res), '操作未成功'))
  return await res.json() as T
}

export const fetchInForce = (session: Session, kind: ConfigKindSegment, at?: string) =>
  call<{ at: string; items: ConfigVersion[] }>(session, `/api/v1/config/${kind}${at ? `?${new URLSearchParams({ at })}` : ''}`)

export const fetchItem = (session: Session, kind: ConfigKindSegment, key: string) =>
  call<{ current: ConfigVersion | null; versions: ConfigVersion[] }>(session, `/api/v1/config/${kind}/${encodeURIComponent(key)}`)

export const postVersion = (session: Session, kind: ConfigKindSegment, key: string, body: Record<string, unknown>) =>
  call<ConfigVersion>(session, `/api/v1/config/${kind}/${encodeURIComponent(key)}/versions`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body),
  })

const UNIT_TITLES: Record<string, string> = { work_hours: '工作小时', work_days: '工作日', natural_hours: '自然小时' }

/** One line a person reads for a version's value. */
export function summary(kind: ConfigKindSegment, v: Record<string, unknown>): string {
  const limit = v.limit as { value: number; unit: string } | null | undefined
  switch (kind) {
    case 'classes': return [v.name, limit ? `时限 ${limit.value} ${UNIT_TITLES[limit.unit] ?? limit.unit}` : null,
      v.ownerKind ? `属主 ${v.ownerKind}` : null, v.industryType ? `行业 ${v.industryType}` : null].filter(Boolean).join(' · ')
    case 'channels': return `${v.name} · 可上报角色：${(v.roles as string[]).join('、')}${v.autoDispatch ? ' · 自动派遣' : v.autoAccept ? ' · 自动受理' : ''}`
    case 'dispatch-rules': return `${v.name} · 优先级 ${v.priority} · 目标 ${v.target}${v.classPrefix ? ` · 分类 ${v.classPrefix}*` : ''}`
    case 'time-limits': return `签收 ${v.signWorkHours} 工作小时 · 计划 ${v.planHours} 小时 · 督办答复 ${v.answerHours} 小时` +
      (typeof v.warnShare === 'number' ? ` · 预警 ${Math.round(v.warnShare * 100)}%` : '')
    case 'supervision-rules': return `${v.name} · ${v.trigger} 后 ${v.afterHours} 小时 · ${v.level}`
    case 'class-field-rules': return [v.verifyOnSite ? '须现场核实' : null, v.emergency ? '重大突发' : null].filter(Boolean).join(' · ') || '无现场要求'
    case 'hard-case-rules': return `流转 ${v.bounces} 次 · 超期 ${v.overdueHours} 小时 · 涉及 ${v.units} 个单位`
    case 'service-kinds': return `${v.name} · ${v.serves === 'elderly' ? '服务 60 岁及以上' : '服务全体居民'} · 步行 ${v.reachM} 米 · ` +
      `可达比例 ${Math.round(Number(v.minShare) * 100)}% · 容量单位 ${v.capacityUnit}${v.minAccessPer1000 == null ? '' : ` · 每千人 ${v.minAccessPer1000}`}`
    default: return String(v.name ?? '')
  }
}
