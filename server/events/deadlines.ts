// Deadlines of a dispatch and the status light (pure, on a WorkCalendar).
//
// The time limits are the city's (event_sla, carried by its WorkCalendar as cal.sla); the
// defaults are the Jinan rules (shared/reference/domain.md): sign within 4 working hours on a
// working day, 48 natural hours when dispatched on a rest day; a transferred unit returns a
// handling plan within 24 h; a community that cannot solve an event within 24 h passes it to
// the street, a street within 48 h to the district, which must set a plan within 72 h. The
// clock starts at dispatch.
import type { TimeUnit, WorkCalendar } from './calendar.ts'
import { localDate } from './calendar.ts'
import type { EscalationLevel, Status } from './workflow.ts'

/**
 * Share of the time allowed after which the light turns yellow (预警), unless the event's time
 * limits set warnShare (event.warn_share; event_status_light() in SQL says the same).
 */
export const YELLOW_AT = 0.8

export interface ClassLimit { value: number; unit: TimeUnit }

export type TimerKind = 'sign' | 'plan' | 'handle' | 'escalate' | 'warn'

export interface TimerSpec { kind: TimerKind; dueAt: Date; payload: Record<string, unknown> }

export interface DispatchClock {
  signDueAt: Date
  handleDueAt: Date | null
  timers: TimerSpec[]
}

/** The sign deadline: 4 working hours on a working day, 48 natural hours on a rest day. */
export function signDeadline(cal: WorkCalendar, at: Date): Date {
  return cal.isWorkday(localDate(at)) ? cal.addWorkingHours(at, cal.sla.signWorkHours) : cal.addNaturalHours(at, cal.sla.signRestDayHours)
}

/** Deadlines and timers armed by a dispatch to a unit at `level` (department: a transfer). */
export function dispatchClock(cal: WorkCalendar, at: Date, limit: ClassLimit | null, level: EscalationLevel, toMember: boolean): DispatchClock {
  const signDueAt = signDeadline(cal, at)
  const handleDueAt = limit ? cal.add(at, limit.value, limit.unit) : null
  const timers: TimerSpec[] = [{ kind: 'sign', dueAt: signDueAt, payload: { level } }]
  if (handleDueAt) timers.push({ kind: 'handle', dueAt: handleDueAt, payload: { level } })
  // a unit (not a single inspector) returns a handling plan: 24 h, 72 h at district level
  if (!toMember) {
    const hours = level === 'district' || level === 'city' ? cal.sla.districtPlanHours : cal.sla.planHours
    timers.push({ kind: 'plan', dueAt: cal.addNaturalHours(at, hours), payload: { level } })
  }
  const escalateAfter = level === 'community' || level === 'street' ? cal.sla.escalateAfterHours[level] : undefined
  if (escalateAfter) timers.push({ kind: 'escalate', dueAt: cal.addNaturalHours(at, escalateAfter), payload: { level } })
  timers.push(...warnTimers(cal.sla.warnShare, at, signDueAt, handleDueAt, level))
  return { signDueAt, handleDueAt, timers }
}

/**
 * 预警 timers: at the share of each deadline's time, the assignee is told it runs out. Only time
 * limits that set warnShare arm them: events under earlier versions keep the 80 % light alone.
 */
export function warnTimers(share: number | undefined, at: Date, signDueAt: Date, handleDueAt: Date | null, level: EscalationLevel): TimerSpec[] {
  if (share === undefined) return []
  const point = (due: Date) => new Date(at.getTime() + share * (due.getTime() - at.getTime()))
  const out: TimerSpec[] = [{ kind: 'warn', dueAt: point(signDueAt), payload: { level, of: 'sign', deadline: signDueAt.toISOString(), share } }]
  if (handleDueAt) out.push({ kind: 'warn', dueAt: point(handleDueAt), payload: { level, of: 'handle', deadline: handleDueAt.toISOString(), share } })
  return out
}

/** Moves a handling deadline by an approved extension. */
export function extendDeadline(cal: WorkCalendar, due: Date, by: ClassLimit): Date {
  return cal.add(due, by.value, by.unit)
}

export type Light = 'green' | 'yellow' | 'red'

/**
 * The status light, derived (never stored): the deadline that runs now is the sign deadline
 * while dispatched, the handling deadline while signed or handling; red when past it, yellow
 * once YELLOW_AT of the time allowed has gone. Other statuses have no light.
 */
export function statusLight(e: { status: Status; dispatchedAt: Date | null; signDueAt: Date | null; handleDueAt: Date | null; warnShare?: number | null }, now: Date): Light | null {
  const due = e.status === 'dispatched' ? e.signDueAt : e.status === 'signed' || e.status === 'handling' ? e.handleDueAt : null
  if (!due || !e.dispatchedAt) return null
  if (now.getTime() > due.getTime()) return 'red'
  const allowed = due.getTime() - e.dispatchedAt.getTime()
  return now.getTime() - e.dispatchedAt.getTime() >= (e.warnShare ?? YELLOW_AT) * allowed ? 'yellow' : 'green'
}
