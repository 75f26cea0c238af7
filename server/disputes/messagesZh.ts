// The Chinese of the disputes' refusals, registered by disputeRoutes.
import { roleTitles, type Role } from '../auth/roles.ts'
import type { Wording } from '../http/messages/registry.ts'

const STEP_NAMES: Record<string, string> = {
  reassign: '改派', session: '记录调解', conclude: '办结', risk: '调整风险等级', revisit: '回访', performance: '跟踪协议履行',
}
const step = (p: Record<string, unknown>) => STEP_NAMES[String(p.step)] ?? String(p.step)

export const disputeMessagesZh: Record<string, Wording> = {
  'disputes.not_found': '辖区内没有矛盾纠纷 {id}',
  'disputes.outside_city': '该位置不在本市任何社区内（{field}）',
  'disputes.outside_jurisdiction': '该位置所在社区 {code} 不在您的辖区内（{field}）',
  'disputes.area_outside': '区域 {code} 不在您的辖区内（{field}）',
  'disputes.not_assigned': (p) => `纠纷 ${String(p.id)} 尚未分派调解员（${String(p.statusName)}），不能${step(p)}`,
  'disputes.concluded': (p) => `纠纷 ${String(p.id)} 已办结（${String(p.statusName)}），不能再${step(p)}`,
  'disputes.not_concluded': (p) => `纠纷 ${String(p.id)} 尚未办结（${String(p.statusName)}），不能${step(p)}`,
  'disputes.no_agreement': (p) => `纠纷 ${String(p.id)} 未达成调解协议（${String(p.statusName)}），无协议可履行`,
  'disputes.no_session': '纠纷 {id} 尚无调解记录：请先记录调解过程再办结',
  'disputes.revisited': '纠纷 {id} 已回访过',
  'disputes.performed': '纠纷 {id} 的调解协议已履行完毕',
  'disputes.risk_unchanged': '纠纷 {id} 的风险等级已是 {level}',
  'disputes.same_mediator': '调解员 {mediatorId} 已在办理纠纷 {id}',
  'disputes.no_mediator_available': '没有覆盖社区 {code} 且受理该类别的在岗调解员',
  'disputes.mediator_unknown': '本市没有调解员 {id}（{field}）',
  'disputes.mediator_inactive': '调解员 {id} 不在岗',
  'disputes.session_ahead': '调解时间晚于现在：请在调解后记录（{field}）',
  'disputes.step_forbidden': (p) => `${roleTitles[p.role as Role] ?? String(p.role)}无权对纠纷 ${String(p.id)} ${step(p)}`,
  'disputes.unmask_forbidden': (p) => `${roleTitles[p.role as Role] ?? String(p.role)}无权查看纠纷 ${String(p.id)} 当事人的完整个人信息`,
}
