// The Chinese wording of the history codes the server writes (server/events/historyNotes.ts):
// one entry per code, parameters filled in, coded values named. A code the page does not know
// falls back to the row's own comment; test/events/historyNotes.test.ts checks every server code
// has an entry here. No DOM in this file: the server test imports it.
import { beijingTime } from '../../ui/time.ts'

export type NoteParams = Record<string, string | number | boolean | null>
export interface HistoryNoteLike { code: string; params: NoteParams }

/** Chinese names of the event channels (the server's event_channel table). */
export const CHANNEL_TITLES: Record<string, string> = {
  inspector_app: '网格员上报', resident: '居民上报', hotline_12345: '12345热线', sensor_ai: '智能感知',
  police_110: '110联动', superior: '上级交办', third_party: '第三方平台',
}

const LEVEL_TITLES: Record<string, string> = { grid: '网格', community: '社区', street: '街道', district: '区', city: '市' }

/** Dispatch rule targets (server/events/dispatch.ts RuleTarget): who the rule sends the event to. */
const TARGET_TITLES: Record<string, string> = {
  grid_inspector: '网格员（属地）', community: '社区（属地）', street: '街道（属地）', district: '区（属地）',
  owner_department: '权属部门（属主）', department: '指定部门',
}

const TIME_UNIT_TITLES: Record<string, string> = { work_hours: '个工作小时', work_days: '个工作日', natural_hours: '小时' }
const STAGE_TITLES: Record<string, string> = { intake: '上报', handling: '处置中', feedback: '处置反馈', verify: '核查', other: '其他' }
const FEEDBACK_TITLES: Record<string, string> = {
  received: '已接收', accepted: '已受理', handling: '办理中', handled: '已办结', rejected: '退回/不予受理', evaluated: '回访评价',
}
const SATISFACTION: Record<string, string> = { satisfied: '满意', basically_satisfied: '基本满意', dissatisfied: '不满意' }

const text = (v: NoteParams[string] | undefined, fallback = '—'): string => (v === null || v === undefined || v === '' ? fallback : String(v))
const named = (titles: Record<string, string>, v: NoteParams[string] | undefined) => titles[String(v)] ?? text(v)
const channel = (p: NoteParams) => named(CHANNEL_TITLES, p.channel)
const level = (v: NoteParams[string] | undefined) => `${named(LEVEL_TITLES, v)}级`

/** The unit an event went to: its name (code when nameless), the member and assisting units. */
function unit(p: NoteParams): string {
  let out = text(p.unitName, text(p.unit))
  if (p.member) out += ` · 网格员 ${text(p.member)}`
  if (p.assisting) out += `；协办单位：${text(p.assisting)}`
  return out
}

function size(bytes: NoteParams[string] | undefined): string {
  const n = Number(bytes)
  if (!Number.isFinite(n)) return '—'
  return n >= 1_048_576 ? `${(n / 1_048_576).toFixed(1)} MB` : `${Math.max(1, Math.round(n / 1024))} KB`
}

/** One wording per server code. */
export const HISTORY_WORDING: Record<string, (p: NoteParams) => string> = {
  // rows written before issue 18 named the community (12 digits) where the base grid belongs
  'report.channel': (p) => `经${channel(p)}渠道上报（${/^[0-9]{12}$/.test(String(p.grid ?? '')) ? '社区' : '网格'} ${text(p.grid)}）`,
  'report.appeal': (p) => `申诉件，原事件 ${text(p.of)}`,
  'import.file': (p) => `历史事件导入：${text(p.file)} 第 ${text(p.line)} 行${p.ref ? `（原编号 ${text(p.ref)}）` : ''}`,
  'accept.auto': (p) => `${channel(p)}渠道的事件按规定自动立案`,
  'dispatch.rule': (p) => `按派遣规则 ${text(p.rule)}${p.ruleName ? `「${text(p.ruleName)}」` : ''}派至${named(TARGET_TITLES, p.basis)}：${unit(p)}`,
  'dispatch.fallback': (p) => `没有派遣规则适用，按属地兜底派至${named(TARGET_TITLES, p.basis)}：${unit(p)}`,
  'dispatch.manual': (p) => `调度员指定派遣：${unit(p)}`,
  'dispatch.appeal': (p) => `申诉件直接推送责任单位：${unit(p)}`,
  'dispatch.escalated': (p) => `由${level(p.from)}提级至${level(p.to)}：${unit(p)}`,
  'escalate.timeout': (p) => `超时未解决，系统自动提级：${level(p.from)} → ${level(p.to)}（${text(p.unit)}）`,
  'supervise.sign_overdue': (p) => `超时未签收，系统督办（黄牌）。签收时限 ${beijingTime(String(p.dueAt ?? ''), false)}`,
  'supervise.plan_overdue': (p) => `超时未提交处置方案，系统督办（黄牌）。时限 ${beijingTime(String(p.dueAt ?? ''), false)}`,
  'supervise.handle_overdue': (p) => `超过处置时限 ${beijingTime(String(p.dueAt ?? ''), false)}，系统督办（红牌）`,
  'supervise.answer_overdue': (p) => `督办单 ${text(p.supervision)} 逾期未回复（回复时限 ${beijingTime(String(p.dueAt ?? ''), false)}），系统督办（红牌）`,
  'forward.unit': (p) => `转派至下级单位：${unit(p)}`,
  'report_back.unit': (p) => (p.outcome === 'refused' ? `下级单位退回，事件回到 ${text(p.unit)}` : `下级单位回报，事件回到 ${text(p.unit)}`),
  'return.unit': (p) => `${text(p.unit)} 退回，事件待重新派遣`,
  'void.duplicate': (p) => `作为事件 ${text(p.of)} 的重复件废止`,
  'duplicate.linked': (p) => `重复件 ${text(p.duplicate)} 已并入本事件`,
  'close.auto': (p) => `网格内处置，网格员${p.verifiedBy ? ` ${text(p.verifiedBy)} ` : ''}核查通过，系统自动结案`,
  'petition.dissatisfied': (p) => `评价不满意，按规定转信访平台${p.office ? `（${text(p.office)}）` : ''}`,
  'evaluate.result': (p) => `评价：${named(SATISFACTION, p.satisfaction)}`,
  'extension.requested': (p) => `申请延期 ${text(p.value)} ${named(TIME_UNIT_TITLES, p.unit)}`,
  'extension.granted': (p) => `批准延期 ${text(p.value)} ${named(TIME_UNIT_TITLES, p.unit)}，处置时限改为 ${beijingTime(String(p.handleDueAt ?? ''), false)}`,
  'arrive.geofence': (p) => (p.inGrid ? `网格员到场（已进入事件所在网格，距事件 ${text(p.distanceM)} 米）` : `网格员到场（距事件 ${text(p.distanceM)} 米）`),
  'feedback.platform': (p) => `${text(p.platform)} 平台反馈：${named(FEEDBACK_TITLES, p.status)}${p.satisfaction ? `，${named(SATISFACTION, p.satisfaction)}` : ''}`,
  'attachment.added': (p) => `添加附件（${named(STAGE_TITLES, p.stage)}阶段，${size(p.sizeBytes)}）`,
  'knowledge.cited': (p) => `引用知识 ${text(p.article)}「${text(p.title)}」${p.visibility === 'public' ? '（公开，群众可见）' : '（内部）'}`,
  // smart intake classification (server/classify/)
  'report.classified': (p) => `经${channel(p)}渠道上报（网格 ${text(p.grid)}），系统自动分类为「${text(p.className, text(p.classCode))}」` +
    `（置信度 ${typeof p.confidence === 'number' ? `${Math.round(p.confidence * 100)}%` : '—'}）` + (p.applied === true ? '，已采用' : '，置信度不足，待受理时人工确认'),
  'accept.reclassified': (p) => `受理时更正事件类别：${text(p.from)} → ${text(p.to)}`,
}

/** The Chinese line of a note, or null for an unknown code (the caller shows the comment instead). */
export function wordNote(note: HistoryNoteLike | null | undefined): string | null {
  const f = note ? HISTORY_WORDING[note.code] : undefined
  return f ? f(note!.params ?? {}) : null
}
