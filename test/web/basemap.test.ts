// The base map in a browser: before sign-in the page draws water, roads and names from our own
// tiles (/tiles/basemap) and nothing else leaves it or the server; labels of the base map and the
// city outline never overlap (decluttered together); 浅色 / 暗色 switch the background and are
// remembered; a configured raster base comes through the server's proxy only.
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { expect } from 'chai'
import { createCanvas, loadImage } from '@napi-rs/canvas'
import type { Browser, Page } from 'playwright-core'
import type { AppContext } from '../../server/context.ts'
import { DEMO_PASSWORD } from '../../fixtures/users.ts'
import { openWatchedPage, signIn, startApp, waitForMap, type RunningApp, type WatchedPage } from './browser.ts'
import { getTestContext } from '../support/db.ts'
import { browserSuite } from '../support/browserSuite.ts'

interface Label { n: string; f: number; b: [number, number, number, number] }

/** Pixels of the map's canvases within `tol` of an RGB colour. */
async function pixelsNear(page: Page, rgb: [number, number, number], tol = 6): Promise<number> {
  return page.evaluate(`(() => {
    let n = 0
    for (const c of document.querySelectorAll('#map canvas')) {
      if (!c.width || !c.height) continue
      const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data
      for (let i = 0; i < d.length; i += 4) {
        if (d[i + 3] > 200 && Math.abs(d[i] - ${rgb[0]}) <= ${tol} && Math.abs(d[i + 1] - ${rgb[1]}) <= ${tol} && Math.abs(d[i + 2] - ${rgb[2]}) <= ${tol}) n++
      }
    }
    return n
  })()`)
}

/**
 * The colour on screen at the map's top edge, right of the layers panel (outside the city at
 * the first views): read from a screenshot, because OpenLayers paints a layer's background as the
 * CSS background of its container, not into the canvas.
 */
async function cornerColour(page: Page): Promise<number[]> {
  const box = (await page.locator('#map').boundingBox())!
  // right of the layers panel, above the city (which the views fit with padding)
  const png = await page.screenshot({ clip: { x: box.x + 290, y: box.y + 6, width: 4, height: 4 } })
  const image = await loadImage(png)
  const canvas = createCanvas(4, 4)
  canvas.getContext('2d').drawImage(image, 0, 0)
  return [...canvas.getContext('2d').getImageData(1, 1, 1, 1).data].slice(0, 3)
}

/** Polls an expression in the page until it is truthy (waitForFunction would eval: the page's CSP forbids it). */
async function poll(page: Page, expr: string, ms = 60_000): Promise<void> {
  for (const end = Date.now() + ms; Date.now() < end; await new Promise((r) => setTimeout(r, 100))) {
    if (await page.evaluate(expr)) return
  }
  throw new Error(`timed out waiting for ${expr.slice(0, 120)}`)
}

const hex = (h: string): [number, number, number] => [1, 3, 5].map((i) => parseInt(h.slice(i, i + 2), 16)) as [number, number, number]
const near = (a: number[], b: number[], tol = 8) => a.every((v, i) => Math.abs(v - b[i]!) <= tol)

async function basemapDrawn(page: Page): Promise<Record<string, number>> {
  await poll(page, `(() => {
    const m = document.getElementById('map')
    const c = JSON.parse(m.dataset.basemap || '{}')
    return c.water > 0 && c.roads > 0 && c.places > 0 && JSON.parse(m.dataset.labels || '[]').length > 3
  })()`, 60_000)
  return JSON.parse((await page.getAttribute('#map', 'data-basemap'))!)
}

describe('base map in a browser', function () {
  this.timeout(180_000)
  let ctx: AppContext
  let app: RunningApp
  let browser: Browser
  let watched: WatchedPage | undefined
  const outgoing: string[] = []
  const realFetch = globalThis.fetch

  browserSuite({
    ready: async (s) => {
      ({ ctx, app, browser } = s)
      // every request the server itself makes while these tests run (none without a raster base)
      globalThis.fetch = ((input: Parameters<typeof fetch>[0], init?: RequestInit) => {
        outgoing.push(String(input instanceof Request ? input.url : input))
        return realFetch(input, init)
      }) as typeof fetch
    },
    closing: async () => {
      globalThis.fetch = realFetch
    },
  })

  afterEach(async () => {
    await watched?.close()
    watched = undefined
  })

  it('draws water, roads and names before sign-in, one request per tile, nothing from elsewhere', async () => {
    watched = await openWatchedPage(browser)
    const w = watched
    const requests: string[] = []
    w.page.on('request', (r) => requests.push(r.url()))
    await w.page.goto(`${app.base}/`)
    const counts = await basemapDrawn(w.page)
    expect(await w.page.isVisible('#login')).to.equal(true)
    expect(counts.water).to.be.greaterThan(0)
    // drawn, not only loaded: the dark water and the main roads' blue are on the canvas
    expect(await pixelsNear(w.page, hex('#0e2f52')), 'water pixels').to.be.greaterThan(100)
    expect(await pixelsNear(w.page, hex('#2f5278')), 'main road pixels').to.be.greaterThan(100)
    const labels = JSON.parse((await w.page.getAttribute('#map', 'data-labels'))!) as Label[]
    const streets = await ctx.knex('place_name').where({ kind: 'street' }).pluck('name') as string[]
    expect(labels.some((l) => streets.includes(l.n)), 'a street name drawn').to.equal(true)
    // tiles: every base map tile asked once, all 200, no other tile layer before sign-in
    const tiles = w.tiles.filter((t) => t.layer === 'basemap')
    expect(tiles.length).to.be.greaterThan(0)
    expect(tiles.filter((t) => t.status !== 200)).to.deep.equal([])
    expect(new Set(tiles.map((t) => t.url)).size).to.equal(tiles.length)
    // only the city's view is fetched (not the default view before the outline places it): one zoom
    expect(new Set(tiles.map((t) => /basemap\/(\d+)\//.exec(t.url)![1])).size, tiles.map((t) => t.url).join(' ')).to.equal(1)
    expect(w.tiles.filter((t) => t.layer !== 'basemap')).to.deep.equal([])
    // nothing left this server: not the page, not the server on its behalf
    expect(w.external).to.deep.equal([])
    expect(requests.filter((u) => !u.startsWith(app.base) && !u.startsWith('data:'))).to.deep.equal([])
    expect(requests.filter((u) => u.includes('/raster/'))).to.deep.equal([])
    expect(outgoing).to.deep.equal([])
    expect(w.problems).to.deep.equal([])
  })

  it('declutters the base map and outline labels together: none overlap, the city name first', async () => {
    watched = await openWatchedPage(browser)
    await watched.page.goto(`${app.base}/`)
    await basemapDrawn(watched.page)
    await watched.page.waitForSelector('#map[data-outline]')
    await poll(watched.page, `JSON.parse(document.getElementById('map').dataset.labels || '[]').some((l) => l.n === '示范市')`, 30_000)
    const labels = JSON.parse((await watched.page.getAttribute('#map', 'data-labels'))!) as Label[]
    for (const a of labels) {
      for (const b of labels) {
        if (a.f >= b.f) continue
        const overlap = a.b[0] < b.b[2] && b.b[0] < a.b[2] && a.b[1] < b.b[3] && b.b[1] < a.b[3]
        expect(overlap, `${a.n} ${JSON.stringify(a.b)} / ${b.n} ${JSON.stringify(b.b)}`).to.equal(false)
      }
    }
    // the base map's places are among them (one declutter group with the outline's names)
    const places = await ctx.knex('place_name').whereNotIn('kind', ['city', 'district']).pluck('name') as string[]
    expect(labels.some((l) => places.includes(l.n))).to.equal(true)
  })

  it('switches 暗色 → 浅色 from the layers panel: the background changes and the choice is remembered', async () => {
    watched = await openWatchedPage(browser)
    const page = watched.page
    await page.goto(`${app.base}/`)
    await basemapDrawn(page)
    expect(await page.getAttribute('#map', 'data-basemap-style')).to.equal('dark')
    expect(near(await cornerColour(page), hex('#07111f')), 'dark background').to.equal(true)
    await signIn(page, 'command', DEMO_PASSWORD)
    await waitForMap(page)
    await page.check('.basemap-switch input[value="light"]')
    await poll(page, `document.getElementById('map').dataset.basemapStyle === 'light'`)
    for (const end = Date.now() + 20_000; !near(await cornerColour(page), hex('#f2efe9')) && Date.now() < end;) await new Promise((r) => setTimeout(r, 200))
    expect(near(await cornerColour(page), hex('#f2efe9')), 'light background').to.equal(true)
    expect(await page.getAttribute('#map', 'data-basemap-style')).to.equal('light')
    // light water instead of dark
    expect(await pixelsNear(page, hex('#aad3df'))).to.be.greaterThan(100)
    // remembered: a reload opens on 浅色 before anyone signs in
    await page.reload()
    await basemapDrawn(page)
    expect(await page.getAttribute('#map', 'data-basemap-style')).to.equal('light')
    expect(near(await cornerColour(page), hex('#f2efe9'))).to.equal(true)
    expect(watched.external).to.deep.equal([])
  })

  describe('with a raster base configured (GRIDGOV_BASEMAP_WMTS)', () => {
    let upstream: http.Server
    let upstreamPaths: string[]
    let rasterApp: RunningApp
    // a 1×1 PNG
    const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64')

    before(async () => {
      upstreamPaths = []
      upstream = http.createServer((req, res) => {
        upstreamPaths.push(req.url!)
        res.writeHead(200, { 'content-type': 'image/png' }).end(png)
      })
      await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r))
      const port = (upstream.address() as AddressInfo).port
      rasterApp = await startApp(await getTestContext({ basemapWmts: `http://127.0.0.1:${port}/vec_w/wmts?TILEMATRIX={z}&TILEROW={y}&TILECOL={x}&tk=secret` }))
    })
    after(async () => {
      await rasterApp?.close()
      upstream?.closeAllConnections()
      await new Promise<void>((r) => upstream.close(() => r()))
    })

    it('draws it through the server\'s proxy: the page talks to this server only and never sees the key', async () => {
      watched = await openWatchedPage(browser)
      const requests: string[] = []
      watched.page.on('request', (r) => requests.push(r.url()))
      const rasterOk: string[] = []
      watched.page.on('response', (r) => {
        if (r.url().includes('/tiles/basemap/raster/') && r.status() === 200 && r.headers()['content-type'] === 'image/png') rasterOk.push(r.url())
      })
      await watched.page.goto(`${rasterApp.base}/`)
      await poll(watched.page, `document.getElementById('map').dataset.basemapRaster === 'on'`, 30_000)
      const deadline = Date.now() + 30_000
      while (!(rasterOk.length && upstreamPaths.length) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100))
      expect(rasterOk, 'proxied tiles answered 200 image/png').to.not.deep.equal([])
      expect(requests.filter((u) => u.includes('/tiles/basemap/raster/')).length, JSON.stringify([requests.slice(0, 30), watched.problems])).to.be.greaterThan(0)
      expect(requests.filter((u) => !u.startsWith(rasterApp.base) && !u.startsWith('data:'))).to.deep.equal([])
      expect(requests.join(' ')).to.not.include('secret')
      expect(upstreamPaths.length).to.be.greaterThan(0)
      expect(upstreamPaths[0]).to.match(/^\/vec_w\/wmts\?TILEMATRIX=\d+&TILEROW=\d+&TILECOL=\d+&tk=secret$/)
    })
  })
})
