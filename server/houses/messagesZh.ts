// The Chinese of the house and resident registers' refusals, registered by their routes.
import type { Wording } from '../http/messages/registry.ts'

export const peopleMessagesZh: Record<string, Wording> = {
  'houses.not_found': '您的管辖范围内没有编号为 {id} 的房屋',
  'houses.address_not_found': '标准地址 {addressId} 不存在',
  'houses.community_not_found': '社区 {code} 不存在',
  'houses.address_taken': '已有房屋使用地址 {fullAddress}',
  'houses.duplicate_in_file': '同一房屋在文件中出现了两次',
  'houses.exists': '地址为 {fullAddress} 的房屋已登记（编号 {id}），请修改该房屋',
  'houses.demolished': '房屋 {id} 已拆除，不能再登记居住',
  'houses.unmask_forbidden': '您的角色无权查看房屋 {id} 产权人的完整信息',
  'residents.unmask_forbidden': '您的角色无权查看人员 {id} 的完整个人信息',
  'residents.not_found': '您的管辖范围内没有编号为 {id} 的实有人口',
  'residents.house_not_found': '房屋 {house} 不存在或不在本市',
  'residents.id_number': '身份证号码无效：{reason}',
  'residents.exists': '该身份证号码已登记（编号 {id}），请修改该人员',
  'residents.registered_twice': '一人只能在一处房屋登记为户籍，请先办理迁移',
  'residents.duplicate_in_file': '同一身份证号码在文件中出现了两次',
  'residents.elsewhere': '此人已在您管辖范围以外登记，请由其所在地办理迁出',
  'residents.moved_out': '此人已迁出',
  'residents.already_linked': '此人已关联房屋 {house}',
  'houses.outside_jurisdiction': '房屋所在社区 {community} 不在您的管辖范围内',
  'residents.outside_jurisdiction': '人员所在社区 {community} 不在您的管辖范围内',
}
