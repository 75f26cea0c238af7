// The handling record of a dispute: (re)assignment, sessions, the outcome, revisit, follow-up of
// the agreement's performance, risk changes. Each step is one transaction with the dispute row
// locked: the state machine checked (machine.ts), the row changed, a log row written.
import type { Knex } from 'knex'
import type { Principal } from '../auth/users.ts'
import type { z } from 'zod'
import { pickMediator, writeAssignment } from './assign.ts'
import { checkActor, checkStep, illegal, type Step } from './machine.ts'
import { readDispute, refusal, type DisputeRow } from './store.ts'
import { warnIfRisky } from './warn.ts'
import type { assignSchema, Conclude, performanceSchema, revisitSchema, riskSchema, sessionSchema } from './schemas.ts'
import type { RiskLevel, Status } from './types.ts'

type Tx = Knex.Transaction

async function step<T>(knex: Knex, p: Principal, id: number, s: Step, fn: (trx: Tx, d: DisputeRow) => Promise<T>): Promise<T> {
  return knex.transaction(async (trx) => {
    const d = await readDispute(trx, p, id, true)
    checkActor(s, p, d)
    checkStep(s, d.status as Status, id)
    return fn(trx, d)
  })
}

const log = (trx: Tx, p: Principal, d: DisputeRow, action: string, to: string, reason: string | null, detail: Record<string, unknown>) =>
  trx('dispute_log').insert({ dispute_id: d.id, action, from_status: d.status, to_status: to, actor_user_id: p.userId, actor_role: p.role, reason, detail: JSON.stringify(detail) })

const bump = (trx: Tx, d: DisputeRow, changes: Record<string, unknown>) =>
  trx('dispute').where({ id: d.id }).update({ ...changes, version: trx.raw('version + 1'), updated_at: trx.fn.now() })

export async function reassign(knex: Knex, p: Principal, id: number, body: z.output<typeof assignSchema>): Promise<void> {
  await step(knex, p, id, 'reassign', async (trx, d) => {
    if (body.mediatorId === undefined) {
      const pick = await pickMediator(trx, d)
      if (!pick) throw illegal('disputes.no_mediator_available', `no active mediator covers community ${d.community_code} for type ${d.type}`, { id, type: d.type, code: d.community_code })
      if (d.mediator_id !== null && pick.mediatorId === Number(d.mediator_id)) throw illegal('disputes.same_mediator', `the rule picks mediator ${pick.mediatorId} again, who has it already`, { id, mediatorId: pick.mediatorId })
      await writeAssignment(trx, d, pick.mediatorId, pick.reason, { userId: p.userId, role: p.role }, d.mediator_id === null ? 'assign' : 'reassign', body.reason)
      return
    }
    const m = await trx('mediator').where({ id: body.mediatorId, city_code: d.city_code }).first('id', 'active') as { id: string; active: boolean } | undefined
    if (!m) throw refusal(400, 'mediatorId', `no mediator ${body.mediatorId} in this city`).coded('disputes.mediator_unknown', { field: 'mediatorId', id: body.mediatorId })
    if (!m.active) throw illegal('disputes.mediator_inactive', `mediator ${body.mediatorId} is not active`, { id: body.mediatorId })
    if (d.mediator_id !== null && Number(d.mediator_id) === body.mediatorId) throw illegal('disputes.same_mediator', `mediator ${body.mediatorId} has dispute ${id} already`, { id, mediatorId: body.mediatorId })
    await writeAssignment(trx, d, body.mediatorId, { rule: 'manual', text: `人工指派：${body.reason}` }, { userId: p.userId, role: p.role },
      d.mediator_id === null ? 'assign' : 'reassign', body.reason)
  })
}

export async function addSession(knex: Knex, p: Principal, id: number, body: z.output<typeof sessionSchema>): Promise<number> {
  return step(knex, p, id, 'session', async (trx, d) => {
    if (body.heldAt.getTime() > Date.now() + 5 * 60_000) throw refusal(400, 'heldAt', 'a session is recorded after it is held: the time lies ahead').coded('disputes.session_ahead', { field: 'heldAt' })
    const [s] = await trx('dispute_session').insert({ dispute_id: d.id, held_at: body.heldAt, place: body.place, attendees: body.attendees, summary: body.summary, recorded_by: p.userId }).returning('id') as { id: string }[]
    await bump(trx, d, { status: 'mediating' })
    await log(trx, p, d, 'session', 'mediating', null, { sessionId: Number(s!.id) })
    return Number(s!.id)
  })
}

export async function conclude(knex: Knex, p: Principal, id: number, body: Conclude): Promise<void> {
  await step(knex, p, id, 'conclude', async (trx, d) => {
    if (body.outcome !== 'transferred') {
      const held = await trx('dispute_session').where({ dispute_id: d.id }).first('id')
      if (!held) throw illegal('disputes.no_session', `dispute ${id} has no mediation session: record one before an ${body.outcome === 'agreement' ? 'agreement' : 'end without one'}`, { id, outcome: body.outcome })
    }
    const changes = body.outcome === 'agreement'
      ? { status: 'agreed', agreement_terms: body.terms, agreement_amount: body.amount, performance_due: body.performanceDue, performance: 'pending' }
      : body.outcome === 'failed' ? { status: 'failed', failure_reason: body.reason }
        : { status: 'transferred', transfer_to: body.to, transfer_body: body.body, failure_reason: body.reason ?? null }
    await bump(trx, d, { ...changes, concluded_at: trx.fn.now() })
    await log(trx, p, d, 'conclude', changes.status, body.outcome === 'agreement' ? null : body.reason ?? null, { outcome: body.outcome })
  })
}

export async function revisit(knex: Knex, p: Principal, id: number, body: z.output<typeof revisitSchema>): Promise<void> {
  await step(knex, p, id, 'revisit', async (trx, d) => {
    if (d.revisited_at !== null) throw illegal('disputes.revisited', `dispute ${id} was revisited already`, { id, at: d.revisited_at.toISOString() })
    await bump(trx, d, { revisited_at: trx.fn.now(), revisit_satisfaction: body.satisfaction, revisit_notes: body.notes ?? null })
    await log(trx, p, d, 'revisit', d.status, null, { satisfaction: body.satisfaction })
  })
}

export async function followPerformance(knex: Knex, p: Principal, id: number, body: z.output<typeof performanceSchema>): Promise<void> {
  await step(knex, p, id, 'performance', async (trx, d) => {
    if (d.performance === 'performed') throw illegal('disputes.performed', `the agreement of dispute ${id} is performed already`, { id })
    await bump(trx, d, { performance: body.state, performance_note: body.note ?? null, performance_checked_at: trx.fn.now() })
    await log(trx, p, d, 'performance', d.status, body.note ?? null, { from: d.performance, to: body.state, overdue: d.overdue })
  })
}

export async function changeRisk(knex: Knex, p: Principal, id: number, body: z.output<typeof riskSchema>): Promise<boolean> {
  return step(knex, p, id, 'risk', async (trx, d) => {
    if (d.risk_level === body.level) throw illegal('disputes.risk_unchanged', `dispute ${id} is at risk ${body.level} already`, { id, level: body.level })
    await bump(trx, d, { risk_level: body.level, risk_reasons: body.reasons })
    await log(trx, p, d, 'risk', d.status, body.reasons.join('；').slice(0, 500), { from: d.risk_level, to: body.level })
    return warnIfRisky(trx, d, d.risk_level as RiskLevel, body.level, body.reasons)
  })
}
