// The Chinese of the exemplary cases' refusals (registered when the routes are built).
import { registerMessages } from '../http/messages/registry.ts'

export function registerExemplaryMessages(): void {
  registerMessages('zh', {
    'exemplary.not_found': '辖区内没有公示案例 {id}',
    'exemplary.event_not_found': '辖区内没有事件 {number}',
    'exemplary.not_closed': '事件 {number} 当前为“{statusTitle}”，只有已结案或已评价的事件才能设为公示案例',
    'exemplary.dissatisfied': '事件 {number} 群众评价不满意，不能设为公示案例',
    'exemplary.already_pinned': '事件 {number} 已是公示案例（案例 {caseId}）',
    'exemplary.already_withdrawn': '公示案例 {id} 已撤下，无需重复操作',
  })
}
