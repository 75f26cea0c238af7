// The Chinese of the lines' refusals, registered by lineRoutes.
import { roleTitles, type Role } from '../auth/roles.ts'
import type { Wording } from '../http/messages/registry.ts'

export const lineMessagesZh: Record<string, Wording> = {
  'lines.not_found': '辖区内没有线路 {id}',
  'lines.code_taken': '线路编号 {code} 已被使用',
  'lines.code_repeated': '线路编号 {code} 重复出现（另见第 {first} 行）',
  'lines.code_elsewhere': '线路编号 {code} 已在您辖区以外登记，不能覆盖',
  'lines.outside_city': '线路不经过本市任何社区',
  'lines.outside_jurisdiction': '线路的主要部分位于社区 {code}，不在您的辖区内',
  'lines.component_not_on_line': '部件 {component} 不在线路 {id} 上（超出容差范围）',
  'lines.component_outside': '部件 {component} 不在您的辖区内',
  'lines.unmask_forbidden': (p) => `${roleTitles[p.role as Role] ?? String(p.role)}无权查看线路 ${String(p.id)} 联系人的完整个人信息`,
}
