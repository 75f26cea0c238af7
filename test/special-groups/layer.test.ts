// The special_groups layer end to end: for the people roles only (tiles, WMS, WFS, OGC API
// Features: to every other role the layer does not exist), inside the jurisdiction, every delivery
// written to the access audit, and no personal field among its attributes or in its features.
import { expect } from 'chai'
import type { Knex } from 'knex'
import { getTestDb } from '../support/db.ts'
import { loginAs, testClient, type Client } from '../support/http.ts'
import { decode, features, tileAt, tileUrl } from '../tiles/support.ts'
import { PERSONAL_FIELDS } from '../../server/privacy/fields.ts'
import { specialGroupsLayer } from '../../server/special-groups/layer.ts'
import { auditRowsOf, ownCommunity, OWN_GRID, plantResident, rid, type PlantedResident, removeOwnCommunities } from './support.ts'

describe('special groups: the map layer for the people roles only, audited', function () {
  after(async () => removeOwnCommunities(await getTestDb()))
  this.timeout(60_000)
  let client: Client
  let knex: Knex
  const auth: Record<string, Record<string, string>> = {}
  let r: PlantedResident
  let id: number

  before(async () => {
    client = await testClient()
    knex = await getTestDb()
    for (const u of ['command', 'street1', 'community', 'analyst', 'department', 'auditor']) auth[u] = await loginAs(client, u)
    await ownCommunity(knex)
    r = await plantResident(knex, OWN_GRID, { name: '诸葛图层', k: 3 })
    const res = await client.post('/api/v1/special-groups', { residentId: r.id, kind: 'mental_risk', riskLevel: 'high', since: '2026-01-01', guardianName: '诸葛监护', guardianPhone: '13700001234' }, auth.command)
    expect(res.statusCode, res.body).to.equal(201)
    id = res.json().id
  })

  const tile = () => tileUrl('special_groups', tileAt(r.lon, r.lat, 16))
  const ids = (body: Buffer) => features(decode(body), 'special_groups').map((f) => Number(f.properties.id))

  it('names no personal field among its attributes', () => {
    const personal = PERSONAL_FIELDS.map((f) => f.column.split('.')[1]!)
    for (const a of specialGroupsLayer.attributes) {
      expect(personal, a.name).not.to.include(a.name)
      expect(a.sql, a.name).not.to.match(/name|phone|id_number|address/)
    }
    expect(specialGroupsLayer.readRoles).to.not.include('gis_analyst')
  })

  it('vector tiles: features for the people roles in their jurisdiction, none for others, each delivery audited', async () => {
    const reqId = rid('tile')
    const own = await client.get(tile(), { ...auth.street1, 'x-request-id': reqId })
    expect(own.statusCode, own.rawPayload.toString()).to.equal(200)
    expect(ids(own.rawPayload)).to.include(id)
    expect(own.headers['cache-control']).to.match(/no-store/)
    const f = features(decode(own.rawPayload), 'special_groups').find((x) => Number(x.properties.id) === id)!
    expect(f.properties).to.include({ kind: 'mental_risk', risk_level: 'high' })
    expect(JSON.stringify(f.properties)).not.to.match(/诸葛|13700001234/)
    const rows = (await auditRowsOf(knex, reqId)).filter((x) => x.resource_type === 'special-groups')
    expect(rows.map((x) => x.fields)).to.deep.equal([['kind']])
    // outside the jurisdiction (the demo community user): no feature of it
    const outside = await client.get(tile(), auth.community)
    expect(outside.statusCode === 204 || !ids(outside.rawPayload).includes(id)).to.equal(true)
    // roles without the right: the layer does not exist
    for (const who of ['analyst', 'department', 'auditor']) {
      const res = await client.get(tile(), auth[who])
      expect(res.statusCode, who).to.be.oneOf([403, 404])
      const all = await client.get(tileUrl('all', tileAt(r.lon, r.lat, 16)), auth[who])
      if (all.statusCode === 200) expect(Object.keys(decode(all.rawPayload).layers), who).not.to.include('special_groups')
    }
    expect((await client.get(tile())).statusCode).to.be.oneOf([401, 404])
  })

  it('WFS: GetFeature and capabilities for the people roles only', async () => {
    const box = `${r.lat - 0.001},${r.lon - 0.001},${r.lat + 0.001},${r.lon + 0.001},urn:ogc:def:crs:EPSG::4326`
    const url = `/ogc/wfs?SERVICE=WFS&VERSION=2.0.0&REQUEST=GetFeature&TYPENAMES=gridgov:special_groups&BBOX=${box}&OUTPUTFORMAT=application/json`
    const reqId = rid('wfs')
    const cmd = await client.get(url, { ...auth.command, 'x-request-id': reqId })
    expect(cmd.statusCode, cmd.body).to.equal(200)
    expect(cmd.json().features.map((x: { properties: { id: number } }) => Number(x.properties.id))).to.include(id)
    expect(cmd.body).not.to.match(/诸葛|13700001234/)
    expect((await auditRowsOf(knex, reqId)).some((x) => x.resource_type === 'special-groups')).to.equal(true)
    const caps = (who: string) => client.get('/ogc/wfs?SERVICE=WFS&VERSION=2.0.0&REQUEST=GetCapabilities', auth[who])
    expect((await caps('command')).body).to.include('gridgov:special_groups')
    for (const who of ['analyst', 'department']) {
      const res = await client.get(url, auth[who])
      expect(res.statusCode, who).to.be.within(400, 404)
      expect(res.body).not.to.include(`"id":${id}`)
      expect((await caps(who)).body, who).not.to.include('special_groups')
    }
  })

  it('OGC API Features and WMS: as unknown to roles without the right', async () => {
    const items = `/ogc/features/collections/special_groups/items?bbox=${[r.lon - 0.001, r.lat - 0.001, r.lon + 0.001, r.lat + 0.001].join(',')}`
    const cmd = await client.get(items, auth.command)
    expect(cmd.statusCode, cmd.body).to.equal(200)
    expect(cmd.json().features.map((x: { id: unknown }) => Number(x.id))).to.include(id)
    const one = await client.get(`/ogc/features/collections/special_groups/items/${id}`, auth.street1)
    expect(one.statusCode, one.body).to.equal(200)
    for (const who of ['analyst', 'department']) {
      expect((await client.get(items, auth[who])).statusCode, who).to.equal(404)
      expect((await client.get(`/ogc/features/collections/special_groups/items/${id}`, auth[who])).statusCode, who).to.equal(404)
      expect((await client.get('/ogc/features/collections', auth[who])).body, who).not.to.include('special_groups')
      const map = await client.get(`/ogc/wms?SERVICE=WMS&VERSION=1.3.0&REQUEST=GetMap&LAYERS=special_groups&STYLES=&CRS=EPSG:4326&BBOX=${r.lat - 0.001},${r.lon - 0.001},${r.lat + 0.001},${r.lon + 0.001}&WIDTH=64&HEIGHT=64&FORMAT=image/png`, auth[who])
      expect(map.body, who).to.include('LayerNotDefined')
    }
  })
})
