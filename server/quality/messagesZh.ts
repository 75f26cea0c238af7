// The Chinese of the quality reviews' refusals, registered by qualityRoutes.
import type { Wording } from '../http/messages/registry.ts'

const sourceNames: Record<string, string> = { department: '部门专业评价', centre: '中心评价', follow_up: '追评' }

export const qualityMessagesZh: Record<string, Wording> = {
  'quality.not_found': '辖区内没有事件 {number}',
  'quality.source_role': (p) => `您的角色不能提交${sourceNames[String(p.source)] ?? String(p.source)}（source）`,
  'quality.not_handled': (p) => `事件 ${String(p.number)} 尚未处置反馈，暂不能评价办理质量（当前状态 ${String(p.status)}）`,
  'quality.no_evaluation': (p) => `事件 ${String(p.number)} 尚无群众评价，不能追评`,
  'quality.no_city': '您的账号不属于任何城市：办理质量权重按城市设置',
  'quality.area_not_found': '辖区内没有区划 {area}',
}
