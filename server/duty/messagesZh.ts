// The Chinese of the duty shifts' refusals, registered by dutyRoutes.
import type { Wording } from '../http/messages/registry.ts'

export const dutyMessagesZh: Record<string, Wording> = {
  'duty.bad_range': '值班结束时间（endsAt）须晚于开始时间（startsAt）',
  'duty.too_long': '一个班次最长 7 天（endsAt）',
  'duty.not_a_chief': '{username} 不是本市在用的市指挥中心、区或街道人员，不能担任值班长（username）',
  'duty.overlap': '与值班班次 {id} 时间重叠（startsAt）：同一时间只有一位值班长',
}
