// The events map layer styles by the status light computed in SQL; it must agree with the
// workflow's statusLight() in every case.
import { expect } from 'chai'
import { statusLight } from '../../server/events/deadlines.ts'
import { getTestDb } from '../support/db.ts'

describe('event_status_light() agrees with statusLight()', () => {
  it('over statuses and times around the yellow and red thresholds', async () => {
    const knex = await getTestDb()
    const dispatchedAt = new Date('2026-03-02T01:00:00Z')
    const signDueAt = new Date('2026-03-02T05:00:00Z')
    const handleDueAt = new Date('2026-03-04T05:00:00Z')
    const statuses = ['reported', 'dispatched', 'signed', 'handling', 'handled', 'closed', 'parked'] as const
    const times = [0, 1, 3.19, 3.2, 3.21, 4, 4.01, 40, 52, 52.01, 60].map((h) => new Date(dispatchedAt.getTime() + h * 3600_000))
    const cases = statuses.flatMap((status) => times.map((at) => ({ status, at })))
    const { rows } = await knex.raw(
      'SELECT event_status_light(c->>\'status\', ?, ?, ?, (c->>\'at\')::timestamptz) AS light FROM json_array_elements(?::json) c',
      [dispatchedAt, signDueAt, handleDueAt, JSON.stringify(cases)])
    const expected = cases.map(({ status, at }) => statusLight({ status, dispatchedAt, signDueAt, handleDueAt }, at) ?? 'none')
    expect(rows.map((r: { light: string }) => r.light)).to.deep.equal(expected)
    expect(new Set(expected)).to.include.keys('green', 'yellow', 'red', 'none')
  })
})
