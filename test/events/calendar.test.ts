// The working calendar: lunch breaks, weekends, the 2026 Spring Festival with its make-up
// Saturdays, working days, natural hours, and the round trip add ↔ between.
import { expect } from 'chai'
import { localDate, parseClock, WorkCalendar, type DayKind } from '../../server/events/calendar.ts'

const days = new Map<string, DayKind>()
for (let d = 15; d <= 23; d++) days.set(`2026-02-${d}`, 'holiday') // 春节 2026-02-15 … 23
days.set('2026-02-14', 'workday') // Saturday, 调休
days.set('2026-02-28', 'workday') // Saturday, 调休
const cal = new WorkCalendar({ periods: [[parseClock('08:30'), parseClock('12:00')], [parseClock('13:30'), parseClock('17:30')]], days })

const at = (local: string) => new Date(`${local}+08:00`)
const iso = (d: Date) => localDate(d) + 'T' + new Date(d.getTime() + 8 * 3600_000).toISOString().slice(11, 16)

describe('events/calendar: working hours', () => {
  const cases: [string, number, string, string][] = [
    ['2026-11-23T10:00', 4, '2026-11-23T15:30', 'Monday morning across the lunch break'],
    ['2026-11-23T11:00', 1, '2026-11-23T12:00', 'landing exactly on the end of the morning'],
    ['2026-11-23T11:00', 1.5, '2026-11-23T14:00', 'half an hour after lunch'],
    ['2026-11-23T12:30', 1, '2026-11-23T14:30', 'starting inside the lunch break'],
    ['2026-11-23T07:00', 0.5, '2026-11-23T09:00', 'starting before work'],
    ['2026-11-23T17:30', 1, '2026-11-24T09:30', 'starting at the end of the day'],
    ['2026-11-23T20:00', 4, '2026-11-24T14:00', 'starting in the evening: 3.5 h morning + 0.5 h'],
    ['2026-11-27T16:30', 4, '2026-11-30T11:30', 'Friday afternoon over the weekend'],
    ['2026-11-28T09:00', 1, '2026-11-30T09:30', 'Saturday'],
    ['2026-11-29T23:59', 7.5, '2026-11-30T17:30', 'Sunday night: one full working day'],
    ['2026-02-13T16:00', 4, '2026-02-14T11:00', 'into the make-up Saturday before Spring Festival'],
    ['2026-02-13T16:00', 8, '2026-02-14T16:30', 'through the make-up Saturday'],
    ['2026-02-14T17:00', 1, '2026-02-24T09:00', 'over the nine-day Spring Festival'],
    ['2026-02-16T10:00', 2, '2026-02-24T10:30', 'reported during the holiday'],
    ['2026-02-27T17:00', 1, '2026-02-28T09:00', 'Friday into the second make-up Saturday'],
    ['2026-11-23T10:00', 0, '2026-11-23T10:00', 'zero is the same instant'],
  ]
  for (const [from, hours, expected, why] of cases) {
    it(`${from} + ${hours} working hours = ${expected} (${why})`, () => {
      expect(iso(cal.addWorkingHours(at(from), hours))).to.equal(expected)
    })
  }
})

describe('events/calendar: working days and natural hours', () => {
  it('working days keep the clock time on the Nth working day', () => {
    expect(iso(cal.addWorkingDays(at('2026-11-23T10:00'), 1))).to.equal('2026-11-24T10:00')
    expect(iso(cal.addWorkingDays(at('2026-11-23T10:00'), 5))).to.equal('2026-11-30T10:00')
    expect(iso(cal.addWorkingDays(at('2026-11-27T14:00'), 0.5))).to.equal('2026-11-30T08:45')
  })
  it('a report on Saturday with one working day is due at the end of Monday', () => {
    expect(iso(cal.addWorkingDays(at('2026-11-28T10:00'), 1))).to.equal('2026-11-30T17:30')
  })
  it('working days count the make-up Saturday and skip the holiday week', () => {
    expect(iso(cal.addWorkingDays(at('2026-02-12T10:00'), 3))).to.equal('2026-02-24T10:00')
    expect(iso(cal.add(at('2026-02-12T10:00'), 3, 'work_days'))).to.equal('2026-02-24T10:00')
  })
  it('natural hours never stop, holidays and nights included', () => {
    expect(iso(cal.addNaturalHours(at('2026-11-28T09:00'), 48))).to.equal('2026-11-30T09:00')
    expect(iso(cal.add(at('2026-02-16T23:30'), 2, 'natural_hours'))).to.equal('2026-02-17T01:30')
  })
})

describe('events/calendar: days, instants and validation', () => {
  it('knows weekends, holidays and 调休 make-up days', () => {
    expect(cal.isWorkday('2026-11-23')).to.equal(true) // Monday
    expect(cal.isWorkday('2026-11-28')).to.equal(false) // Saturday
    expect(cal.isWorkday('2026-02-14')).to.equal(true) // make-up Saturday
    expect(cal.isWorkday('2026-02-16')).to.equal(false) // Monday in the holiday
    expect(cal.dayMinutes).to.equal(450)
  })
  it('uses China time all year (no daylight saving)', () => {
    for (const month of ['01', '04', '07', '10']) {
      expect(cal.isWorkingTime(at(`2026-${month}-15T08:30`)), month).to.equal(true)
      expect(cal.isWorkingTime(at(`2026-${month}-15T08:29`)), month).to.equal(false)
      expect(cal.isWorkingTime(at(`2026-${month}-15T12:00`)), month).to.equal(false)
    }
    // 23:00 UTC is already the next day in Shanghai
    expect(localDate(new Date('2026-11-23T23:00:00Z'))).to.equal('2026-11-24')
  })
  it('counts working minutes between instants', () => {
    expect(cal.workingMinutesBetween(at('2026-11-23T10:00'), at('2026-11-24T10:00'))).to.equal(450)
    expect(cal.workingMinutesBetween(at('2026-11-27T17:00'), at('2026-11-30T09:00'))).to.equal(60)
    expect(cal.workingMinutesBetween(at('2026-11-24T10:00'), at('2026-11-23T10:00'))).to.equal(0)
  })
  it('round trip: the working time between from and from + d is d (random instants)', () => {
    let seed = 12345
    const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31)
    for (let i = 0; i < 500; i++) {
      const from = new Date(Date.parse('2026-02-01T00:00:00Z') + Math.floor(rnd() * 60 * 86400) * 1000)
      const minutes = Math.floor(rnd() * 5000)
      const to = cal.addWorkingMinutes(from, minutes)
      expect(to.getTime()).to.be.at.least(from.getTime())
      expect(cal.workingMinutesBetween(from, to), `${from.toISOString()} + ${minutes}`).to.be.closeTo(minutes, 1e-9)
    }
  })
  it('refuses bad durations and bad periods', () => {
    expect(() => cal.addWorkingHours(at('2026-11-23T10:00'), -1)).to.throw(/bad duration/)
    expect(() => cal.addWorkingHours(at('2026-11-23T10:00'), Number.NaN)).to.throw(/bad duration/)
    expect(() => cal.addNaturalHours(at('2026-11-23T10:00'), Infinity)).to.throw(/bad duration/)
    expect(() => new WorkCalendar({ periods: [[600, 700], [650, 800]], days: new Map() })).to.throw(/overlap/)
    expect(() => new WorkCalendar({ periods: [], days: new Map() })).to.throw(/at least one/)
    expect(() => parseClock('25:00')).to.throw(/bad time/)
  })
  it('a calendar without any working day fails instead of looping', () => {
    const never = new WorkCalendar({ periods: [[510, 720]], days: new Map() })
    // override isWorkday: every day a holiday
    const holidays = new Map<string, DayKind>()
    const start = Date.parse('2026-01-01T00:00:00Z')
    for (let i = 0; i < 4100; i++) holidays.set(new Date(start + i * 86_400_000).toISOString().slice(0, 10), 'holiday')
    const closed = new WorkCalendar({ periods: never.periods as [number, number][], days: holidays })
    expect(() => closed.addWorkingHours(new Date('2026-01-01T00:00:00Z'), 1)).to.throw(/no working time/)
  })
})
