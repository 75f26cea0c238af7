// Reporter fields on every channel that returns events, role by role, judged by content: the
// masked forms (computed by hand) where the rule masks, and the full phone's digits and the full
// name nowhere in the raw bytes. REST list (JSON and GeoJSON), item, intake and transition
// answers, WFS GetFeature (GeoJSON and GML), OGC API Features, WMS GetFeatureInfo, vector tiles,
// Open311.
import { expect } from 'chai'
import type { Knex } from 'knex'
import { getTestDb } from '../support/db.ts'
import { testClient, type Client } from '../support/http.ts'
import { pointIn } from '../events/helpers.ts'
import { tileAt, tileUrl } from '../tiles/support.ts'
import { expectNoFull, newReporter, reportWith, signIn, type Reporter } from './support.ts'
import { DEMO_API_KEY } from '../../fixtures/users.ts'
import { createUser } from '../../server/auth/users.ts'

const CITIZEN_PASSWORD = 'Citizen-Privacy-2026!'

interface Shown { userId: number | null; name: string | null; phone: string | null; masked: boolean; unmaskable: boolean }

describe('privacy: reporter fields on every events channel', function () {
  let client: Client
  let knex: Knex
  let auth: Record<string, Record<string, string>>
  let at: { lon: number; lat: number }
  const r: Reporter = newReporter()
  let number = ''
  let inspectorHolds = false

  // what each role reads on an event of community 990102001001 held by 城管局 (the demo department)
  const expected = (): Record<string, 'full' | 'masked' | 'unmaskable' | 'hidden'> => ({
    command: 'full', department: 'full', district: 'unmaskable', street1: 'unmaskable', community: 'unmaskable',
    inspector: inspectorHolds ? 'full' : 'masked', otherDept: 'masked', analyst: 'masked', system: 'masked', street2: 'hidden',
  })

  function check(who: string, reporter: Shown | undefined, body: string, what: string): void {
    const want = expected()[who]!
    if (want === 'full') {
      expect(reporter, what).to.deep.include({ name: r.name, phone: r.phone, masked: false })
      return
    }
    expect(reporter, what).to.deep.equal({ userId: null, name: r.maskedName, phone: r.maskedPhone, masked: true, unmaskable: want === 'unmaskable' })
    expectNoFull(body, r, what)
  }

  before(async () => {
    client = await testClient()
    knex = await getTestDb()
    auth = await signIn(client, knex)
    at = await pointIn(knex, '990102001001', 2)
    const made = (await reportWith(client, auth.command!, at, r)).json().event
    number = made.number
    expect(made.assignee.department.code).to.equal('CGJ-990102')
    const { rows } = await knex.raw(`SELECT m.user_id FROM event e JOIN grid_member m ON m.id = e.assignee_member_id WHERE e.number = ?`, [number])
    const inspector = await knex('app_user').where({ username: 'inspector' }).first('id')
    inspectorHolds = rows.length > 0 && Number(rows[0].user_id) === Number(inspector.id)
  })

  it('REST item and list (JSON and GeoJSON): per role, inside and outside the jurisdiction', async () => {
    for (const who of Object.keys(expected())) {
      const item = await client.get(`/api/v1/events/${number}`, auth[who])
      const list = await client.get(`/api/v1/events?q=${number}`, auth[who])
      const geo = await client.get(`/api/v1/events?q=${number}&f=geojson`, auth[who])
      if (expected()[who] === 'hidden') {
        expect(item.statusCode, who).to.equal(404)
        expect(list.json().items, who).to.deep.equal([])
        for (const res of [item, list, geo]) expectNoFull(res.body, r, who)
        continue
      }
      expect(item.statusCode, `${who}: ${item.body}`).to.equal(200)
      check(who, item.json().reporter, item.body, `${who} item`)
      expect(list.json().items.map((i: { number: string }) => i.number), who).to.deep.equal([number])
      check(who, list.json().items[0].reporter, list.body, `${who} list`)
      check(who, geo.json().features[0].properties.reporter, geo.body, `${who} geojson`)
    }
  })

  it('the intake answer: the API key and a street that does not hold the case read it masked', async () => {
    const mine = newReporter()
    const bySystem = await reportWith(client, auth.system!, at, mine, 'hotline_12345')
    expect(bySystem.json().event.reporter).to.deep.equal({ userId: null, name: mine.maskedName, phone: mine.maskedPhone, masked: true, unmaskable: false })
    expectNoFull(bySystem.body, mine, 'system intake')
    const byStreet = await reportWith(client, auth.street1!, at, mine)
    expect(byStreet.json().event.reporter).to.deep.include({ phone: mine.maskedPhone, masked: true, unmaskable: true })
    expectNoFull(byStreet.body, mine, 'street intake')
    const byCommand = await reportWith(client, auth.command!, at, mine)
    expect(byCommand.json().event.reporter).to.deep.include({ name: mine.name, phone: mine.phone, masked: false })
  })

  it('transition answers: the holder reads in full, a supervising street masked', async () => {
    const mine = newReporter()
    const e = (await reportWith(client, auth.command!, at, mine)).json().event
    const sign = await client.post(`/api/v1/events/${e.number}/transitions`, { action: 'sign', comment: '已签收' }, auth.department)
    expect(sign.statusCode, sign.body).to.equal(200)
    expect(sign.json().event.reporter).to.deep.include({ name: mine.name, phone: mine.phone, masked: false })
    const sup = await client.post(`/api/v1/events/${e.number}/transitions`, { action: 'supervise', comment: '请加快处置' }, auth.street1)
    expect(sup.statusCode, sup.body).to.equal(200)
    expect(sup.json().event.reporter).to.deep.include({ name: mine.maskedName, phone: mine.maskedPhone, masked: true })
    expectNoFull(sup.body, mine, 'street supervise')
  })

  it('a resident reads no reporter block on their own report, and nothing of another\'s', async () => {
    const username = `privacy_citizen_${process.pid}`
    await createUser(knex, { username, displayName: '市民', password: CITIZEN_PASSWORD, role: 'public', cityCode: '990100', adminCodes: [] })
    const login = await client.post('/api/v1/auth/login', { username, password: CITIZEN_PASSWORD })
    expect(login.statusCode, login.body).to.equal(200)
    const citizen = { authorization: `Bearer ${login.json().token}` }
    const mine = newReporter()
    const own = await reportWith(client, citizen, at, mine, 'resident')
    expect(own.json().event.reporter).to.equal(undefined)
    const number2 = own.json().event.number as string
    for (const url of [`/api/v1/events/${number2}`, '/api/v1/events']) {
      const res = await client.get(url, citizen)
      expect(res.statusCode).to.equal(200)
      expect(res.body).to.include(number2)
      expect(res.body).to.not.include('"reporter"')
    }
    const other = await client.get(`/api/v1/events/${number}`, citizen)
    expect(other.statusCode).to.equal(404)
    expectNoFull(other.body, r, 'citizen reading another report')
    expect((await client.post(`/api/v1/events/${number2}/unmask`, { reason: '查看自己的信息' }, citizen)).statusCode).to.equal(403)
  })

  it('WFS GetFeature, OGC API Features, WMS GetFeatureInfo and tiles carry no reporter field, to any role', async () => {
    const box = [at.lon - 0.001285, at.lat - 0.001275, at.lon + 0.001275, at.lat + 0.001285]
    const wfs = `/ogc/wfs?SERVICE=WFS&VERSION=2.0.0&REQUEST=GetFeature&TYPENAMES=gridgov:events&BBOX=${box[1]},${box[0]},${box[3]},${box[2]},urn:ogc:def:crs:EPSG::4326`
    const gfi = '/ogc/wms?SERVICE=WMS&VERSION=1.3.0&REQUEST=GetFeatureInfo&LAYERS=events&QUERY_LAYERS=events&STYLES=&CRS=EPSG:4326' +
      `&BBOX=${box[1]},${box[0]},${box[3]},${box[2]}&WIDTH=256&HEIGHT=256&INFO_FORMAT=application/json&I=128&J=128&FEATURE_COUNT=50`
    for (const who of ['command', 'department', 'analyst', 'system', 'street1']) {
      for (const url of [`${wfs}&OUTPUTFORMAT=application/json`, wfs, `/ogc/features/collections/events/items?bbox=${box.join(',')}&limit=1000`,
        `/ogc/features/collections/events/items/${number}`, `/ogc/features/collections/events_all/items/${number}`, gfi]) {
        const res = await client.get(url, auth[who])
        expect(res.statusCode, `${who} ${url}: ${res.body.slice(0, 300)}`).to.equal(200)
        expect(res.body, `${who} ${url}`).to.include(number) // the event itself is answered …
        expectNoFull(res.body, r, `${who} ${url}`) // … without its reporter
        for (const masked of [r.maskedPhone, r.maskedName]) expect(res.body).to.not.include(masked)
      }
      for (const [layer, z] of [['events', 14], ['events_all', 16]] as const) {
        const tile = await client.get(tileUrl(layer, tileAt(at.lon, at.lat, z)), auth[who])
        expect(tile.statusCode, `${who} ${layer}`).to.equal(200)
        expect(tile.rawPayload.includes(Buffer.from(number)), `${who} ${layer} holds the event`).to.equal(true)
        expectNoFull(tile.rawPayload, r, `${who} ${layer} tile`)
      }
    }
  })

  it('Open311: the submit answer and every read, for the API key, staff and the public', async () => {
    const mine = newReporter()
    const res = await client.request({ method: 'POST', url: '/open311/v2/requests.json', headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ api_key: DEMO_API_KEY, service_code: '0102', lat: String(at.lat), long: String(at.lon), 'attribute[demand_type]': '投诉举报',
        first_name: mine.name.slice(2), last_name: mine.name.slice(0, 2), phone: mine.phone, description: '隐私测试 Open311' }).toString() })
    expect(res.statusCode, res.body).to.equal(201)
    expectNoFull(res.body, mine, 'open311 submit')
    const id = String(res.json()[0].service_request_id)
    expect((await knex('event').where({ number: id }).first('reporter_phone')).reporter_phone).to.equal(mine.phone)
    for (const headers of [{}, auth.system!, auth.command!, auth.department!]) {
      for (const url of [`/open311/v2/requests/${id}.json`, `/open311/v2/requests/${id}.xml`, '/open311/v2/requests.json']) {
        const read = await client.get(url, headers)
        expect(read.statusCode).to.equal(200)
        expectNoFull(read.body, mine, url)
      }
    }
    // the REST read of the same case by the API key: masked
    const rest = await client.get(`/api/v1/events/${id}`, auth.system)
    expect(rest.json().reporter).to.deep.include({ phone: mine.maskedPhone, name: mine.maskedName })
    expectNoFull(rest.body, mine, 'system REST read of its Open311 case')
  })
})
