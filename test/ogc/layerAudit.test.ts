// LayerDef.audited (tiles/layerAccess.ts): every answer that delivers features of an audited
// layer writes one access-audit row per request naming the layer (its audit type and fields);
// answers without its features (an empty tile, a count, a schema) and the open twin write none.
// The features delivered are the rows of the caller's jurisdiction, counted here by SQL of our
// own (an independent reference), and nothing about them is kept by a browser's cache.
import { expect } from 'chai'
import { decode, features, keysInTile, tileAt } from '../tiles/support.ts'
import { countPainted, CLEAR, decode as decodeImage } from './wms-support.ts'
import { AUDIT_TYPE, layerFixture, layerRows, OPEN, rid, SECRET, type Fixture } from './layerAccess-support.ts'

const WFS = '/ogc/wfs?SERVICE=WFS&VERSION=2.0.0'
const F = '/ogc/features'

describe('map layers with audited: every delivery is in the access audit', function () {
  this.timeout(120_000)
  let f: Fixture
  before(async () => {
    f = await layerFixture()
  })

  /** GETs the URL as a user and answers the response and the audit rows it wrote. */
  async function get(url: string, auth: Record<string, string>) {
    const id = rid('get')
    const res = await f.client.get(url, { ...auth, 'x-request-id': id })
    return { res, rows: await layerRows(f.knex, id) }
  }

  const expectOneRow = (rows: Awaited<ReturnType<typeof layerRows>>, username: string, what: string) =>
    expect(rows.map((r) => [r.action, r.resource_type, r.resource_id, r.fields, r.username]), what)
      .to.deep.equal([['read', AUDIT_TYPE, SECRET, ['name'], username]])

  async function count(prefix: string): Promise<number> {
    const { rows } = await f.knex.raw('SELECT count(*)::int AS n FROM component WHERE community_code LIKE ?', [`${prefix}%`])
    return rows[0].n
  }

  it('tiles: the features of the caller\'s jurisdiction, one row per tile with features, none for an empty tile', async () => {
    const t = tileAt(f.part.lon, f.part.lat, 15)
    for (const [user, prefix] of [['command', ''], ['community', '990102001001']] as const) {
      const { res, rows } = await get(`/tiles/${SECRET}/${t.z}/${t.x}/${t.y}.mvt`, f.bearer[user]!)
      expect(res.statusCode).to.equal(200)
      expect(res.headers['cache-control']).to.equal('private, no-store')
      const ids = new Set(features(decode(res.rawPayload), SECRET).map((x) => String(x.properties.id)))
      const expected = await keysInTile(f.knex, 'components', t, prefix, 1 / 16)
      expect(ids.size, `${user}: features in the tile`).to.be.greaterThan(0)
      expect([...ids].every((id) => expected.has(id)), `${user}: only rows of the jurisdiction`).to.equal(true)
      expect(ids.has(f.part.id)).to.equal(true)
      expectOneRow(rows, user, `${user} tile`)
      // a multi-layer tile with the open twin: still one row, for the audited layer only
      const both = await get(`/tiles/${OPEN},${SECRET},base_grids/${t.z}/${t.x}/${t.y}.mvt`, f.bearer[user]!)
      expect(both.res.statusCode).to.equal(200)
      expectOneRow(both.rows, user, `${user} multi-layer tile`)
    }
    // the open twin delivers the same features without a row (the control)
    const open = await get(`/tiles/${OPEN}/${t.z}/${t.x}/${t.y}.mvt`, f.bearer.command!)
    expect(features(decode(open.res.rawPayload), OPEN).length).to.be.greaterThan(0)
    expect(open.rows).to.deep.equal([])
    expect(open.res.headers['cache-control']).to.equal('private, max-age=5')
    // an empty tile (the open sea at z15) delivers nothing and writes nothing
    const sea = tileAt(123.5, 20.5, 15)
    const empty = await get(`/tiles/${SECRET}/${sea.z}/${sea.x}/${sea.y}.mvt`, f.bearer.command!)
    expect(empty.res.statusCode).to.equal(200)
    expect(empty.res.rawPayload.length).to.equal(0)
    expect(empty.rows).to.deep.equal([])
    // TileJSON describes the layer without delivering features
    expect((await get(`/tiles/${SECRET}.json`, f.bearer.command!)).rows).to.deep.equal([])
  })

  it('WMS: GetMap draws the layer (fresh, not kept) and GetFeatureInfo reports it, each with one row', async () => {
    const { lon, lat } = f.part
    const map = `/ogc/wms?SERVICE=WMS&VERSION=1.3.0&STYLES=&CRS=CRS:84&BBOX=${lon - 0.0005},${lat - 0.0005},${lon + 0.0005},${lat + 0.0005}` +
      '&WIDTH=101&HEIGHT=101'
    for (const user of ['command', 'community']) {
      const drawn = await get(`${map}&REQUEST=GetMap&LAYERS=${SECRET}&FORMAT=image/png&TRANSPARENT=TRUE`, f.basic[user]!)
      expect(drawn.res.statusCode).to.equal(200)
      expect(drawn.res.headers['cache-control']).to.equal('no-store')
      expect(countPainted(await decodeImage(drawn.res.rawPayload), CLEAR)).to.be.greaterThan(0)
      expectOneRow(drawn.rows, user, `${user} GetMap`)
      const info = await get(`${map}&REQUEST=GetFeatureInfo&LAYERS=${SECRET},${OPEN}&QUERY_LAYERS=${SECRET},${OPEN}&INFO_FORMAT=application/json&I=50&J=50&FEATURE_COUNT=5`, f.basic[user]!)
      expect(info.res.statusCode).to.equal(200)
      const ids = (info.res.json().features as { id: string }[]).map((x) => x.id)
      expect(ids).to.include.members([`${SECRET}.${f.part.id}`, `${OPEN}.${f.part.id}`])
      expectOneRow(info.rows, user, `${user} GetFeatureInfo`)
    }
    // a map of the open twin: no row; a map with nothing in it: no row
    expect((await get(`${map}&REQUEST=GetMap&LAYERS=${OPEN}&FORMAT=image/png`, f.basic.command!)).rows).to.deep.equal([])
    const sea = await get(`/ogc/wms?SERVICE=WMS&VERSION=1.3.0&STYLES=&CRS=CRS:84&BBOX=123,20,123.01,20.01&WIDTH=64&HEIGHT=64&REQUEST=GetMap&LAYERS=${SECRET}&FORMAT=image/png`, f.basic.command!)
    expect(sea.res.statusCode).to.equal(200)
    expect(sea.rows).to.deep.equal([])
    // a legend is no delivery
    const legend = await get(`/ogc/wms?SERVICE=WMS&VERSION=1.3.0&REQUEST=GetLegendGraphic&LAYER=${SECRET}&FORMAT=image/png`, f.basic.command!)
    expect(legend.res.statusCode).to.equal(200)
    expect(legend.res.headers['cache-control']).to.match(/^private/)
    expect(legend.rows).to.deep.equal([])
  })

  it('WMTS: a tile with the layer\'s features (fresh, not kept) writes one row; an empty tile none', async () => {
    const t = tileAt(f.part.lon, f.part.lat, 17)
    const tile = (layer: string, x: number) => `/ogc/wmts/1.0.0/${layer}/default/GoogleMapsCompatible/17/${t.y}/${x}.png`
    for (const user of ['command', 'community']) {
      const drawn = await get(tile(SECRET, t.x), f.basic[user]!)
      expect(drawn.res.statusCode).to.equal(200)
      expect(drawn.res.headers['cache-control']).to.equal('no-store')
      expect(countPainted(await decodeImage(drawn.res.rawPayload), CLEAR)).to.be.greaterThan(0)
      expectOneRow(drawn.rows, user, `${user} GetTile`)
    }
    expect((await get(tile(OPEN, t.x), f.basic.command!)).rows).to.deep.equal([])
    const sea = tileAt(123.5, 20.5, 17)
    const empty = await get(`/ogc/wmts/1.0.0/${SECRET}/default/GoogleMapsCompatible/17/${sea.y}/${sea.x}.png`, f.basic.command!)
    expect(empty.res.statusCode).to.equal(200)
    expect(empty.rows).to.deep.equal([])
  })

  it('WFS 2.0 and 1.1: GetFeature, GetPropertyValue and GetFeatureById write one row; hits and schemas none', async () => {
    for (const [user, prefix] of [['command', ''], ['community', '990102001001']] as const) {
      const auth = f.basic[user]!
      const hits = await get(`${WFS}&REQUEST=GetFeature&TYPENAMES=gridgov:${SECRET}&RESULTTYPE=hits`, auth)
      expect(hits.res.body).to.include(`numberMatched="${await count(prefix)}"`)
      expect(hits.rows, 'a count delivers no feature').to.deep.equal([])
      const page = await get(`${WFS}&REQUEST=GetFeature&TYPENAMES=gridgov:${SECRET}&COUNT=3`, auth)
      expect(page.res.body.match(/<wfs:member>/g)).to.have.length(3)
      expectOneRow(page.rows, user, `${user} GetFeature`)
      const json = await get(`${WFS}&REQUEST=GetFeature&TYPENAMES=gridgov:${SECRET},gridgov:${OPEN}&COUNT=4&OUTPUTFORMAT=application/json`, auth)
      expect(json.res.json().features).to.have.length(4)
      expectOneRow(json.rows, user, `${user} GetFeature GeoJSON`)
      const values = await get(`${WFS}&REQUEST=GetPropertyValue&TYPENAMES=gridgov:${SECRET}&VALUEREFERENCE=name&COUNT=2`, auth)
      expect(values.res.body.match(/<wfs:member>/g)).to.have.length(2)
      expectOneRow(values.rows, user, `${user} GetPropertyValue`)
      const byId = await get(`${WFS}&REQUEST=GetFeature&STOREDQUERY_ID=urn:ogc:def:query:OGC-WFS::GetFeatureById&ID=${SECRET}.${f.part.id}`, auth)
      expect(byId.res.statusCode).to.equal(200)
      expect(byId.res.body).to.include(f.part.id)
      expectOneRow(byId.rows, user, `${user} GetFeatureById`)
      const old = await get(`/ogc/wfs?SERVICE=WFS&VERSION=1.1.0&REQUEST=GetFeature&TYPENAME=gridgov:${SECRET}&MAXFEATURES=2`, auth)
      expect(old.res.body.match(/<gml:featureMember>/g)).to.have.length(2)
      expectOneRow(old.rows, user, `${user} WFS 1.1 GetFeature`)
      const id = rid('post')
      const posted = await f.client.request({ method: 'POST', url: '/ogc/wfs', headers: { ...auth, 'content-type': 'text/xml', 'x-request-id': id },
        payload: `<wfs:GetFeature service="WFS" version="2.0.0" count="2" xmlns:wfs="http://www.opengis.net/wfs/2.0" xmlns:gridgov="https://gridgov.invalid/ns"><wfs:Query typeNames="gridgov:${SECRET}"/></wfs:GetFeature>` })
      expect(posted.body.match(/<wfs:member>/g)).to.have.length(2)
      expectOneRow(await layerRows(f.knex, id), user, `${user} POST GetFeature`)
    }
    const nothing = await get(`${WFS}&REQUEST=GetFeature&TYPENAMES=gridgov:${SECRET}&BBOX=20,123,20.01,123.01,urn:ogc:def:crs:EPSG::4326`, f.basic.command!)
    expect(nothing.res.body).to.include('numberReturned="0"')
    expect(nothing.rows).to.deep.equal([])
    expect((await get(`${WFS}&REQUEST=DescribeFeatureType&TYPENAMES=gridgov:${SECRET}`, f.basic.command!)).rows).to.deep.equal([])
    expect((await get(`${WFS}&REQUEST=GetFeature&TYPENAMES=gridgov:${OPEN}&COUNT=3`, f.basic.command!)).rows).to.deep.equal([])
  })

  it('OGC API Features: items and item write one row; collections none', async () => {
    const items = await get(`${F}/collections/${SECRET}/items?limit=5`, f.bearer.community!)
    expect(items.res.statusCode).to.equal(200)
    expect(items.res.json().numberMatched).to.equal(await count('990102001001'))
    expect(items.res.json().features).to.have.length(5)
    expectOneRow(items.rows, 'community', 'items')
    const item = await get(`${F}/collections/${SECRET}/items/${f.part.id}`, f.bearer.command!)
    expect(item.res.json().properties.id).to.equal(f.part.id)
    expectOneRow(item.rows, 'command', 'item')
    expect((await get(`${F}/collections/${SECRET}`, f.bearer.command!)).rows).to.deep.equal([])
    expect((await get(`${F}/collections/${OPEN}/items?limit=5`, f.bearer.command!)).rows).to.deep.equal([])
    // outside the caller's jurisdiction the item is unknown, and nothing was delivered
    const { rows } = await f.knex.raw("SELECT id FROM component WHERE community_code NOT LIKE '990102001001%' ORDER BY id LIMIT 1")
    const outside = await get(`${F}/collections/${SECRET}/items/${rows[0].id}`, f.bearer.community!)
    expect(outside.res.statusCode).to.equal(404)
    expect(outside.rows).to.deep.equal([])
  })
})
