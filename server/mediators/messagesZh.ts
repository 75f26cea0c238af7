// The Chinese of the mediators' and mediation bodies' refusals, registered by mediatorRoutes.
import { roleTitles, type Role } from '../auth/roles.ts'
import type { Wording } from '../http/messages/registry.ts'

export const mediatorMessagesZh: Record<string, Wording> = {
  'mediators.not_found': '辖区内没有调解员 {id}',
  'mediators.body_not_found': '辖区内没有调解机构 {id}',
  'mediators.body_unknown': '辖区内没有调解机构 {id}（{field}）',
  'mediators.body_name_taken': '已有名为“{name}”的调解机构',
  'mediators.area_unknown': '{code} 不是本市的行政区划（{field}）',
  'mediators.outside_jurisdiction': '{code} 不在您的辖区内（{field}）',
  'mediators.user_unknown': '本市没有账号 {id}（{field}）',
  'mediators.user_taken': '账号 {id} 已关联其他调解员（{field}）',
  'mediators.not_linked': '您的账号未关联调解员',
  'mediators.unmask_forbidden': (p) => `${roleTitles[p.role as Role] ?? String(p.role)}无权查看调解员 ${String(p.id)} 的完整个人信息`,
}
