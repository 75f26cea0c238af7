// The Chinese of the sensors' and SensorThings API's refusals, registered by their routes.
import type { Wording } from '../http/messages/registry.ts'

export const sensorMessagesZh: Record<string, Wording> = {
  'sensors.bad_query_option': '查询参数 {param} 有误：{message}',
  'sensors.bad_field': '字段 {field} 有误：{message}',
  'sensors.not_found': '没有您可查看的 {set} {id}',
  'sensors.no_resource': '没有该 SensorThings 资源：{path}',
  'sensors.not_creatable': '{set} 不能在此创建',
  'sensors.in_use': '{set} {id} 仍被数据流引用，不能删除',
  'sensors.unknown_class': '字段 {field}：没有事件小类 {code}',
  'sensors.rule_not_found': '没有您可查看的感知规则 {id}',
}
