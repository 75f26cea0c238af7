// The staff's mobile app at /m/ on a phone (Debian chromium at 390×844, touch, zh-CN, located
// inside the demo inspector's community). Served with the page CSP, its manifest and service
// worker; the demo inspector reports an event with a photo while the network is cut, reloads
// the app offline (the service worker's shell; the outbox in IndexedDB), and when the network
// returns exactly one event with one photo exists; the same queue replayed again makes no second
// event nor a second photo; a step queued offline on an event that changed meanwhile is shown
// as a conflict and, retried, is applied once. A collection form filled offline is sent once (a
// replay and a refused answer double nothing); the map of my grids shows the inspector's grids
// and the phone inside the one PostGIS says; the department's end feeds back with a photo offline.
import crypto from 'node:crypto'
import fs from 'node:fs'
import { fileURLToPath } from 'node:url'
import { expect } from 'chai'
import sharp from 'sharp'
import type { Knex } from 'knex'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { PAGE_CSP } from '../../tiles/webmap.ts'
import { DEMO_PASSWORD } from '../../fixtures/users.ts'
import { browserSuite } from '../support/browserSuite.ts'
import { loginAs, testClient, type Client } from '../support/http.ts'
import { pointIn, uniq } from '../events/helpers.ts'
import type { RunningApp } from './browser.ts'
import { OUTBOX_COPY, outboxPut, type OutboxCopy } from './mobileOutbox.ts'

const PHONE = { width: 390, height: 844 }

describe('staff mobile app /m/ on a phone (Debian chromium)', function () {
  this.timeout(180_000)
  let app: RunningApp
  let browser: Browser
  let knex: Knex
  let client: Client
  let here: { lon: number; lat: number; grid: string }
  let context: BrowserContext
  let page: Page
  const external: string[] = []
  const problems: string[] = []
  const auth: Record<string, Record<string, string>> = {}
  let formId = 0
  let taskId = 0

  browserSuite({
    ready: async (s) => {
      ({ app, browser } = s)
      knex = s.ctx.knex
      client = await testClient(s.ctx)
      for (const u of ['command', 'inspector']) auth[u] = await loginAs(client, u)
      here = await pointIn(knex, '990102001001')
      // a collection task of the checked-in street lamp form (its own version: the shared database may hold the form) on the inspector's grids and the one the phone is in
      const xml = fs.readFileSync(new URL('../../fixtures/forms/street_lamp.xml', import.meta.url), 'utf8').replace('version="2026120401"', `version="m${Date.now()}"`)
      const form = await client.request({ method: 'POST', url: '/api/v1/forms', headers: { ...auth.command, 'content-type': 'application/xml' }, payload: xml })
      expect(form.statusCode, form.body).to.equal(201)
      formId = form.json().id
      const gridCodes = [...new Set([here.grid, ...(await inspectorGrids()).mine])]
      const task = await client.post('/api/v1/collection-tasks', { formId, title: uniq('手机路灯普查'), gridCodes, deadline: new Date(Date.now() + 86400_000).toISOString() }, auth.command)
      expect(task.statusCode, task.body).to.equal(201)
      taskId = task.json().id
      context = await browser.newContext({
        viewport: PHONE, deviceScaleFactor: 2, isMobile: true, hasTouch: true, locale: 'zh-CN', timezoneId: 'Asia/Shanghai',
        geolocation: { longitude: here.lon, latitude: here.lat, accuracy: 20 }, permissions: ['geolocation'],
      })
      page = await context.newPage()
      page.on('request', (r) => { if (!/^(http:\/\/127\.0\.0\.1[:/]|data:|blob:)/.test(r.url())) external.push(r.url()) })
      // refusals shown on purpose (the 409 of the conflict) and the offline failures are logged by chromium as failed resources
      page.on('console', (m) => { if (m.type() === 'error' && !/status of 4\d\d|ERR_INTERNET_DISCONNECTED/.test(m.text())) problems.push(m.text()) })
      page.on('pageerror', (e) => problems.push(`uncaught: ${e.message}`))
    },
    closing: async () => { await context?.close() },
    closed: async () => {
      await knex('collection_return').where({ form_id: formId }).delete()
      await knex('collection_task').where({ form_id: formId }).delete()
      await knex('collection_form').where({ id: formId }).delete()
    },
  })

  /** The inspector's current base grids and every current base grid of the community, from the tables. */
  const inspectorGrids = async () => {
    const mine = await knex('grid_assignment as a').join('grid_member as m', 'm.id', 'a.member_id').join('app_user as u', 'u.id', 'm.user_id')
      .join('grid as g', function () { this.on('g.code', 'a.grid_code').andOnNull('g.valid_to') })
      .where({ 'u.username': 'inspector', 'g.kind': 'base' }).whereNull('a.valid_to').distinct('g.code').orderBy('g.code')
    const all = await knex('grid').where({ kind: 'base', community_code: '990102001001' }).whereNull('valid_to').orderBy('code').pluck('code')
    return { mine: mine.map((r: { code: string }) => r.code), all: all as string[] }
  }

  afterEach(() => {
    expect(external, 'requests that left the machine').to.deep.equal([])
    expect(problems, 'console errors and uncaught exceptions').to.deep.equal([])
  })

  /** A phone-sized shot for the README (SCREENSHOT=1, or when missing). */
  const shot = async (name: string) => {
    const file = fileURLToPath(new URL(`../../docs/screenshots/mobile-${name}.png`, import.meta.url))
    if (!process.env.SCREENSHOT && fs.existsSync(file)) return
    await page.screenshot({ path: file })
  }

  const noSideScroll = async () => {
    const { scroll, inner } = await page.evaluate('({ scroll: document.documentElement.scrollWidth, inner: window.innerWidth })') as { scroll: number; inner: number }
    expect(scroll, `horizontal overflow at ${page.url()}`).to.be.at.most(inner)
  }

  it('is served at /m/ and its routes with the page CSP, with a manifest and a service worker', async () => {
    const shell = await client.get('/m/')
    expect(shell.statusCode).to.equal(200)
    expect(shell.headers['content-security-policy']).to.equal(PAGE_CSP)
    expect(shell.body).to.include('lang="zh-CN"').and.include('rel="manifest"')
    for (const url of ['/m/report', '/m/event/E202612030001', '/m/me']) expect((await client.get(url)).body, url).to.equal(shell.body)
    expect((await client.get('/m')).statusCode).to.equal(301)
    for (const url of ['/m/x.js', '/m/../package.json', '/mobile/index.html']) expect((await client.get(url)).statusCode, url).to.equal(404)
    const manifest = await client.get('/m/manifest.webmanifest')
    expect(manifest.headers['content-type']).to.match(/^application\/manifest\+json/)
    expect(manifest.json()).to.include({ start_url: '/m/', scope: '/m/', display: 'standalone', lang: 'zh-CN' })
    const sw = await client.get('/m/sw.js')
    expect(sw.headers['content-type']).to.match(/^text\/javascript/)
    expect(sw.body).to.include("addEventListener('fetch'")
    expect(sw.headers['content-security-policy'], 'the worker runs under the page CSP (connect-src self)').to.equal(PAGE_CSP)
  })

  it('keeps a report made offline across an offline reload and sends it once when the network returns; a replay doubles nothing', async () => {
    await page.goto(`${app.base}/m/`)
    await page.fill('input[name=username]', 'inspector')
    await page.fill('input[name=password]', DEMO_PASSWORD)
    await page.click('form[aria-label="登录"] button[type=submit]')
    await page.waitForSelector('.tasks')
    await noSideScroll()
    await shot('tasks')
    // the shell is cached once the worker is active; then the report tab reads the class list (cached for offline)
    await page.evaluate('navigator.serviceWorker.ready.then(() => true)')
    await page.click('.tabs a[data-tab="report"]')
    await page.waitForSelector('select[name=classCode] option[value="0102"]', { state: 'attached' })
    await page.waitForSelector('.where:has-text("已定位")')

    await context.setOffline(true)
    await page.reload()
    await page.waitForSelector('select[name=classCode] option[value="0102"]', { state: 'attached' })
    await page.waitForSelector('#net.off')
    const description = uniq('手机离线上报 人行道井盖缺失')
    await page.selectOption('select[name=classCode]', '0102')
    await page.fill('textarea[name=description]', description)
    const jpeg = await sharp({ create: { width: 64, height: 48, channels: 3, background: { r: 30, g: 140, b: 90 } } }).jpeg().toBuffer()
    await page.setInputFiles('input[name=photos]', { name: 'cover.jpg', mimeType: 'image/jpeg', buffer: jpeg })
    await page.click('form[aria-label="事件上报"] button[type=submit]')
    await page.locator('.msg', { hasText: '已保存，联网后自动发送' }).waitFor()
    await noSideScroll()
    const stash = await page.evaluate(OUTBOX_COPY) as OutboxCopy
    expect(stash.kind).to.equal('report')
    // a reload without a network: the app comes from the service worker, the report from IndexedDB
    await page.reload()
    await page.waitForSelector('#net[data-pending="1"]')
    const events = () => knex('event').where({ description }).select('id', 'number', 'channel', knex.raw('ST_X(geom) AS lon'), knex.raw('ST_Y(geom) AS lat'))
    expect(await events(), 'nothing reaches the server while offline').to.have.length(0)

    await context.setOffline(false)
    await page.waitForSelector('#net.on[data-pending="0"]', { timeout: 30_000 })
    const sent = await events()
    expect(sent).to.have.length(1)
    expect(sent[0]!.channel).to.equal('inspector_app')
    // the phone's position (WGS-84) stored as reported: within a metre of where the browser said it was
    expect(Math.abs(Number(sent[0]!.lon) - here.lon) * 111_000).to.be.below(1)
    expect(Math.abs(Number(sent[0]!.lat) - here.lat) * 111_000).to.be.below(1)
    const photos = () => knex('event_attachment').where({ event_id: sent[0]!.id }).select('sha256', 'stage')
    expect(await photos()).to.deep.equal([{ sha256: crypto.createHash('sha256').update(jpeg).digest('hex'), stage: 'intake' }])

    // the same queue sent again (a lost answer, a second tab): the item as it was queued, put back
    await context.setOffline(true)
    expect(await page.evaluate(outboxPut(stash)), 'items in the outbox').to.equal(1)
    await page.reload()
    await page.waitForSelector('#net[data-pending="1"]')
    await context.setOffline(false)
    await page.waitForSelector('#net.on[data-pending="0"]', { timeout: 30_000 })
    expect(await events(), 'a replayed report').to.have.length(1)
    expect(await photos(), 'a replayed photo').to.have.length(1)
  })

  it('shows a step queued offline on an event changed meanwhile as a conflict; retried, it is applied once', async () => {
    const res = await client.post('/api/v1/events', { channel: 'superior', demandType: '投诉举报', classCode: '0102', description: uniq('手机冲突 暴露垃圾'),
      location: { x: here.lon, y: here.lat } }, auth.command)
    expect(res.statusCode, res.body).to.equal(201)
    const number = res.json().event.number as string
    const me = Number((await knex('grid_member as m').join('app_user as u', 'u.id', 'm.user_id').where('u.username', 'inspector').first('m.id')).id)
    const reassign = async () => {
      const r = await client.post(`/api/v1/events/${number}/transitions`, { action: 'reassign', departmentCode: 'SQ-990102001001', memberId: me }, auth.command)
      expect(r.statusCode, r.body).to.equal(200)
    }
    await reassign()
    await page.goto(`${app.base}/m/event/${number}`)
    await page.waitForSelector('form.step[data-action="sign"]')
    await context.setOffline(true)
    await page.click('form.step[data-action="sign"] button[type=submit]')
    await page.locator('.msg', { hasText: '签收已保存' }).waitFor()
    await reassign() // the command centre changes the event while the phone is offline
    await context.setOffline(false)
    await page.waitForSelector('#net[data-conflicts="1"]', { timeout: 30_000 })
    const signs = async () => (await client.get(`/api/v1/events/${number}/history`, auth.command)).json().items.filter((i: { action: string }) => i.action === 'sign').length
    expect(await signs(), 'nothing applied on the changed event').to.equal(0)
    await page.click('.tabs a[data-tab="me"]')
    const item = page.locator('.outbox li[data-state="conflict"]')
    await item.waitFor()
    expect(await item.textContent()).to.include(number).and.include('冲突')
    await item.locator('button', { hasText: '重试' }).click()
    await page.waitForSelector('#net[data-pending="0"][data-conflicts="0"]', { timeout: 30_000 })
    expect(await signs(), 'the retried step').to.equal(1)
  })

  it('fills a collection form offline and sends it once across an offline reload; a replay and a refused answer double nothing', async () => {
    const returns = () => knex('collection_return').where({ task_id: taskId }).select('data', 'status', knex.raw('ST_X(geom) AS lon'), knex.raw('ST_Y(geom) AS lat'))
    await page.click('.tabs a[data-tab="forms"]')
    await page.click(`a[data-task="${taskId}"]`)
    await page.waitForSelector(`form[data-form="${formId}"]`)
    // the questions with a body control, in order; start and end are preloaded, not asked
    expect(await page.$$eval('form[data-form] label[data-field]', (ls) => ls.map((l) => l.getAttribute('data-field'))))
      .to.deep.equal(['lamp_no', 'state', 'faults', 'height', 'installed', 'photo', 'location'])
    await noSideScroll()
    await context.setOffline(true)
    await page.fill('input[name=lamp_no]', 'L-4321')
    await page.check('input[name=state][value=broken]')
    await page.check('input[name=faults][value=dark]')
    await page.fill('input[name=height]', '8.5')
    // the image question's photo, named as phones name every picture: the app gives it a unique name
    const lampPhoto = await sharp({ create: { width: 32, height: 24, channels: 3, background: { r: 240, g: 200, b: 40 } } }).jpeg().toBuffer()
    await page.setInputFiles('form[data-form] input[name=photo]', { name: 'image.jpg', mimeType: 'image/jpeg', buffer: lampPhoto })
    await page.click('button[data-geo=location]')
    await page.waitForSelector('.geo .where:has-text("已定位")')
    await shot('form')
    await page.click('form[data-form] button[type=submit]')
    await page.locator('.msg', { hasText: '已保存，联网后自动发送' }).waitFor()
    const stash = await page.evaluate(OUTBOX_COPY) as OutboxCopy
    expect(stash.kind).to.equal('return')
    await page.reload()
    await page.waitForSelector('#net[data-pending="1"]')
    await page.waitForSelector(`form[data-form="${formId}"]`) // the task and its form from the last copy
    expect(await returns(), 'nothing reaches the server while offline').to.have.length(0)
    await context.setOffline(false)
    await page.waitForSelector('#net.on[data-pending="0"]', { timeout: 30_000 })
    const sent = await returns()
    expect(sent).to.have.length(1)
    expect(sent[0]!.data).to.include({ lamp_no: 'L-4321', state: 'broken', height: 8.5 })
    expect(sent[0]!.data.faults).to.deep.equal(['dark'])
    expect(Date.parse(sent[0]!.data.end) - Date.parse(sent[0]!.data.start)).to.be.at.least(0)
    expect(Math.abs(Number(sent[0]!.lon) - here.lon) * 111_000).to.be.below(1)
    expect(Math.abs(Number(sent[0]!.lat) - here.lat) * 111_000).to.be.below(1)
    const media = () => knex('collection_media as m').join('collection_return as r', 'r.id', 'm.return_id').where('r.task_id', taskId).select('m.file_name', 'm.sha256')
    expect(sent[0]!.data.photo).to.match(/^photo-[0-9a-f]{8}\.jpg$/)
    expect(await media(), 'the photo after its return').to.deep.equal([{ file_name: sent[0]!.data.photo, sha256: crypto.createHash('sha256').update(lampPhoto).digest('hex') }])

    await context.setOffline(true)
    expect(await page.evaluate(outboxPut(stash)), 'items in the outbox').to.equal(1)
    await page.reload()
    await page.waitForSelector('#net[data-pending="1"]')
    await context.setOffline(false)
    await page.waitForSelector('#net.on[data-pending="0"]', { timeout: 30_000 })
    expect(await returns(), 'a replayed return').to.have.length(1)
    expect(await media(), 'a replayed photo').to.have.length(1)

    // an answer the server refuses (the lamp number's constraint) is shown, kept as a conflict, and given up
    await page.waitForSelector(`form[data-form="${formId}"]`)
    await page.fill('input[name=lamp_no]', 'X-1')
    await page.check('input[name=state][value=ok]')
    await page.click('button[data-geo=location]')
    await page.waitForSelector('.geo .where:has-text("已定位")')
    await page.click('form[data-form] button[type=submit]')
    // the refusal names the question by its label
    await page.locator('.msg-error', { hasText: '提交被拒绝：题目 “路灯编号” 的答案不满足约束条件' }).waitFor()
    await page.waitForSelector('#net[data-conflicts="1"]')
    expect(await returns(), 'a refused return').to.have.length(1)
    await page.click('.tabs a[data-tab="me"]')
    await page.locator('.outbox li[data-state="conflict"] button', { hasText: '放弃' }).click()
    await page.waitForSelector('#net[data-pending="0"][data-conflicts="0"]')
  })

  it('draws the map of my grids: mine filled, the community\'s others outlined, the phone inside the grid PostGIS finds', async () => {
    const { mine, all } = await inspectorGrids()
    const { rows: [at] } = await knex.raw(`SELECT code FROM grid WHERE kind = 'base' AND valid_to IS NULL AND community_code = '990102001001'
      AND ST_Contains(geom, ST_SetSRID(ST_MakePoint(?, ?), 4490))`, [here.lon, here.lat])
    await page.click('.tabs a[data-tab="grids"]')
    await page.waitForSelector('svg.grid-map circle.me')
    const drawn = await page.evaluate(`(() => {
      const c = document.querySelector('svg.grid-map circle.me')
      const p = new DOMPoint(Number(c.getAttribute('cx')), Number(c.getAttribute('cy')))
      const paths = [...document.querySelectorAll('svg.grid-map path')]
      return { mine: paths.filter((x) => x.classList.contains('mine')).map((x) => x.dataset.grid).sort(),
        all: paths.map((x) => x.dataset.grid).sort(), under: paths.filter((x) => x.isPointInFill(p)).map((x) => x.dataset.grid) }
    })()`) as { mine: string[]; all: string[]; under: string[] }
    expect(drawn.mine).to.deep.equal(mine)
    expect(drawn.all).to.deep.equal(all)
    expect(drawn.under).to.deep.equal([at.code])
    expect(await page.getAttribute('.grids .where', 'data-inside')).to.equal(at.code)
    expect(await page.locator('.grids li[data-grid]').count()).to.equal(mine.length)
    await noSideScroll()
    await shot('grids')
  })

  it('gives the department its end: no inspector tabs; signs online, feeds back with a photo offline, sent once', async () => {
    const res = await client.post('/api/v1/events', { channel: 'superior', demandType: '投诉举报', classCode: '0102', description: uniq('手机部门端 暴露垃圾'),
      location: { x: here.lon, y: here.lat } }, auth.command)
    expect(res.statusCode, res.body).to.equal(201)
    const number = res.json().event.number as string
    const r = await client.post(`/api/v1/events/${number}/transitions`, { action: 'reassign', departmentCode: 'CGJ-990102' }, auth.command)
    expect(r.statusCode, r.body).to.equal(200)
    await page.click('.tabs a[data-tab="me"]')
    await page.click('button.danger')
    await page.fill('input[name=username]', 'department')
    await page.fill('input[name=password]', DEMO_PASSWORD)
    await page.click('form[aria-label="登录"] button[type=submit]')
    await page.waitForSelector('.tasks')
    expect(await page.locator('.tabs a:visible').evaluateAll((as) => as.map((a) => a.textContent))).to.deep.equal(['待办', '上报', '消息', '我的'])
    // its month in figures: the events now assigned to it, created since the Shanghai month began, counted here from the table
    const { rows: [month] } = await knex.raw(`SELECT count(*)::int AS n FROM event e JOIN department d ON d.id = e.assignee_department_id
      WHERE d.code = 'CGJ-990102' AND e.created_at >= (date_trunc('month', now() AT TIME ZONE 'Asia/Shanghai') AT TIME ZONE 'Asia/Shanghai')`)
    expect(month.n).to.be.at.least(1)
    expect(await page.textContent('.dept-month [data-stat="total"] b')).to.equal(String(month.n))
    // the queue holds the event (the server's queue, whole); the app shows each queue's whole count and
    // its first rows by deadline, which in the shared test database are other files' older events
    const queues = (await client.get('/api/v1/queues?limit=200', await loginAs(client, 'department'))).json()
    const queue = Object.keys(queues.queues).find((k) => queues.queues[k].some((i: { number: string }) => i.number === number))
    expect(queue, 'the event in a queue of the department').to.be.a('string')
    expect(await page.textContent(`.tasks h2:has(+ ul[data-queue="${queue}"])`)).to.contain(`（${queues.counts[queue!]}）`)
    const listed = await page.locator(`.tasks a[href="/m/event/${number}"]`).count()
    if (listed) await page.click(`.tasks a[href="/m/event/${number}"]`)
    else await page.goto(`${app.base}/m/event/${number}`)
    await page.click('form.step[data-action="sign"] button[type=submit]')
    await page.locator('.msg', { hasText: '签收已提交' }).waitFor()
    await page.goto(`${app.base}/m/event/${number}`)
    await page.waitForSelector('form.step[data-action="feedback"]')
    await context.setOffline(true)
    const jpeg = await sharp({ create: { width: 40, height: 30, channels: 3, background: { r: 200, g: 60, b: 30 } } }).jpeg().toBuffer()
    await page.fill('form.step[data-action="feedback"] textarea[name=comment]', '垃圾已清运')
    await page.setInputFiles('form.step[data-action="feedback"] input[name=photo0]', { name: 'after.jpg', mimeType: 'image/jpeg', buffer: jpeg })
    await page.click('form.step[data-action="feedback"] button[type=submit]')
    await page.locator('.msg', { hasText: '处置反馈已保存' }).waitFor()
    await shot('department')
    await page.reload()
    await page.waitForSelector('#net[data-pending="1"]')
    await context.setOffline(false)
    await page.waitForSelector('#net.on[data-pending="0"]', { timeout: 30_000 })
    const history = (await client.get(`/api/v1/events/${number}/history`, auth.command)).json().items as { action: string; actor: { role: string } }[]
    // in order, once each: the photo is uploaded before the step that names it
    expect(history.filter((x) => x.actor.role === 'department').map((x) => x.action)).to.deep.equal(['sign', 'attachment_added', 'feedback'])
    const photos = await knex('event_attachment as a').join('event as e', 'e.id', 'a.event_id').where('e.number', number).select('a.sha256', 'a.stage')
    expect(photos).to.deep.equal([{ sha256: crypto.createHash('sha256').update(jpeg).digest('hex'), stage: 'feedback' }])
  })
})
