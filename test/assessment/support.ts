// Events for the assessment tests and an independent recount: the counts of each unit read
// straight from the event and history rows (plain selects, counted here in JS, no indicator SQL),
// the rates, and the weighted scores computed the long way.
import type { Knex } from 'knex'
import { insertIndicatorEvents, type Spec } from '../analytics/indicatorsSupport.ts'

export const C1 = '990102001001' // street 1
export const C1B = '990102001002' // street 1
export const C2 = '990102002001' // street 2
export const C3 = '990102002002' // street 2
export const C1C = '990102001003' // street 1
/** May 2017 in Shanghai: no other test puts events there. */
export const MAY = { from: '2017-05-01T00:00:00+08:00', to: '2017-06-01T00:00:00+08:00' }
const at = (d: string) => `2017-05-${d}+08:00`

/**
 * Hand-set events of May 2017, counted as of 1 June (the worked numbers are in assessment.test.ts):
 * C1  4 events: closed on time + satisfied; closed late + dissatisfied; open past its deadline; found by an inspector, never dispatched
 * C1B 2 events: closed on time + satisfied; closed on time + dissatisfied
 * C2  1 event:  closed on time + satisfied
 * C3  2 events: closed on time + basically satisfied; closed on time + dissatisfied
 * C1C 1 event:  closed on time, no evaluation, no assignee department (so no satisfaction rate, and no department's)
 */
export function mayEvents(deptA: string, deptB: string): Spec[] {
  const done = (community: string, day: string, satisfaction: string, department: string, late = false): Spec => ({
    community, at: at(`${day}T09:00:00`), dispatched: at(`${day}T10:00:00`), due: at(`${day}T18:00:00`),
    closed: at(late ? `${day}T19:00:00` : `${day}T17:00:00`), satisfaction, status: 'evaluated', department,
  })
  return [
    done(C1, '03', 'satisfied', deptA),
    done(C1, '04', 'dissatisfied', deptA, true),
    { community: C1, at: at('10T09:00:00'), dispatched: at('10T10:00:00'), due: at('12T10:00:00'), status: 'handling', department: deptB,
      history: [{ action: 'return', at: at('11T09:00:00') }] },
    { community: C1, at: at('20T09:00:00'), channel: 'inspector_app', status: 'reported', department: null },
    done(C1B, '05', 'satisfied', deptB),
    done(C1B, '06', 'dissatisfied', deptB),
    done(C2, '07', 'satisfied', deptB),
    done(C3, '08', 'basically_satisfied', deptA),
    done(C3, '09', 'dissatisfied', deptA),
    { ...done(C1C, '10', 'satisfied', deptA), satisfaction: undefined, status: 'closed', department: null },
  ]
}

export const insertEvents = insertIndicatorEvents

export interface Tally { total: number; due: number; closed: number; onTime: number; overdue: number; dispatched: number; returned: number; evaluated: number; satisfied: number; inspector: number }

/** Counts per community (or assignee department) of the events created in [from, to), as of `to`. */
export async function recount(knex: Knex, from: string, to: string, by: 'community' | 'department'): Promise<Map<string, Tally>> {
  const end = new Date(to)
  const events = await knex('event').where('created_at', '>=', from).andWhere('created_at', '<', to).andWhere('city_code', '990100')
    .select('id', 'community_code', 'assignee_department_id', 'channel', 'dispatched_at', 'handle_due_at', 'closed_at', 'satisfaction')
  const returns = await knex('event_history').whereIn('event_id', events.map((e) => e.id)).andWhere('action', 'return')
    .andWhere('at', '<', end).select('event_id')
  const returned = new Set(returns.map((r) => String(r.event_id)))
  const out = new Map<string, Tally>()
  for (const e of events) {
    const key = by === 'community' ? e.community_code as string : e.assignee_department_id === null ? null : String(e.assignee_department_id)
    if (key === null) continue
    const t = out.get(key) ?? { total: 0, due: 0, closed: 0, onTime: 0, overdue: 0, dispatched: 0, returned: 0, evaluated: 0, satisfied: 0, inspector: 0 }
    const closed = e.closed_at !== null && new Date(e.closed_at) < end
    const deadline = e.handle_due_at === null ? null : new Date(e.handle_due_at)
    t.total++
    if (closed || (deadline !== null && deadline < end)) t.due++
    if (closed) t.closed++
    if (closed && (deadline === null || new Date(e.closed_at) <= deadline)) t.onTime++
    if (deadline !== null && deadline < end && (!closed || new Date(e.closed_at) > deadline)) t.overdue++
    if (e.dispatched_at !== null && new Date(e.dispatched_at) < end) t.dispatched++
    if (returned.has(String(e.id))) t.returned++
    if (closed && e.satisfaction !== null) t.evaluated++
    if (closed && ['satisfied', 'basically_satisfied'].includes(e.satisfaction)) t.satisfied++
    if (e.channel === 'inspector_app') t.inspector++
    out.set(key, t)
  }
  return out
}

type Item = { indicator: 'closeRate' | 'overdueRate' | 'satisfactionRate' | 'returnRate'; weight: number; better: 'higher' | 'lower' }
const fraction = (t: Tally, indicator: Item['indicator']): [number, number] => ({
  closeRate: [t.closed, t.due], overdueRate: [t.overdue, t.due], satisfactionRate: [t.satisfied, t.evaluated], returnRate: [t.returned, t.dispatched],
} as Record<Item['indicator'], [number, number]>)[indicator]

/** The weighted score the long way: only items with a denominator count, their weights summed afresh. */
export function referenceScore(items: Item[], t: Tally | undefined): number | null {
  let num = 0
  let den = 0
  for (const i of items) {
    const [n, d] = t === undefined ? [0, 0] : fraction(t, i.indicator)
    if (d === 0) continue
    num += i.weight * 100 * (i.better === 'higher' ? n / d : (d - n) / d)
    den += i.weight
  }
  return den === 0 ? null : Math.round((num / den) * 100) / 100
}

/** Competition ranks (1, 2, 2, 4) of scores, nulls last, computed by counting better scores. */
export function referenceRanks(scores: Map<string, number | null>): Map<string, number> {
  const all = [...scores.values()]
  const nonNull = all.filter((s) => s !== null).length
  return new Map([...scores].map(([k, s]) => [k, s === null ? nonNull + 1 : 1 + all.filter((o) => o !== null && o > s).length]))
}

let seeded: Promise<{ deptA: string; deptB: string }> | undefined

/** The May 2017 events, inserted once per test run whichever file asks first. deptA is the demo department user's. */
export function seedMay(knex: Knex): Promise<{ deptA: string; deptB: string }> {
  seeded ??= (async () => {
    const id = async (code: string) => String((await knex('department').where({ code }).first('id')).id)
    const deptA = await id('CGJ-990102')
    const deptB = await id('HBJ-990102')
    await insertEvents(knex, mayEvents(deptA, deptB))
    return { deptA, deptB }
  })()
  return seeded
}

export const COMMUNITY_ITEMS: Item[] = [
  { indicator: 'closeRate', weight: 2, better: 'higher' },
  { indicator: 'overdueRate', weight: 1, better: 'lower' },
  { indicator: 'satisfactionRate', weight: 1, better: 'higher' },
]
export const DEPARTMENT_ITEMS: Item[] = [
  { indicator: 'closeRate', weight: 1, better: 'higher' },
  { indicator: 'returnRate', weight: 1, better: 'lower' },
]
