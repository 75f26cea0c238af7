// The Chinese of the field steps' refusals (workflow.ts's field block, fieldSteps/), registered by
// eventRoutes beside the events catalogue.
import type { MessageParams, Wording } from '../../http/messages/registry.ts'
import { actionTitles, type Action } from '../workflow.ts'

const refused = (why: string): Wording => (p: MessageParams) => `无法${actionTitles[p.action as Action] ?? String(p.action ?? '')}：${why}`

export const fieldStepMessagesZh: Record<string, Wording> = {
  // the state machine
  'transition.verification_pending': refused('该类别须先由网格员现场核实（照片与位置）后才能受理'),
  'transition.verification_unconfirmed': refused('现场核实未能确认所报情况，请不予立案或重新核实'),
  'transition.already_verified': refused('该事件已完成现场核实'),
  'transition.verification_not_required': refused('该事件的类别不要求现场核实'),
  'transition.supervision_request_pending': refused('已有督办申请在等待网格长审核'),
  'transition.no_supervision_request': refused('没有待审核的督办申请'),
  'transition.emergency_no_direct_reply': refused('重大突发事件须现场处置，不能直接答复结案'),
  'transition.already_emergency': refused('该事件已认定为重大突发事件'),
  'transition.not_duty_chief': refused('只有当班值班长可以协调派遣'),
  // the steps' input (fieldSteps/prepare.ts, effects.ts)
  'transition.transfer_needs_reason': '移交须填写原因（comment）',
  'transition.transfer_needs_target': '移交须指定接收的网格员（memberId）或落格单位（departmentCode）',
  'transition.transfer_to_self': '不能移交给自己（memberId）',
  'transition.member_outside_area': '网格员 {memberId} 所在社区 {community} 不在您的辖区内，不能移交（memberId）',
  'transition.unit_outside_area': '单位 {code} 的辖区既不包含事件所在地，也不在您的辖区内，不能移交（departmentCode）',
  'transition.verify_needs_outcome': '现场核实须给出结果（outcome：confirmed 属实 / unconfirmed 不属实）',
  'transition.verify_needs_position': '现场核实须提供位置（location），或设备在最近 {minutes} 分钟内有定位',
  'transition.verify_too_far': '核实位置距上报地点 {metres} 米，超过现场核实允许的 {max} 米（location）',
  'transition.coordinate_needs_comment': '值班长协调派遣须写明协调意见（comment）',
  'transition.reply_needs_text': '直接答复须填写答复内容（comment）',
  'transition.emergency_needs_reason': '认定重大突发须写明理由（comment）',
  'transition.request_needs_reason': '督办申请须写明申请督办的事项和理由（comment）',
  'transition.review_needs_grant': '审核督办申请须给出结论（grant：true 同意 / false 不同意）',
  'transition.supervise_unassigned': '事件 {number} 尚未派遣，不能督办',
}
