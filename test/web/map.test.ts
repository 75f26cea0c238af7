// The map page end to end: Debian's chromium signs in, draws the demo city's vector tiles with
// OpenLayers, reads a grid by clicking it, and never tries to reach anything but this server.
// SCREENSHOT=1 saves docs/screenshots/map.png (1920×1080).
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { expect } from 'chai'
import type { Browser } from 'playwright-core'
import type { AppContext } from '../../server/context.ts'
import { DEMO_PASSWORD } from '../../fixtures/users.ts'
import { canvasCoverage, openWatchedPage, signIn, waitForMap, type RunningApp, type WatchedPage } from './browser.ts'
import { browserSuite } from '../support/browserSuite.ts'
import { EXPIRED_MESSAGE } from '../../web-map/src/ui/sessionMessages.ts'

const screenshot = fileURLToPath(new URL('../../docs/screenshots/map.png', import.meta.url))

describe('map page in a browser (OpenLayers on Debian chromium)', function () {
  this.timeout(180_000)
  let ctx: AppContext
  let app: RunningApp
  let browser: Browser
  let watched: WatchedPage | undefined

  browserSuite({
    ready: (s) => { ({ ctx, app, browser } = s) },
  })

  afterEach(async () => {
    await watched?.close()
    watched = undefined
  })

  /** Opens / on a page that may only reach the loopback server (1920×1080 for the README's picture). */
  async function open(viewport?: { width: number; height: number }): Promise<WatchedPage> {
    watched = await openWatchedPage(browser, viewport ? { viewport } : {})
    await watched.page.goto(`${app.base}/`)
    expect(await watched.page.title()).to.include('城市云图')
    return watched
  }

  /** Clicks the middle of the map and returns the info panel's section for one layer. */
  async function clickMiddle(w: WatchedPage): Promise<void> {
    const box = (await w.page.locator('#map').boundingBox())!
    await w.page.mouse.click(box.x + box.width / 2, box.y + box.height / 2)
    await w.page.waitForSelector('#info:not([hidden]) .where')
  }

  it('signs in, draws the demo city from our vector tiles and reads a grid by clicking it', async () => {
    const w = await open(process.env.SCREENSHOT === '1' ? { width: 1920, height: 1080 } : undefined)
    await signIn(w.page, 'command', DEMO_PASSWORD)
    await waitForMap(w.page)

    // tiles: every response 200 (or 204: nothing at this zoom), the grid tiles with bytes
    expect(w.tiles.length, 'tile responses').to.be.greaterThan(0)
    expect(w.tiles.filter((t) => t.status !== 200 && t.status !== 204), 'failed tiles').to.deep.equal([])
    const grids = w.tiles.filter((t) => t.layers.includes('base_grids') && t.status === 200)
    expect(grids.length, 'base grid tiles').to.be.greaterThan(0)
    expect(grids.reduce((n, t) => n + t.bytes, 0), 'base grid bytes').to.be.greaterThan(1000)
    for (const layer of ['admin_divisions', 'components', 'addresses']) {
      expect(w.tiles.some((t) => t.layers.includes(layer) && t.status === 200 && t.bytes > 0), layer).to.equal(true)
    }
    expect(await w.page.getAttribute('#map', 'data-tile-errors')).to.equal('0')

    // the canvas shows something, and the grids' teal is among it
    const cover = await canvasCoverage(w.page)
    expect(cover.canvases, 'OpenLayers canvases').to.be.greaterThan(0)
    expect(cover.painted, 'share of painted map pixels').to.be.greaterThan(0.02)
    expect(cover.teal, 'pixels in the base grid colour').to.be.greaterThan(500)

    // the layer switcher lists every catalogue layer by its Chinese title
    const switcher = await w.page.textContent('#layer-list')
    for (const l of ctx.catalogue.layers) expect(switcher, l.id).to.include(l.title)
    expect(switcher).to.include('专业网格')

    // the token lives in memory only
    expect(await w.page.evaluate('[localStorage.length, sessionStorage.length, document.cookie]')).to.deep.equal([0, 0, ''])

    // a click in the middle of the city lands in a base grid: its 15-digit code, titled in Chinese
    await clickMiddle(w)
    const section = w.page.locator('#info section[data-layer="base_grids"]')
    expect(await section.locator('tr.attr-code th').textContent()).to.equal('网格编码')
    const code = (await section.locator('tr.attr-code td').textContent())!
    expect(code).to.match(/^\d{15}$/)
    // … and that grid really is where the click was (projection and hit detection agree with PostGIS)
    const where = (await w.page.textContent('#info .where'))!
    const [lon, lat] = where.match(/-?\d+\.\d+/g)!.map(Number)
    const { rows } = await ctx.knex.raw(
      `SELECT code FROM grid WHERE kind = 'base' AND valid_to IS NULL
         AND ST_DWithin(geom::geography, ST_SetSRID(ST_MakePoint(?, ?), 4490)::geography, 60)`, [lon!, lat!])
    expect(rows.map((r: { code: string }) => r.code)).to.include(code)
    expect(await w.page.textContent('#info')).to.include('户数').and.include('所属社区')
    // the divisions named are the ones containing the grid, not a neighbour whose boundary is near
    const community = code.slice(0, 12)
    expect(await w.page.textContent('#info tr.level-community td')).to.include(community)
    expect(await w.page.textContent('#info tr.level-street th')).to.equal('街道（乡镇）')
    expect(await w.page.textContent('#info tr.level-street td')).to.include(`${community.slice(0, 9)}000`)

    if (process.env.SCREENSHOT === '1') {
      fs.mkdirSync(path.dirname(screenshot), { recursive: true })
      await w.page.screenshot({ path: screenshot })
    }

    // the teal really is the grids: switched off, it (nearly) disappears
    const renders = Number(await w.page.getAttribute('#map', 'data-renders'))
    await w.page.uncheck('#layer-list input[value="base_grids"]')
    await w.page.waitForSelector(`#map:not([data-renders="${renders}"])`)
    expect((await canvasCoverage(w.page)).teal, 'teal pixels without the grid layer').to.be.lessThan(cover.teal / 10)

    expect(w.external, 'requests that tried to leave 127.0.0.1').to.deep.equal([])
    expect(w.problems, 'console errors').to.deep.equal([])
  })

  it('shows a Chinese message for a wrong password and loads no tiles', async () => {
    const w = await open()
    await signIn(w.page, 'command', 'not-the-password')
    await w.page.waitForSelector('#login-error:not(:empty)')
    expect(await w.page.textContent('#login-error')).to.equal('用户名或密码错误')
    expect(await w.page.isVisible('#login')).to.equal(true)
    expect(await w.page.getAttribute('#map', 'data-map-state')).to.equal('login')
    // only the public base map (water, roads, names): no data layer's tile before sign-in
    expect(w.tiles.filter((t) => t.layer !== 'basemap')).to.deep.equal([])
    expect(w.external).to.deep.equal([])
    // the browser reports the 401 of the login call itself, nothing else
    expect(w.problems.filter((p) => !/status of 401/.test(p))).to.deep.equal([])
  })

  it('shows a street officer their own street, and industry grids on demand', async () => {
    const w = await open()
    await signIn(w.page, 'street1', DEMO_PASSWORD)
    await waitForMap(w.page)
    await clickMiddle(w)
    const code = (await w.page.locator('#info section[data-layer="base_grids"] tr.attr-code td').textContent())!
    expect(code).to.match(/^990102001\d{6}$/)

    // industry grids start hidden: no requests until switched on, then 200 tiles
    const industry = ctx.catalogue.layers.find((l) => l.id.endsWith('_grids') && l.id !== 'base_grids')!
    expect(w.tiles.some((t) => t.layers.includes(industry.id))).to.equal(false)
    const loaded = w.page.waitForResponse((r) => r.url().includes(`/tiles/${industry.id}/`) && r.status() === 200, { timeout: 60_000 })
    await w.page.check(`#layer-list input[value="${industry.id}"]`)
    expect((await (await loaded).body()).length, `${industry.id} tile bytes`).to.be.greaterThan(0)
    expect(w.tiles.filter((t) => t.status !== 200 && t.status !== 204)).to.deep.equal([])

    // signing out returns to the login panel and drops the layers
    await w.page.click('#logout')
    await w.page.waitForSelector('#login:not([hidden])')
    expect(await w.page.isHidden('#layers')).to.equal(true)
    expect(w.external).to.deep.equal([])
    expect(w.problems).to.deep.equal([])
  })

  it('returns to the login panel when the session is revoked elsewhere', async () => {
    const w = await open()
    await signIn(w.page, 'street2', DEMO_PASSWORD)
    await waitForMap(w.page)
    // logging out everywhere (from another session) revokes every token of the user, the page's too
    const login = await fetch(`${app.base}/api/v1/auth/login`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'street2', password: DEMO_PASSWORD }),
    })
    const { token } = await login.json() as { token: string }
    expect((await fetch(`${app.base}/api/v1/auth/logout-all`, { method: 'POST', headers: { authorization: `Bearer ${token}` } })).status).to.equal(204)
    await w.page.click('.ol-zoom-in') // new tiles, now refused
    await w.page.waitForSelector('#login:not([hidden])', { timeout: 30_000 })
    expect(await w.page.textContent('#login-error')).to.equal(EXPIRED_MESSAGE)
    expect(await w.page.isHidden('#layers')).to.equal(true)
    expect(w.tiles.some((t) => t.status === 401)).to.equal(true)
    expect(w.external).to.deep.equal([])
    expect(w.problems.filter((p) => !/status of 401/.test(p))).to.deep.equal([])
  })
})
