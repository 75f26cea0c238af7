// The Chinese of the work queues' refusals, registered by queueRoutes.
import type { Wording } from '../http/messages/registry.ts'

export const queueMessagesZh: Record<string, Wording> = {
  'queues.not_found': '辖区内没有单位或网格员 {what}（或您无权查看他人的工作队列）',
}
