// The REST calls of the 预警 panel: open warnings (/api/v1/warnings) and fence alerts
// (/api/v1/fence-alerts), their acknowledgement, and a refused call worded in Chinese from the
// problem JSON (the server's Chinese detail; an older server's English one is worded here from the
// status and fields), times in Beijing time.
import type { Session } from './api.ts'
import { beijingTime } from '../ui/time.ts'
import { readProblem } from './problem.ts'

/** Roles that read warnings and fence alerts (server ANALYTICS_READERS = FENCE_READERS). */
export const WARNING_READERS = ['command_center', 'district_staff', 'street_staff', 'community_staff', 'gis_analyst', 'department', 'external_system']
/** Roles that acknowledge them (server ACKNOWLEDGERS = FENCE_WRITERS). */
export const WARNING_ACKNOWLEDGERS = ['command_center', 'district_staff', 'street_staff', 'community_staff']

/** The server's KIND_NAMES (server/warnings/rules.ts); the browser test checks they agree. */
export const WARNING_KIND_NAMES: Record<string, string> = {
  spike: '类别突增', mass: '群体性诉求', repeat_reporter: '重复诉求', near_deadline: '临期', new_hotspot: '新增热点',
}
export const FENCE_KIND_NAMES: Record<string, string> = { enter: '进入围栏', exit: '离开围栏', dwell: '围栏内滞留', absent: '脱岗' }
export const LEVEL_NAMES: Record<number, string> = { 1: '红色', 2: '橙色', 3: '黄色' }

/** A warning as /api/v1/warnings lists it (the fields the panel reads). */
export interface WarningItem {
  id: number; kind: string; level: number; title: string; lon: number; lat: number; raisedAt: string
  /** the server's Chinese name of the kind: kinds other capabilities register (纠纷风险, 超出预测…) are known only there */
  kindName?: string | null
  areaName?: string | null; acknowledgedAt?: string | null
}

/** A fence alert as /api/v1/fence-alerts lists it (and the stream carries it). */
export interface FenceAlertItem {
  id: number; kind: string; fenceName: string; device: string; deviceName?: string | null; memberName: string | null
  at: string; lon: number; lat: number; acknowledgedAt: string | null
}

/** A refused call with a message a person reads. */
export class WarningApiError extends Error {
  constructor(readonly status: number, message: string) {
    super(message)
  }
}

const STATUS_WORDS: Record<number, string> = {
  400: '请求有误', 403: '当前角色无权确认', 404: '不存在或不在您的辖区内', 413: '内容过大', 429: '操作过于频繁',
}

/** Words a non-2xx answer: an acknowledgement someone else made first names who and when. */
async function refused(res: Response, what: string): Promise<WarningApiError> {
  const p = await readProblem(res)
  if (p.chinese && p.detail) return new WarningApiError(res.status, p.detail)
  if (res.status === 409 && typeof p.acknowledgedAt === 'string') {
    // the detail ends "… by <display name>" when the acknowledger has one
    const by = typeof p.detail === 'string' ? / by (.+)$/.exec(p.detail)?.[1] : undefined
    return new WarningApiError(409, `该${what}已于 ${beijingTime(p.acknowledgedAt, false)} ${by ? `由${by}` : '被他人'}确认，无需重复确认`)
  }
  if (res.status === 400 && Array.isArray(p.errors) && p.errors.some((e) => (e as { field?: unknown }).field === 'comment')) {
    return new WarningApiError(400, '处置意见不能超过 500 字')
  }
  const words = STATUS_WORDS[res.status]
  return new WarningApiError(res.status, words ? `${what}${words}（${res.status}）` : `确认失败（服务器返回 ${res.status}）`)
}

async function getItems<T>(session: Session, url: string, what: string): Promise<T[]> {
  const res = await session.fetch(url, { headers: { accept: 'application/json' } })
  if (!res.ok) throw await refused(res, what)
  return (await res.json() as { items: T[] }).items
}

/** The open (unacknowledged) warnings of the jurisdiction, newest first. */
export const openWarnings = (session: Session) =>
  getItems<WarningItem>(session, '/api/v1/warnings?acknowledged=false&limit=200', '预警')

/** The open fence alerts of the jurisdiction, newest first. */
export const openFenceAlerts = (session: Session) =>
  getItems<FenceAlertItem>(session, '/api/v1/fence-alerts?acknowledged=false&limit=200', '围栏告警')

async function post(session: Session, url: string, body: unknown, what: string): Promise<void> {
  let res: Response
  try {
    res = await session.fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
  } catch {
    throw new WarningApiError(0, '无法连接服务器，请稍后重试')
  }
  if (!res.ok) throw await refused(res, what)
}

/** Marks a warning handled, with the operator's optional comment (处置意见). */
export const acknowledgeWarning = (session: Session, id: number, comment: string) =>
  post(session, `/api/v1/warnings/${id}/acknowledge`, comment.trim() ? { comment: comment.trim() } : {}, '预警')

/** Marks a fence alert seen (the route takes no body). */
export const acknowledgeFenceAlert = (session: Session, id: number) =>
  post(session, `/api/v1/fence-alerts/${id}/acknowledge`, {}, '围栏告警')
