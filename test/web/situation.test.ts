// The 态势 panel end to end: chromium signs in, opens the 态势 tab and reads the counts, lights and
// indicators, which must equal what the APIs answer for the same area (a few events are reported
// first so the numbers are not all 0); clicking units drills city → district → street →
// community → grid (the breadcrumb, the numbers and the map follow), the breadcrumb goes back
// up, the charts are drawn as SVG, a report streamed in moves the counts without a click, a
// street officer starts at the street, and the page asks nothing from outside the server.
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { expect } from 'chai'
import type { Browser, Page } from 'playwright-core'
import type { AppContext } from '../../server/context.ts'
import { DEMO_PASSWORD } from '../../fixtures/users.ts'
import { addDays as serverAddDays, civilDay, periodLabel, periodStart, isoDate } from '../../server/analytics/periods.ts'
import { addDays, isoWeek, RATE_TITLES, shanghaiToday, weekStart } from '../../web-map/src/panels/situation/situationApi.ts'
import { pointIn, uniq } from '../events/helpers.ts'
import { openWatchedPage, signIn, waitForMap, type RunningApp, type WatchedPage } from './browser.ts'
import { bearer, browserSuite } from '../support/browserSuite.ts'

describe('situation panel: Shanghai calendar', () => {
  it('names days and ISO weeks as the server does, whatever the instant', () => {
    // every 7 hours over three years (year ends, week 53 of 2026, the Shanghai day turning at 16:00 UTC)
    for (let t = Date.UTC(2025, 11, 1); t < Date.UTC(2028, 0, 15); t += 7 * 3_600_000) {
      const day = civilDay(new Date(t))
      expect(shanghaiToday(t)).to.equal(isoDate(day))
      expect(isoWeek(shanghaiToday(t))).to.equal(periodLabel('week', periodStart('week', day)))
      expect(weekStart(shanghaiToday(t))).to.equal(isoDate(periodStart('week', day)))
      expect(addDays(shanghaiToday(t), -29)).to.equal(isoDate(serverAddDays(day, -29)))
    }
  })
})

const screenshot = fileURLToPath(new URL('../../docs/screenshots/situation.png', import.meta.url))

type Json = Record<string, unknown>
interface Rate { numerator: number; denominator: number; rate: number | null }

describe('situation panel in a browser (态势)', function () {
  this.timeout(240_000)
  let ctx: AppContext
  let app: RunningApp
  let browser: Browser
  let watched: WatchedPage | undefined
  const auth: Record<string, Record<string, string>> = {}
  const seeded: string[] = []
  let grid = ''

  const login = (username: string): Promise<Record<string, string>> => bearer(app.base, username)

  async function api(path: string, user = 'command', init: RequestInit = {}): Promise<Json> {
    const res = await fetch(`${app.base}${path}`, { ...init, headers: { ...auth[user], ...(init.body ? { 'content-type': 'application/json' } : {}) } })
    const body = await res.json() as Json
    expect(res.status, `${path}: ${JSON.stringify(body)}`).to.be.oneOf([200, 201])
    return body
  }

  async function report(community: string, nth: number): Promise<{ number: string; grid: string }> {
    const p = await pointIn(ctx.knex, community, nth)
    const body = await api('/api/v1/events', 'command', {
      method: 'POST',
      body: JSON.stringify({ channel: 'superior', demandType: '投诉举报', classCode: '0102', description: uniq('态势测试：暴露垃圾'), location: { x: p.lon, y: p.lat, crs: 'EPSG:4490' } }),
    })
    return { number: (body.event as { number: string }).number, grid: p.grid }
  }

  browserSuite({
    ready: async (s) => {
      ({ ctx, app, browser } = s)
      auth.command = await login('command')
      auth.street1 = await login('street1')
      // a few events today: two in one grid of 阳光社区, one elsewhere in the street, one in the other street
      const a = await report('990102001003', 3)
      const b = await report('990102001003', 3)
      const c = await report('990102001001', 0)
      const d = await report('990102002001', 0)
      grid = a.grid
      seeded.push(a.number, b.number, c.number, d.number)
    },
  })

  afterEach(async () => {
    await watched?.close()
    watched = undefined
  })

  async function openSituation(username: string): Promise<Page> {
    watched = await openWatchedPage(browser)
    const page = watched.page
    await page.goto(`${app.base}/`)
    await signIn(page, username, DEMO_PASSWORD)
    await waitForMap(page)
    await page.click('.dock-tab[data-tab="situation"]')
    await page.waitForSelector('.situation[data-state="ready"]', { timeout: 60_000 })
    return page
  }

  /** Polls from Node (the page's CSP refuses waitForFunction's string evaluation). */
  async function waitUntil(what: string, cond: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
    const end = Date.now() + timeoutMs
    while (!(await cond())) {
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
      await new Promise((r) => setTimeout(r, 250))
    }
  }

  const loadedCount = async (page: Page) => Number(await page.getAttribute('.situation', 'data-loaded'))
  const text = async (page: Page, selector: string) => ((await page.textContent(selector)) ?? '').trim()
  const percent = (r: Rate) => (r.rate === null ? '—' : `${(r.rate * 100).toFixed(1)}%`)

  /** What the APIs say of an admin area (or, for a grid, the events list): the panel's numbers. */
  async function expected(area: string, level: string, user: string): Promise<Json> {
    const day = shanghaiToday()
    const where = level === 'grid' ? `gridCode=${area}` : level === 'city' ? '' : `${level}Code=${area}`
    const count = async (q: string) => (await api(`/api/v1/events?${where}&${q}&count=true&limit=1`, user)).numberMatched
    const lights = { red: await count('light=red'), yellow: await count('light=yellow'), green: await count('light=green') }
    if (level === 'grid') {
      return { today: await count(`createdFrom=${day}`), week: await count(`createdFrom=${weekStart(day)}`), lights, rates: null }
    }
    const today = await api(`/api/v1/analytics/indicators?period=${day}&area=${area}`, user)
    const week = await api(`/api/v1/analytics/indicators?period=${isoWeek(day)}&area=${area}`, user)
    const rates = Object.fromEntries(RATE_TITLES.map(([name]) => {
      const r = (week.rates as Record<string, Rate>)[name]!
      return [name, [percent(r), `${r.numerator}/${r.denominator}`]]
    }))
    return { today: (today.counts as Json).total, week: (week.counts as Json).total, lights, rates }
  }

  async function shown(page: Page, level: string): Promise<Json> {
    const n = async (sel: string) => Number(await text(page, sel))
    const lights = { red: await n('.sit-light[data-light="red"] b'), yellow: await n('.sit-light[data-light="yellow"] b'), green: await n('.sit-light[data-light="green"] b') }
    let rates: Json | null = null
    if (level !== 'grid') {
      rates = {}
      for (const [name] of RATE_TITLES) rates[name] = [await text(page, `tr[data-rate="${name}"] td.value`), await text(page, `tr[data-rate="${name}"] td.fraction`)]
    }
    return { today: await n('[data-count="today"]'), week: await n('[data-count="week"]'), lights, rates }
  }

  /**
   * The panel's numbers equal the APIs'. Other tests may report events meanwhile (the database is
   * shared): a difference is given two more refreshes (switching the period reloads) before it fails.
   */
  async function expectSameAsApi(page: Page, area: string, level: string, user = 'command'): Promise<Json> {
    await page.waitForSelector(`.situation[data-state="ready"][data-area="${area}"][data-period="week"]`, { timeout: 60_000 })
    for (let attempt = 0; ; attempt++) {
      const want = await expected(area, level, user)
      const got = await shown(page, level)
      if (attempt === 2 || JSON.stringify(want) === JSON.stringify(got)) {
        expect(got, `panel at ${area}`).to.deep.equal(want)
        return got
      }
      for (const p of ['today', 'week']) {
        const loaded = await loadedCount(page)
        await page.click(`.sit-period button[data-period="${p}"]`)
        await waitUntil('a reload', async () => await loadedCount(page) > loaded && await page.getAttribute('.situation', 'data-state') === 'ready')
      }
    }
  }

  const crumbs = (page: Page) => page.locator('.situation .crumbs button').evaluateAll((bs) => bs.map((b) => b.getAttribute('data-code')))

  async function drill(page: Page, code: string): Promise<void> {
    await page.click(`.sit-units li[data-key="${code}"] button`)
    await page.waitForSelector(`.situation[data-state="ready"][data-area="${code}"]`, { timeout: 60_000 })
    // the map outlines the area and fits to it
    await page.waitForSelector(`#map[data-situation-area="${code}"]`, { state: 'attached', timeout: 30_000 })
  }

  it('shows the APIs’ numbers, drills down to a grid and back up, with the charts drawn and the map following', async () => {
    const page = await openSituation('command')
    const city = await expectSameAsApi(page, '990100000000', 'city')
    expect(city.today, 'the seeded events count today').to.be.at.least(4)
    expect(await crumbs(page)).to.deep.equal(['990100000000'])
    await page.waitForSelector('#map[data-situation-area="990100000000"]', { state: 'attached' })
    // the charts are drawn (SVG renderer), the trend with its 30 days
    for (const c of ['trend', 'classes', 'channels', 'units']) {
      expect(await page.locator(`.sit-chart.${c} svg`).count(), `${c} chart`).to.be.at.least(1)
    }
    expect(await page.locator('.sit-chart.trend svg path').count()).to.be.at.least(2)
    if (process.env.SCREENSHOT === '1') {
      await page.setViewportSize({ width: 1920, height: 1080 })
      await page.waitForTimeout(1000) // the charts follow the window; the map's fit animation
      fs.mkdirSync(path.dirname(screenshot), { recursive: true })
      await page.screenshot({ path: screenshot })
    }
    // the units list is the API's ranking one level down (districts)
    const ind = await api(`/api/v1/analytics/indicators?period=${isoWeek(shanghaiToday())}&area=990100000000&unit=district`)
    const top = (ind.units as { key: string; counts: { total: number } }[])[0]!
    expect(await page.getAttribute('.sit-units li:first-child', 'data-key')).to.equal(top.key)
    expect(Number(await text(page, '.sit-units li:first-child b'))).to.equal(top.counts.total)

    await drill(page, '990102000000')
    const district = await expectSameAsApi(page, '990102000000', 'district')
    expect(await crumbs(page)).to.deep.equal(['990100000000', '990102000000'])
    await drill(page, '990102001000')
    const street = await expectSameAsApi(page, '990102001000', 'street')
    expect(street.week as number).to.be.at.most(district.week as number)
    await drill(page, '990102001003')
    await expectSameAsApi(page, '990102001003', 'community')
    // a community's units are its grids, counted from its events of the week
    const gridRow = page.locator(`.sit-units li[data-key="${grid}"] b`)
    const gridWeek = (await api(`/api/v1/events?gridCode=${grid}&createdFrom=${weekStart(shanghaiToday())}&count=true&limit=1`)).numberMatched
    expect(Number(await gridRow.textContent())).to.equal(gridWeek)
    await drill(page, grid)
    const atGrid = await expectSameAsApi(page, grid, 'grid')
    expect(atGrid.today).to.be.at.least(2)
    expect(await crumbs(page)).to.deep.equal(['990100000000', '990102000000', '990102001000', '990102001003', grid])
    // at a grid: no indicators (say so), the grid's events listed
    expect(await page.isHidden('.sit-rates')).to.equal(true)
    expect(await text(page, '.situation .note')).to.include('按网格编码筛选事件')
    const listed = await page.locator('.sit-events li[data-number]').evaluateAll((ls) => ls.map((l) => l.getAttribute('data-number')))
    expect(listed).to.include.members(seeded.slice(0, 2))
    expect(listed).not.to.include(seeded[2])

    // back up to the street by the breadcrumb: its numbers again, the crumbs below it gone
    await page.click('.situation .crumbs button[data-code="990102001000"]')
    await expectSameAsApi(page, '990102001000', 'street')
    expect(await crumbs(page)).to.deep.equal(['990100000000', '990102000000', '990102001000'])
    await page.waitForSelector('#map[data-situation-area="990102001000"]', { state: 'attached' })
    await page.click('.situation .crumbs button[data-code="990100000000"]')
    await expectSameAsApi(page, '990100000000', 'city')

    expect(watched!.external, 'requests outside the server').to.deep.equal([])
    expect(watched!.problems).to.deep.equal([])
  })

  it('follows the stream: a new report moves today’s count without a click', async () => {
    const page = await openSituation('command')
    await page.waitForSelector('#events-live[data-stream="open"]', { state: 'attached' })
    const before = Number(await text(page, '[data-count="today"]'))
    await report('990102001002', 1)
    const want = (await api(`/api/v1/analytics/indicators?period=${shanghaiToday()}&area=990100000000`)).counts as { total: number }
    expect(want.total).to.be.greaterThan(before)
    await waitUntil('today’s count to move', async () => Number(await text(page, '[data-count="today"]')) >= want.total)
    expect(watched!.external).to.deep.equal([])
  })

  it('starts a street officer at the street, with the street’s numbers', async () => {
    const page = await openSituation('street1')
    await expectSameAsApi(page, '990102001000', 'street', 'street1')
    expect(await crumbs(page)).to.deep.equal(['990102001000'])
    // the units are the street's communities
    const keys = await page.locator('.sit-units li[data-key]').evaluateAll((ls) => ls.map((l) => l.getAttribute('data-key')))
    expect(keys.length).to.be.at.least(1)
    for (const k of keys) expect(k).to.match(/^990102001\d{3}$/)

    // a click on the map drills into the community under it (the one the geocoder names there)
    await page.waitForSelector('#map[data-situation-area="990102001000"]', { state: 'attached', timeout: 30_000 })
    await page.waitForTimeout(800) // the fit's 400 ms animation
    const box = (await page.locator('#map').boundingBox())!
    const at = { x: box.x + (box.width - 420) / 2, y: box.y + box.height / 2 }
    await page.mouse.move(at.x, at.y)
    const m = /经度 ([\d.]+) 纬度 ([\d.]+)/.exec(await text(page, '#mouse-position'))
    expect(m, 'the pointer position is shown').not.to.equal(null)
    const chain = await api('/api/v1/geocode', 'street1', { method: 'POST', body: JSON.stringify({ x: Number(m![1]), y: Number(m![2]), crs: 'EPSG:4326' }) })
    const community = (chain.community as { code: string }).code
    expect(community, 'the middle of the fitted street lies in it').to.match(/^990102001\d{3}$/)
    await page.mouse.click(at.x, at.y)
    await expectSameAsApi(page, community, 'community', 'street1')
    expect(await crumbs(page)).to.deep.equal(['990102001000', community])
    await page.waitForSelector(`#map[data-situation-area="${community}"]`, { state: 'attached', timeout: 30_000 })
    expect(watched!.external).to.deep.equal([])
    expect(watched!.problems).to.deep.equal([])
  })

  it('offers a role without analytics (a grid inspector) no 态势 tab, asking nothing it may not read', async () => {
    watched = await openWatchedPage(browser)
    const page = watched.page
    await page.goto(`${app.base}/`)
    await signIn(page, 'inspector', DEMO_PASSWORD)
    await waitForMap(page)
    // the role menus (ui/roles.ts) hide the tab: the server's capabilities for the role lack 'situation'
    expect(await page.isHidden('.dock-tab[data-tab="situation"]')).to.equal(true)
    expect(watched.problems, 'no 403 in the console').to.deep.equal([])
  })
})
