// The events REST calls of the command screen, their types (the subset of the server's event
// view the panel reads) and the Chinese names of codes. Server errors become ApiError with
// a readable Chinese message built from the problem JSON's detail (never markup).
import type { Session } from './api.ts'
import { beijingTime } from '../ui/time.ts'
import { readProblem, refusalText } from './problem.ts'
import { ownEventsOnly } from '../ui/roles.ts'

export type Light = 'red' | 'yellow' | 'green'

export interface EventItem {
  number: string
  status: string
  statusTitle: string
  light: Light | null
  channel: string
  class: { code: string; name: string | null }
  description: string
  address: string | null
  location: { coordinates: [number, number] }
  grid: { code: string; version: number } | null
  communityCode: string
  assignee: { department: { code: string | null; name: string | null }; member: { name: string | null } | null } | null
  deadlines: { dispatchedAt: string | null; signDueAt: string | null; handleDueAt: string | null }
  satisfaction: string | null
  version: number
  createdAt: string
  /** single reads only: the actions this user may fire now */
  allowed?: string[]
}

export interface HistoryItem {
  seq: number
  action: string
  from: string | null
  to: string | null
  actor: { role: string | null; name: string | null }
  at: string
  comment: string | null
  /** a system-written explanation as a code with parameters (server/events/historyNotes.ts), worded by the page */
  note?: { code: string; params: Record<string, string | number | boolean | null> } | null
  /** the raw record (a classified report's suggestions: panels/events/classPick.ts) */
  explanation?: unknown
}

/** Statuses of events still being worked on (the events layer's "在办"). */
export const OPEN_STATUSES = ['reported', 'accepted', 'dispatched', 'signed', 'handling', 'handled', 'verified', 'parked']
export const LIST_LIMIT = 50

/** The server's actionTitles (server/events/workflow.ts); the end-to-end test checks they agree. */
export const ACTION_TITLES: Record<string, string> = {
  accept: '立案', reject: '不予立案', void: '废止', dispatch: '派遣', sign: '签收', return: '退回',
  handle: '处置', feedback: '处置反馈', request_extension: '申请延期', approve_extension: '批准延期',
  deny_extension: '驳回延期', park: '挂账', unpark: '解除挂账', reassign: '改派', escalate: '提级',
  verify: '核查', rework: '返工', close: '结案', evaluate: '评价', redispatch: '重派',
  forward: '转派', report_back: '回报', assist_sign: '协办签收', assist_feedback: '协办反馈',
  supervise: '督办', answer_supervision: '督办回复', appeal: '申诉',
  // field steps and emergencies (issue 18 part 4)
  verify_on_site: '事件核实', transfer: '移交', request_supervision: '督办申请', review_supervision_request: '审核督办申请',
  direct_reply: '直接答复', coordinate_dispatch: '值班长协调派遣', declare_emergency: '重大突发',
}

/** History entries that are not workflow actions (intake, notes, the scheduler, platforms). */
const HISTORY_TITLES: Record<string, string> = {
  report: '上报', attachment_added: '添加附件', link_duplicate: '关联重复', petition: '转信访',
  satisfied: '满意', dissatisfied: '不满意', import: '历史事件导入', arrive: '到场', cite_knowledge: '引用知识',
  verify_required: '待现场核实', emergency: '重大突发',
  // hard cases and joint handling (issue 18 part 3: server/hard-cases, parallel, meetings)
  mark_hard_case: '认定疑难', clear_hard_case: '取消疑难', instruction: '领导批示', meeting: '联合会商',
  parallel_start: '并联办', parallel_done: '并联办结', parallel_withdrawn: '撤回并联办',
}

export const actionTitle = (a: string): string => ACTION_TITLES[a] ?? HISTORY_TITLES[a] ?? a

/** The server's roleTitles (server/auth/roles.ts), for who acted in the history. */
export const ROLE_TITLES: Record<string, string> = {
  command_center: '市指挥中心', district_staff: '区级人员', street_staff: '街道人员', community_staff: '社区人员',
  department: '职能部门', grid_inspector: '网格员', gis_analyst: 'GIS分析员', external_system: '外部系统', public: '公众', auditor: '审计员',
}

export const LIGHT_TITLES: Record<Light, string> = { red: '红灯', yellow: '黄灯', green: '绿灯' }

export const SATISFACTION_TITLES: Record<string, string> = { satisfied: '满意', basically_satisfied: '基本满意', dissatisfied: '不满意' }

/** Actions that take a unit code (departmentCode); forward cannot do without one. */
export const UNIT_ACTIONS = new Set(['dispatch', 'reassign', 'redispatch', 'forward', 'transfer', 'coordinate_dispatch'])

/** A refused call: the HTTP status, the problem's detail and, for 409, the allowed actions. */
export class ApiError extends Error {
  constructor(readonly status: number, message: string, readonly allowed: string[] = []) {
    super(message)
  }
}

const STATUS_WORDS: Record<number, string> = {
  400: '请求有误', 403: '无权执行', 404: '事件不存在或不在辖区内', 409: '当前状态不允许此操作',
  413: '内容过大', 422: '无法处理', 429: '操作过于频繁',
}

/** Turns a non-2xx response into an ApiError whose message a person can read: the server's Chinese detail. */
async function refused(res: Response): Promise<ApiError> {
  const problem = await readProblem(res)
  const allowed = Array.isArray(problem.allowed) ? problem.allowed.filter((a): a is string => typeof a === 'string') : []
  let message = refusalText(problem, STATUS_WORDS[res.status] ?? '操作失败')
  if (res.status === 409 && allowed.length) message += `。当前可执行：${allowed.map(actionTitle).join('、')}`
  return new ApiError(res.status, message, allowed)
}

async function getJson<T>(session: Session, url: string): Promise<T> {
  const res = await session.fetch(url, { headers: { accept: 'application/json' } })
  if (!res.ok) throw await refused(res)
  return await res.json() as T
}

/** The open events of the user's jurisdiction (an inspector's: those assigned to him), newest first. */
export async function listOpenEvents(session: Session): Promise<EventItem[]> {
  const q = new URLSearchParams({ status: OPEN_STATUSES.join(','), limit: String(LIST_LIMIT) })
  if (ownEventsOnly(session.user)) q.set('assignee', 'me')
  return (await getJson<{ items: EventItem[] }>(session, `/api/v1/events?${q}`)).items
}

export const readEvent = (session: Session, number: string) =>
  getJson<EventItem>(session, `/api/v1/events/${encodeURIComponent(number)}`)

export const readHistory = async (session: Session, number: string) =>
  (await getJson<{ items: HistoryItem[] }>(session, `/api/v1/events/${encodeURIComponent(number)}/history`)).items

export interface TransitionBody {
  action: string
  comment?: string
  departmentCode?: string
  /** dispatch / reassign / redispatch: the grid member of departmentCode (调度 from the map) */
  memberId?: number
  satisfaction?: string
  /** supervise: the card the order carries */
  card?: 'yellow' | 'red'
  /** verify_on_site: found as reported or not */
  outcome?: 'confirmed' | 'unconfirmed'
  /** review_supervision_request: issue the order or decline */
  grant?: boolean
  /** accept: the class the operator picked (a correction the classifier learns from) */
  classCode?: string
  expectedVersion?: number
}

export async function fireTransition(session: Session, number: string, body: TransitionBody): Promise<void> {
  const res = await session.fetch(`/api/v1/events/${encodeURIComponent(number)}/transitions`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body),
  })
  if (!res.ok) throw await refused(res)
}

/** "剩余 3小时12分" / "超时 2天4小时" to a deadline, or null without one. */
export function timeLeft(due: string | null, now = Date.now()): { text: string; overdue: boolean } | null {
  if (!due) return null
  const ms = Date.parse(due) - now
  if (Number.isNaN(ms)) return null
  const mins = Math.floor(Math.abs(ms) / 60_000)
  const d = Math.floor(mins / 1440)
  const h = Math.floor((mins % 1440) / 60)
  const m = mins % 60
  const span = d ? `${d}天${h}小时` : h ? `${h}小时${m}分` : `${m}分`
  return ms >= 0 ? { text: `剩余 ${span}`, overdue: false } : { text: `超时 ${span}`, overdue: true }
}

/** The deadline that matters now: signing before the event is signed, handling after. */
export function currentDeadline(e: EventItem): string | null {
  return e.status === 'dispatched' ? e.deadlines.signDueAt ?? e.deadlines.handleDueAt : e.deadlines.handleDueAt
}

/** A time of the event in Beijing time (never the browser's zone). */
export function localTime(iso: string | null): string {
  return beijingTime(iso)
}
