// 重大突发 (Jinan 5.2 b): a major emergency skips the desk's queue at intake (filed and dispatched
// at once, see intakePolicy.ts) and alerts the named leaders and lead bodies at once: their
// inbox (and through it the messaging gateway), the live stream of everyone whose area holds
// the event, and, by the history row it writes, the outbox to the other platforms. The time
// line every involved unit reads is the event's history (GET /api/v1/emergencies/{number}).
import type { Knex } from 'knex'
import { deliver } from '../../inbox/deliver.ts'
import { notifyField } from '../../stream/notify.ts'
import type { EventRow } from '../store.ts'
import type { AlertList } from './recipients.ts'

export type EmergencySource = 'priority' | 'class' | 'manual'

export const sourceTitles: Record<EmergencySource, string> = { priority: '一级优先', class: '重大突发类别', manual: '人工认定' }

export interface Alerted { kind: string; title: string; reached: number }

/** Records the emergency and alerts its contacts, in the caller's transaction. */
export async function alertEmergency(trx: Knex.Transaction | Knex, e: Pick<EventRow, 'id' | 'created_at' | 'number' | 'city_code' | 'community_code' | 'class_code' | 'class_name' | 'description' | 'status' | 'priority'>,
  a: { source: EmergencySource; reason: string; by: number | null; now: Date; alert: AlertList }): Promise<Alerted[]> {
  const alerted: Alerted[] = a.alert.contacts.map((c) => ({ kind: c.kind, title: c.title, reached: c.userIds.length }))
  await trx('event_emergency').insert({ event_id: e.id, event_created_at: e.created_at, number: e.number, city_code: e.city_code,
    community_code: e.community_code, source: a.source, reason: a.reason, declared_by: a.by, declared_at: a.now, alerted: JSON.stringify(alerted),
    alerted_user_ids: a.alert.userIds })
    .onConflict('event_id').ignore()
  const notice = { kind: 'emergency' as const, title: `重大突发：${e.class_name ?? e.class_code} ${e.number}`, body: `${a.reason}\n${e.description}`.slice(0, 2000),
    eventId: e.number, areaCode: e.community_code, link: `#/events/${e.number}`, data: { source: a.source, priority: e.priority } }
  // the named contacts, and the desks of the area whether or not they are named
  await deliver(trx, notice, { userIds: a.alert.userIds, roles: ['command_center', 'district_staff', 'street_staff'], areaCode: e.community_code })
  await notifyField(trx, 'emergency', [{ community: e.community_code, number: e.number, classCode: e.class_code, status: e.status,
    source: a.source, reason: a.reason.slice(0, 200), at: a.now.toISOString(), alerted }])
  return alerted
}
