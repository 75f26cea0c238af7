// The Chinese of patrol's refusals (templates, tasks, summaries, attendance), registered by patrolRoutes.
import type { Wording } from '../http/messages/registry.ts'

export const patrolMessagesZh: Record<string, Wording> = {
  'patrol.not_a_member': '您的账号不是在岗网格员',
  'patrol.own_only': '网格员只能查看自己的巡查记录',
  'patrol.bad_location': '位置无效：坐标或坐标系不正确',
  'patrol.grid_not_found': '辖区内没有现行网格 {code}',
  'patrol.member_required': '请选择网格员（memberId）',
  'patrol.member_not_found': '辖区内没有网格员 {memberId}',
  'patrol.task_not_found': '辖区内没有巡查任务 {id}',
  'patrol.template_not_found': '辖区内没有巡查模板 {id}',
  'patrol.area_outside': '区域 {code} 不在您的辖区内',
  'patrol.invalid_template': '巡查模板有误，请检查字段 {fields}',
}
