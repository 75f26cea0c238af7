// The Chinese of the knowledge base's refusals (registered when the routes are built).
import { registerMessages } from '../http/messages/registry.ts'

export function registerKnowledgeMessages(): void {
  registerMessages('zh', {
    'knowledge.not_found': '没有知识 {id}（或您无权查看）',
    'knowledge.invalid_state': '知识 {id} 当前为“{statusTitle}”，不能{step}',
    'knowledge.not_editable': '知识 {id} 当前为“{statusTitle}”，您现在不能修改',
    'knowledge.version_conflict': '知识 {id} 已被他人修改（当前版本 {version}），请刷新后再改',
    'knowledge.reviewers_only': '只有审核人员（市指挥中心、区级人员）才能{step}',
    'knowledge.not_author': '只有作者或审核人员才能上报知识 {id}',
    'knowledge.not_on_shelf': '知识 {id} 当前为“{statusTitle}”，只有已上架的知识才能评分、收藏、纠错或引用',
    'knowledge.correction_not_found': '没有纠错 {id}',
    'knowledge.already_decided': '纠错 {id} 已处理过',
    'knowledge.request_not_found': '没有知识索要 {id}',
    'knowledge.already_answered': '知识索要 {id} 已答复或关闭',
    'knowledge.event_not_found': '辖区内没有事件 {number}',
    'knowledge.event_not_closed': '事件 {number} 当前为“{statusTitle}”，只有已结案或已评价的事件才能转为知识',
    'knowledge.already_cited': '知识 {id} 已被事件 {number} 引用',
    'knowledge.department_not_found': '通讯录中没有部门 {code}',
    // the history note of a citation (events/historyNotes.ts), for clients that word notes from the catalogue
    'knowledge.cited': '引用知识 {article}「{title}」',
  })
}
