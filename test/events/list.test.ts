// GET /api/v1/events: filters, keyset paging, GeoJSON, the capped count, jurisdiction (staff see
// their area, the public only their own reports) and hostile parameters.
import { expect } from 'chai'
import type { Knex } from 'knex'
import { getTestDb } from '../support/db.ts'
import { pointIn, uniq } from './helpers.ts'
import { loginAs, testClient, type Client } from '../support/http.ts'
import { createUser } from '../../server/auth/users.ts'
import { DEMO_PASSWORD } from '../../fixtures/users.ts'

interface Item { number: string; status: string; channel: string; class: { code: string }; communityCode: string; createdAt: string; light: string | null; reporter?: unknown }

describe('events: list', function () {
  let client: Client
  let knex: Knex
  const auth: Record<string, Record<string, string>> = {}
  let p1: { lon: number; lat: number; grid: string }
  let p2: { lon: number; lat: number; grid: string }
  // one tag shared by this file's reports, so q= isolates them from other files' events
  const tag = uniq('列表测试').replace(' ', '')
  const made: { number: string; community: string; channel: string; cls: string }[] = []

  const report = async (who: string, over: Record<string, unknown>, at = p1) => {
    const res = await client.post('/api/v1/events', {
      channel: 'superior', demandType: '投诉举报', classCode: '0102', description: `${tag} ${uniq('占道堆放')}`,
      location: { x: at.lon, y: at.lat }, ...over,
    }, auth[who])
    expect(res.statusCode, res.body).to.equal(201)
    return res.json().event as Item
  }
  const list = async (query: string, who = 'command') => {
    const res = await client.get(`/api/v1/events?q=${encodeURIComponent(tag)}${query ? `&${query}` : ''}`, auth[who])
    expect(res.statusCode, res.body).to.equal(200)
    return res.json()
  }
  const numbers = (body: { items: Item[] }) => body.items.map((i) => i.number)

  before(async () => {
    client = await testClient()
    knex = await getTestDb()
    for (const u of ['command', 'street1', 'street2', 'department', 'analyst']) auth[u] = await loginAs(client, u)
    p1 = await pointIn(knex, '990102001001')
    p2 = await pointIn(knex, '990102002001')
    for (const [who, over, at] of [
      ['command', {}, p1], ['command', { classCode: '0601' }, p1], ['street1', { channel: 'resident' }, p1],
      ['command', { channel: 'resident' }, p2], ['command', { classCode: '0504' }, p2],
    ] as const) {
      const e = await report(who, over, at)
      made.push({ number: e.number, community: e.communityCode, channel: e.channel, cls: e.class.code })
    }
  })

  it('lists newest first and pages with an opaque cursor without gaps or repeats', async () => {
    const all = await list('limit=500&count=true')
    expect(numbers(all)).to.have.members(made.map((m) => m.number))
    expect(all.numberMatched).to.equal(made.length)
    expect(all.numberMatchedCapped).to.equal(false)
    const times = all.items.map((i: Item) => i.createdAt)
    expect(times).to.deep.equal([...times].sort().reverse())
    const seen: string[] = []
    let url = `/api/v1/events?q=${encodeURIComponent(tag)}&limit=2`
    for (let page = 0; page < 5 && url; page++) {
      const res = await client.get(url, auth.command)
      expect(res.statusCode, res.body).to.equal(200)
      const body = res.json()
      expect(body.items.length).to.be.at.most(2)
      seen.push(...numbers(body))
      url = body.nextHref
      if (url) expect(body.next).to.be.a('string')
    }
    expect(seen).to.deep.equal(numbers(all))
  })

  it('filters by status, channel, class prefix, admin codes, grid, light, time and bbox', async () => {
    const resident = made.filter((m) => m.channel === 'resident').map((m) => m.number)
    expect(numbers(await list('status=reported'))).to.have.members(resident)
    expect(numbers(await list('status=dispatched,reported'))).to.have.length(made.length)
    expect(numbers(await list('channel=resident'))).to.have.members(resident)
    expect(numbers(await list('classCode=06'))).to.deep.equal(made.filter((m) => m.cls.startsWith('06')).map((m) => m.number))
    expect(numbers(await list('classCode=0504'))).to.have.length(1)
    const inP1 = made.filter((m) => m.community === '990102001001').map((m) => m.number)
    expect(numbers(await list('communityCode=990102001001'))).to.have.members(inP1)
    expect(numbers(await list('streetCode=990102001000'))).to.have.members(inP1)
    expect(numbers(await list('districtCode=990102000000'))).to.have.length(made.length)
    expect(numbers(await list(`gridCode=${p2.grid}`))).to.have.length(2)
    // just dispatched: every running clock is green
    const green = await list('light=green')
    expect(numbers(green)).to.have.members(made.filter((m) => m.channel !== 'resident').map((m) => m.number))
    expect(numbers(await list('light=red,yellow'))).to.deep.equal([])
    expect(numbers(await list(`createdFrom=${new Date(Date.now() + 60_000).toISOString()}`))).to.deep.equal([])
    expect(numbers(await list('createdTo=2020-01-01'))).to.deep.equal([])
    expect(numbers(await list('createdFrom=2020-01-01&createdTo=2099-01-01'))).to.have.length(made.length)
    const d = 0.0005
    expect(numbers(await list(`bbox=${p1.lon - d},${p1.lat - d},${p1.lon + d},${p1.lat + d}`))).to.have.members(inP1)
    // the same box given lat,lon in the EPSG URN (EPSG axis order)
    const urn = await list(`bbox=${p1.lat - d},${p1.lon - d},${p1.lat + d},${p1.lon + d}&bbox-crs=${encodeURIComponent('urn:ogc:def:crs:EPSG::4490')}`)
    expect(numbers(urn)).to.have.members(inP1)
    // q matches the number exactly, and a LIKE wildcard is a literal
    const one = made[0]!.number
    const byNumber = await client.get(`/api/v1/events?q=${one}`, auth.command)
    expect(numbers(byNumber.json())).to.deep.equal([one])
    expect(numbers((await client.get('/api/v1/events?q=%25%25&limit=5', auth.command)).json())).to.deep.equal([])
  })

  it('assignee=me: the owner department sees what was dispatched to it', async () => {
    const mine = await list('assignee=me', 'department')
    // 0102 and 0504 go to the city-management bureau (属主) of the district
    const expected = made.filter((m) => m.channel === 'superior' && m.cls !== '0601').map((m) => m.number)
    expect(numbers(mine)).to.have.members(expected)
    expect(numbers(await list('assignee=me', 'command'))).to.deep.equal([])
  })

  it('answers GeoJSON points with a next link', async () => {
    const res = await client.get(`/api/v1/events?q=${encodeURIComponent(tag)}&f=geojson&limit=2`, auth.command)
    expect(res.statusCode).to.equal(200)
    expect(res.headers['content-type']).to.match(/application\/geo\+json/)
    const fc = res.json()
    expect(fc.type).to.equal('FeatureCollection')
    expect(fc.features).to.have.length(2)
    for (const f of fc.features) {
      expect(f.geometry.type).to.equal('Point')
      expect(f.geometry.coordinates[0]).to.be.within(115, 117)
      expect(f.properties.number).to.equal(f.id)
      expect(f.properties.location).to.equal(undefined)
    }
    expect(fc.links[0].rel).to.equal('next')
    const next = await client.get(fc.links[0].href, auth.command)
    expect(next.json().features.map((f: { id: string }) => f.id)).not.to.include.members(fc.features.map((f: { id: string }) => f.id))
  })

  it('shows each caller only its jurisdiction, and the public only their own reports', async () => {
    const s2 = await list('', 'street2')
    expect(s2.items.every((i: Item) => i.communityCode.startsWith('990102002'))).to.equal(true)
    expect(numbers(s2)).to.have.length(2)
    const s1 = await list('', 'street1')
    expect(numbers(s1)).to.have.members(made.filter((m) => m.community.startsWith('990102001')).map((m) => m.number))
    // a citizen
    const username = `list_public_${process.pid}`
    await createUser(knex, { username, displayName: '市民', password: DEMO_PASSWORD, role: 'public', cityCode: '990100', adminCodes: [] })
    auth.citizen = await loginAs(client, username)
    const own = await report('citizen', { channel: 'resident' }, p2)
    const theirs = await list('', 'citizen')
    expect(numbers(theirs)).to.deep.equal([own.number])
    expect(theirs.items[0].reporter).to.equal(undefined)
    expect((await client.get('/api/v1/events', {})).statusCode).to.equal(401)
  })

  it('refuses hostile parameters with a 400 naming the parameter', async () => {
    const cases: [string, RegExp][] = [
      ['limit=0', /limit/], ['limit=501', /limit/], ['limit=abc', /limit/], ['limit=-1', /limit/],
      ['status=open', /status/], ['status=', /status/], ['light=blue', /light/], ['channel=fax', /channel/],
      ['classCode=1', /classCode/], ['classCode=01%25', /classCode/], ['communityCode=123', /communityCode/],
      ['streetCode=99010200100x', /streetCode/], ['gridCode=1', /gridCode/], ['assignee=you', /assignee/],
      ['createdFrom=yesterday', /createdFrom/], ['createdFrom=2026-13-45', /createdFrom/],
      ['createdFrom=2026-02-01&createdTo=2026-01-01', /createdTo/],
      ['bbox=1,2,3', /bbox/], ['bbox=116,37,115,38', /bbox/], ['bbox=a,b,c,d', /bbox/], ['bbox=116,36,117,400', /bbox/],
      ['bbox=116,36,117,37&bbox-crs=EPSG:9999', /bbox-crs/], ['bbox-crs=EPSG:4490', /bbox-crs/],
      ['cursor=garbage', /cursor/], [`cursor=${Buffer.from('{"t":"x","i":1}').toString('base64url')}`, /cursor/],
      [`q=${'x'.repeat(101)}`, /q/], ['f=xml', /f/], ['count=maybe', /count/], ['sort=oldest', /sort|unrecognized/i],
      ['status=reported&status=closed', /status/],
    ]
    for (const [query, field] of cases) {
      const res = await client.get(`/api/v1/events?${query}`, auth.command)
      expect(res.statusCode, `${query} → ${res.body}`).to.equal(400)
      expect(res.json().detail, query).to.match(field)
    }
  })
})
