// The Chinese of the audit capability's refusals, registered by auditRoutes.
import type { Wording } from '../http/messages/registry.ts'

export const auditMessagesZh: Record<string, Wording> = {
  'audit.unavailable': '访问日志暂时无法写入，为保护个人信息，本次请求未返回数据，请稍后重试',
  'audit.bad_range': '查询时间范围无效：结束时间须晚于开始时间',
}
