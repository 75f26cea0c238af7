// The Chinese of the opinion routes' refusals (registered when the routes are built).
import { registerMessages } from '../http/messages/registry.ts'

export function registerOpinionMessages(): void {
  registerMessages('zh', {
    'opinion.not_found': '辖区内没有舆情信息 {id}',
    'opinion.not_candidate': '舆情信息 {id} 已处理（{status}），不能再受理或驳回',
    'opinion.feed_not_found': '本市没有舆情源 {id}',
    'opinion.feed_exists': '该舆情源地址已配置',
    'opinion.feed_internal': '舆情源地址 {host} 指向内部网络地址 {address}，不予读取（如确需读取，请配置 OPINION_FEED_ALLOWED_NETWORKS）',
    'opinion.no_city': '您的账号不属于任何城市，不能管理舆情源',
  })
}
