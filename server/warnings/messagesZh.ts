// The Chinese of the warnings' refusals (acknowledge, rules), registered by warningRoutes.
import { beijingMinute, type Wording } from '../http/messages/registry.ts'

export const warningMessagesZh: Record<string, Wording> = {
  'warnings.not_found': '辖区内没有预警 {id}',
  'warnings.already_acknowledged': (p) => `该预警已于 ${beijingMinute(p.at)} ${p.by ? `由${String(p.by)}` : '被他人'}确认，无需重复确认`,
  'warnings.no_city': '您的账号不属于任何城市：预警规则按城市设置',
}
