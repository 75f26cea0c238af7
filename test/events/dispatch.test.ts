// Dispatch rules, deadlines and text similarity (pure functions).
import { expect } from 'chai'
import { chooseAssignee, escalationTarget, type DispatchRule, type UnitDirectory } from '../../server/events/dispatch.ts'
import { dispatchClock, signDeadline, statusLight } from '../../server/events/deadlines.ts'
import { localDate, WorkCalendar, type DayKind } from '../../server/events/calendar.ts'
import { textSimilarity } from '../../server/events/similarity.ts'

const C = '990102001001'
const dep = (id: number, code: string) => [code, { id, code, name: code }] as const
const full: UnitDirectory = {
  inspector: { id: 7, name: '张网格' },
  departments: new Map([dep(1, `SQ-${C}`), dep(2, 'JD-990102001000'), dep(3, 'QZF-990102'), dep(4, 'CGJ-990102'), dep(5, 'CMD')]),
}
const rule = (id: number, priority: number, over: Partial<DispatchRule>): DispatchRule => ({
  id, name: `r${id}`, priority, channels: null, classPrefix: null, demandTypes: null, areaPrefix: null,
  target: 'owner_department', departmentCode: null, cityCode: null, ...over,
})
const facts = { channel: 'superior', classCode: '0102', demandType: '投诉举报', communityCode: C, ownerKind: 'CGJ' }

describe('events/dispatch: rules', () => {
  it('the lowest priority number that matches and resolves wins; the explanation traces every rule', () => {
    const rules = [rule(3, 50, {}), rule(1, 10, { classPrefix: '04' }), rule(2, 20, { target: 'grid_inspector', demandTypes: ['投诉举报'] })]
    const x = chooseAssignee(rules, facts, full)!
    expect(x.chosen).to.include({ ruleId: 2, level: 'grid', basis: '属地' })
    expect(x.chosen.member).to.deep.equal({ id: 7, name: '张网格' })
    expect(x.rules.map((r) => [r.ruleId, r.result])).to.deep.equal([[1, 'no_match'], [2, 'chosen'], [3, 'not_reached']])
    expect(x.rules[0]!.reason).to.equal('class 0102 not under 04')
  })
  it('a matching rule whose unit does not exist is skipped with the reason', () => {
    const noOwner = { ...full, departments: new Map([...full.departments].filter(([k]) => k !== 'CGJ-990102')) }
    const x = chooseAssignee([rule(1, 10, {}), rule(2, 20, { target: 'street' })], facts, noOwner)!
    expect(x.rules[0]).to.include({ result: 'unresolved', reason: 'no owner department CGJ-990102' })
    expect(x.chosen).to.include({ ruleId: 2, level: 'street', basis: '属地' })
    expect(x.chosen.department.code).to.equal('JD-990102001000')
  })
  it('no rule chooses: territory fallback (属地兜底) inspector → community → street', () => {
    const x = chooseAssignee([rule(1, 10, { channels: ['resident'] })], facts, full)!
    expect(x.chosen).to.include({ basis: '属地兜底', ruleId: null, level: 'grid' })
    const noInspector = { ...full, inspector: null }
    expect(chooseAssignee([], facts, noInspector)!.chosen).to.include({ level: 'community', basis: '属地兜底' })
    const onlyStreet: UnitDirectory = { inspector: null, departments: new Map([dep(2, 'JD-990102001000')]) }
    expect(chooseAssignee([], facts, onlyStreet)!.chosen.department.code).to.equal('JD-990102001000')
    expect(chooseAssignee([], facts, { inspector: null, departments: new Map() })).to.equal(null)
  })
  it('rules of another city are ignored; area, channel and named-department rules apply', () => {
    const x = chooseAssignee([rule(1, 1, { cityCode: '370100', target: 'street' }), rule(2, 2, { areaPrefix: '990102002', target: 'street' }),
      rule(3, 3, { channels: ['superior'], target: 'department', departmentCode: 'CMD' })], facts, full)!
    expect(x.rules.map((r) => r.ruleId)).to.deep.equal([2, 3])
    expect(x.chosen).to.include({ ruleId: 3, basis: '指定' })
  })
  it('escalation targets climb the territory chain', () => {
    expect(escalationTarget('community', C, full)!.code).to.equal(`SQ-${C}`)
    expect(escalationTarget('street', C, full)!.code).to.equal('JD-990102001000')
    expect(escalationTarget('district', C, full)!.code).to.equal('QZF-990102')
    expect(escalationTarget('city', C, full)!.code).to.equal('CMD')
    expect(escalationTarget('grid', C, full)).to.equal(undefined)
  })
})

describe('events/deadlines', () => {
  const days = new Map<string, DayKind>([['2026-10-01', 'holiday'], ['2026-10-10', 'workday']])
  const cal = new WorkCalendar({ periods: [[510, 720], [810, 1050]], days })
  const at = (s: string) => new Date(`${s}+08:00`)
  it('sign: 4 working hours on a working day, 48 natural hours on a rest day', () => {
    expect(signDeadline(cal, at('2026-11-23T16:00')).toISOString()).to.equal(at('2026-11-24T11:00').toISOString())
    expect(signDeadline(cal, at('2026-11-28T10:00')).toISOString()).to.equal(at('2026-11-30T10:00').toISOString())
    expect(signDeadline(cal, at('2026-10-01T09:00')).toISOString()).to.equal(at('2026-10-03T09:00').toISOString())
    expect(signDeadline(cal, at('2026-10-10T09:00')).toISOString()).to.equal(at('2026-10-10T14:30').toISOString()) // 调休 Saturday
    expect(localDate(at('2026-10-10T09:00'))).to.equal('2026-10-10')
  })
  it('timers: an inspector gets sign and handle; a unit also a plan; communities and streets an escalation', () => {
    const t0 = at('2026-11-23T10:00')
    const kinds = (level: 'grid' | 'community' | 'street' | 'district', member: boolean) =>
      dispatchClock(cal, t0, { value: 4, unit: 'work_hours' }, level, member).timers.map((t) => t.kind)
    expect(kinds('grid', true)).to.deep.equal(['sign', 'handle'])
    expect(kinds('community', false)).to.deep.equal(['sign', 'handle', 'plan', 'escalate'])
    expect(kinds('street', false)).to.deep.equal(['sign', 'handle', 'plan', 'escalate'])
    expect(kinds('district', false)).to.deep.equal(['sign', 'handle', 'plan'])
    const c = dispatchClock(cal, t0, { value: 4, unit: 'work_hours' }, 'street', false)
    expect(c.handleDueAt!.toISOString()).to.equal(at('2026-11-23T15:30').toISOString())
    expect(c.timers.find((t) => t.kind === 'escalate')!.dueAt.toISOString()).to.equal(at('2026-11-25T10:00').toISOString())
    expect(c.timers.find((t) => t.kind === 'plan')!.dueAt.toISOString()).to.equal(at('2026-11-24T10:00').toISOString())
    expect(dispatchClock(cal, t0, null, 'grid', true).handleDueAt).to.equal(null)
  })
  it('light: green, yellow after 80 % of the time, red after the deadline, none when not running', () => {
    const e = { status: 'handling' as const, dispatchedAt: at('2026-11-23T10:00'), signDueAt: null, handleDueAt: at('2026-11-23T20:00') }
    expect(statusLight(e, at('2026-11-23T17:59'))).to.equal('green')
    expect(statusLight(e, at('2026-11-23T18:00'))).to.equal('yellow')
    expect(statusLight(e, at('2026-11-23T20:01'))).to.equal('red')
    expect(statusLight({ ...e, status: 'parked' }, at('2026-11-23T20:01'))).to.equal(null)
    expect(statusLight({ ...e, status: 'dispatched', signDueAt: at('2026-11-23T11:00') }, at('2026-11-23T12:00'))).to.equal('red')
  })
})

describe('events/similarity', () => {
  it('scores shared character bigrams, ignoring punctuation and case', () => {
    expect(textSimilarity('路口有暴露垃圾', '路口有暴露垃圾！')).to.equal(1)
    expect(textSimilarity('人行道上堆放建筑垃圾', '人行道上堆放建筑垃圾，请尽快处理')).to.be.greaterThan(0.6)
    expect(textSimilarity('井盖缺失', '路口有暴露垃圾')).to.equal(0)
    expect(textSimilarity('', '')).to.equal(0)
    expect(textSimilarity('ABC', 'abc')).to.equal(1)
  })
})
