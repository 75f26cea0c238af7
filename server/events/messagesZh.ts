// The Chinese of the events capability's refusals (transitions, the state machine's guards,
// dispatch, attachments, lists), registered by eventRoutes. Codes are thrown with
// AppError.coded(...) and, for the state machine, workflow.ts `because(...)`.
import { beijingMinute, type MessageParams, type Wording } from '../http/messages/registry.ts'
import { roleTitles, type Role } from '../auth/roles.ts'
import { actionTitles, statusTitles, type Action, type Status } from './workflow.ts'

const action = (p: MessageParams) => actionTitles[p.action as Action] ?? String(p.action ?? '')
const status = (p: MessageParams) => statusTitles[p.status as Status] ?? String(p.status ?? '')
const levels: Record<string, string> = { grid: '网格', community: '社区', street: '街道', district: '区', city: '市' }
const list = (v: unknown) => (Array.isArray(v) ? v.join('、') : String(v ?? ''))

/** A refusal of the state machine: "无法<动作>：<why>". */
const refused = (why: string | ((p: MessageParams) => string)): Wording =>
  (p) => `无法${action(p)}：${typeof why === 'string' ? why : why(p)}`


export const eventMessagesZh: Record<string, Wording> = {
  'events.not_found': '辖区内没有事件 {number}',
  'events.no_attachment': '事件 {number} 没有附件 {id}',
  'events.too_many_attachments': '事件 {number} 的附件已达上限（{max} 个）',
  'events.storage_full': '附件存储空间已满，文件未保存：请联系管理员清理存储空间后重新上传',

  // the state machine (workflow.ts)
  'transition.wrong_status': refused((p) => `事件当前为「${status(p)}」状态`),
  'transition.role_not_permitted': refused((p) => `${roleTitles[p.role as Role] ?? String(p.role)}无权执行此操作`),
  'transition.not_assignee': refused('事件未派给您或您的单位'),
  'transition.reporter_only': refused('只有上报人本人可以操作'),
  'transition.not_assisting': refused('您的单位不是本事件的协办单位'),
  'transition.extension_pending': refused('有延期申请正在等待审批'),
  'transition.extension_already_pending': refused('已有延期申请正在等待审批'),
  'transition.no_extension_pending': refused('没有待审批的延期申请'),
  'transition.forwarded_report_back': refused('事件已转派下级单位，请由下级单位回报后再反馈'),
  'transition.assists_pending': refused('还有 {count} 个协办单位未反馈意见'),
  'transition.highest_level': refused('已是最高层级，不能再提级'),
  'transition.not_dissatisfied': refused('只有评价为不满意的事件才能重派'),
  'transition.forward_depth': refused('已逐级转派 {depth} 级，不能再向下转派'),
  'transition.not_forwarded_use_feedback': refused('事件未转派，请使用“处置反馈”'),
  'transition.no_open_supervision': refused('没有等待回复的督办单'),
  'transition.already_appealed': refused('该事件已申诉过，每个事件只能申诉一次'),

  // the transition's input and effects (transitionInput.ts, transitionEffects.ts, supervisionAppeal.ts)
  'transition.version_conflict': '事件 {number} 已被他人更新（当前第 {version} 版），请刷新后重试',
  'transition.unknown_unit': (p) => `本市没有单位 ${list(p.codes)}`,
  'transition.unknown_member': '网格员 {memberId} 不是单位 {code} 的在岗成员',
  'transition.assisting_is_primary': '{code} 已是主办单位，不能同时作为协办单位',
  'transition.assisting_not_dispatch': '协办单位只能在派遣、改派或重派时指定',
  'transition.forward_needs_unit': '转派须选择接收的下级单位',
  'transition.not_a_sub_unit': '{code} 不是 {assignee} 的下级单位：转派只能下派一级',
  'transition.no_unit_chosen': '派遣规则未能选出处置单位，请指定单位',
  'transition.appeal_no_unit': '社区 {community} 没有可接收申诉的网格员或社区居委会',
  'transition.escalate_no_unit': (p) => `社区 ${String(p.community)} 之上没有${levels[String(p.level)] ?? String(p.level)}级单位，无法提级`,
  'transition.unknown_attachment': '附件 {ids} 不属于事件 {number}',
  'transition.photo_required': '网格员核查须附照片：请先上传核查照片',
  'transition.arrival_required': '须先到场再处置：处置人员尚未到达事件 {number} 现场',
  'transition.void_needs_original': '废止须填写原事件编号',
  'transition.void_self': '事件不能与自身重复',
  'transition.unknown_original': '辖区内没有原事件 {number}',
  'transition.original_voided': '原事件 {number} 本身已废止',
  'transition.evaluate_needs_satisfaction': '评价须选择满意程度',
  'transition.extension_needs_amount': '申请延期须填写延期时长',
  'transition.approve_needs_amount': '批准延期须填写延期时长：申请中未写明',
  'transition.no_deadline': '事件没有处置时限，无需延期',
  'transition.not_forwarded': '事件 {number} 未转派，无需回报',
  'transition.no_assisting_task': '您的单位在本次派遣中没有协办任务',
  'transition.assist_already_signed': '协办任务已签收，无需重复签收',
  'transition.assist_already_done': '您的单位已反馈过协办意见',
  'transition.assist_needs_comment': '协办反馈须填写意见',
  'transition.supervise_needs_comment': '督办须填写督办要求',
  'transition.answer_needs_comment': '督办回复须填写回复内容',
  'transition.unknown_supervision': (p) => `事件 ${String(p.number)} 没有待回复的督办单${p.supervisionId ? ` ${String(p.supervisionId)}` : ''}`,
  'transition.appeal_needs_comment': '申诉须填写理由',
  'transition.appeal_window_closed': (p) => `已过申诉期限：结案后 ${String(p.days)} 天内可申诉（截至 ${beijingMinute(p.until)}）`,
}
