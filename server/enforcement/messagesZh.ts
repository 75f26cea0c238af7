// The Chinese of the enforcement capability's refusals, registered by enforcementRoutes.
import { roleTitles, type Role } from '../auth/roles.ts'
import type { Wording } from '../http/messages/registry.ts'

const what: Record<string, string> = {
  team: '执法队伍', officer: '执法人员', task: '执法任务', 'spot check': '双随机抽查', check: '抽查对象', result: '检查结果',
  unit: '单位', place: '重点场所', 'supervision notice': '督办单',
}
const named = (w: unknown) => what[String(w)] ?? String(w)

export const enforcementMessagesZh: Record<string, Wording> = {
  'enforcement.not_found': (p) => `辖区内没有${named(p.what)} ${String(p.id)}`,
  'enforcement.unknown_area': '没有行政区划 {code}',
  'enforcement.area_outside': '行政区划 {code} 不在您的辖区内',
  'enforcement.team_exists': '已有名为“{name}”的执法队伍',
  'enforcement.certificate_exists': '该执法证号已登记',
  'enforcement.too_few_candidates': '符合条件的抽查对象只有 {available} 个，少于要抽取的 {asked} 个',
  'enforcement.too_few_officers': '对象 {objectId} 可抽取的执法人员只有 {eligible} 名（回避后），每个对象需要 {needed} 名',
  'enforcement.result_exists': '抽查对象 {checkId} 已录入检查结果',
  'enforcement.future_time': '{field} 不能晚于当前时间',
  'enforcement.due_before_check': '整改期限不能早于检查日期',
  'enforcement.before_check': '整改完成时间不能早于检查时间',
  'enforcement.no_rectification': '检查结果 {id} 未要求整改',
  'enforcement.already_rectified': '检查结果 {id} 已整改完毕',
  'enforcement.nothing_to_supervise': '检查结果 {id} 没有待整改事项，无需督办',
  'enforcement.past_date': '{field} 不能早于今天',
  'enforcement.already_answered': '督办单 {id} 已答复',
  'enforcement.import_team': '没有该执法队伍，或不在您的辖区内',
  'enforcement.import_twice': '执法证号在文件中重复',
  'enforcement.import_outside': '该执法证号已在您辖区外登记',
  'enforcement.unmask_forbidden': (p) => `${roleTitles[p.role as Role] ?? String(p.role)}无权查看执法人员 ${String(p.id)} 的完整个人信息`,
}

