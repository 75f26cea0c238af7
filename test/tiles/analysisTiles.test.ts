// The analysis tile layers `heatmap` and `hotspots`: decoded tiles against the analytics API for
// the same parameters (counts, shares, Gi* z and classes) and a JS recount of the event points,
// cells cut across tile edges, jurisdiction, caching headers, TileJSON and bad input.
import { expect } from 'chai'
import type { Knex } from 'knex'
import { cellToBoundary, cellToParent, latLngToCell } from 'h3-js'
import { loginAs, testClient, type Client } from '../support/http.ts'
import { insertEvents, placeEvents, type PlacedEvent } from '../analytics/heatmapSupport.ts'
import { decode, features, tileUrl } from './support.ts'
import { latToTileY, lonToTileX, type TileCoord } from '../../tiles/tilemath.ts'
import { resolutionForZoom } from '../../server/analytics/tileLayers.ts'
import { openApiDocument } from '../../server/openapi/document.ts'

const C1 = '990102001001' // street1
const C1B = '990102001002' // street1
const C2 = '990102002001' // street2
const FROM = '2019-09-01T00:00:00+08:00'
const TO = '2019-10-01T00:00:00+08:00'
const WINDOW = `from=${encodeURIComponent(FROM)}&to=${encodeURIComponent(TO)}`

interface Cell { count: number; share?: number; level?: number; z?: number; p?: number; class?: string; resolution: number }
interface Fc { maxCount?: number; features: { id: string; geometry: { coordinates: number[][][] }; properties: { h3: string; count: number; share?: number; z?: number; p?: number; class?: string } }[] }

/** Every tile at zoom z that a set of cells touches (their boundary boxes). */
function tilesOver(cells: string[], z: number): TileCoord[] {
  let x0 = Infinity, x1 = -Infinity, y0 = Infinity, y1 = -Infinity
  for (const c of cells) {
    for (const [lon, lat] of cellToBoundary(c, true)) {
      x0 = Math.min(x0, Math.floor(lonToTileX(lon!, z))); x1 = Math.max(x1, Math.floor(lonToTileX(lon!, z)))
      y0 = Math.min(y0, Math.floor(latToTileY(lat!, z))); y1 = Math.max(y1, Math.floor(latToTileY(lat!, z)))
    }
  }
  const out: TileCoord[] = []
  for (let x = x0; x <= x1; x++) for (let y = y0; y <= y1; y++) out.push({ z, x, y })
  return out
}

describe('analysis tile layers heatmap and hotspots', function () {
  this.timeout(300_000)
  let client: Client
  let knex: Knex
  let analyst: Record<string, string>
  let street1: Record<string, string>

  /** The cells of a layer over some tiles, each cell's attributes the same in every tile it appears in. */
  async function cellsOf(layer: 'heatmap' | 'hotspots', tiles: TileCoord[], headers: Record<string, string>, query = WINDOW): Promise<Map<string, Cell>> {
    const out = new Map<string, Cell>()
    for (const t of tiles) {
      const res = await client.get(`${tileUrl(layer, t)}?${query}`, headers)
      expect(res.statusCode, res.body).to.equal(200)
      for (const f of features(decode(res.rawPayload), layer)) {
        const p = f.properties as unknown as Cell & { h3: string }
        const { h3, ...cell } = p
        const seen = out.get(h3)
        if (seen) expect(cell, `cell ${h3} differs between tiles`).to.deep.equal(seen)
        else out.set(h3, cell)
      }
    }
    return out
  }

  const api = async (path: string, q: string, headers: Record<string, string>) => {
    const res = await client.get(`/api/v1/analytics/${path}?${q}`, headers)
    expect(res.statusCode, res.body).to.equal(200)
    return res.json() as Fc
  }

  before(async function () {
    this.timeout(600_000)
    client = await testClient()
    knex = client.context.knex
    analyst = await loginAs(client, 'analyst')
    street1 = await loginAs(client, 'street1')
    const at = (s: string) => new Date(s)
    const events: PlacedEvent[] = [
      ...await placeEvents(knex, { community: C1, at: at('2019-09-10T10:00:00+08:00'), classCode: '0102' }, 400, 21),
      ...await placeEvents(knex, { community: C1B, at: at('2019-09-12T10:00:00+08:00'), classCode: '0101', channel: 'resident' }, 80, 22),
      ...await placeEvents(knex, { community: C2, at: at('2019-09-20T10:00:00+08:00'), classCode: '0501' }, 150, 23),
    ]
    await insertEvents(knex, events)
  })

  after(async () => {
    await knex.raw("DELETE FROM event WHERE description = 'analytics test' AND created_at >= ? AND created_at < ?", [FROM, TO])
  })

  it('heatmap tiles carry the API\'s cells, counts and shares at the zoom\'s resolution, equal to a JS recount of the points', async () => {
    const { rows } = await knex.raw('SELECT ST_X(geom) AS lon, ST_Y(geom) AS lat FROM event WHERE created_at >= ? AND created_at < ?', [FROM, TO])
    for (const z of [10, 13, 15]) {
      const res = resolutionForZoom(z)
      const fc = await api('heatmap', `resolution=${res}&${WINDOW}`, analyst)
      const tiles = await cellsOf('heatmap', tilesOver(fc.features.map((f) => f.id), z), analyst)
      expect([...tiles.keys()].sort(), `cells at z${z}`).to.deep.equal(fc.features.map((f) => f.id).sort())
      const recount = new Map<string, number>()
      for (const r of rows as { lon: number; lat: number }[]) {
        const c = cellToParent(latLngToCell(Number(r.lat), Number(r.lon), 12), res)
        recount.set(c, (recount.get(c) ?? 0) + 1)
      }
      for (const f of fc.features) {
        const t = tiles.get(f.id)!
        expect(t.count, f.id).to.equal(f.properties.count).and.to.equal(recount.get(f.id))
        expect(t.share!, f.id).to.be.closeTo(f.properties.share!, 1e-12)
        expect(t.resolution).to.equal(res)
        // the ramp's class: log scale against the densest cell, by the API's maxCount
        expect(t.level, f.id).to.equal(Math.max(1, Math.ceil(6 * Math.log(1 + t.count) / Math.log(1 + fc.maxCount!))))
      }
    }
    expect([resolutionForZoom(6), resolutionForZoom(9), resolutionForZoom(12), resolutionForZoom(14), resolutionForZoom(18)]).to.deep.equal([5, 6, 9, 10, 11])
  })

  it('hotspot tiles carry the API\'s Gi* (k = 1) z, p, class and count for every study cell', async () => {
    for (const z of [11, 13]) {
      const res = resolutionForZoom(z)
      const fc = await api('hotspots', `resolution=${res}&k=1&${WINDOW}`, analyst)
      expect(fc.features.some((f) => f.properties.class!.startsWith('hot')), 'some hot cell').to.equal(true)
      const tiles = await cellsOf('hotspots', tilesOver(fc.features.map((f) => f.id), z), analyst)
      expect([...tiles.keys()].sort()).to.deep.equal(fc.features.map((f) => f.id).sort())
      for (const f of fc.features) {
        const t = tiles.get(f.id)!
        expect(t.z!, f.id).to.be.closeTo(f.properties.z!, 1e-9)
        expect(t.p!, f.id).to.be.closeTo(f.properties.p!, 1e-12)
        expect(t.class, f.id).to.equal(f.properties.class)
        expect(t.count, f.id).to.equal(f.properties.count)
      }
    }
  })

  it('draws a cell that spans two tiles in both, clipped to each tile and its buffer', async () => {
    const z = 15
    const fc = await api('heatmap', `resolution=${resolutionForZoom(z)}&${WINDOW}`, analyst)
    const spanning = fc.features.find((f) => new Set(f.geometry.coordinates[0]!.map(([lon]) => Math.floor(lonToTileX(lon!, z)))).size === 2)
    expect(spanning, 'a cell across a tile column edge').to.not.equal(undefined)
    const ring = spanning!.geometry.coordinates[0]!
    const y = Math.floor(latToTileY(ring[0]![1]!, z))
    const xs = [...new Set(ring.map(([lon]) => Math.floor(lonToTileX(lon!, z))))].sort((a, b) => a - b)
    for (const x of xs) {
      const res = await client.get(`${tileUrl('heatmap', { z, x, y })}?${WINDOW}`, analyst)
      const f = features(decode(res.rawPayload), 'heatmap').find((g) => g.properties.h3 === spanning!.id)
      expect(f, `cell ${spanning!.id} in tile ${z}/${x}/${y}`).to.not.equal(undefined)
      expect(f!.properties.count).to.equal(spanning!.properties.count)
      for (const p of f!.loadGeometry().flat()) {
        expect(p.x).to.be.within(-64, 4160)
        expect(p.y).to.be.within(-64, 4160)
      }
    }
  })

  it('keeps a street user inside the street: only its cells and counts, where the city analyst sees both streets', async () => {
    const z = 13
    const res = resolutionForZoom(z)
    const cityFc = await api('heatmap', `resolution=${res}&${WINDOW}`, analyst)
    const streetFc = await api('heatmap', `resolution=${res}&${WINDOW}`, street1)
    const tiles = tilesOver(cityFc.features.map((f) => f.id), z)
    const city = await cellsOf('heatmap', tiles, analyst)
    const street = await cellsOf('heatmap', tiles, street1)
    expect([...street.keys()].sort()).to.deep.equal(streetFc.features.map((f) => f.id).sort())
    let total = 0
    for (const c of street.values()) total += c.count
    expect(total).to.equal(480)
    expect([...city.keys()].filter((c) => !street.has(c)).length, 'street2 cells the street user does not get').to.be.greaterThan(0)
    const hot = await cellsOf('hotspots', tiles, street1)
    const hotFc = await api('hotspots', `resolution=${res}&k=1&${WINDOW}`, street1)
    expect([...hot.keys()].sort()).to.deep.equal(hotFc.features.map((f) => f.id).sort())
    const { rows } = await knex.raw("SELECT ST_AsGeoJSON(geom) AS g FROM admin_division WHERE code = '990102002000'")
    expect(rows.length).to.equal(1)
    // no hotspot cell of street1's study area has its centre deep in street 2
    const inStreet2 = await knex.raw(`SELECT count(*)::int AS n FROM unnest(?::text[]) AS c(lonlat)
      JOIN admin_division a ON a.code = '990102002000' AND ST_Contains(ST_Buffer(a.geom, -0.002), ST_GeomFromText(c.lonlat, 4490))`,
    [[...hot.entries()].filter(([, v]) => v.count === 0).map(([h]) => {
      const b = cellToBoundary(h, true)
      const lon = b.slice(0, -1).reduce((s, p) => s + p[0]!, 0) / (b.length - 1)
      const lat = b.slice(0, -1).reduce((s, p) => s + p[1]!, 0) / (b.length - 1)
      return `POINT(${lon} ${lat})`
    })])
    expect(inStreet2.rows[0].n).to.equal(0)
  })

  it('answers with private caching, an ETag honoured by If-None-Match, 204 out of zoom range, and filters applied', async () => {
    const fc = await api('heatmap', `resolution=${resolutionForZoom(13)}&${WINDOW}`, analyst)
    const t = tilesOver([fc.features[0]!.id], 13)[0]!
    const res = await client.get(`${tileUrl('heatmap', t)}?${WINDOW}`, analyst)
    expect(res.headers['cache-control']).to.equal('private, max-age=30')
    expect(String(res.headers.vary)).to.match(/Authorization/)
    const again = await client.get(`${tileUrl('heatmap', t)}?${WINDOW}`, { ...analyst, 'if-none-match': String(res.headers.etag) })
    expect(again.statusCode).to.equal(304)
    const low = await client.get(`${tileUrl('heatmap', { z: 5, x: 26, y: 12 })}?${WINDOW}`, analyst)
    expect(low.statusCode).to.equal(204)
    // class 0101 lies only in C1B: the filtered tiles hold exactly its 80 events
    const q = `${WINDOW}&class=0101&channel=resident`
    const filtered = await cellsOf('heatmap', tilesOver(fc.features.map((f) => f.id), 13), analyst, q)
    const apiFiltered = await api('heatmap', `resolution=9&${q}`, analyst)
    expect([...filtered.values()].reduce((s, c) => s + c.count, 0)).to.equal(80)
    expect([...filtered.keys()].sort()).to.deep.equal(apiFiltered.features.map((f) => f.id).sort())
    const dflt = await client.get(tileUrl('hotspots', t), analyst)
    expect(dflt.statusCode, 'default window (last 30 days)').to.be.oneOf([200])
  })

  it('offers TileJSON for each layer with the filter in the tile URL, and keeps them out of `all`', async () => {
    const res = await client.get(`/tiles/heatmap.json?${WINDOW}&class=01`, street1)
    expect(res.statusCode, res.body).to.equal(200)
    const tj = res.json()
    expect(tj.tilejson).to.equal('3.0.0')
    expect(tj.name).to.equal('热力图')
    expect(tj.tiles[0]).to.match(/\/tiles\/heatmap\/\{z\}\/\{x\}\/\{y\}\.mvt\?from=.*&class=01$/)
    expect(tj.vector_layers[0].id).to.equal('heatmap')
    expect(tj.vector_layers[0].fields).to.have.keys('h3', 'count', 'share', 'level', 'resolution')
    expect(tj.bounds[0]).to.be.greaterThan(100)
    const hs = (await client.get('/tiles/hotspots.json', analyst)).json()
    expect(hs.name).to.equal('热点分析')
    expect(hs.vector_layers[0].fields).to.include.keys('z', 'p', 'class', 'count')
    const all = (await client.get('/tiles/all.json', analyst)).json()
    expect(all.vector_layers.map((l: { id: string }) => l.id)).to.not.include.members(['heatmap', 'hotspots'])
    expect(openApiDocument.paths).to.include.keys('/tiles/heatmap/{z}/{x}/{y}.mvt', '/tiles/hotspots/{z}/{x}/{y}.mvt', '/tiles/heatmap.json', '/tiles/hotspots.json')
  })

  it('refuses bad input with 4xx naming the parameter, and callers who may not read analytics', async () => {
    const t = '/tiles/heatmap/13/6739/3200.mvt'
    const cases: [string, number, string][] = [
      [`${t}?class=abc`, 400, 'class'],
      [`${t}?class=0999`, 400, 'class'],
      [`${t}?from=2021-02-30`, 400, 'from'],
      [`${t}?from=2021-03-01&to=2021-02-01`, 400, 'to'],
      [`${t}?from=2001-01-01&to=2021-02-01`, 400, 'to'],
      [`${t}?channel=pigeon`, 400, 'channel'],
      [`${t}?status=${'x'.repeat(2000)}`, 400, 'status'],
      [`${t}?resolution=9`, 400, 'resolution'],
      [`${t}?class=01&class=02`, 400, 'class'],
      [`${t}?area=990102002000`, 403, 'area'],
      [`${t}?area=99010200200%27`, 400, 'area'],
      ['/tiles/hotspots/13/6739/3200.mvt?demandType=DROP%20TABLE', 400, 'demandType'],
      ['/tiles/hotspots.json?to=yesterday', 400, 'to'],
    ]
    for (const [url, status, field] of cases) {
      const res = await client.get(url, street1)
      expect(res.statusCode, `${url}: ${res.body}`).to.equal(status)
      expect(res.body, url).to.contain(field)
    }
    const unknown = await client.get(`${t}?colour=red`, street1)
    expect(unknown.statusCode).to.equal(400)
    expect(unknown.body).to.contain('colour')
    for (const [url, parameter] of [['/tiles/heatmap/23/0/0.mvt', 'z'], ['/tiles/heatmap/3/8/0.mvt', 'x'], ['/tiles/hotspots/3/0/-1.mvt', 'y']] as const) {
      const res = await client.get(url, analyst)
      expect(res.statusCode, url).to.equal(400)
      expect(res.json().parameter, url).to.equal(parameter)
    }
    const mixed = await client.get('/tiles/heatmap,base_grids/13/6739/3200.mvt', analyst)
    expect(mixed.statusCode).to.equal(400)
    expect(mixed.body).to.contain('heatmap')
    expect((await client.get(t)).statusCode).to.equal(401)
    expect((await client.get(t, await loginAs(client, 'inspector'))).statusCode).to.equal(403)
  })
})
