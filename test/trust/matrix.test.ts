// Issue 13 item 4: the role × channel matrix. Every role of server/auth/roles.ts (a restricted
// principal each, holding one community) × every channel that returns admin-located records
// (test/trust/channels/*.ts), judged by content: the records planted in another community
// (test/trust/plant.ts) never reach a restricted principal, a role refused by a channel's guard
// gets 401/403 and nothing of them, the command centre does see them (the positive control) and a
// restricted principal sees its own community's (the inside control). Reporter masking role by
// role is test/privacy/events.test.ts; this matrix is about what lies outside the jurisdiction.
import { expect } from 'chai'
import type { Knex } from 'knex'
import { openOwnContext } from '../support/ownDatabase.ts'
import { clearCellSets } from '../../server/analytics/tileLayers.ts'
import { loginAs, testClient, type Client } from '../support/http.ts'
import { roles } from '../../server/auth/roles.ts'
import { clearUp, plant, type Sites } from './plant.ts'
import { commandCentre, restrictedPrincipals, type Principal } from './principals.ts'
import { newTally, runProbe, type Tally } from './matrix.ts'
import { restProbes } from './channels/rest.ts'
import type { Probe } from './channels/types.ts'
import { tileProbes } from './channels/tiles.ts'
import { ogcProbes } from './channels/ogc.ts'
import { exportProbes, open311Probes } from './channels/exports.ts'
import { streamMatrix } from './channels/stream.ts'
import { liveMatrix } from './channels/live.ts'
import { plantServices } from './plantServices.ts'
import { registerProbes } from './channels/registers.ts'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { createApp } from '../../server/app.ts'
import { streamHubOf } from '../../server/stream/routes.ts'


describe('trust: the role × channel matrix (issue 13 item 4)', function () {
  this.timeout(300_000)
  let client: Client
  let knex: Knex
  let sites: Sites
  let principals: Principal[]
  let command: Record<string, string>
  let controls: Record<string, Record<string, string>>
  let server: http.Server | undefined
  const tally: Tally = newTally()
  const families = (): [string, Probe[]][] => [['REST', restProbes], ['tiles', tileProbes(client.context.catalogue)], ['OGC', ogcProbes(client.context.catalogue)],
    ['Open311', open311Probes], ['exports and reports', exportProbes], ['registers', registerProbes()]]

  let closeOwn: (() => Promise<void>) | undefined

  before(async () => {
    // a database of its own: the far-away communities it plants widen the city's extent, which
    // the map's first view (test/web) fits, and analysis layers cache per jurisdiction
    const own = await openOwnContext('matrix')
    closeOwn = own.close
    client = await testClient(own.context)
    knex = own.context.knex
    command = await commandCentre(client)
    sites = await plant(client, knex, command)
    clearCellSets() // hot spots and heat drawn before the planting are kept a minute per process
    principals = await restrictedPrincipals(client, knex, sites.in.community)
    await plantServices(knex, sites, principals)
    controls = { command, auditor: await loginAs(client, 'auditor') }
  })

  after(async () => {
    if (sites) await clearUp(client, knex, command, sites)
    if (server) {
      await streamHubOf(client.context).close()
      server.closeAllConnections()
      await new Promise((r) => server!.close(r))
    }
    await closeOwn?.()
    // the README's figures
    const perFamily = new Map<string, number>()
    for (const c of tally.channels) perFamily.set(c.split(' · ')[0]!, (perFamily.get(c.split(' · ')[0]!) ?? 0) + 1)
    console.log(`      matrix: ${principals?.length ?? 0} roles × ${tally.channels.size} channels = ${tally.cells} cells tried, ${tally.refused} refused by role, ${tally.byDesign} public by design, ${tally.leaks.length} leaks`)
    console.log(`      channels: ${[...perFamily].map(([f, n]) => `${f} ${n}`).join(', ')}`)
  })

  it('takes its roles from server/auth/roles.ts, one restricted principal each', () => {
    expect(principals.map((p) => p.role)).to.deep.equal([...roles])
  })

  for (const family of ['REST', 'tiles', 'OGC', 'Open311', 'exports and reports', 'registers']) {
    it(`${family}: nothing of another community reaches any role; controls see what they should`, async function () {
      // MATRIX_ONLY=tiles,OGC runs some families (while working on one)
      if (process.env.MATRIX_ONLY && !process.env.MATRIX_ONLY.split(',').includes(family)) this.skip()
      const before = { leaks: tally.leaks.length, failures: tally.failures.length }
      const probes = families().find(([f]) => f === family)![1]
      // a few probes at a time: each is a dozen independent reads
      const queue = [...probes]
      await Promise.all(Array.from({ length: 4 }, async () => {
        for (let probe = queue.shift(); probe; probe = queue.shift()) await runProbe(client, probe, sites, principals, controls, tally)
      }))
      if (process.env.MATRIX_VERBOSE) console.log([...tally.leaks.slice(before.leaks), ...tally.failures.slice(before.failures)].join('\n'))
      expect(tally.leaks.slice(before.leaks), 'leaks').to.deep.equal([])
      expect(tally.failures.slice(before.failures), 'failures').to.deep.equal([])
    })
  }

  it('stream: an OUT change never reaches a restricted role (sentinels, not a pause)', async function () {
    if (process.env.MATRIX_ONLY && !process.env.MATRIX_ONLY.split(',').includes('stream')) this.skip()
    server = http.createServer(createApp(client.context).callback())
    await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r))
    const before = { leaks: tally.leaks.length, failures: tally.failures.length }
    await streamMatrix(client, (server.address() as AddressInfo).port, sites, principals, command, tally)
    expect(tally.leaks.slice(before.leaks), 'leaks').to.deep.equal([])
    expect(tally.failures.slice(before.failures), 'failures').to.deep.equal([])
  })

  it('camera live proxy: a ticket of every role\'s user plays nothing of OUT, and nothing at all for a role that reads no cameras', async function () {
    if (process.env.MATRIX_ONLY && !process.env.MATRIX_ONLY.split(',').includes('live')) this.skip()
    const before = { leaks: tally.leaks.length, failures: tally.failures.length }
    await liveMatrix(client, sites, principals, tally)
    expect(tally.leaks.slice(before.leaks), 'leaks').to.deep.equal([])
    expect(tally.failures.slice(before.failures), 'failures').to.deep.equal([])
  })

  it('the judge finds a leak where there is one: a street column signed in as the command centre', async function () {
    if (process.env.MATRIX_ONLY) this.skip()
    const fake: Principal[] = [{ role: 'street_staff', username: 'command', headers: command }]
    const pick = (family: string, name: string) => families().find(([f]) => f === family)![1].find((p) => p.name === name)!
    const probes = [pick('REST', 'item'), pick('REST', 'list ?bbox GeoJSON'), pick('tiles', 'base_grids z16'), pick('OGC', 'GetMap events'),
      pick('OGC', 'GetMap every layer, box over both sites'), pick('OGC', 'GetFeature events RESOURCEID'), pick('exports and reports', 'daily xlsx')]
    const own = newTally()
    for (const probe of probes) await runProbe(client, probe, sites, fake, controls, own)
    expect(own.leaks.length, own.leaks.join('\n')).to.equal(probes.length)
  })

  it('the judge finds people records shown to a role that may not read them: an analyst column signed in as the command centre', async function () {
    if (process.env.MATRIX_ONLY) this.skip()
    const fake: Principal[] = [{ role: 'gis_analyst', username: 'command', headers: command }]
    const pick = (family: string, name: string) => families().find(([f]) => f === family)![1].find((p) => p.name === name)!
    const probes = [pick('tiles', 'special_groups z16'), pick('tiles', 'all z16'), pick('OGC', 'GetFeature special_groups BBOX (GeoJSON)'),
      pick('OGC', 'special_groups items ?bbox'), pick('registers', 'grid view'), pick('registers', 'special-groups export csv')]
    const own = newTally()
    for (const probe of probes) await runProbe(client, probe, sites, fake, controls, own)
    const inside = own.leaks.filter((l) => l.includes('though the role may not read it'))
    expect(inside.length, own.leaks.join('\n')).to.equal(probes.length)
  })
})
