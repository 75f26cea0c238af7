// The Chinese of the special groups' refusals (registered when the routes are built).
import { registerMessages } from '../http/messages/registry.ts'

export function registerSpecialGroupMessages(): void {
  registerMessages('zh', {
    'special_groups.not_found': '辖区内没有特殊人群记录 {id}',
    'special_groups.resident_not_found': '{field}：没有这个实有人口',
    'special_groups.outside': '该人员不在您的辖区内，不能登记',
    'special_groups.member_not_found': '帮扶责任人 {id} 不是您辖区内在岗的网格员',
    'special_groups.already_registered': '该人员已有同类特殊人群记录（{id}），请编辑该记录',
    'special_groups.since_after_until': '列管开始日期不能晚于解除日期',
    'special_groups.visit_before_since': '走访时间早于列管开始日期（{since}）',
    'special_groups.unmask_forbidden': '您的角色无权查看该特殊人群记录的完整个人信息',
    'special_groups.import_duplicate': '第 {row} 行与第 {first} 行是同一人员的同类记录',
  })
}
