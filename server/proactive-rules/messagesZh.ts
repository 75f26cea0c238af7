// The Chinese of the proactive-rules refusals (registered when the routes are built).
import { registerMessages } from '../http/messages/registry.ts'

export function registerProactiveMessages(): void {
  registerMessages('zh', {
    'proactive.bad_id': '编号 id 须为正整数',
    'proactive.no_city': '您的账号不属于任何城市：主动服务规则按城市设置',
    'proactive.rule_not_found': '本市没有编号为 {id} 的主动服务规则',
    'proactive.stale_version': '规则已被他人修改（当前版本 {current}），请刷新后重试',
    'proactive.task_not_found': '您的辖区内没有编号为 {id} 的主动服务任务',
    'proactive.task_closed': '任务 {id} 已办结或已忽略（{status}），不能再次办理',
    'proactive.visit_in_future': '走访时间 visit.visitedAt 不能晚于当前时间',
  })
}
