// The analysis layers on the web map (Debian chromium): 热力图 and 热点分析 are listed under
// 分析图层, off by default (no tiles fetched), and switching one on fetches its tiles, draws
// hexagons in its colours and shows its legend.
import { expect } from 'chai'
import type { Browser, Page } from 'playwright-core'
import type { Knex } from 'knex'
import type { AppContext } from '../../server/context.ts'
import { DEMO_PASSWORD } from '../../fixtures/users.ts'
import { buildIfStale } from '../../web-map/build.ts'
import { getTestContext } from '../support/db.ts'
import { insertEvents, placeEvents } from '../analytics/heatmapSupport.ts'
import { CHROMIUM, chromiumMissing, launchBrowser, openWatchedPage, signIn, startApp, waitForMap, type RunningApp, type WatchedPage } from '../web/browser.ts'

/** Map pixels close to one of the given colours ('#rrggbb'), over every OpenLayers canvas. */
function pixelsNear(page: Page, colours: string[]): Promise<number> {
  return page.evaluate(`(() => {
    const want = ${JSON.stringify(colours)}.map((h) => [parseInt(h.slice(1, 3), 16), parseInt(h.slice(3, 5), 16), parseInt(h.slice(5, 7), 16)])
    let n = 0
    for (const c of document.querySelectorAll('#map canvas')) {
      if (!c.width || !c.height) continue
      const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data
      for (let i = 0; i < d.length; i += 4) {
        if (d[i + 3] < 100) continue
        if (want.some(([r, g, b]) => Math.abs(d[i] - r) + Math.abs(d[i + 1] - g) + Math.abs(d[i + 2] - b) < 60)) n++
      }
    }
    return n
  })()`)
}

describe('analysis layers on the web map (Debian chromium)', function () {
  this.timeout(180_000)
  let ctx: AppContext
  let app: RunningApp
  let browser: Browser
  let knex: Knex
  let w: WatchedPage | undefined

  before(async function () {
    if (chromiumMissing) {
      console.warn(`      skipped: ${CHROMIUM} is missing (apt-get install chromium, or set CHROMIUM_PATH): browser tests not run`)
      this.skip()
    }
    this.timeout(900_000)
    await buildIfStale()
    ctx = await getTestContext()
    knex = ctx.knex
    // a cluster of reports in one community over the last days: a hot spot against the empty rest
    const now = Date.now()
    const events = (await placeEvents(knex, { community: '990102001001', at: new Date(now - 3 * 86_400_000) }, 300, 31))
    const spread = await placeEvents(knex, { community: '990102002001', at: new Date(now - 5 * 86_400_000) }, 20, 32)
    await insertEvents(knex, [...events, ...spread])
    app = await startApp(ctx)
    browser = await launchBrowser()
  })

  after(async () => {
    await w?.close()
    await browser?.close()
    await app?.close()
    await knex?.raw("DELETE FROM event WHERE description = 'analytics test' AND created_at > now() - interval '40 days'")
  })

  it('lists 热力图 and 热点分析 off, then draws each with its legend when switched on', async () => {
    w = await openWatchedPage(browser)
    const page = w.page
    await page.goto(`${app.base}/`)
    await signIn(page, 'command', DEMO_PASSWORD)
    await waitForMap(page)
    const list = await page.locator('#layer-list').innerText()
    expect(list).to.contain('分析图层').and.to.contain('热力图').and.to.contain('热点分析')
    for (const id of ['heatmap', 'hotspots']) expect(await page.locator(`#layer-list input[value="${id}"]`).isChecked(), id).to.equal(false)
    expect(w.tiles.filter((t) => t.layer === 'heatmap' || t.layer === 'hotspots'), 'no analysis tiles while off').to.deep.equal([])
    for (const id of ['heatmap', 'hotspots']) expect(await page.locator(`#layer-list li:has(input[value="${id}"]) .legend`).isVisible(), `${id} legend`).to.equal(false)

    const ramp = ['#8c2981', '#de4968', '#fe9f6d', '#fcd25b', '#fcfdbf']
    const before = await pixelsNear(page, ramp)
    await page.locator('#layer-list input[value="heatmap"]').click()
    await waitForTiles(w, 'heatmap')
    expect(await page.locator('#layer-list li:has(input[value="heatmap"]) .legend').innerText()).to.contain('事件数')
    expect(await pixelsNear(page, ramp) - before, 'heat ramp pixels').to.be.greaterThan(200)

    await page.locator('#layer-list input[value="heatmap"]').click()
    await page.waitForTimeout(1000)
    const reds = ['#d62f27', '#ed7551']
    const noHotspots = await pixelsNear(page, reds)
    await page.locator('#layer-list input[value="hotspots"]').click()
    await waitForTiles(w, 'hotspots')
    expect(await page.locator('#layer-list li:has(input[value="hotspots"]) .legend').innerText()).to.contain('热点 99% 置信')
    expect(await pixelsNear(page, reds) - noHotspots, 'hot spot red pixels').to.be.greaterThan(100)

    // the time and class filter: the last 30 days by default; a big class and a year then ask
    // both layers' tiles for exactly that window and class
    const first = w.tiles.find((t) => t.layer === 'hotspots')!
    expect(new URL(first.url).searchParams.get('from')).to.match(/^\d{4}-\d{2}-\d{2}$/)
    expect(new URL(first.url).searchParams.has('class')).to.equal(false)
    await page.locator('.analysis-class option[value="01"]').waitFor({ state: 'attached' })
    const seen = w.tiles.length
    await page.selectOption('.analysis-class', '01')
    await page.selectOption('.analysis-window', '365')
    await waitForTiles(w, 'hotspots')
    // two changes, two reloads: the class's tiles of the old window may come first, so wait for the year's
    const yearAgo = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date(Date.now() - 365 * 86_400_000))
    const classYear = (t: { layer: string; url: string }) => t.layer === 'hotspots' && new URL(t.url).searchParams.get('class') === '01' &&
      new URL(t.url).searchParams.get('from') === yearAgo
    const deadline = Date.now() + 30_000
    while (!w.tiles.slice(seen).some(classYear) && Date.now() < deadline) await page.waitForTimeout(200)
    const filtered = w.tiles.slice(seen).filter((t) => t.layer === 'hotspots' && new URL(t.url).searchParams.get('class') === '01')
    expect(filtered.length, 'hot spot tiles of class 01').to.be.greaterThan(0)
    expect(filtered.some((t) => new URL(t.url).searchParams.get('from') === yearAgo), 'a year back').to.equal(true)
    expect(filtered.every((t) => t.status === 200 || t.status === 204)).to.equal(true)
    expect(w.external, 'requests to other hosts').to.deep.equal([])
    expect(w.problems, 'page errors').to.deep.equal([])
  })
})

async function waitForTiles(w: WatchedPage, layer: string): Promise<void> {
  const deadline = Date.now() + 30_000
  while (!w.tiles.some((t) => t.layer === layer && t.status === 200 && t.bytes > 0) && Date.now() < deadline) await w.page.waitForTimeout(200)
  expect(w.tiles.filter((t) => t.layer === layer && t.status !== 200 && t.status !== 204), `${layer} tiles failed`).to.deep.equal([])
  expect(w.tiles.some((t) => t.layer === layer && t.status === 200 && t.bytes > 0), `${layer} tiles with data`).to.equal(true)
  await w.page.waitForTimeout(1000) // the frame after the last tile
}
