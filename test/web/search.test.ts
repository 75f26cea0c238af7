// The header's search box (搜索) end to end: chromium signs in as the command centre, types an
// event number and presses Enter: the event's detail opens and the map centres on it; types a
// standard address and chooses it with the keyboard: the map moves there. A street user's box
// never lists another street's event. Nothing is fetched from outside the server.
import { expect } from 'chai'
import type { Browser, Page } from 'playwright-core'
import type { AppContext } from '../../server/context.ts'
import { DEMO_PASSWORD } from '../../fixtures/users.ts'
import { pointIn, uniq } from '../events/helpers.ts'
import { openWatchedPage, signIn, waitForMap, type RunningApp, type WatchedPage } from './browser.ts'
import { bearer, browserSuite } from '../support/browserSuite.ts'

describe('search box in a browser (搜索)', function () {
  this.timeout(180_000)
  let ctx: AppContext
  let app: RunningApp
  let browser: Browser
  let watched: WatchedPage | undefined
  let number: string
  let otherStreet: string
  let point: { lon: number; lat: number }

  async function report(community: string, description: string): Promise<string> {
    const command = await bearer(app.base, 'command')
    const p = await pointIn(ctx.knex, community, 5)
    const res = await fetch(`${app.base}/api/v1/events`, {
      method: 'POST', headers: { ...command, 'content-type': 'application/json' },
      body: JSON.stringify({ channel: 'superior', demandType: '投诉举报', classCode: '0102', description, location: { x: p.lon, y: p.lat } }),
    })
    expect(res.status).to.equal(201)
    return (await res.json() as { event: { number: string } }).event.number
  }

  browserSuite({
    ready: async (s) => {
      ({ ctx, app, browser } = s)
      number = await report('990102001002', uniq('搜索框测试：井盖缺失'))
      otherStreet = await report('990102002002', uniq('搜索框测试：路灯不亮'))
      point = await pointIn(ctx.knex, '990102001002', 5)
    },
  })

  afterEach(async () => {
    if (watched) expect(watched.external, 'nothing fetched from outside').to.deep.equal([])
    await watched?.close()
    watched = undefined
  })

  async function open(username: string): Promise<Page> {
    watched = await openWatchedPage(browser)
    await watched.page.goto(`${app.base}/`)
    expect(await watched.page.isVisible('#search input'), 'no search before sign-in').to.equal(false)
    await signIn(watched.page, username, DEMO_PASSWORD)
    await waitForMap(watched.page)
    return watched.page
  }

  const centre = async (page: Page, located: string) => {
    await page.waitForSelector(`#map[data-search-located="${located}"]`, { state: 'attached', timeout: 30_000 })
    const [lon, lat] = (await page.getAttribute('#map', 'data-search-center'))!.split(',').map(Number)
    return { lon: lon!, lat: lat! }
  }

  it('finds an event by its number: Enter opens its detail and centres the map on it', async () => {
    const page = await open('command')
    // typed and Enter at once: the box searches the text before choosing
    await page.fill('#search input', number)
    await page.press('#search input', 'Enter')
    await page.locator(`#event-detail[data-number="${number}"][data-state="ready"]`).waitFor({ timeout: 30_000 })
    const c = await centre(page, `event:${number}`)
    expect(c.lon).to.be.closeTo(point.lon, 1e-5)
    expect(c.lat).to.be.closeTo(point.lat, 1e-5)
    await page.waitForSelector(`#map[data-selected="${number}"]`, { state: 'attached' })
    expect(await page.isHidden('#search-list')).to.equal(true)
  })

  it('lists grouped hits as one types; ↓ and Enter choose an address and the map moves there; Esc closes', async () => {
    const page = await open('command')
    const { rows } = await ctx.knex.raw(`SELECT full_address, ST_X(geom) AS lon, ST_Y(geom) AS lat, id::text AS id FROM std_address
      WHERE level = 50 AND community_code LIKE '990102001%' ORDER BY id OFFSET 7 LIMIT 1`)
    const a = rows[0]
    await page.locator('#search input').pressSequentially(a.full_address, { delay: 10 })
    const first = page.locator('#search-list [role="option"]').first()
    await first.waitFor({ timeout: 30_000 })
    expect(await page.locator('#search-list .group').allTextContents()).to.include('标准地址')
    const option = page.locator(`#search-list [role="option"][data-kind="address"][data-id="${a.id}"]`)
    expect(await option.locator('.title').textContent()).to.equal(a.full_address)
    // Esc closes the list, ↓ opens it again and marks the first hit
    await page.press('#search input', 'Escape')
    expect(await page.isHidden('#search-list')).to.equal(true)
    const options = await page.locator('#search-list [role="option"]').evaluateAll((ls) => ls.map((l) => `${l.getAttribute('data-kind')}:${l.getAttribute('data-id')}`))
    const index = options.indexOf(`address:${a.id}`)
    for (let i = 0; i <= index; i++) await page.press('#search input', 'ArrowDown')
    expect(await option.getAttribute('aria-selected')).to.equal('true')
    await page.press('#search input', 'Enter')
    const c = await centre(page, `address:${a.id}`)
    expect(c.lon).to.be.closeTo(a.lon, 1e-5)
    expect(c.lat).to.be.closeTo(a.lat, 1e-5)
  })

  it('fits the map to a grid found by its code', async () => {
    const page = await open('command')
    const { rows: [g] } = await ctx.knex.raw(`SELECT code, ST_XMin(geom) AS x0, ST_YMin(geom) AS y0, ST_XMax(geom) AS x1, ST_YMax(geom) AS y1
      FROM grid WHERE kind = 'base' AND valid_to IS NULL AND community_code = '990102001003' ORDER BY code LIMIT 1`)
    await page.fill('#search input', g.code)
    await page.press('#search input', 'Enter')
    const c = await centre(page, `grid:${g.code}`)
    expect(c.lon).to.be.within(g.x0, g.x1)
    expect(c.lat).to.be.within(g.y0, g.y1)
  })

  it('never lists another street\'s event to a street user, and says when nothing is found', async () => {
    const page = await open('street1')
    await page.fill('#search input', otherStreet)
    await page.locator('#search-list .note').waitFor({ timeout: 30_000 })
    expect(await page.locator('#search-list .note').textContent()).to.contain('未找到')
    expect(await page.locator(`#search-list [data-id="${otherStreet}"]`).count()).to.equal(0)
    await page.fill('#search input', number)
    await page.locator(`#search-list [role="option"][data-id="${number}"]`).waitFor({ timeout: 30_000 })
    expect(watched!.problems).to.deep.equal([])
  })
})
