// The Chinese of the service-gap check's refusals, registered by serviceGapRoutes.
import type { Wording } from '../http/messages/registry.ts'

export const serviceGapMessagesZh: Record<string, Wording> = {
  'service_gaps.area_not_found': '辖区内没有区划 {area}（区、街道或社区）',
  'service_gaps.year_future': '年份 year 须在 2000 至 {max} 之间：{year} 年尚未开始',
}
