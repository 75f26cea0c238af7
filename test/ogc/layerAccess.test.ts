// LayerDef.readRoles (tiles/layerAccess.ts): a layer whose roles exclude the caller does not exist
// for it in any map service. It is absent from every listing (TileJSON, tiles/all, WMS and WFS
// capabilities, DescribeFeatureType, stored queries, OGC API collections and its OpenAPI), and a
// request naming it is answered byte for byte as one naming a layer that does not exist. The
// open twin of the layer (same table, no roles) is the positive control in every listing.
import { expect } from 'chai'
import type { Response } from 'light-my-request'
import { tileAt } from '../tiles/support.ts'
import { ABSENT, layerFixture, OPEN, SECRET, type Fixture } from './layerAccess-support.ts'

const WMS = '/ogc/wms?SERVICE=WMS'
const WFS = '/ogc/wfs?SERVICE=WFS'
const WMTS = '/ogc/wmts?SERVICE=WMTS'
const F = '/ogc/features'
/** Answers compared without their time stamps. */
const timeless = (body: string) => body.replace(/timeStamp="[^"]*"/g, 'timeStamp=""')

describe('map layers with readRoles: invisible to other roles', function () {
  this.timeout(120_000)
  let f: Fixture
  before(async () => {
    f = await layerFixture()
  })

  /** Bodies of the services' answers that name the layer; {L} is replaced by the layer id. */
  function requests(): { what: string; url: string; method?: 'POST'; payload?: string }[] {
    const { part } = f
    const box = `${part.lat - 0.001},${part.lon - 0.001},${part.lat + 0.001},${part.lon + 0.001}`
    const t = tileAt(part.lon, part.lat, 15)
    const map = `${WMS}&VERSION=1.3.0&LAYERS={L}&STYLES=&CRS=EPSG:4326&BBOX=${box}&WIDTH=64&HEIGHT=64`
    return [
      { what: 'tile', url: `/tiles/{L}/${t.z}/${t.x}/${t.y}.mvt` },
      { what: 'multi-layer tile', url: `/tiles/base_grids,{L}/${t.z}/${t.x}/${t.y}.mvt` },
      { what: 'TileJSON', url: '/tiles/{L}.json' },
      { what: 'WMS GetMap', url: `${map}&REQUEST=GetMap&FORMAT=image/png` },
      { what: 'WMS GetMap 1.1.1', url: `${WMS}&VERSION=1.1.1&REQUEST=GetMap&LAYERS={L}&STYLES=&SRS=EPSG:4326&BBOX=${part.lon - 0.001},${part.lat - 0.001},${part.lon + 0.001},${part.lat + 0.001}&WIDTH=64&HEIGHT=64&FORMAT=image/png` },
      { what: 'WMS GetFeatureInfo', url: `${map}&REQUEST=GetFeatureInfo&QUERY_LAYERS={L}&INFO_FORMAT=application/json&I=32&J=32` },
      { what: 'WMS GetLegendGraphic', url: `${WMS}&VERSION=1.3.0&REQUEST=GetLegendGraphic&LAYER={L}&FORMAT=image/png` },
      { what: 'WMTS GetTile', url: `${WMTS}&REQUEST=GetTile&VERSION=1.0.0&LAYER={L}&STYLE=default&FORMAT=image/png&TILEMATRIXSET=GoogleMapsCompatible&TILEMATRIX=${t.z}&TILEROW=${t.y}&TILECOL=${t.x}` },
      { what: 'WMTS GetTile RESTful', url: `/ogc/wmts/1.0.0/{L}/default/CGCS2000/16/${Math.floor((90 - part.lat) / (180 / 2 ** 15))}/${Math.floor((part.lon + 180) / (180 / 2 ** 15))}.png` },
      { what: 'WFS DescribeFeatureType', url: `${WFS}&VERSION=2.0.0&REQUEST=DescribeFeatureType&TYPENAMES=gridgov:{L}` },
      { what: 'WFS GetFeature', url: `${WFS}&VERSION=2.0.0&REQUEST=GetFeature&TYPENAMES=gridgov:{L}&COUNT=2` },
      { what: 'WFS GetFeature hits', url: `${WFS}&VERSION=2.0.0&REQUEST=GetFeature&TYPENAMES={L}&RESULTTYPE=hits` },
      { what: 'WFS GetFeature by RESOURCEID', url: `${WFS}&VERSION=2.0.0&REQUEST=GetFeature&RESOURCEID={L}.${part.id}` },
      { what: 'WFS GetPropertyValue', url: `${WFS}&VERSION=2.0.0&REQUEST=GetPropertyValue&TYPENAMES=gridgov:{L}&VALUEREFERENCE=name` },
      { what: 'WFS GetFeatureById', url: `${WFS}&VERSION=2.0.0&REQUEST=GetFeature&STOREDQUERY_ID=urn:ogc:def:query:OGC-WFS::GetFeatureById&ID={L}.${part.id}` },
      { what: 'WFS 1.1 GetFeature', url: `${WFS}&VERSION=1.1.0&REQUEST=GetFeature&TYPENAME=gridgov:{L}&MAXFEATURES=2` },
      { what: 'WFS POST XML GetFeature', url: '/ogc/wfs', method: 'POST', payload: '<wfs:GetFeature service="WFS" version="2.0.0" count="2" ' +
        'xmlns:wfs="http://www.opengis.net/wfs/2.0" xmlns:gridgov="https://gridgov.invalid/ns"><wfs:Query typeNames="gridgov:{L}"/></wfs:GetFeature>' },
      { what: 'OGC API collection', url: `${F}/collections/{L}` },
      { what: 'OGC API items', url: `${F}/collections/{L}/items?limit=2` },
      { what: 'OGC API item', url: `${F}/collections/{L}/items/${part.id}` },
    ]
  }

  async function ask(r: ReturnType<typeof requests>[number], layer: string, headers: Record<string, string>, requestId: string): Promise<Response> {
    const url = r.url.replaceAll('{L}', layer)
    const h = { ...headers, 'x-request-id': requestId }
    if (r.method === 'POST') return f.client.request({ method: 'POST', url, headers: { ...h, 'content-type': 'text/xml' }, payload: r.payload!.replaceAll('{L}', layer) })
    return f.client.get(url, h)
  }

  it('answers a request naming the layer exactly as one naming no layer, for roles outside readRoles', async () => {
    for (const user of ['street1', 'analyst']) {
      for (const auth of [f.bearer[user]!, f.basic[user]!]) {
        for (const r of requests()) {
          const denied = await ask(r, SECRET, auth, `same-${user}`)
          const absent = await ask(r, ABSENT, auth, `same-${user}`)
          const what = `${user} ${r.what}`
          // a RESOURCEID naming no layer is an empty collection (200); everything else a refusal
          if (r.what.includes('RESOURCEID')) expect(absent.body, what).to.include('numberReturned="0"')
          else expect(denied.statusCode, `${what}: ${denied.body.slice(0, 200)}`).to.be.within(400, 404)
          expect(denied.statusCode, what).to.equal(absent.statusCode)
          expect(denied.headers['content-type'], what).to.equal(absent.headers['content-type'])
          expect(timeless(denied.body.replaceAll(SECRET, ABSENT)), what).to.equal(timeless(absent.body))
          expect(absent.body, `${what}: the refusal lists no hidden layer`).to.not.include(SECRET)
        }
      }
    }
  })

  it('serves the same requests to the roles in readRoles (the control: the refusals above are the roles\')', async () => {
    for (const user of ['command', 'community']) {
      for (const r of requests()) {
        const res = await ask(r, SECRET, f.basic[user]!, `allowed-${user}`)
        expect(res.statusCode, `${user} ${r.what}: ${res.body.slice(0, 300)}`).to.equal(200)
        // the open twin answers everyone
        expect((await ask(r, OPEN, f.basic.street1!, `open-${user}`)).statusCode, `street1 ${r.what} of the open layer`).to.equal(200)
      }
    }
    // a refusal seen by a role that may read it names the layer among those it offers
    const unknown = await f.client.get(`/tiles/${ABSENT}.json`, f.bearer.command!)
    expect(unknown.statusCode).to.equal(404)
    expect(unknown.json().knownLayers).to.include(SECRET)
  })

  it('answers the same to anonymous callers of the open operations (capabilities, legends, collections)', async () => {
    for (const r of requests().filter((x) => /Legend|collection$|DescribeFeatureType/.test(x.what))) {
      const denied = await ask(r, SECRET, {}, 'same-anonymous')
      const absent = await ask(r, ABSENT, {}, 'same-anonymous')
      expect(denied.statusCode, r.what).to.equal(absent.statusCode)
      expect(denied.body.replaceAll(SECRET, ABSENT), r.what).to.equal(absent.body)
    }
  })

  it('leaves the layer out of every listing for other roles and anonymous callers, and lists it for the roles', async () => {
    const listings = [
      { what: 'tiles/all.json', url: '/tiles/all.json', signedIn: true },
      { what: 'WMS 1.3.0 capabilities', url: `${WMS}&REQUEST=GetCapabilities&VERSION=1.3.0` },
      { what: 'WMS 1.1.1 capabilities', url: `${WMS}&REQUEST=GetCapabilities&VERSION=1.1.1` },
      { what: 'WMTS capabilities', url: `${WMTS}&REQUEST=GetCapabilities` },
      { what: 'WMTS RESTful capabilities', url: '/ogc/wmts/1.0.0/WMTSCapabilities.xml' },
      { what: 'WFS 2.0 capabilities', url: `${WFS}&REQUEST=GetCapabilities&VERSION=2.0.0` },
      { what: 'WFS 1.1 capabilities', url: `${WFS}&REQUEST=GetCapabilities&VERSION=1.1.0` },
      { what: 'WFS DescribeFeatureType of all', url: `${WFS}&VERSION=2.0.0&REQUEST=DescribeFeatureType` },
      { what: 'WFS 1.1 DescribeFeatureType of all', url: `${WFS}&VERSION=1.1.0&REQUEST=DescribeFeatureType` },
      { what: 'WFS ListStoredQueries', url: `${WFS}&VERSION=2.0.0&REQUEST=ListStoredQueries` },
      { what: 'WFS DescribeStoredQueries', url: `${WFS}&VERSION=2.0.0&REQUEST=DescribeStoredQueries` },
      { what: 'OGC API collections', url: `${F}/collections` },
      { what: 'OGC API OpenAPI', url: `${F}/api` },
    ]
    const callers: [string, Record<string, string> | null, boolean][] = [
      ['anonymous', null, false], ['street1', f.basic.street1!, false], ['analyst', f.bearer.analyst!, false],
      ['command', f.basic.command!, true], ['community', f.bearer.community!, true],
    ]
    for (const l of listings) {
      for (const [name, auth, sees] of callers) {
        if (l.signedIn && !auth) continue
        const res = await f.client.get(l.url, auth ?? {})
        expect(res.statusCode, `${name} ${l.what}`).to.equal(200)
        expect(res.body, `${name} ${l.what}: the open twin is listed`).to.include(OPEN)
        expect(res.body.includes(SECRET), `${name} ${l.what}`).to.equal(sees)
      }
    }
  })
})
