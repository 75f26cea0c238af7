// The Chinese of the hard cases', parallel parts', meetings' and blind spots' refusals (issue 18
// part 3), registered by each of their routes (registering twice is harmless).
import type { Wording } from '../http/messages/registry.ts'
import { actionTitles, type Action } from '../events/workflow.ts'

export const hardCaseMessagesZh: Record<string, Wording> = {
  'hard_cases.already_marked': '事件 {number} 已认定为疑难事件',
  'hard_cases.not_marked': '事件 {number} 未被认定为疑难事件，无需取消',
  // the state machine's parallel block (workflow.ts)
  'transition.parts_open': (p) => `无法${actionTitles[p.action as Action] ?? String(p.action ?? '')}：还有 ${String(p.count)} 个并联办任务未办结`,
  'parallel.not_running': '事件 {number} 当前不在办理中，不能发起并联办',
  'parallel.unknown_unit': '字段 {field}：本市没有单位 {code}',
  'parallel.primary_unit': '字段 {field}：{code} 已是本事件的主办单位',
  'parallel.duplicate_unit': '字段 {field}：单位 {code} 已有未办结的并联办任务',
  'parallel.due_past': '字段 {field}：并联办任务的办理时限须晚于当前时间',
  'parallel.part_not_found': '事件 {number} 没有并联办任务 {id}',
  'parallel.part_closed': '并联办任务 {id} 已结束',
  'parallel.not_part_unit': '只有承办单位（{unit}）可以办结该并联办任务',
  'parallel.not_desk': '只有指挥中心或属地工作人员可以撤回并联办任务',
  'meetings.plan_needs_event': '字段 {field}：72小时处置计划须针对一个事件',
  'meetings.plan_needs_decisions': '字段 {field}：72小时处置计划至少要有一项决定事项',
  'meetings.area_required': '字段 {field}：请填写会议所属区域（或关联事件）',
  'meetings.area_outside': '字段 {field}：{area} 不在您的辖区内',
  'meetings.unknown_unit': '字段 {field}：本市没有单位 {code}',
  'meetings.owner_not_invited': '字段 {field}：责任单位 {code} 不是参会单位',
  'meetings.due_before_start': '字段 {field}：决定事项的完成时限须晚于会议开始时间',
  'meetings.plan_due_beyond': '字段 {field}：72小时处置计划的决定事项须在会议后 {hours} 小时内完成',
  'meetings.not_found': '没有您可查看的会议 {id}',
  'meetings.decision_not_found': '会议 {id} 没有第 {seq} 项决定',
  'meetings.decision_done': '第 {seq} 项决定已办结',
  'meetings.not_owner': '只有责任单位（{unit}）可以办结该决定事项',
  'blind_spots.not_found': '辖区内没有职能盲区登记 {id}',
  'blind_spots.area_outside': '字段 {field}：{area} 不在您的辖区内',
  'blind_spots.unknown_class': '字段 {field}：没有事件类别 {code}',
  'blind_spots.unknown_unit': '字段 {field}：没有单位 {code}',
  'blind_spots.already_open': '该类别在该区域已有未解决的同类盲区登记',
  'blind_spots.already_resolved': '职能盲区登记 {id} 已解决',
}
