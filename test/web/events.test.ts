// The events panel (事件面板) end to end: chromium signs in as the command centre, an event
// reported through the API appears through the live stream (no reload), its detail shows the
// facts, the server's allowed actions as buttons, and the history; firing 督办 from its button
// lands in the timeline; refused steps show the server's reason; another street never sees it.
import { expect } from 'chai'
import type { Browser, Page } from 'playwright-core'
import type { AppContext } from '../../server/context.ts'
import { actionTitles, statusTitles } from '../../server/events/workflow.ts'
import { roleTitles } from '../../server/auth/roles.ts'
import { ACTION_TITLES, ROLE_TITLES } from '../../web-map/src/client/eventsApi.ts'
import { SseParser, type SseMessage } from '../../web-map/src/client/sse.ts'
import { streamHubOf } from '../../server/stream/routes.ts'
import { pointIn, uniq } from '../events/helpers.ts'
import { waitForMap, type RunningApp, type WatchedPage } from './browser.ts'
import { bearer, browserSuite, callApi, signedIn } from '../support/browserSuite.ts'

describe('events panel: SSE frames', () => {
  const parse = (...chunks: string[]) => {
    const out: SseMessage[] = []
    const p = new SseParser((m) => out.push(m))
    for (const c of chunks) p.push(c)
    return { out, retry: p.retry }
  }

  it('reads frames split anywhere, with LF, CRLF or CR line ends, skipping comments', () => {
    const text = 'retry: 5000\n: connected as command\n\nid: 1\nevent: event\ndata: {"event":"E1"}\n\n: ping\n\nid: 2\r\nevent: event\r\ndata: a\r\ndata: b\r\n\r\ndata:c\r\r\n'
    const whole = parse(text)
    expect(whole.out).to.deep.equal([
      { event: 'event', data: '{"event":"E1"}', id: '1' },
      { event: 'event', data: 'a\nb', id: '2' },
      { event: 'message', data: 'c', id: '2' },
    ])
    expect(whole.retry).to.equal(5000)
    // byte-by-byte delivery (a CRLF split between chunks included) gives the same frames
    expect(parse(...text.split('')).out).to.deep.equal(whole.out)
  })

  it('keeps an unfinished frame until its blank line arrives', () => {
    expect(parse('event: event\ndata: x\n').out).to.deep.equal([])
    expect(parse('event: event\ndata: x\n', '\n').out).to.deep.equal([{ event: 'event', data: 'x', id: '' }])
  })

  it('the page names actions and roles as the server does', () => {
    expect(ACTION_TITLES).to.deep.equal(actionTitles)
    expect(ROLE_TITLES).to.deep.equal(roleTitles)
  })
})

describe('events panel in a browser (事件面板)', function () {
  this.timeout(180_000)
  let ctx: AppContext
  let app: RunningApp
  let browser: Browser
  let watched: WatchedPage | undefined
  let commandAuth: Record<string, string>
  let number: string

  /** A Bearer header for a demo user, over real HTTP. */
  const login = (username: string): Promise<Record<string, string>> => bearer(app.base, username)

  const api = (method: string, path: string, body?: unknown) => callApi(app.base, commandAuth, method, path, body)

  browserSuite({
    ready: async (s) => {
      ({ ctx, app, browser } = s)
      commandAuth = await login('command')
    },
  })

  afterEach(async () => {
    await watched?.close()
    watched = undefined
  })

  async function open(username: string): Promise<Page> {
    watched = await signedIn(browser, app.base, username)
    // the first list is in and the live stream is open
    await watched.page.waitForSelector('#events[data-loaded]:not([hidden]) #events-live[data-stream="open"]', { timeout: 60_000 })
    return watched.page
  }

  it('shows a new report through the live stream, opens it, fires 督办 from its button and shows it in the history', async () => {
    const page = await open('command')
    await waitForMap(page)
    // after a change the page reloads the events tiles (the server has dropped its cached ones)
    const tilesReloaded = page.waitForResponse((r) => r.url().includes('/tiles/events/') && r.status() === 200, { timeout: 30_000 })
    const rowsBefore = await page.locator('#events-list li[data-number]').count()

    const p = await pointIn(ctx.knex, '990102001003', 7)
    const description = uniq('事件面板测试：井盖缺失')
    const report = await api('POST', '/api/v1/events', {
      channel: 'superior', demandType: '投诉举报', classCode: '0102', description, location: { x: p.lon, y: p.lat, crs: 'EPSG:4490' },
    })
    expect(report.status, JSON.stringify(report.json)).to.equal(201)
    const event = report.json.event as { number: string; status: string; light: string; class: { name: string } }
    number = event.number

    // no reload: the row arrives because the stream said so
    const row = page.locator(`#events-list li[data-number="${number}"]`)
    await row.waitFor({ timeout: 30_000 })
    expect(await page.locator('#events-list li[data-number]').first().getAttribute('data-number'), 'newest first').to.equal(number)
    expect(await page.locator('#events-list li[data-number]').count()).to.be.at.least(Math.min(rowsBefore + 1, 50))
    const rowText = (await row.textContent())!
    expect(rowText).to.include(number).and.include(event.class.name).and.include(statusTitles.dispatched)
    expect(rowText).to.match(/剩余 \d/)
    expect(await row.getAttribute('data-light')).to.equal(event.light)
    await tilesReloaded
    expect(await row.locator('.dot').getAttribute('class')).to.equal(`dot ${event.light}`)

    // the light chips filter the list and count the lights
    const chip = page.locator(`#events-chips button[data-light="${event.light}"]`)
    expect(Number(await chip.locator('.count').textContent())).to.be.at.least(1)
    await chip.click()
    expect(await chip.getAttribute('aria-pressed')).to.equal('false')
    expect(await row.count(), 'filtered out').to.equal(0)
    await chip.click()
    await row.waitFor()

    // the detail: facts, the server's allowed actions with their Chinese titles, the history
    await row.locator('button').click()
    const detail = page.locator(`#event-detail[data-number="${number}"][data-state="ready"]`)
    await detail.waitFor()
    expect(await page.isHidden('#events-list')).to.equal(true)
    expect(await detail.locator('tr.fact-description td').textContent()).to.equal(description)
    expect(await detail.locator('tr.fact-grid td').textContent()).to.equal(p.grid)
    const dept = await ctx.knex('department').where({ code: 'CGJ-990102' }).first('name')
    expect(await detail.locator('tr.fact-assignee td').textContent()).to.include(dept.name)
    expect(await detail.locator('tr.fact-handle-due td').textContent()).to.match(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/)
    const read = await api('GET', `/api/v1/events/${number}`)
    const allowed = read.json.allowed as (keyof typeof actionTitles)[]
    expect(allowed).to.include('supervise')
    const buttons = detail.locator('.actions button[data-action]')
    expect(await buttons.evaluateAll((bs) => bs.map((b) => b.getAttribute('data-action')))).to.deep.equal(allowed)
    expect(await buttons.allTextContents()).to.deep.equal(allowed.map((a) => actionTitles[a]))
    expect(await detail.locator('.timeline li').evaluateAll((ls) => ls.map((l) => l.getAttribute('data-action'))))
      .to.deep.equal(['report', 'accept', 'dispatch'])
    expect(await detail.locator('.timeline li[data-action="report"]').textContent()).to.include('上报').and.include(roleTitles.command_center)

    // the map is centred on the event and it is selected there
    await page.waitForSelector(`#map[data-selected="${number}"]`, { state: 'attached' })
    expect(await page.evaluate('location.hash')).to.equal(`#event=${number}`)

    // 督办 from its button, with a comment
    await detail.locator('button[data-action="supervise"]').click()
    const comment = uniq('请尽快处置，今日内反馈')
    await page.fill('#event-detail form.action-form[data-action="supervise"] textarea[name="comment"]', comment)
    await page.click('#event-detail form.action-form button[type="submit"]')
    const entry = page.locator(`#event-detail[data-number="${number}"] .timeline li[data-action="supervise"]`)
    await entry.waitFor({ timeout: 30_000 })
    expect(await entry.textContent()).to.include(actionTitles.supervise).and.include(comment)
    expect(await page.textContent('#event-detail .notice')).to.equal('已督办')
    // … and the server has it
    const history = await api('GET', `/api/v1/events/${number}/history`)
    expect((history.json.items as { action: string; comment: string }[]).some((h) => h.action === 'supervise' && h.comment === comment)).to.equal(true)

    // a refused step shows the server's reason: a unit that does not exist
    await detail.locator('button[data-action="reassign"]').click()
    const form = page.locator('#event-detail form.action-form[data-action="reassign"]')
    await form.locator('input[name="departmentCode"]').fill('NOSUCH-UNIT')
    await form.locator('button[type="submit"]').click()
    await page.waitForSelector('#event-detail form.action-form[data-state="error"] .error:not(:empty)')
    const refused = (await form.locator('.error').textContent())!
    expect(refused).to.equal('本市没有单位 NOSUCH-UNIT')

    // … and a stale view: someone else reassigned meanwhile, so the version shown is refused (409)
    const other = await api('POST', `/api/v1/events/${number}/transitions`, { action: 'reassign', departmentCode: 'CGJ-990102', comment: '他人改派' })
    expect(other.status, JSON.stringify(other.json)).to.equal(200)
    await form.locator('input[name="departmentCode"]').fill('CGJ-990102')
    await form.locator('button[type="submit"]').click()
    await page.waitForSelector('#event-detail form.action-form[data-state="error"] .error:has-text("已被他人更新")')
    expect(await form.locator('.error').textContent()).to.match(/^事件 E\d+ 已被他人更新（当前第 \d+ 版），请刷新后重试$/)

    // back to the list
    await page.click('#event-detail button.back')
    await row.waitFor()

    expect(watched!.external, 'requests that tried to leave 127.0.0.1').to.deep.equal([])
    // the two refusals above are the only failed requests the browser reports
    expect(watched!.problems.filter((p) => !/status of (409|422)/.test(p)), 'console errors').to.deep.equal([])
  })

  it('opens an event from its point on the map', async () => {
    const page = await open('command')
    await page.waitForSelector('#map[data-map-state="ready"]', { timeout: 90_000 })
    const row = page.locator(`#events-list li[data-number="${number}"]`)
    await row.locator('button').click()
    await page.waitForSelector(`#event-detail[data-number="${number}"][data-state="ready"]`)
    // the map was centred on the event: once the view has settled and drawn, a click in its
    // middle hits the event point
    await page.waitForSelector(`#map[data-located="${number}"]`, { state: 'attached', timeout: 60_000 })
    await page.click('#event-detail button.back')
    await page.waitForSelector('#events-list:not([hidden])')
    const box = (await page.locator('#map').boundingBox())!
    await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2)
    await page.waitForSelector('#info:not([hidden]) .where')
    await page.waitForSelector(`#event-detail[data-number="${number}"][data-state="ready"]`)
    expect(await page.textContent('#info section[data-layer="events"]')).to.include(number)

    // the server drops every stream (a restart): the page reconnects and catches up on what it missed
    await streamHubOf(ctx).close()
    const p = await pointIn(ctx.knex, '990102001004', 7)
    const report = await api('POST', '/api/v1/events', {
      channel: 'superior', demandType: '投诉举报', classCode: '0102', description: uniq('断线期间上报'), location: { x: p.lon, y: p.lat, crs: 'EPSG:4490' },
    })
    expect(report.status).to.equal(201)
    await page.click('#event-detail button.back')
    await page.locator(`#events-list li[data-number="${(report.json.event as { number: string }).number}"]`).waitFor({ timeout: 30_000 })
    await page.waitForSelector('#events-live[data-stream="open"]')
    expect(streamHubOf(ctx).size, 'the page is subscribed again').to.be.at.least(1)
    expect(watched!.problems, 'console errors').to.deep.equal([])
  })

  it('a street officer of another street never sees it, and the stream only carries their area', async () => {
    expect(number, 'the first test reported an event').to.be.a('string')
    const page = await open('street2')
    const hub = streamHubOf(ctx)
    expect(hub.size).to.be.at.least(1)
    const numbers = await page.locator('#events-list li[data-number]').evaluateAll((ls) => ls.map((l) => l.getAttribute('data-number')))
    expect(numbers).to.not.include(number)
    // each row the street officer sees lies in street 990102002
    if (numbers.length) {
      const rows = await ctx.knex('event').whereIn('number', numbers as string[]).select('street_code')
      expect([...new Set(rows.map((r: { street_code: string }) => r.street_code))]).to.deep.equal(['990102002000'])
    }
    // changes of the other street's event are not listed; a report in street2's own area arrives live
    const loaded = await page.getAttribute('#events', 'data-loaded')
    const supervise = await api('POST', `/api/v1/events/${number}/transitions`, { action: 'supervise', comment: '街道二不可见' })
    expect(supervise.status, JSON.stringify(supervise.json)).to.equal(200)
    const p = await pointIn(ctx.knex, '990102002001', 7)
    const own = await api('POST', '/api/v1/events', {
      channel: 'superior', demandType: '投诉举报', classCode: '0102', description: uniq('街道二事件'), location: { x: p.lon, y: p.lat, crs: 'EPSG:4490' },
    })
    expect(own.status).to.equal(201)
    const ownNumber = (own.json.event as { number: string }).number
    await page.locator(`#events-list li[data-number="${ownNumber}"]`).waitFor({ timeout: 30_000 })
    expect(Number(await page.getAttribute('#events', 'data-loaded'))).to.be.greaterThan(Number(loaded))
    expect(await page.locator(`#events-list li[data-number="${number}"]`).count()).to.equal(0)

    // nor can it be opened by a link to its number: the server's 404, in words
    await page.evaluate(`location.hash = ${JSON.stringify(`#event=${number}`)}`)
    await page.waitForSelector('#event-detail[data-state="error"]')
    expect(await page.textContent('#event-detail .error')).to.equal(`辖区内没有事件 ${number}`)

    // signing out closes the stream and empties and hides the panel (street2 signs out here, not
    // the command user: a logout revokes every token of the user, this test's API token too)
    await page.click('#logout')
    await page.waitForSelector('#events[hidden] #events-live[data-stream="closed"]', { state: 'attached' })
    expect(await page.locator('#events-list li').count()).to.equal(0)
    expect(await page.isHidden('#event-detail')).to.equal(true)
    expect(watched!.problems.filter((p) => !/status of 404/.test(p)), 'console errors').to.deep.equal([])
  })
})
