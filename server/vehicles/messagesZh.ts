// The Chinese of the vehicles' refusals, registered by vehicleRoutes.
import { roleTitles, type Role } from '../auth/roles.ts'
import type { Wording } from '../http/messages/registry.ts'

export const vehicleMessagesZh: Record<string, Wording> = {
  'vehicles.not_found': '辖区内没有车辆 {id}',
  'vehicles.plate_taken': '号牌 {plate} 已登记',
  'vehicles.plate_repeated': '号牌 {plate} 重复出现（另见第 {first} 行）',
  'vehicles.plate_elsewhere': '号牌已在您辖区以外登记，不能覆盖',
  'vehicles.resident_not_found': '辖区内没有实有人口 {id}',
  'vehicles.community_unknown': '{code} 不是本市的社区',
  'vehicles.outside_jurisdiction': '社区 {code} 不在您的辖区内',
  'vehicles.grid_unknown': '{grid} 不是社区 {code} 的现行基础网格',
  'vehicles.owner_required': '车主不是实有人口时，须填写车主姓名和所属社区（{field}）',
  'vehicles.owner_is_resident': '车主为实有人口：如需改登其他车主，请将 residentId 置为空（{field}）',
  'vehicles.unmask_forbidden': (p) => `${roleTitles[p.role as Role] ?? String(p.role)}无权查看车辆 ${String(p.id)} 车主的完整个人信息`,
}
