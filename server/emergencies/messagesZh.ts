// The Chinese of the emergencies' refusals, registered by emergencyRoutes.
import type { Wording } from '../http/messages/registry.ts'

export const emergencyMessagesZh: Record<string, Wording> = {
  'emergencies.not_found': '没有您可查看的重大突发事件 {number}',
}
