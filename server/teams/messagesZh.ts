// The Chinese of the teams and party capabilities' refusals (registered when their routes are built).
import { roleTitles, type Role } from '../auth/roles.ts'
import type { Wording } from '../http/messages/registry.ts'

const fieldZh: Record<string, string> = {
  communityCode: '所属区划', gridCode: '所在网格', lon: '位置', parentId: '上级组织', eventNumber: '事件编号', name: '名称',
  orgId: '所属党组织', memberId: '党员', positionId: '阵地', residentId: '实有人口',
}
const f = (p: Record<string, unknown>) => fieldZh[String(p.field)] ?? String(p.field ?? '')

export const teamsMessagesZh: Record<string, Wording> = {
  'teams.not_found': '辖区内没有队伍 {id}',
  'teams.member_not_found': '队伍 {id} 没有成员 {member}',
  'teams.service_not_found': '队伍 {id} 在辖区内没有服务单 {service}',
  'teams.unknown_area': (p) => `${f(p)}：没有区划 ${String(p.code)}`,
  'teams.unknown_grid': (p) => `${f(p)}：没有现行基础网格 ${String(p.code)}`,
  'teams.no_area': (p) => `${f(p)}：请填写所属区划、所在网格或位置`,
  'teams.outside_jurisdiction': (p) => `${f(p)}：区划 ${String(p.code ?? '')} 不在您的辖区内`,
  'teams.point_outside_area': '位置在社区 {at}，不在所填区划 {code} 内',
  'teams.grid_outside_area': (p) => `${f(p)}：网格 ${String(p.at ?? '')} 不在区划 ${String(p.code ?? '')} 内`,
  'teams.duplicate': (p) => `${f(p)}：本区划内已登记同名记录`,
  'teams.unknown_parent': '上级组织 {id} 不存在',
  'teams.chart_cycle': '上级组织不能是本组织或其下级（组织架构不能成环）',
  'teams.parent_outside_area': '上级组织 {id} 属于区划 {code}，不包含 {at}',
  'teams.inactive': '队伍 {id} 已停用，不能派发服务',
  'teams.event_not_found': '辖区内没有事件 {number}',
  'teams.demand_outside_area': '诉求位于 {at}，不在队伍 {id} 的服务区域 {code} 及其网格内',
  'teams.service_state': '服务单 {id} 当前状态为 {status}，此操作需要 {wanted}',
  'teams.unmask_forbidden': (p) => `${roleTitles[p.role as Role] ?? String(p.role)}无权查看队伍 ${String(p.id)} 的完整个人信息`,
  'party.not_found': (p) => `辖区内没有${String(p.whatZh ?? '记录')} ${String(p.id)}`,
  'party.unmask_forbidden': (p) => `${roleTitles[p.role as Role] ?? String(p.role)}无权查看党员 ${String(p.id)} 的完整个人信息`,
  'party.resident_not_found': '辖区内没有实有人口 {id}',
  'party.resident_linked': '实有人口 {id} 已关联党员 {member}',
  'party.org_outside_area': (p) => `${f(p)}：党组织 ${String(p.id)} 属于区划 ${String(p.code)}，不包含 ${String(p.at)}`,
}
