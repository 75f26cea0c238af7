// The Chinese of the service-gap check's refusals, registered by serviceGapRoutes.
import type { Wording } from '../http/messages/registry.ts'

export const serviceGapMessagesZh: Record<string, Wording> = {
  'service_gaps.area_not_found': '辖区内没有区划 {area}（区、街道或社区）',
  'service_gaps.kind_not_configured': '字段 kinds：{kinds} 未配置为体检服务（现有：{configured}），请先在体检规则配置中添加',
  'service_gaps.year_future': '年份 year 须在 2000 至 {max} 之间：{year} 年尚未开始',
}
