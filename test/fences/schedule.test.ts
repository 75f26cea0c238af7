// Fence schedules in China time: weekly windows (plain, past midnight, whole day) and the duty
// calendar through the caller's isWorkTime.
import { expect } from 'chai'
import { parseHhMm, scheduleActive, scheduleChecker } from '../../server/fences/schedule.ts'
import { WorkCalendar, type DayKind } from '../../server/events/calendar.ts'
import { fence } from './shapes.ts'

/** epoch ms of a China-time wall clock */
const cn = (iso: string) => Date.parse(`${iso}+08:00`)
const never = () => { throw new Error('the calendar is not asked for a weekly window') }

describe('fences/schedule', () => {
  it('null is always on', () => {
    expect(scheduleActive(null, cn('2026-12-06T03:00:00'), never)).to.equal(true)
  })

  it('a weekday window: ISO weekdays, from inclusive, to exclusive, in China time', () => {
    const s = { days: [1, 2, 3, 4, 5], from: '08:30', to: '17:30' }
    // 2026-12-01 is a Tuesday, 2026-12-05 a Saturday
    expect(scheduleActive(s, cn('2026-12-01T08:29:59'), never)).to.equal(false)
    expect(scheduleActive(s, cn('2026-12-01T08:30:00'), never)).to.equal(true)
    expect(scheduleActive(s, cn('2026-12-01T17:29:59'), never)).to.equal(true)
    expect(scheduleActive(s, cn('2026-12-01T17:30:00'), never)).to.equal(false)
    expect(scheduleActive(s, cn('2026-12-05T10:00:00'), never)).to.equal(false)
    // 00:30 UTC on Tuesday is 08:30 China time on Tuesday
    expect(scheduleActive(s, Date.UTC(2026, 11, 1, 0, 30), never)).to.equal(true)
    expect(scheduleActive({ days: [7], from: '00:00', to: '24:00' }, cn('2026-12-06T23:59:00'), never)).to.equal(true)
  })

  it('a window past midnight belongs to the day it starts on; from = to is the whole day', () => {
    const night = { days: [5], from: '22:00', to: '06:00' } // Friday night
    expect(scheduleActive(night, cn('2026-12-04T23:00:00'), never)).to.equal(true) // Friday
    expect(scheduleActive(night, cn('2026-12-05T05:59:00'), never)).to.equal(true) // Saturday morning
    expect(scheduleActive(night, cn('2026-12-05T06:00:00'), never)).to.equal(false)
    expect(scheduleActive(night, cn('2026-12-04T05:00:00'), never)).to.equal(false) // Friday morning: Thursday's night is not on
    const day = { days: [2], from: '09:00', to: '09:00' }
    expect(scheduleActive(day, cn('2026-12-01T00:00:00'), never)).to.equal(true)
    expect(scheduleActive(day, cn('2026-12-02T00:00:00'), never)).to.equal(false)
  })

  it('the duty calendar is the caller\'s working time (holidays and 调休 included)', () => {
    const cal = new WorkCalendar({ periods: [[510, 720], [810, 1050]], days: new Map<string, DayKind>([['2026-10-01', 'holiday'], ['2026-10-10', 'workday']]) })
    const check = scheduleChecker((t) => cal.isWorkingTime(new Date(t)))
    const f = fence(1, [[[[0, 0], [10, 0], [10, 10]]]], { schedule: { calendar: 'duty' } })
    expect(check(f, cn('2026-12-01T09:00:00'))).to.equal(true)
    expect(check(f, cn('2026-12-01T12:30:00'))).to.equal(false) // lunch
    expect(check(f, cn('2026-10-01T09:00:00'))).to.equal(false) // holiday
    expect(check(f, cn('2026-10-10T09:00:00'))).to.equal(true) // Saturday made a workday
  })

  it('refuses a time of day that is not HH:MM', () => {
    expect(parseHhMm('07:05')).to.equal(425)
    expect(parseHhMm('24:00')).to.equal(1440)
    for (const bad of ['7:05', '24:01', '25:00', '12:60', '']) expect(() => parseHhMm(bad), bad).to.throw(/HH:MM/)
  })
})
