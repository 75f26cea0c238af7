// The periodic passes of the background loops run once a period across instances (migration
// 0033, server/passLease.ts): two loops over one database (as two instances would run them) start
// a periodic pass once between them, while a pass of every tick runs in both (the positive
// control: both loops were alive and would have run it); when the period is over, one of them
// claims it again. Runs on both engines: the claim is one statement.
import crypto from 'node:crypto'
import { expect } from 'chai'
import type { Knex } from 'knex'
import { getTestContext, getTestDb } from '../support/db.ts'
import { until } from '../support/wait.ts'
import { startPassLoop } from '../../server/passLoop.ts'
import { claimPeriod } from '../../server/passLease.ts'
import type { AppContext } from '../../server/context.ts'

describe('background passes: one run a period across instances', function () {
  this.timeout(60_000)
  let app: AppContext
  let knex: Knex

  before(async () => {
    app = await getTestContext()
    knex = await getTestDb()
  })

  it('runs a periodic pass in one of two loops, an every-tick pass in both, and again after the period', async () => {
    const loop = `test_${crypto.randomBytes(4).toString('hex')}`
    const periodic = [0, 0]
    const everyTick = [0, 0]
    const loops = [0, 1].map((k) => startPassLoop(app, loop, [
      { name: 'periodic', everyMs: 3_600_000, run: async () => { periodic[k]!++ } },
      { name: 'tick', run: async () => { everyTick[k]!++ } },
    ], 20))
    try {
      expect(await until(() => everyTick.every((n) => n >= 5), 20_000), `ticks ${everyTick}`).to.equal(true)
      expect(periodic[0]! + periodic[1]!, `periodic runs ${periodic}`).to.equal(1)
      const row = await knex('background_pass').where('name', `${loop}.periodic`).first('instance', 'started_at')
      expect(row.instance).to.match(/:\d+$/)
      // the period is over (as if an hour had passed): one of the loops claims it again, only one
      await knex('background_pass').where('name', `${loop}.periodic`).update({ started_at: knex.raw("now() - interval '2 hours'") })
      // in-memory, the loop that ran it waits an hour; the other one tries every tick
      expect(await until(() => periodic[0]! + periodic[1]! === 2, 20_000), `periodic runs ${periodic}`).to.equal(true)
      const ticks = everyTick[0]! + everyTick[1]!
      expect(await until(() => everyTick[0]! + everyTick[1]! >= ticks + 10, 20_000)).to.equal(true)
      expect(periodic[0]! + periodic[1]!).to.equal(2)
    } finally {
      await Promise.all(loops.map((l) => l.stop()))
    }
  })

  it('claims by the database clock: a period not yet over is refused, one over is granted', async () => {
    const name = `test_${crypto.randomBytes(4).toString('hex')}.clock`
    expect(await claimPeriod(knex, name, 60_000)).to.equal(true)
    expect(await claimPeriod(knex, name, 60_000)).to.equal(false)
    await knex('background_pass').where({ name }).update({ started_at: knex.raw("now() - interval '59 seconds'") })
    expect(await claimPeriod(knex, name, 60_000)).to.equal(true) // 59 s is over 98 % of a minute
    expect(await claimPeriod(knex, name, 3_600_000)).to.equal(false)
    await knex('background_pass').where({ name }).update({ started_at: knex.raw("now() - interval '10 seconds'") })
    expect(await claimPeriod(knex, name, 60_000)).to.equal(false)
  })

  it('refuses a hostile or oversized pass name in the database rather than storing it', async () => {
    await claimPeriod(knex, 'x'.repeat(101), 1000).then(() => expect.fail('an over-long name was stored'), (err: Error) => {
      expect(err.message).to.match(/check constraint/)
    })
    // a name with quotes and SQL is a bound value, stored as given
    const hostile = `test_'); DROP TABLE background_pass; --${crypto.randomBytes(2).toString('hex')}`
    expect(await claimPeriod(knex, hostile, 1000)).to.equal(true)
    expect((await knex('background_pass').where('name', hostile).first('name')).name).to.equal(hostile)
  })
})
