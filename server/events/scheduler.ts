// The deadline scheduler: acts on due rows of event_timer (supervision orders, yellow/red
// cards, automatic escalation). Timers are rows, so a restart loses nothing; a pass claims
// due timers with FOR UPDATE SKIP LOCKED and acts on them in the same transaction, so two
// instances never act on one timer (and event_supervision.timer_id is UNIQUE besides).
//
// Lock order: a user's transition locks the event and then its timers; a pass locks timers and
// then tries the event with SKIP LOCKED, never waiting for it. A busy event's timer is simply
// left pending for the next pass, and the two can never deadlock.
//
// Rules: a pass acts by the configuration the event was reported under (event.config_versions):
// its time limits (answer deadline, escalation) and its supervision rules (督办规则). A rule for
// sign_overdue / handle_overdue says the card and how many natural hours after the missed
// deadline supervision is due; a timer that fires earlier re-arms itself for that moment. With
// no pinned rule for the trigger, the built-in card of before versioning applies.
import crypto from 'node:crypto'
import type { Knex } from 'knex'
import type { AppContext } from '../context.ts'
import { calendars, pinnedReference, type ConfigPins, type SupervisionRule } from './reference.ts'
import { dispatchClock } from './deadlines.ts'
import { unitCodes } from './dispatch.ts'
import { reference } from './reference.ts'
import { decide, nextLevel, plainSnapshot, type EscalationLevel, type Status } from './workflow.ts'
import { sqlFile } from '../db/sql.ts'
import { deliver } from '../inbox/deliver.ts'
import type { WorkCalendar } from './calendar.ts'
import { warnAssignee, warnStaleness } from './warnTimer.ts'

interface TimerRow { id: number; event_id: number; city_code: string; kind: 'sign' | 'plan' | 'handle' | 'escalate' | 'answer' | 'warn'; assignment_at: Date; due_at: Date
  payload: { level?: EscalationLevel; supervision?: number; deadline?: string; rule?: number; of?: 'sign' | 'handle'; share?: number } }
interface EventLock { id: number; created_at: Date; number: string; status: Status; escalation_level: EscalationLevel; dispatched_at: Date | null; handle_due_at: Date | null
  sign_due_at: Date | null; assignee_member_id: number | null; assignee_department_id: number | null; community_code: string; class_code: string; extension_pending: boolean; satisfaction: null; version: number; config_versions: ConfigPins | null }

const ACTIVE: Status[] = ['dispatched', 'signed', 'handling']

export interface PassResult { fired: number; stale: number; busy: number; deferred: number }

/** One pass over due timers (at most `batch`). Exported for tests and for a CLI. */
export async function runDueTimers(knex: Knex, now = new Date(), batch = 100): Promise<PassResult> {
  // calendars first, outside the transaction (the embedded database has one connection)
  const cities = await knex('event_timer').where('state', 'pending').where('due_at', '<=', now).distinct('city_code')
  const cals = new Map<string, WorkCalendar>()
  for (const { city_code } of cities) cals.set(city_code, await calendars(knex).get(city_code))
  const ref = await reference(knex)
  return knex.transaction(async (trx) => {
    const { rows: timers } = await trx.raw(sqlFile('workflow/timers_claim'), { now, batch }) as { rows: TimerRow[] }
    const result: PassResult = { fired: 0, stale: 0, busy: 0, deferred: 0 }
    for (const t of timers) {
      const { rows } = await trx.raw(`SELECT id, created_at, number, status, escalation_level, dispatched_at, handle_due_at,
          sign_due_at, assignee_member_id, assignee_department_id, community_code, class_code, extension_pending, version, config_versions
        FROM event WHERE id = ? FOR UPDATE SKIP LOCKED`, [t.event_id]) as { rows: EventLock[] }
      const e = rows[0]
      if (!e) {
        // locked by a transition right now (or gone): try again next pass unless it no longer exists
        const exists = await trx('event').where('id', t.event_id).first('id')
        if (exists) { result.busy++; continue }
        await close(trx, t, 'cancelled', 'event no longer exists', now)
        result.stale++
        continue
      }
      const why = staleness(t, e) ?? (t.kind === 'answer' ? await answered(trx, t) : undefined)
      if (why) { await close(trx, t, 'cancelled', `stale: ${why}`, now); result.stale++; continue }
      const pinned = await pinnedReference(trx, e.config_versions, e.class_code, ref, cals.get(t.city_code)!)
      const rules = { limit: pinned.ref.classes.get(e.class_code)?.limit ?? null, supervision: pinned.ref.supervisionRules }
      const later = await deferral(trx, t, rules.supervision, now)
      if (later) { await close(trx, t, 'cancelled', later, now); result.deferred++; continue }
      const outcome = await act(trx, t, e, pinned.cal, rules, now)
      await close(trx, t, 'fired', outcome, now)
      result.fired++
    }
    return result
  })
}

/** Why a timer no longer applies to the event, or undefined when it does. */
function staleness(t: TimerRow, e: EventLock): string | undefined {
  if (!e.dispatched_at || e.dispatched_at.getTime() !== t.assignment_at.getTime()) return 'the event was dispatched anew'
  switch (t.kind) {
    case 'sign': return e.status === 'dispatched' ? undefined : `already ${e.status}`
    case 'plan': return e.status === 'dispatched' || e.status === 'signed' ? undefined : `already ${e.status}`
    case 'handle':
      if (!ACTIVE.includes(e.status)) return `already ${e.status}`
      return e.handle_due_at && e.handle_due_at.getTime() === deadlineOf(t).getTime() ? undefined : 'the deadline moved'
    case 'escalate':
      if (!ACTIVE.includes(e.status)) return `already ${e.status}`
      return e.escalation_level === t.payload.level ? undefined : `now at level ${e.escalation_level}`
    case 'answer': return [...ACTIVE, 'parked', 'handled'].includes(e.status) ? undefined : `already ${e.status}`
    case 'warn': return warnStaleness(t, e)
    default: return 'unknown timer kind'
  }
}

/** The missed deadline a sign/handle timer stands for (a deferred timer carries it). */
const deadlineOf = (t: TimerRow): Date => (t.payload.deadline ? new Date(t.payload.deadline) : t.due_at)

const TRIGGERS: Partial<Record<TimerRow['kind'], SupervisionRule['trigger']>> = { sign: 'sign_overdue', handle: 'handle_overdue' }

/** The event's rule for a timer's trigger: of several, the one due first. */
function ruleFor(t: TimerRow, rules: SupervisionRule[]): SupervisionRule | undefined {
  const trigger = TRIGGERS[t.kind]
  return rules.filter((r) => r.trigger === trigger).sort((a, b) => a.afterHours - b.afterHours || a.versionId - b.versionId)[0]
}

/**
 * When the event's rule puts supervision later than the missed deadline, arms a timer for that
 * moment and answers why this one closes; undefined when supervision is due now.
 */
async function deferral(trx: Knex.Transaction, t: TimerRow, rules: SupervisionRule[], now: Date): Promise<string | undefined> {
  const rule = ruleFor(t, rules)
  if (!rule || rule.afterHours <= 0) return undefined
  const deadline = deadlineOf(t)
  const dueAt = new Date(deadline.getTime() + rule.afterHours * 3_600_000)
  if (dueAt <= now) return undefined
  await trx('event_timer').insert({ event_id: t.event_id, city_code: t.city_code, kind: t.kind, assignment_at: t.assignment_at, due_at: dueAt,
    payload: JSON.stringify({ ...t.payload, deadline: deadline.toISOString(), rule: rule.versionId }) })
  return `deferred to ${dueAt.toISOString()} by supervision rule ${rule.key} (version ${rule.versionId})`
}

/** An answer timer is stale once its supervision order has been answered. */
async function answered(trx: Knex.Transaction, t: TimerRow): Promise<string | undefined> {
  const order = await trx('event_supervision').where('id', t.payload.supervision ?? -1).first('answered_at')
  return !order ? 'the supervision order is gone' : order.answered_at ? 'the supervision order was answered' : undefined
}

async function close(trx: Knex.Transaction, t: TimerRow, state: 'fired' | 'cancelled', outcome: string, now: Date): Promise<void> {
  await trx('event_timer').where('id', t.id).update({ state, outcome, fired_at: now })
}

/**
 * Issues a supervision order (督办单) to the assignee. An order that requires an answer arms an
 * answer timer; an unanswered order is followed by a red card (answer_overdue) that needs none.
 */
async function supervise(trx: Knex.Transaction, t: TimerRow, e: EventLock, cal: WorkCalendar, kind: string, card: 'yellow' | 'red' | null, reason: string, now: Date) {
  // escalation notices go with the event to the next level; a follow-up red card closes the matter
  const needsAnswer = kind !== 'answer_overdue' && kind !== 'escalation'
  const answerDue = needsAnswer ? cal.addNaturalHours(now, cal.sla.answerHours) : null
  const [order] = await trx('event_supervision').insert({
    event_id: e.id, city_code: t.city_code, kind, card, department_id: e.assignee_department_id, reason, timer_id: t.id,
    issued_at: now, answer_due_at: answerDue,
  }).returning('id')
  if (answerDue && e.dispatched_at) {
    await trx('event_timer').insert({ event_id: e.id, city_code: t.city_code, kind: 'answer', assignment_at: e.dispatched_at, due_at: answerDue,
      payload: JSON.stringify({ supervision: Number(order.id), level: e.escalation_level }) })
  }
}

async function history(trx: Knex.Transaction, t: TimerRow, e: EventLock, action: string, to: Status, comment: string, explanation: unknown, now: Date) {
  await trx.raw(sqlFile('workflow/history_append'), { eventId: e.id, cityCode: t.city_code, action, from: e.status, to, userId: null,
    role: 'system', name: '系统自动', at: now, comment, attachments: '[]', explanation: JSON.stringify(explanation) })
  await trx.raw('SELECT pg_notify(?, ?)', ['gridgov_events', JSON.stringify({ event: e.number, action, status: to, community: e.community_code })])
}

const CARD_NAMES = { yellow: '黄牌', red: '红牌' } as const

/** Card of a rule level: a leader's supervision (领导督办) is the red card and goes to the named roles. */
const cardOf = (rule: SupervisionRule | undefined, builtIn: 'yellow' | 'red'): 'yellow' | 'red' => (!rule ? builtIn : rule.level === 'yellow' ? 'yellow' : 'red')

/** A rule's notice to its roles within the event's area (deliver() scopes roles by it). */
async function notifyRule(trx: Knex.Transaction, e: EventLock, rule: SupervisionRule | undefined, title: string, now: Date): Promise<void> {
  if (!rule) return
  await deliver(trx, { kind: 'supervision', title, eventId: e.number, areaCode: e.community_code, link: `#/events/${e.number}`,
    data: { rule: rule.key, version: rule.versionId, level: rule.level } }, { roles: [...rule.notifyRoles] }, now)
}

interface Rules { limit: Parameters<typeof dispatchClock>[2]; supervision: SupervisionRule[] }

async function act(trx: Knex.Transaction, t: TimerRow, e: EventLock, cal: WorkCalendar, rules: Rules, now: Date): Promise<string> {
  const due = deadlineOf(t).toISOString()
  const rule = ruleFor(t, rules.supervision)
  const byRule = rule ? { rule: rule.key, ruleVersion: rule.versionId } : {}
  switch (t.kind) {
    case 'sign': {
      const card = cardOf(rule, 'yellow')
      await supervise(trx, t, e, cal, 'sign_overdue', card, `未在时限内签收（签收时限 ${due}）`, now)
      await history(trx, t, e, 'supervise', e.status, `超时未签收，系统督办（${CARD_NAMES[card]}）`, { timer: t.id, kind: 'sign_overdue', dueAt: due, ...byRule }, now)
      await notifyRule(trx, e, rule, `事件 ${e.number} 超时未签收，已${CARD_NAMES[card]}督办`, now)
      return `supervision: sign overdue (${card} card)`
    }
    case 'plan':
      await supervise(trx, t, e, cal, 'plan_overdue', 'yellow', `未在时限内提交处置方案（时限 ${due}）`, now)
      await history(trx, t, e, 'supervise', e.status, '超时未提交处置方案，系统督办（黄牌）', { timer: t.id, kind: 'plan_overdue', dueAt: due }, now)
      return 'supervision: plan overdue (yellow card)'
    case 'handle': {
      const card = cardOf(rule, 'red')
      await supervise(trx, t, e, cal, 'handle_overdue', card, `超过处置时限（${due}）`, now)
      await history(trx, t, e, 'supervise', e.status, `超过处置时限，系统督办（${CARD_NAMES[card]}）`, { timer: t.id, kind: 'handle_overdue', dueAt: due, ...byRule }, now)
      await notifyRule(trx, e, rule, `事件 ${e.number} 超过处置时限，已${CARD_NAMES[card]}督办`, now)
      return `supervision: handling overdue (${card} card)`
    }
    case 'escalate':
      return escalate(trx, t, e, cal, rules.limit, now)
    case 'warn':
      return warnAssignee(trx, t, e, now)
    case 'answer':
      await supervise(trx, t, e, cal, 'answer_overdue', 'red', `督办单 ${t.payload.supervision} 未在时限内回复（${due}）`, now)
      await history(trx, t, e, 'supervise', e.status, '督办单逾期未回复，系统督办（红牌）', { timer: t.id, kind: 'answer_overdue', supervision: t.payload.supervision, dueAt: due }, now)
      return 'supervision: answer overdue (red card)'
    default:
      return 'nothing to do'
  }
}

/** Moves the event one level up the territory chain and arms the new level's timers. */
async function escalate(trx: Knex.Transaction, t: TimerRow, e: EventLock, cal: WorkCalendar, limit: Parameters<typeof dispatchClock>[2], now: Date): Promise<string> {
  const d = decide(plainSnapshot({ status: e.status, extensionPending: e.extension_pending, escalationLevel: e.escalation_level, satisfaction: null }),
    'escalate', { role: 'system', isAssignee: false, isReporter: false })
  const level = nextLevel(e.escalation_level)
  if (!d.ok || !level) return `not escalated: ${d.ok ? 'top level' : d.reason}`
  const code = level === 'street' ? unitCodes.street(e.community_code) : level === 'district' ? unitCodes.district(e.community_code)
    : level === 'city' ? unitCodes.city : unitCodes.community(e.community_code)
  const unit = await trx('department').where('code', code).first('id', 'name')
  if (!unit) {
    await supervise(trx, t, e, cal, 'escalation', 'red', `应提级至${level}但无单位 ${code}`, now)
    return `not escalated: no unit ${code}; supervision issued`
  }
  const clock = dispatchClock(cal, now, limit, level, false)
  await trx('event').where({ id: e.id, created_at: e.created_at }).update({
    status: 'dispatched', escalation_level: level, assignee_department_id: unit.id, assignee_member_id: null,
    dispatched_at: now, sign_due_at: clock.signDueAt, handle_due_at: clock.handleDueAt, signed_at: null,
    extension_pending: false, assisting_department_ids: [], version: e.version + 1, updated_at: now,
  })
  // the new level starts clean: hand-downs and assisting units of the old one end
  await trx('event_forward').where('event_id', e.id).whereNull('returned_at').update({ returned_at: now, outcome: 'superseded' })
  await trx('event_assist').where('event_id', e.id).whereIn('state', ['pending', 'signed']).update({ state: 'cancelled' })
  await trx('event_timer').where({ event_id: e.id, state: 'pending' }).whereNot('id', t.id).update({ state: 'cancelled', outcome: 'superseded by escalation' })
  await trx('event_timer').insert(clock.timers.map((x) => ({ event_id: e.id, city_code: t.city_code, kind: x.kind, assignment_at: now, due_at: x.dueAt, payload: JSON.stringify(x.payload) })))
  await supervise(trx, t, e, cal, 'escalation', null, `${e.escalation_level}级未能在时限内解决，自动提级至${level}（${code}）`, now)
  await history(trx, t, e, 'escalate', 'dispatched', `超时自动提级：${e.escalation_level} → ${level}`,
    { timer: t.id, from: e.escalation_level, to: level, unit: code, dueAt: t.due_at.toISOString() }, now)
  return `escalated ${e.escalation_level} → ${level} (${code})`
}

/**
 * Starts the loop: one pass every intervalMs (and again at once while passes come back full).
 * Errors are logged and the loop carries on. stop() waits for a running pass to finish.
 */
export function startScheduler(app: AppContext, opts: { intervalMs?: number; batch?: number } = {}): { stop(): Promise<void> } {
  const intervalMs = opts.intervalMs ?? 15_000
  const batch = opts.batch ?? 100
  let stopped = false
  let timer: NodeJS.Timeout | undefined
  let running: Promise<void> = Promise.resolve()
  let partitionsCheckedAt = 0
  const tick = () => {
    running = (async () => {
      let again = false
      const log = app.logger.child({ loop: 'scheduler', passId: crypto.randomUUID() })
      try {
        // monthly event partitions a year ahead, checked at start and daily (idempotent)
        if (Date.now() - partitionsCheckedAt > 86_400_000) {
          await app.knex.raw("SELECT event_ensure_partitions((now() AT TIME ZONE 'Asia/Shanghai')::date, 13)")
          partitionsCheckedAt = Date.now()
        }
        const r = await runDueTimers(app.knex, new Date(), batch)
        if (r.fired || r.stale || r.deferred) log.info({ ...r }, 'event timers processed')
        again = r.fired + r.stale + r.deferred >= batch
      } catch (err) {
        log.error({ err }, 'event scheduler pass failed')
      }
      if (!stopped) timer = setTimeout(tick, again ? 0 : intervalMs)
    })()
  }
  timer = setTimeout(tick, 0)
  return {
    async stop() {
      stopped = true
      if (timer) clearTimeout(timer)
      await running
    },
  }
}
