// The field steps' say at intake (called from intake.ts): a resident's or hotline demand of a
// class that asks for on-site verification stays 待受理 until verified (a verify_required row in
// its history), and a major emergency (priority 1, or a class configured as one) skips the
// desk's queue: it is filed and dispatched at once whatever its channel's setting, and its
// contacts are alerted as soon as it is stored. What a class asks is versioned configuration
// (/api/v1/config/class-field-rules): the version in force at intake is pinned on the event.
import type { Knex } from 'knex'
import type { EventRow } from '../store.ts'
import { reference } from '../reference.ts'
import { alertEmergency, type EmergencySource } from './emergency.ts'
import { emergencyRecipients } from './recipients.ts'

/** Channels whose demands come from outside the field force and are verified on site when the class asks. */
export const VERIFIED_CHANNELS: readonly string[] = ['resident', 'hotline_12345']

/** The history row that sends an event to on-site verification (intake, or a class changed at accept). */
export const VERIFY_REQUIRED_NOTE = '该类别须网格员现场核实（照片与位置）后受理'

interface HistoryRow { seq: number; action: string; from_status: string | null; to_status: string; actor_user_id: number | null
  actor_role: string; actor_name: string; comment: string | null; explanation: unknown }

export interface FieldIntake {
  verify: boolean
  emergency: EmergencySource | null
  /** the channel's automatic filing and dispatch, as the field steps leave them */
  auto(channel: { autoAccept: boolean; autoDispatch: boolean }): { autoAccept: boolean; autoDispatch: boolean }
  /** appends the verify_required or emergency row to the intake's history */
  annotate(plan: { status: string; history: HistoryRow[] }): void
  /** whether `after` has work to do (then intake stores the event and runs it in one transaction) */
  readonly pending: boolean
  /** after the event is stored, in its transaction: records the emergency and alerts its contacts */
  after(knex: Knex, row: EventRow): Promise<void>
}

export async function fieldIntake(knex: Knex, body: { channel: string; classCode: string; priority: number }): Promise<FieldIntake> {
  const rule = (await reference(knex)).fieldRules.get(body.classCode)
  const emergency: EmergencySource | null = body.priority === 1 ? 'priority' : rule?.emergency ? 'class' : null
  // an emergency is not held back for a verification: it is handled on site at once anyway
  const verify = emergency === null && Boolean(rule?.verifyOnSite) && VERIFIED_CHANNELS.includes(body.channel)
  const system = { actor_user_id: null, actor_role: 'system', actor_name: '系统自动' }
  const reason = emergency === 'priority' ? '一级优先事件，按重大突发处置' : '该类别配置为重大突发事件'
  return {
    verify, emergency, pending: emergency !== null,
    auto: (c) => (emergency ? { autoAccept: true, autoDispatch: true } : verify ? { autoAccept: false, autoDispatch: false } : c),
    annotate(plan) {
      const at = plan.history.length + 1
      if (verify) {
        plan.history.push({ seq: at, action: 'verify_required', from_status: plan.status, to_status: plan.status, ...system,
          comment: VERIFY_REQUIRED_NOTE, explanation: { classCode: body.classCode, channel: body.channel } })
      }
      if (emergency) {
        plan.history.push({ seq: at, action: 'emergency', from_status: plan.status, to_status: plan.status, ...system,
          comment: `重大突发：${reason}，跳过受理队列并即时通知领导与牵头单位`, explanation: { source: emergency, priority: body.priority } })
      }
    },
    async after(db, row) {
      if (!emergency) return
      const alert = await emergencyRecipients(db, row.city_code, row.community_code, row.class_code)
      await db.transaction((trx) => alertEmergency(trx, row, { source: emergency, reason, by: null, now: new Date(), alert }))
    },
  }
}

/**
 * A class changed at accept is checked against the on-site verification rule in force now: a
 * resident's or hotline demand whose new class asks for it, and that was not confirmed on site
 * yet, is not filed but stays 待受理 for the inspector (accept answers with status reported; the
 * caller appends the verify_required row). The event's field-rule pin moves to the new class's.
 */
export async function recheckAtAccept(knex: Knex, e: { channel: string; class_code: string; priority: number }, classCode: string | undefined,
  verification: string, set: Record<string, unknown>): Promise<{ verifyRequired: true; fieldRule: number } | undefined> {
  if (classCode === undefined || classCode === e.class_code) return undefined
  const rule = (await reference(knex)).fieldRules.get(classCode)
  if (!rule?.verifyOnSite || e.priority === 1 || rule.emergency || !VERIFIED_CHANNELS.includes(e.channel) || verification === 'confirmed') return undefined
  set.status = 'reported'
  return { verifyRequired: true, fieldRule: rule.versionId }
}
