// The Chinese of the configuration's refusals (registered by configRoutes), including the
// intake's refusals that name a channel's or demand type's configuration.
import type { Wording } from '../http/messages/registry.ts'

export const configMessagesZh: Record<string, Wording> = {
  'config.unknown_kind': '没有配置类别 {kind}',
  'config.bad_key': '字段 {field} 的编码格式不正确',
  'config.not_an_object': '请求体须为 JSON 对象',
  'config.not_found': '配置项 {key} 不存在',
  'config.duplicate_key': (p) => `字段 ${p.field}：编码 ${p.key} 已存在，请对其新增版本而不是重复创建`,
  'config.overlap': (p) => `字段 ${p.field}：新版本的生效期与 ${p.key} 的版本 ${p.version}（${p.from} 至 ${p.to ?? '长期'}）重叠`,
  'config.effective_in_past': '字段 {field}：生效时间 {at} 已过去，新版本只能从现在或以后生效',
  'config.no_end_for_kind': '字段 {field}：此类配置由下一版本替代，不能单独设定失效时间',
  'config.end_before_start': '字段 {field}：失效时间须晚于生效时间',
  'config.too_far_ahead': '字段 {field}：时间超出十年以后',
  'config.national_time_limits': '全国默认规则（时限、疑难认定）由数据库迁移修改，城市不能修改',
  'config.other_city': '只能修改本市的规则（{key} 不是本市）',
  'config.no_class': '字段 {field}：事件类别 {code} 不存在，请先创建类别',
  'config.unknown_industry': '字段 {field}：{value} 不是已有的行业网格类型',
  'config.no_big_class': '字段 {field}：所属大类 {parent} 尚未配置，请先创建大类',
  'config.big_class_limit': '字段 {field}：大类（两位编码）不设处置时限',
  'config.unknown_channel': '字段 {field}：{value} 不是现行的上报渠道',
  'config.unknown_demand_type': '字段 {field}：{value} 不是现行的诉求类型',
  'config.channel_role': (p) => `角色 ${p.role} 不能通过渠道「${p.name}」（${p.channel}）上报：渠道可用角色由配置规定，见 ${p.where}（版本 ${p.version}），允许的角色：${p.allowed}`,
}
