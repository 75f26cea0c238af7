// The Chinese of the fences' refusals (alert acknowledge), registered by fenceRoutes.
import { beijingMinute, type Wording } from '../http/messages/registry.ts'

export const fenceMessagesZh: Record<string, Wording> = {
  'fences.alert_not_found': '辖区内没有围栏告警 {id}',
  'fences.alert_already_acknowledged': (p) => `该围栏告警已于 ${beijingMinute(p.at)} ${p.by ? `由${String(p.by)}` : '被他人'}确认，无需重复确认`,
}
