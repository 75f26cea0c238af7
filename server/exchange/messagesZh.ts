// The Chinese of /api/v1/exchange's refusals (registered by exchangeRoutes).
import type { Wording } from '../http/messages/registry.ts'

export const exchangeMessagesZh: Record<string, Wording> = {
  'exchange.schema': '交换消息不符合数据交换格式：{path} {message}',
  'exchange.no_schema': '没有名为 {name} 的交换格式',
  'exchange.no_province': '本市尚未配置省级平台对接',
  'exchange.city_only': '只有市级账号可以配置省级平台对接',
  'exchange.too_large': '交办指令过大（最多 {max} 字节，本次 {size} 字节）',
  'exchange.bad_city': '{field}：城市代码应为以 00 结尾的 6 位数字',
  'exchange.no_dataset': '没有开放数据文件 {file}',
  'exchange.no_city': '没有城市 {city} 的开放数据',
}
