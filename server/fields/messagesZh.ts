// The Chinese of the user fields' refusals and of the import formats' refusals (registered by
// fieldRoutes and importRoutes).
import type { Wording } from '../http/messages/registry.ts'

export const fieldMessagesZh: Record<string, Wording> = {
  'fields.required': '自定义属性 {field} 为必填项',
  'fields.wrong_type': '自定义属性 {field} 的值类型不正确',
  'fields.not_a_choice': '自定义属性 {field} 的值不在可选项中',
  'fields.reserved_name': '属性名 {field} 与内置属性重名，请换一个名称',
  'fields.duplicate_name': '自定义属性 {field} 已存在',
  'fields.bad_definition': '自定义属性 {field} 的定义有误（可选项或默认值不符合类型）',
  'fields.unknown_property': '{field} 既不是内置属性，也不是已定义的自定义属性',
  'fields.not_found': '自定义属性 {field} 不存在',
  'fields.too_many': '每个图层最多定义 {max} 个自定义属性',
}
