// /tiles over HTTP: decoded contents, jurisdiction, caching headers, TileJSON and hostile input.
import { expect } from 'chai'
import { getTestContext } from '../support/db.ts'
import { loginAs, testClient, type Client } from '../support/http.ts'
import { decode, features, keysInTile, streetsMeetingPoint, tileAt, tileUrl } from './support.ts'
import type { TileCoord } from '../../tiles/tilemath.ts'

describe('vector tiles over HTTP', () => {
  let client: Client
  let command: Record<string, string>
  let street1: Record<string, string>
  let meeting: [number, number]
  let z15: TileCoord

  before(async function () {
    this.timeout(600_000) // the first file to run creates the shared test database (embedded: minutes on a busy machine)
    client = await testClient()
    command = await loginAs(client, 'command')
    street1 = await loginAs(client, 'street1')
    meeting = await streetsMeetingPoint(client.context.knex)
    z15 = tileAt(meeting[0], meeting[1], 15)
  })

  it('refuses anonymous callers with 401', async () => {
    const res = await client.get(tileUrl('base_grids', z15))
    expect(res.statusCode).to.equal(401)
  })

  it('serves a base grid tile whose features are exactly the grids in the tile and its buffer', async () => {
    const res = await client.get(tileUrl('base_grids', z15), command)
    expect(res.statusCode).to.equal(200)
    expect(res.headers['content-type']).to.equal('application/vnd.mapbox-vector-tile')
    const tile = decode(res.rawPayload)
    expect(Object.keys(tile.layers)).to.deep.equal(['base_grids'])
    const layer = tile.layers.base_grids!
    expect(layer.extent).to.equal(4096)
    expect(layer.version).to.equal(2)
    const fs = features(tile, 'base_grids')
    const codes = new Set(fs.map((f) => String(f.properties.code)))
    const inside = await keysInTile(client.context.knex, 'base_grids', z15)
    const withBuffer = await keysInTile(client.context.knex, 'base_grids', z15, '', 64 / 4096)
    expect(inside.size).to.be.greaterThan(0)
    for (const c of inside) expect(codes.has(c), `grid ${c} intersects the tile`).to.equal(true)
    for (const c of codes) expect(withBuffer.has(c), `grid ${c} lies outside the tile and buffer`).to.equal(true)
    for (const f of fs) {
      expect(f.type).to.equal(3)
      expect(f.properties.code).to.match(/^[0-9]{15}$/)
      expect(f.properties.community_code).to.match(/^990102/)
      expect(f.properties.valid_from).to.match(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/)
      expect(f.properties).to.have.property('name').that.is.a('string')
      for (const ring of f.loadGeometry()) {
        for (const p of ring) {
          expect(p.x).to.be.within(-64, 4160)
          expect(p.y).to.be.within(-64, 4160)
        }
      }
    }
  })

  it('cuts tiles to the jurisdiction: street1 sees only its street where the command sees two', async () => {
    const all = features(decode((await client.get(tileUrl('base_grids', z15), command)).rawPayload), 'base_grids')
    const own = features(decode((await client.get(tileUrl('base_grids', z15), street1)).rawPayload), 'base_grids')
    const streetsSeen = new Set(all.map((f) => String(f.properties.community_code).slice(0, 9)))
    expect(streetsSeen.has('990102001')).to.equal(true)
    expect(streetsSeen.has('990102002')).to.equal(true)
    expect(own.length).to.be.greaterThan(0)
    expect(own.length).to.be.lessThan(all.length)
    for (const f of own) expect(String(f.properties.community_code)).to.match(/^990102001/)
    const expected = await keysInTile(client.context.knex, 'base_grids', z15, '990102001')
    const got = new Set(own.map((f) => String(f.properties.code)))
    for (const c of expected) expect(got.has(c)).to.equal(true)
  })

  it('answers If-None-Match with 304, and ETags differ per jurisdiction', async () => {
    const url = tileUrl('base_grids', z15)
    const first = await client.get(url, command)
    const etag = first.headers.etag as string
    expect(etag).to.match(/^"[A-Za-z0-9_-]+"$/)
    expect(first.headers['cache-control']).to.match(/^private, max-age=\d+$/)
    expect(String(first.headers.vary)).to.match(/Authorization/i)
    const again = await client.get(url, { ...command, 'if-none-match': etag })
    expect(again.statusCode).to.equal(304)
    expect(again.rawPayload.length).to.equal(0)
    const listed = await client.get(url, { ...command, 'if-none-match': `"nope", W/${etag}` })
    expect(listed.statusCode).to.equal(304)
    const other = await client.get(url, { ...street1, 'if-none-match': etag })
    expect(other.statusCode).to.equal(200)
    expect(other.headers.etag).to.not.equal(etag)
  })

  it('concatenates layers for a comma list, and `all` holds every layer in its zoom range', async () => {
    const two = decode((await client.get(tileUrl('base_grids,admin_divisions', z15), command)).rawPayload)
    expect(Object.keys(two.layers).sort()).to.deep.equal(['admin_divisions', 'base_grids'])
    const all = decode((await client.get(tileUrl('all', z15), command)).rawPayload)
    expect(Object.keys(all.layers)).to.include.members(['admin_divisions', 'base_grids', 'components', 'addresses'])
    expect(features(all, 'base_grids').length).to.equal(features(two, 'base_grids').length)
  })

  it('answers 204 outside a layer zoom range and clusters dense points below their feature zoom', async () => {
    const low = tileAt(meeting[0], meeting[1], 5)
    expect((await client.get(tileUrl('components', low), command)).statusCode).to.equal(204)
    const z12 = tileAt(meeting[0], meeting[1], 12)
    const res = await client.get(tileUrl('components', z12), command)
    expect(res.statusCode).to.equal(200)
    const clusters = features(decode(res.rawPayload), 'components')
    expect(clusters.length).to.be.greaterThan(0)
    for (const c of clusters) {
      expect(Object.keys(c.properties)).to.deep.equal(['point_count'])
      expect(c.type).to.equal(1)
    }
    const total = clusters.reduce((n, c) => n + Number(c.properties.point_count), 0)
    expect(total).to.equal((await keysInTile(client.context.knex, 'components', z12)).size)
    // fewer features than points: the layer really is aggregated
    expect(clusters.length).to.be.lessThan(total)
  })

  describe('hostile input', () => {
    const cases: [string, number, RegExp][] = [
      ['/tiles/base_grids/23/0/0.mvt', 400, /\bz must be an integer from 0 to 22/],
      ['/tiles/base_grids/-1/0/0.mvt', 400, /\bz must be/],
      ['/tiles/base_grids/abc/0/0.mvt', 400, /\bz must be/],
      ['/tiles/base_grids/3/8/0.mvt', 400, /\bx must be an integer from 0 to 7/],
      ['/tiles/base_grids/3/0/8.mvt', 400, /\by must be an integer from 0 to 7/],
      ['/tiles/base_grids/14/99999999999999999999/0.mvt', 400, /\bx must be/],
      ['/tiles/base_grids/14/1.5/0.mvt', 400, /\bx must be/],
      ['/tiles/nope/14/0/0.mvt', 404, /unknown layer "nope".*base_grids/],
      ['/tiles/base_grids,nope/14/0/0.mvt', 404, /unknown layer "nope"/],
      ['/tiles/Robert%27);DROP/14/0/0.mvt', 404, /unknown layer/],
      [`/tiles/${Array.from({ length: 40 }, (_, i) => `l${i}x`).join(',')}/14/0/0.mvt`, 400, /at most 32 layers/],
      ['/tiles/nope.json', 404, /unknown layer "nope"/],
    ]
    for (const [url, status, detail] of cases) {
      it(`${url.slice(0, 60)} → ${status}`, async () => {
        const res = await client.get(url, command)
        expect(res.statusCode).to.equal(status)
        expect(res.headers['content-type']).to.match(/problem\+json/)
        expect(res.json().detail).to.match(detail)
      })
    }

    it('lists the known layers in a 404 and keeps serving afterwards', async () => {
      const res = await client.get('/tiles/nope/14/0/0.mvt', command)
      expect(res.json().knownLayers).to.include.members(['base_grids', 'admin_divisions', 'components', 'addresses'])
      expect((await client.get(tileUrl('base_grids', z15), command)).statusCode).to.equal(200)
    })

    it('refuses other methods', async () => {
      const res = await client.request({ method: 'POST', url: tileUrl('base_grids', z15), headers: command })
      expect(res.statusCode).to.equal(405)
    })
  })

  describe('TileJSON', () => {
    it('describes a layer with an absolute tile URL, zoom range and fields', async () => {
      const res = await client.get('/tiles/base_grids.json', { ...command, host: 'maps.example.test' })
      expect(res.statusCode).to.equal(200)
      const tj = res.json()
      expect(tj.tilejson).to.equal('3.0.0')
      expect(tj.scheme).to.equal('xyz')
      expect(tj.tiles).to.deep.equal(['http://maps.example.test/tiles/base_grids/{z}/{x}/{y}.mvt'])
      expect(tj.minzoom).to.equal(10)
      expect(tj.maxzoom).to.equal(22)
      expect(tj.name).to.equal('基础网格')
      expect(tj.vector_layers).to.have.length(1)
      expect(tj.vector_layers[0].id).to.equal('base_grids')
      expect(tj.vector_layers[0].fields).to.include.keys('code', 'name', 'community_code')
      const [w, s, e, n] = tj.bounds
      expect(w).to.be.lessThan(meeting[0])
      expect(e).to.be.greaterThan(meeting[0])
      expect(s).to.be.lessThan(meeting[1])
      expect(n).to.be.greaterThan(meeting[1])
      expect(tj.center[0]).to.be.within(w, e)
    })

    it('narrows bounds to the jurisdiction and lists clusters for point layers', async () => {
      const city = (await client.get('/tiles/components,base_grids.json', command)).json()
      const street = (await client.get('/tiles/components,base_grids.json', street1)).json()
      expect(city.tiles[0]).to.match(/\/tiles\/components,base_grids\/\{z\}\/\{x\}\/\{y\}\.mvt$/)
      expect(city.minzoom).to.equal(10)
      expect(city.vector_layers.map((l: { id: string }) => l.id)).to.deep.equal(['components', 'base_grids'])
      expect(city.vector_layers[0].fields).to.have.property('point_count')
      const area = (b: number[]) => (b[2]! - b[0]!) * (b[3]! - b[1]!)
      expect(area(street.bounds)).to.be.lessThan(area(city.bounds))
    })

    it('uses X-Forwarded-Proto/Host only when the proxy is trusted', async () => {
      const fwd = { 'x-forwarded-proto': 'https', 'x-forwarded-host': 'gis.example.gov.cn' }
      const plain = (await client.get('/tiles/base_grids.json', { ...command, ...fwd, host: 'inner:3000' })).json()
      expect(plain.tiles[0]).to.match(/^http:\/\/inner:3000\//)
      const proxied = await testClient(await getTestContext({ trustProxy: true }))
      const token = await loginAs(proxied, 'command')
      const tj = (await proxied.get('/tiles/base_grids.json', { ...token, ...fwd, host: 'inner:3000' })).json()
      expect(tj.tiles[0]).to.equal('https://gis.example.gov.cn/tiles/base_grids/{z}/{x}/{y}.mvt')
    })
  })
})
