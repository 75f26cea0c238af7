// Two API instances (separate processes, separate pools, separate fence caches) on one database,
// receiving fixes of the same devices in turn, and some batches at both at once (a retry landing
// on the other instance): every fix is stored once, the live positions end at the last fix, and
// the fence alerts are exactly those of one engine fed each whole track in order.
import { expect } from 'chai'
import type { Knex } from 'knex'
import { getTestDatabase, getTestDb } from '../support/db.ts'
import { loginAs, testClient, type Client } from '../support/http.ts'
import { startAppChild } from '../bench/support.ts'
import { pointIn } from '../events/helpers.ts'
import { loadFenceIndex } from '../../server/fences/repository.ts'
import { insertFence, memberOf, offset, registerDevice, squareAround } from './helpers.ts'

const DEVICES = 8
const FIXES = 40

describe('two API instances on one database', function () {
  this.timeout(180_000)
  let client: Client
  let knex: Knex
  let apps: { origin: string; stop(): Promise<void> }[] = []

  before(async function () {
    const { db } = await getTestDatabase()
    if (db.mode === 'embedded') this.skip() // the embedded PostGIS serves one connection: one instance
    client = await testClient()
    knex = await getTestDb()
    const url = (await getTestDatabase()).config.databaseUrl!
    apps = await Promise.all([startAppChild(url), startAppChild(url)])
  })

  after(async () => {
    await Promise.all(apps.map((a) => a.stop()))
  })

  it('stores each fix once, keeps live positions forward and raises each alert once', async () => {
    const command = await loginAs(client, 'command')
    const centre = await pointIn(knex, '990102001003', 0)
    const members = await Promise.all(Array.from({ length: DEVICES }, (_, i) => memberOf(knex, ['990102001001', '990102001002', '990102001003', '990102002001'][i % 4]!, Math.floor(i / 4))))
    const fence = await insertFence(knex, squareAround(centre.lon, centre.lat, 60), { memberIds: members.map((m) => m.id), name: '双实例围栏' })
    const devices = await Promise.all(members.map((m) => registerDevice(client, command, { memberId: m.id })))
    const t0 = Date.now() - 30 * 60_000
    // each device walks east-west through the fence and back, 20 m a fix, starting at its own offset
    const tracks = devices.map((_, d) => Array.from({ length: FIXES }, (_, i) => {
      const phase = (i * 20 + d * 37) % 400
      const east = phase < 200 ? phase - 100 : 300 - phase
      const [lon, lat] = offset(centre.lon, centre.lat, east * 1.5, (d - DEVICES / 2) * 8)
      return { lon, lat, time: new Date(t0 + i * 15_000).toISOString(), accuracy: 4 }
    }))
    const post = (app: number, token: string, positions: unknown[]) => fetch(`${apps[app]!.origin}/api/v1/positions`, {
      method: 'POST', headers: { 'content-type': 'application/json', 'x-device-token': token }, body: JSON.stringify({ positions }),
    }).then(async (r) => ({ status: r.status, body: await r.json() as { accepted: number; duplicate: number } }))
    await Promise.all(devices.map(async (dev, d) => {
      for (let i = 0, batch = 0; i < FIXES; i += 2, batch++) {
        const positions = tracks[d]!.slice(i, i + 2)
        if (batch % 5 === 4) {
          const both = await Promise.all([post(0, dev.token, positions), post(1, dev.token, positions)])
          expect(both.map((b) => b.status)).to.deep.equal([200, 200])
          expect(both[0]!.body.accepted + both[1]!.body.accepted).to.equal(positions.length)
        } else {
          const r = await post(batch % 2, dev.token, positions)
          expect(r.status).to.equal(200)
          expect(r.body.accepted).to.equal(positions.length)
        }
      }
    }))
    const { index } = await loadFenceIndex(knex, '990100')
    for (const [d, dev] of devices.entries()) {
      const row = await knex('device').where({ identifier: dev.identifier }).first('id')
      const stored = await knex('position').where({ device_id: row.id }).count<{ n: string }[]>('* as n')
      expect(Number(stored[0]!.n), dev.identifier).to.equal(FIXES)
      const live = await knex('device_live').where({ device_id: row.id }).first('fixed_at')
      expect(live.fixed_at.toISOString()).to.equal(tracks[d]![FIXES - 1]!.time)
      const fixes = tracks[d]!.map((f) => ({ t: Date.parse(f.time), lon: f.lon, lat: f.lat, accuracy: f.accuracy }))
      const expected = index.evaluate({ deviceId: Number(row.id), memberId: members[d]!.id, community: members[d]!.community }, null, fixes, new Map())
        .alerts.filter((a) => a.fenceId === fence)
      const got = await knex('fence_alert').where({ device_id: row.id, fence_id: fence }).orderBy('at').select('kind', 'at')
      expect(expected.length, dev.identifier).to.be.greaterThan(1)
      expect(got.map((a) => a.kind), dev.identifier).to.deep.equal(expected.map((a) => a.kind))
      // the database keeps microseconds, a JS Date milliseconds
      got.forEach((a, i) => expect(a.at.getTime(), dev.identifier).to.be.closeTo(expected[i]!.at, 1))
    }
  })
})
