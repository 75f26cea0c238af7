// The Chinese of /api/v1/catalogue's refusals, registered by catalogueRoutes.
import type { Wording } from '../http/messages/registry.ts'

export const catalogueMessagesZh: Record<string, Wording> = {
  'catalogue.entry_not_found': '资源目录中没有 {id}',
  'catalogue.unknown_resource': '字段 {field}：资源目录中没有 {resource}',
  'catalogue.not_shareable': '字段 {field}：资源「{title}」不予共享给您的系统（{resource}）',
  'catalogue.area_not_found': '字段 {field}：辖区内没有区划 {area}',
  'catalogue.application_not_found': '没有编号为 {id} 的资源申请',
  'catalogue.application_state': '资源申请 {id} 当前为「{state}」，只有「{want}」的申请可以这样处理',
  'catalogue.no_city': '您的账号不属于任何城市：资源目录按城市维护',
}
