// The rewrite of knex-style `:name` bindings to positional `$n` for named statements.
import { expect } from 'chai'
import { toPositional } from '../../server/db/prepared.ts'
import { sqlFile } from '../../server/db/sql.ts'
import { eventNumber, NUMBER } from '../../server/events/store.ts'

describe('events/prepared: toPositional', () => {
  it('numbers each name once, keeps ::casts and ignores colons in comments', () => {
    const { text, order } = toPositional(`-- note: a comment :notAParam
SELECT :a::int, :b, :a, '{}'::jsonb, :c::text[], to_char(now(), 'HH24:MI'), 'it''s :y' -- trailing :x
FROM t WHERE x = :b`)
    expect(order).to.deep.equal(['a', 'b', 'c'])
    expect(text).to.contain('$1::int, $2, $1, \'{}\'::jsonb, $3::text[]')
    expect(text).to.contain('x = $2')
    expect(text).to.contain("to_char(now(), 'HH24:MI'), 'it''s :y'")
    expect(text).not.to.match(/notAParam|:x/)
  })

  it('finds every binding of the intake statements', () => {
    const insert = toPositional(sqlFile('events/insert'))
    expect(insert.order).to.include.members(['client', 'idemKey', 'createdAt', 'history', 'timers', 'number'])
    expect(insert.text).not.to.match(/(?<!:):[A-Za-z]/)
    expect(toPositional(sqlFile('events/intake_lookup')).order).to.have.members(
      ['lon', 'lat', 'day', 'anywhere', 'minLon', 'minLat', 'maxLon', 'maxLat', 'classCode', 'since', 'until', 'patterns', 'metres'])
  })
})

describe('events/store: eventNumber', () => {
  it('pads the day\'s sequence to four digits and never cuts a longer one', () => {
    expect(eventNumber('2026-11-24', 7)).to.equal('E202611240007')
    expect(eventNumber('2026-11-24', 9999)).to.equal('E202611249999')
    expect(eventNumber('2026-11-24', 10_000)).to.equal('E2026112410000')
    expect(eventNumber('2026-11-24', 10_250)).not.to.equal(eventNumber('2026-11-24', 10_251))
    for (const n of [1, 9999, 10_000, 99_999_999]) expect(eventNumber('2026-01-02', n)).to.match(NUMBER)
    expect(() => eventNumber('2026-11-24', 0)).to.throw()
    expect(() => eventNumber('20261124', 1)).to.throw()
  })
})
