// /api/v1/basemap and the optional raster base: off by default (no request leaves the server),
// and when GRIDGOV_BASEMAP_WMTS is set, tiles fetched by the server with the key kept there.
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { expect } from 'chai'
import { getTestContext } from '../support/db.ts'
import { testClient, type Client } from '../support/http.ts'
import { ConfigError, loadConfig } from '../../server/config.ts'
import { rasterUrl } from '../../server/basemap/raster.ts'

const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64')

describe('base map configuration and the optional raster base', function () {
  let client: Client
  const realFetch = globalThis.fetch
  const outgoing: string[] = []

  before(async () => {
    client = await testClient(await getTestContext())
    globalThis.fetch = ((input: Parameters<typeof fetch>[0], init?: RequestInit) => {
      outgoing.push(String(input))
      return realFetch(input, init)
    }) as typeof fetch
  })
  after(() => { globalThis.fetch = realFetch })

  it('describes the base map without sign-in: our tiles, two styles, no raster unless configured', async () => {
    const res = await client.get('/api/v1/basemap')
    expect(res.statusCode).to.equal(200)
    expect(res.headers['cache-control']).to.match(/^public/)
    expect(res.json()).to.deep.include({
      tiles: '/tiles/basemap/{z}/{x}/{y}.mvt', tilejson: '/tiles/basemap.json', tileSize: 512, defaultStyle: 'dark', raster: null,
      styles: [{ id: 'dark', title: '暗色' }, { id: 'light', title: '浅色' }],
    })
  })

  it('answers 404 for raster tiles when none is configured, and nothing leaves the server', async () => {
    const res = await client.get('/tiles/basemap/raster/12/3400/1600')
    expect(res.statusCode).to.equal(404)
    expect(res.json().detail).to.include('GRIDGOV_BASEMAP_WMTS')
    expect(outgoing).to.deep.equal([])
  })

  it('reads GRIDGOV_BASEMAP_WMTS at start-up: an http(s) template with {z} {x} {y}, its value never echoed', () => {
    expect(loadConfig({ GRIDGOV_BASEMAP_WMTS: 'https://t{s}.tianditu.gov.cn/vec_w/wmts?TILEMATRIX={z}&TILEROW={y}&TILECOL={x}&tk=k' }).basemapWmts).to.include('{s}')
    expect(loadConfig({}).basemapWmts).to.equal(undefined)
    for (const bad of ['ftp://x/{z}/{x}/{y}', 'https://x/{z}/{x}.png', 'javascript:alert(1)//{z}{x}{y}', `https://x/${'a'.repeat(2100)}/{z}/{x}/{y}`]) {
      let err: unknown
      try { loadConfig({ GRIDGOV_BASEMAP_WMTS: bad }) } catch (e) { err = e }
      expect(err, bad.slice(0, 40)).to.be.instanceOf(ConfigError)
      expect((err as ConfigError).message).to.include('GRIDGOV_BASEMAP_WMTS=(hidden)')
    }
    expect(rasterUrl('https://t{s}.x/{z}/{x}/{y}', { z: 3, x: 5, y: 4 })).to.equal('https://t1.x/3/5/4')
  })

  describe('configured', () => {
    let upstream: http.Server
    let paths: string[]
    let answer: { status: number; type: string; body: Buffer }
    let raster: Client

    before(async () => {
      paths = []
      upstream = http.createServer((req, res) => {
        paths.push(req.url!)
        res.writeHead(answer.status, { 'content-type': answer.type }).end(answer.body)
      })
      await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r))
      const port = (upstream.address() as AddressInfo).port
      raster = await testClient(await getTestContext({ basemapWmts: `http://127.0.0.1:${port}/img_w/wmts?TILEMATRIX={z}&TILEROW={y}&TILECOL={x}&tk=topsecret` }))
    })
    after(async () => {
      upstream.closeAllConnections()
      await new Promise<void>((r) => upstream.close(() => r()))
    })

    it('offers the proxy in its configuration, never the upstream URL or its key', async () => {
      const body = (await raster.get('/api/v1/basemap')).body
      expect(JSON.parse(body).raster).to.deep.equal({ tiles: '/tiles/basemap/raster/{z}/{x}/{y}', title: '栅格底图', maxzoom: 18 })
      expect(body).to.not.include('topsecret')
      expect(body).to.not.include('127.0.0.1')
    })

    it('passes a tile through with the template filled in and a long public cache lifetime', async () => {
      answer = { status: 200, type: 'image/png', body: PNG }
      const res = await raster.get('/tiles/basemap/raster/12/3417/1607')
      expect(res.statusCode).to.equal(200)
      expect(res.headers['content-type']).to.equal('image/png')
      expect(res.headers['cache-control']).to.equal('public, max-age=86400')
      expect(Buffer.compare(res.rawPayload, PNG)).to.equal(0)
      expect(paths.at(-1)).to.equal('/img_w/wmts?TILEMATRIX=12&TILEROW=1607&TILECOL=3417&tk=topsecret')
    })

    it('answers 502 without the upstream URL when the service fails or sends no image', async () => {
      for (const a of [{ status: 500, type: 'text/plain', body: Buffer.from('boom') }, { status: 200, type: 'text/html', body: Buffer.from('<html>key expired</html>') }]) {
        answer = a
        const res = await raster.get('/tiles/basemap/raster/12/3417/1607')
        expect(res.statusCode).to.equal(502)
        expect(res.body).to.not.include('topsecret')
        expect(res.body).to.not.include('127.0.0.1')
      }
    })

    it('refuses bad tile coordinates (400 naming them) and zooms past 18 (404) without asking upstream', async () => {
      const before = paths.length
      for (const [path, p] of [['/tiles/basemap/raster/x/0/0', 'z'], ['/tiles/basemap/raster/3/8/0', 'x'], ['/tiles/basemap/raster/3/0/99999999999', 'y']] as const) {
        const res = await raster.get(path)
        expect(res.statusCode, path).to.equal(400)
        expect(res.json().detail).to.match(new RegExp(`^${p} must be`))
      }
      expect((await raster.get('/tiles/basemap/raster/19/0/0')).statusCode).to.equal(404)
      expect(paths.length).to.equal(before)
    })
  })
})
