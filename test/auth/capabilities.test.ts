// Role menus: /api/v1/auth/me names what the command screen may offer a role, and for every demo
// role each capability shown is one the server serves (2xx; for a write, the guard lets the call
// through to a missing object: 404/400, nothing changed) and each one hidden is refused (403).
import { expect } from 'chai'
import type { Knex } from 'knex'
import { testClient, loginAs, type Client } from '../support/http.ts'
import { DEMO_API_KEY, DEMO_PASSWORD } from '../../fixtures/users.ts'
import { CAPABILITIES, capabilitiesOf, type Capability } from '../../server/auth/capabilities.ts'
import { roles, type Role } from '../../server/auth/roles.ts'
import { describeRules } from '../../server/events/workflow.ts'
import { pointIn, uniq } from '../events/helpers.ts'

/** One demo user per role (README "Demo city and demo users"). */
const DEMO: Record<string, Role> = {
  command: 'command_center', analyst: 'gis_analyst', district: 'district_staff', street1: 'street_staff',
  community: 'community_staff', inspector: 'grid_inspector', department: 'department', system: 'external_system',
  auditor: 'auditor',
}
/** A community inside every demo user's jurisdiction, so a 404 is never jurisdiction. */
const C1 = '990102001001'

type Probe = { method: 'GET' | 'POST' | 'PUT' | 'PATCH'; url: string; body?: unknown; write?: boolean }

describe('role capabilities (/api/v1/auth/me)', function () {
  this.timeout(120_000)
  let client: Client
  let knex: Knex
  let number: string
  const auth: Record<string, Record<string, string>> = {}

  const beijingYesterday = () => new Date(Date.now() + 8 * 3600_000 - 86_400_000).toISOString().slice(0, 10)

  /** The endpoint behind each capability; a new capability without a probe fails the walk below. */
  const probes = (): Record<Capability, Probe[]> => ({
    events: [{ method: 'GET', url: '/api/v1/events?limit=1' }],
    layers: [{ method: 'GET', url: '/tiles/all.json' }],
    analysisLayers: [{ method: 'GET', url: '/tiles/heatmap.json' }, { method: 'GET', url: '/tiles/hotspots.json' }],
    warnings: [{ method: 'GET', url: '/api/v1/warnings' }],
    acknowledgeWarnings: [{ method: 'POST', url: '/api/v1/warnings/999999999/acknowledge', body: {}, write: true }],
    situation: [{ method: 'GET', url: '/api/v1/analytics/series?interval=day' }],
    field: [{ method: 'GET', url: '/api/v1/devices/live?limit=1' }],
    replay: [{ method: 'GET', url: `/api/v1/events/${number}/replay` }],
    dispatch: [{ method: 'GET', url: `/api/v1/events/${number}/dispatch-options` }],
    tasks: [{ method: 'GET', url: '/api/v1/patrol-tasks' }],
    gridEdit: [{ method: 'PATCH', url: '/api/v1/grids/990102001001999', body: { properties: { name: 'x' } }, write: true }],
    fenceEdit: [{ method: 'PUT', url: '/api/v1/fences/999999999', body: {}, write: true }],
    exemplary: [{ method: 'GET', url: '/api/v1/exemplary-cases?limit=1' }],
    pinExemplary: [{ method: 'POST', url: '/api/v1/exemplary-cases', body: { event: 'E209901010001', title: 't', summary: 's', reason: 'r' }, write: true }],
    orders: [{ method: 'GET', url: '/api/v1/resource-orders?limit=1' }, { method: 'POST', url: '/api/v1/resource-orders/999999999/cancel', body: {}, write: true }],
    reports: [{ method: 'GET', url: `/api/v1/reports/daily/${beijingYesterday()}` }],
    bigScreen: [{ method: 'GET', url: '/api/v1/analytics/series?interval=day' }, { method: 'GET', url: '/api/v1/warnings' },
      { method: 'GET', url: '/api/v1/devices/live?limit=1' }, { method: 'GET', url: '/tiles/heatmap.json' }],
    audit: [{ method: 'GET', url: '/api/v1/audit?limit=1' }],
    registers: [{ method: 'GET', url: '/api/v1/registers' }],
    queues: [{ method: 'GET', url: '/api/v1/queues?limit=1' }],
    config: [{ method: 'GET', url: '/api/v1/config/classes' }],
    configEdit: [{ method: 'POST', url: '/api/v1/config/classes/0102/versions', body: {}, write: true }],
    hardCases: [{ method: 'GET', url: '/api/v1/hard-cases?limit=1' }],
    instruct: [{ method: 'POST', url: '/api/v1/hard-cases/events/E209901010001/instructions', body: {}, write: true }],
    meetings: [{ method: 'GET', url: '/api/v1/meetings?limit=1' }],
    convene: [{ method: 'POST', url: '/api/v1/meetings', body: {}, write: true }],
    parallel: [{ method: 'GET', url: '/api/v1/parallel?limit=1' }],
    sensors: [{ method: 'GET', url: '/api/v1/sensor-rules/incidents?limit=1' }],
    opinion: [{ method: 'GET', url: '/api/v1/opinion/posts?limit=1' }],
    usageFlags: [{ method: 'GET', url: '/api/v1/utility-usage/flags?limit=1' }],
    catalogue: [{ method: 'GET', url: '/api/v1/catalogue?limit=1' }],
    catalogueEdit: [{ method: 'PATCH', url: `/api/v1/catalogue/entries/${encodeURIComponent('layer:no_such_layer')}`, body: { owner: 'x' }, write: true }],
    applications: [{ method: 'GET', url: '/api/v1/catalogue/applications?limit=1' }],
    reviewApplications: [{ method: 'POST', url: '/api/v1/catalogue/applications/999999999/reject', body: { comment: '角色菜单测试' }, write: true }],
    applyAccess: [{ method: 'POST', url: '/api/v1/catalogue/applications', body: {}, write: true }],
  })

  const call = (user: string, p: Probe) => client.request({
    method: p.method, url: p.url, headers: { ...auth[user], ...(p.body ? { 'content-type': 'application/json' } : {}) },
    payload: p.body === undefined ? undefined : JSON.stringify(p.body),
  })

  before(async () => {
    client = await testClient()
    knex = client.context.knex
    for (const u of Object.keys(DEMO)) auth[u] = await loginAs(client, u)
    // an event the centre has not yet dispatched, in the community every demo user covers
    const p = await pointIn(knex, C1, 2)
    const res = await client.post('/api/v1/events', {
      channel: 'superior', demandType: '投诉举报', classCode: '0102', description: uniq('角色菜单测试'), location: { x: p.lon, y: p.lat, crs: 'EPSG:4490' },
    }, auth.command)
    expect(res.statusCode, res.body).to.be.oneOf([200, 201])
    number = res.json().event.number
  })

  it('answers each demo role with its capabilities, at login and from /me alike', async () => {
    for (const [user, role] of Object.entries(DEMO)) {
      const me = await client.get('/api/v1/auth/me', auth[user])
      expect(me.statusCode).to.equal(200)
      expect(me.json().role).to.equal(role)
      expect(me.json().capabilities, user).to.deep.equal(capabilitiesOf(role))
    }
    const login = await client.post('/api/v1/auth/login', { username: 'analyst', password: DEMO_PASSWORD })
    expect(login.json().user.capabilities).to.deep.equal(capabilitiesOf('gis_analyst'))
    // the API key of the external system gets its role's list too
    const viaKey = await client.get('/api/v1/auth/me', { 'x-api-key': DEMO_API_KEY })
    expect(viaKey.json().capabilities).to.deep.equal(capabilitiesOf('external_system'))
  })

  it('gives each role what the issue asks: the analyst layers, analytics and grids but no 调度; the inspector his tasks and events', () => {
    const analyst = capabilitiesOf('gis_analyst')
    expect(analyst).to.include.members(['layers', 'analysisLayers', 'situation', 'gridEdit', 'events'])
    expect(analyst).to.not.include('dispatch')
    const inspector = capabilitiesOf('grid_inspector')
    expect(inspector).to.include.members(['events', 'tasks', 'field'])
    expect(inspector).to.not.include.members(['dispatch', 'situation', 'warnings', 'gridEdit', 'bigScreen'])
    // everything but the access audit, which only the auditor reads (server/audit/routes.ts), and
    // applying for catalogue access, which only external systems do (server/catalogue/roles.ts)
    expect(capabilitiesOf('command_center')).to.deep.equal(Object.keys(CAPABILITIES).filter((c) => c !== 'audit' && c !== 'applyAccess'))
    expect(roles.filter((r) => capabilitiesOf(r).includes('applyAccess'))).to.deep.equal(['external_system'])
    expect(roles.filter((r) => capabilitiesOf(r).includes('audit'))).to.deep.equal(['auditor'])
    for (const r of ['street_staff', 'community_staff'] as const) expect(capabilitiesOf(r)).to.include.members(['dispatch', 'warnings', 'situation', 'gridEdit'])
  })

  it('offers 登记 to the staff, grid members, departments and analysts, never to the auditor or external systems', () => {
    expect(roles.filter((r) => capabilitiesOf(r).includes('registers'))).to.have.members(['command_center', 'district_staff', 'street_staff',
      'community_staff', 'grid_inspector', 'department', 'gis_analyst'])
  })

  it('offers 调度 to exactly the roles the state machine lets dispatch (not a copy of the list)', () => {
    const dispatchers = describeRules().find((r) => r.action === 'dispatch')!.roles.filter((r) => r !== 'system')
    expect(roles.filter((r) => capabilitiesOf(r).includes('dispatch'))).to.have.members(dispatchers)
  })

  it('every capability shown is served and every one hidden is refused, for every demo role', async () => {
    const table = probes()
    expect(Object.keys(table)).to.have.members(Object.keys(CAPABILITIES))
    const verdicts: string[] = []
    for (const [user, role] of Object.entries(DEMO)) {
      const shown = new Set(capabilitiesOf(role))
      for (const [cap, list] of Object.entries(table) as [Capability, Probe[]][]) {
        const statuses = await Promise.all(list.map(async (p) => (await call(user, p)).statusCode))
        const ok = shown.has(cap)
          // shown: every endpoint serves it (a write reaches past the guard to the missing object)
          ? list.every((p, i) => (p.write ? [400, 404].includes(statuses[i]!) : statuses[i]! >= 200 && statuses[i]! < 300))
          // hidden: refused by role (bigScreen: at least one of its views is)
          : (cap === 'bigScreen' ? statuses.includes(403) : statuses.every((s) => s === 403))
        if (!ok) verdicts.push(`${user} ${shown.has(cap) ? 'shown' : 'hidden'} ${cap}: ${list.map((p) => p.url).join(', ')} → ${statuses.join(', ')}`)
      }
    }
    expect(verdicts).to.deep.equal([])
  })

  it('answers 401 to no token, a malformed or a forged one, with no capabilities', async () => {
    expect((await client.get('/api/v1/auth/me')).statusCode).to.equal(401)
    expect((await client.get('/api/v1/auth/me', { authorization: 'Bearer not-a-token-at-all' })).statusCode).to.equal(401)
    expect((await client.get('/api/v1/auth/me', { authorization: `Bearer ${'a'.repeat(5000)}` })).statusCode).to.equal(401)
    const forged = (await client.get('/api/v1/auth/me', { authorization: `${auth.analyst!.authorization}x` }))
    expect(forged.statusCode).to.equal(401)
    expect(forged.json()).to.not.have.property('capabilities')
  })
})
