// The Chinese of the privacy capability's refusals, registered by mountUnmask.
import { roleTitles, type Role } from '../auth/roles.ts'
import type { Wording } from '../http/messages/registry.ts'

export const privacyMessagesZh: Record<string, Wording> = {
  'privacy.unmask_forbidden': (p) => `${roleTitles[p.role as Role] ?? String(p.role)}无权查看事件 ${String(p.number)} 上报人的完整个人信息`,
}
