// The command screen's wording and the fixes "found on today's page" (issue 12), in Chromium
// whose time zone is UTC: the city outline before sign-in, the header, Beijing time for event
// times and the status bar clock, the status bar's facts (area, time, stream) instead of tile
// figures, the history worded in Chinese from the server's codes (never broken mid-word), the
// legends, components out of the lights' colours and event points that stand out.
import { expect } from 'chai'
import type { Browser, Page } from 'playwright-core'
import type { AppContext } from '../../server/context.ts'
import { DEMO_PASSWORD } from '../../fixtures/users.ts'
import pino from 'pino'
import { getTestDatabase } from '../support/db.ts'
import { followChanges } from '../../tiles/changes.ts'
import { pointIn, uniq } from '../events/helpers.ts'
import { canvasCoverage, openWatchedPage, signIn, waitForMap, type RunningApp, type WatchedPage } from './browser.ts'
import { bearer, browserSuite } from '../support/browserSuite.ts'

/** Beijing time (UTC+8, no daylight saving) computed here, independently of the page's formatter. */
const beijing = (iso: string) => new Date(Date.parse(iso) + 8 * 3_600_000).toISOString().slice(0, 19).replace('T', ' ')

const rgb = (css: string) => (/rgba?\((\d+), (\d+), (\d+)/.exec(css) ?? []).slice(1).map(Number)
function hue([r, g, b]: number[]): { h: number; s: number } {
  const [R, G, B] = [r! / 255, g! / 255, b! / 255]
  const max = Math.max(R, G, B)
  const min = Math.min(R, G, B)
  const d = max - min
  if (!d) return { h: 0, s: 0 }
  const h = max === R ? ((G - B) / d) % 6 : max === G ? (B - R) / d + 2 : (R - G) / d + 4
  return { h: (h * 60 + 360) % 360, s: d / max }
}

/** Polls an expression in the page until it is true (the page's CSP forbids eval, so no waitForFunction with a string). */
async function until(page: Page, expression: string, timeoutMs = 30_000): Promise<void> {
  const end = Date.now() + timeoutMs
  while (!(await page.evaluate(expression))) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${expression.slice(0, 80)}`)
    await new Promise((r) => setTimeout(r, 250))
  }
}

describe('command screen wording and page fixes (城市云图 · 指挥调度)', function () {
  this.timeout(180_000)
  let ctx: AppContext
  let app: RunningApp
  let browser: Browser
  let watched: WatchedPage | undefined
  let auth: Record<string, string>
  let stopFollowing: (() => Promise<void>) | undefined

  browserSuite({
    ready: async (s) => {
      ({ ctx, app, browser } = s)
      // as the server's main does: writes drop the cached tiles they touch (a new event shows on a reloaded tile)
      stopFollowing = await followChanges((await getTestDatabase()).db.listen, pino({ level: 'silent' }))
      auth = await bearer(app.base, 'command')
    },
    closing: async () => {
      await stopFollowing?.()
    },
  })

  afterEach(async () => {
    await watched?.close()
    watched = undefined
  })

  /** A page in a browser whose time zone is UTC (a laptop or a server room's wall PC). */
  async function utcPage(): Promise<Page> {
    watched = await openWatchedPage(browser, { timezoneId: 'UTC' })
    return watched.page
  }

  it('before sign-in: the city outline and name on the map, the header names the screen', async () => {
    const page = await utcPage()
    const outline = page.waitForResponse((r) => r.url().endsWith('/api/v1/public/outline'))
    await page.goto(`${app.base}/`)
    const res = await outline
    expect(res.status()).to.equal(200)
    expect(res.headers()['cache-control']).to.match(/^public, max-age=\d+/)
    const areas = await ctx.knex('admin_division').whereIn('level', ['city', 'district']).count<{ n: string }[]>({ n: '*' })
    await page.waitForSelector(`#map[data-outline="${Number(areas[0]!.n)}"]`, { state: 'attached' })
    expect(await page.getAttribute('#map', 'data-map-state')).to.equal('login')
    await until(page, `(() => {
      const c = [...document.querySelectorAll('#map canvas')].find((c) => c.width > 0)
      if (!c) return false
      const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data
      let n = 0
      for (let i = 3; i < d.length; i += 4) if (d[i] > 16) n++
      return n > 2000
    })()`)
    const cover = await canvasCoverage(page)
    expect(cover.painted, 'the outline is drawn, not an empty canvas').to.be.greaterThan(0.002)

    expect(await page.title()).to.equal('城市云图 · 指挥调度')
    const header = (await page.textContent('header.topbar'))!.replace(/\s+/g, '')
    expect(header).to.include('城市云图·指挥调度')
    expect(header).not.to.include('图层浏览')
    expect(watched!.external).to.deep.equal([])
    expect(watched!.problems).to.deep.equal([])
  })

  it('in a UTC browser: event times and the clock in Beijing time, the status bar says area, time and stream', async () => {
    const p = await pointIn(ctx.knex, '990102002002', 4)
    const report = await fetch(`${app.base}/api/v1/events`, {
      method: 'POST', headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ channel: 'superior', demandType: '投诉举报', classCode: '0102', description: uniq('界面用语测试：人行道井盖破损'),
        location: { x: p.lon, y: p.lat, crs: 'EPSG:4490' } }),
    })
    expect(report.status).to.equal(201)
    const event = (await report.json() as { event: { number: string; createdAt: string; light: string; assignee: { department: { name: string } } } }).event

    const page = await utcPage()
    await page.goto(`${app.base}/`)
    expect(await page.evaluate('new Date(0).getTimezoneOffset()'), 'the browser runs in UTC').to.equal(0)
    await signIn(page, 'command', DEMO_PASSWORD)
    await page.waitForSelector('#events[data-loaded]:not([hidden]) #events-live[data-stream="open"]', { timeout: 60_000 })
    await waitForMap(page)

    // the status bar: the user's area by name, Beijing time, the stream's state; no tile figures
    const city = await ctx.knex('admin_division').where({ level: 'city' }).first('name')
    await page.waitForSelector(`#status .status-area:has-text("辖区：${city.name}")`)
    expect(await page.textContent('#status .status-stream')).to.equal('实时连接正常')
    const clock = (await page.textContent('#status .status-clock'))!
    const m = /^北京时间 (\d\d):(\d\d):(\d\d)$/.exec(clock)
    expect(m, clock).to.not.equal(null)
    const shown = Number(m![1]) * 60 + Number(m![2])
    const now = new Date(Date.now() + 8 * 3_600_000)
    const expected = now.getUTCHours() * 60 + now.getUTCMinutes()
    expect(Math.min(Math.abs(shown - expected), 1440 - Math.abs(shown - expected)), 'clock within 2 minutes of Beijing time').to.be.at.most(2)
    const statusText = (await page.textContent('footer.statusbar'))!
    expect(statusText).not.to.match(/瓦片|KB/)
    expect(Number(await page.getAttribute('#map', 'data-tiles-loaded'))).to.be.greaterThan(0)

    // the event's report time in Beijing time (the browser's own zone would be 8 hours earlier)
    const row = page.locator(`#events-list li[data-number="${event.number}"]`)
    await row.waitFor({ timeout: 30_000 })
    await row.locator('button').click()
    const detail = page.locator(`#event-detail[data-number="${event.number}"][data-state="ready"]`)
    await detail.waitFor()
    expect(await detail.locator('tr.fact-created td').textContent()).to.equal(beijing(event.createdAt))
    const times = await detail.locator('.timeline time').evaluateAll((ts) => ts.map((t) => [t.getAttribute('datetime'), t.textContent]))
    expect(times.length).to.equal(3)
    for (const [iso, text] of times) expect(text).to.equal(beijing(iso!))
    expect(watched!.external).to.deep.equal([])
    expect(watched!.problems).to.deep.equal([])
  })

  it('the history is worded in Chinese from the server\'s codes, never broken inside a word', async () => {
    const p = await pointIn(ctx.knex, '990102002002', 6)
    const report = await fetch(`${app.base}/api/v1/events`, {
      method: 'POST', headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ channel: 'superior', demandType: '投诉举报', classCode: '0102', description: uniq('界面用语测试：占道经营'),
        location: { x: p.lon, y: p.lat, crs: 'EPSG:4490' } }),
    })
    const event = (await report.json() as { event: { number: string; light: string; assignee: { department: { name: string } } } }).event
    const page = await utcPage()
    await page.goto(`${app.base}/#event=${event.number}`)
    await signIn(page, 'command', DEMO_PASSWORD)
    const detail = page.locator(`#event-detail[data-number="${event.number}"][data-state="ready"]`)
    await detail.waitFor({ timeout: 60_000 })
    const codes = await detail.locator('.timeline li').evaluateAll((ls) => ls.map((l) => l.getAttribute('data-code')))
    expect(codes).to.deep.equal(['report.channel', 'accept.auto', 'dispatch.rule'])
    expect(await detail.locator('li[data-code="accept.auto"] .note').textContent()).to.equal('上级交办渠道的事件按规定自动立案')
    const rule = (await detail.locator('li[data-code="dispatch.rule"] .note').textContent())!
    expect(rule).to.match(/^按派遣规则 \d+/).and.include('权属部门（属主）').and.include(event.assignee.department.name)
    // no English server string anywhere in the timeline (unit codes are upper case, numbers digits)
    const timeline = (await detail.locator('.timeline').textContent())!
    expect(timeline).not.to.match(/[a-z]{3,}/)
    expect(await detail.locator('.timeline li[data-code] .comment').count(), 'system comments replaced by the note').to.equal(0)

    // narrow the panel so lines wrap, then: every Latin word, code or number sits on one line
    await page.evaluate(`document.querySelector('.dock').style.width = '260px'`)
    const broken = await page.evaluate(`(() => {
      const out = []
      for (const node of document.querySelectorAll('#event-detail .timeline .note, #event-detail .timeline .comment, #event-detail td')) {
        const walker = document.createTreeWalker(node, NodeFilter.SHOW_TEXT)
        for (let t = walker.nextNode(); t; t = walker.nextNode()) {
          for (const m of t.textContent.matchAll(/[A-Za-z0-9_.:-]{2,}/g)) {
            const r = document.createRange()
            r.setStart(t, m.index)
            r.setEnd(t, m.index + m[0].length)
            const tops = new Set([...r.getClientRects()].filter((x) => x.width > 0).map((x) => Math.round(x.top)))
            if (tops.size > 1 && r.getBoundingClientRect().width < node.clientWidth) out.push(m[0])
          }
        }
      }
      return out
    })()`)
    expect(broken, 'words broken across lines').to.deep.equal([])
    expect(await page.evaluate(`getComputedStyle(document.querySelector('#event-detail .timeline .note')).wordBreak`)).to.equal('normal')
  })

  it('legends for events and components; components never in the lights\' colours; events stand out on the map', async () => {
    const page = await utcPage()
    await page.goto(`${app.base}/`)
    await signIn(page, 'command', DEMO_PASSWORD)
    await page.waitForSelector('#events[data-loaded]:not([hidden]) #events-live[data-stream="open"]', { timeout: 60_000 })
    await waitForMap(page)
    // reported after sign-in: the stream announces it and the page reloads the events tiles with it
    const p = await pointIn(ctx.knex, '990102002002', 8)
    const tilesReloaded = page.waitForResponse((r) => r.url().includes('/tiles/events/') && r.status() === 200, { timeout: 30_000 })
    const report = await fetch(`${app.base}/api/v1/events`, {
      method: 'POST', headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ channel: 'superior', demandType: '投诉举报', classCode: '0102', description: uniq('界面用语测试：路灯不亮'),
        location: { x: p.lon, y: p.lat, crs: 'EPSG:4490' } }),
    })
    const event = (await report.json() as { event: { number: string; light: string } }).event
    await page.locator(`#events-list li[data-number="${event.number}"]`).waitFor({ timeout: 30_000 })
    await tilesReloaded

    const chips = async (id: string) => page.evaluate(`[...document.querySelectorAll('#layer-list [data-legend="${id}"] .chip')]
      .map((c) => [c.parentElement.textContent, getComputedStyle(c).backgroundColor])`) as Promise<[string, string][]>
    const lights = await chips('events')
    expect(lights.map(([label]) => label!.slice(0, 2))).to.deep.equal(['红灯', '黄灯', '绿灯', '无灯'])
    const components = await chips('components')
    expect(components.map(([label]) => label)).to.deep.equal(['部件完好', '部件破损', '部件丢失'])
    for (const [label, colour] of components) {
      const c = rgb(colour!)
      for (const [, light] of lights.slice(0, 3)) {
        const l = rgb(light!)
        expect(Math.hypot(c[0]! - l[0]!, c[1]! - l[1]!, c[2]! - l[2]!), `${label} vs a light`).to.be.greaterThan(100)
      }
      // not red, orange, amber or green: blue to magenta, or grey
      const { h, s } = hue(c)
      expect(s < 0.3 || (h >= 190 && h <= 320), `${label} hue ${Math.round(h)}`).to.equal(true)
    }

    // the new event, centred: a disc of its light's colour of 7 px radius (a component is 4.5), with a white ring
    const row = page.locator(`#events-list li[data-number="${event.number}"]`)
    await row.waitFor({ timeout: 30_000 })
    await row.locator('button').click()
    await page.waitForSelector(`#map[data-located="${event.number}"]`, { state: 'attached', timeout: 30_000 })
    // back to the list: the map stays on the event, drawn as everyone sees it (no selection or dispatch marks)
    await page.click('#event-detail button.back')
    await page.waitForSelector('#map:not([data-selected])', { state: 'attached' })
    const colour = rgb((lights.find(([label]) => label!.startsWith({ red: '红', yellow: '黄', green: '绿' }[event.light]!)))![1]!)
    await until(page, `(() => {
      const HUE = ${hue(colour).h}
      let disc = 0, ring = 0
      for (const c of document.querySelectorAll('#map canvas')) {
        if (!c.width) continue
        const x0 = Math.round(c.width / 2) - 20, y0 = Math.round(c.height / 2) - 20
        const d = c.getContext('2d').getImageData(x0, y0, 40, 40).data
        for (let i = 0; i < d.length; i += 4) {
          if (d[i + 3] < 200) continue
          if (d[i] > 235 && d[i + 1] > 235 && d[i + 2] > 235) ring++
          // pixels of the light's hue
          const r = d[i], g = d[i + 1], b = d[i + 2], max = Math.max(r, g, b), min = Math.min(r, g, b)
          if (max < 60 || (max - min) / max < 0.4) continue
          const h = max === r ? (((g - b) / (max - min)) % 6 + 6) % 6 : max === g ? (b - r) / (max - min) + 2 : (r - g) / (max - min) + 4
          const dh = Math.abs(h * 60 - HUE)
          if (Math.min(dh, 360 - dh) < 25) disc++
        }
      }
      globalThis.eventPixels = [disc, ring]
      return disc >= 80 && ring >= 25
    })()`).catch(async (err: Error) => {
      throw new Error(`${err.message.slice(0, 40)}: disc and ring pixels ${String(await page.evaluate('globalThis.eventPixels'))}`)
    })
    expect(watched!.external).to.deep.equal([])
    expect(watched!.problems).to.deep.equal([])
  })
})
