// The Chinese of the inbox's and the quality reviews' refusals, registered by their routes.
import type { Wording } from '../http/messages/registry.ts'

export const inboxMessagesZh: Record<string, Wording> = {
  'inbox.no_account': '站内消息属于用户账号：当前身份没有账号',
  'inbox.area_outside': (p) => `订阅区域 areaCode ${String(p.area)} 不在您的辖区内`,
  'inbox.subscription_exists': (p) => `您已订阅该类消息（${String(p.kind)}${p.area ? `，区域 ${String(p.area)}` : ''}），无需重复订阅`,
  'inbox.subscription_not_found': '没有您的订阅 {id}',
}
