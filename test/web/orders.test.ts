// 调派指令 on the page (Debian chromium): right-click the map, 派遣力量到此, pick a device from the
// nearest on duty (its distance checked against PostGIS), then walk the device there through the
// positions API the field app uses: the line from it to the target shortens as the positions
// stream in, and the order turns 已到达 with an arrival notice once the order pass sees it inside
// the radius. And 督办 from an overdue event's warning row opens the event's 督办 form, whose card
// and comment reach the server.
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { expect } from 'chai'
import type { Browser, Page } from 'playwright-core'
import type { Knex } from 'knex'
import type { AppContext } from '../../server/context.ts'
import { loginAs, testClient, type Client } from '../support/http.ts'
import { pointIn, uniq } from '../events/helpers.ts'
import { offset } from '../positions/helpers.ts'
import { runOrderPass } from '../../server/orders/pass.ts'
import { fixes, placedDevice } from '../orders/helpers.ts'
import { type RunningApp, type WatchedPage } from './browser.ts'
import { browserSuite, signedIn } from '../support/browserSuite.ts'

/** SCREENSHOT=1 saves the order on its way (1920×1080) here. */
const screenshot = fileURLToPath(new URL('../../docs/screenshots/orders.png', import.meta.url))

describe('调派指令 on the map (Debian chromium)', function () {
  this.timeout(180_000)
  let ctx: AppContext
  let app: RunningApp
  let browser: Browser
  let watched: WatchedPage | undefined
  let knex: Knex
  let client: Client
  let command: Record<string, string>

  browserSuite({
    prepare: async (s) => {
      ctx = s.ctx
      knex = ctx.knex
    },
    ready: async (s) => {
      ({ ctx, app, browser } = s)
      client = await testClient(ctx)
      command = await loginAs(client, 'command')
    },
  })

  afterEach(async () => {
    await watched?.close()
    watched = undefined
  })

  async function open(username: string): Promise<Page> {
    watched = await signedIn(browser, app.base, username, { map: true, page: process.env.SCREENSHOT === '1' ? { viewport: { width: 1920, height: 1080 } } : {} })
    await watched.page.waitForSelector('#events-live[data-stream="open"]', { timeout: 60_000 })
    return watched.page
  }

  const probe = (page: Page, id: number) =>
    page.evaluate(`document.getElementById('map').ordersProbe?.(${id}) ?? null`) as Promise<{ lineM: number | null; status: string | null } | null>

  /** Right-clicks the middle of the map and opens the composer; answers the point it names. */
  async function composeAtCentre(page: Page): Promise<[number, number]> {
    const box = (await page.locator('#map').boundingBox())!
    // the map's middle, left of the dock
    await page.mouse.click(box.x + box.width * 0.35, box.y + box.height / 2, { button: 'right' })
    await page.click('button.order-context-send')
    const compose = page.locator('section.order-compose')
    await compose.waitFor({ timeout: 10_000 })
    return [Number(await compose.getAttribute('data-lon')), Number(await compose.getAttribute('data-lat'))]
  }

  it('sends the nearest device to a point picked on the map and follows it until it arrives', async () => {
    const page = await open('command')
    await page.click('.dock-tab[data-tab="orders"]')
    await page.waitForSelector('section.orders[data-loaded]', { state: 'attached', timeout: 30_000 })
    const target = await composeAtCentre(page)
    await page.click('button.order-compose-close')
    // a device of a demo member 300 m east of the point, reporting now
    const start = offset(target[0], target[1], 300, 0)
    const d = await placedDevice(client, knex, command, '990102001001', 2, null)
    await fixes(client, d.token, [[start[0], start[1], Date.now() - 5000]])
    const known = () => page.evaluate(`document.getElementById('map').fieldProbe?.(${JSON.stringify(d.identifier)}) ?? null`)
    for (const end = Date.now() + 30_000; !await known() && Date.now() < end;) await page.waitForTimeout(250)
    expect(await known(), 'the field force knows the device').to.not.equal(null)

    await composeAtCentre(page)
    const pick = page.locator(`.order-candidates li[data-device="${d.identifier}"]`)
    await pick.waitFor({ timeout: 10_000 })
    // the rough distance offered (on the sphere) against PostGIS on the ellipsoid: within 0.5 %
    const { rows: [ref] } = await knex.raw('SELECT ST_Distance(ST_SetSRID(ST_MakePoint(?, ?), 4490)::geography, ST_SetSRID(ST_MakePoint(?, ?), 4490)::geography) AS d', [...start, ...target])
    expect(Number(await pick.getAttribute('data-distance'))).to.be.closeTo(Number(ref.d), Number(ref.d) * 0.005 + 1)
    await pick.locator('button.order-pick').click()

    const row = page.locator(`.order-list li.order-item[data-device="${d.identifier}"]`)
    await row.waitFor({ timeout: 15_000 })
    const id = Number(await row.getAttribute('data-order-id'))
    expect(await row.getAttribute('data-status')).to.equal('sent')
    expect(Number(await row.getAttribute('data-distance'))).to.be.closeTo(Number(ref.d), 0.5)
    const first = (await probe(page, id))!.lineM!
    expect(first).to.be.closeTo(Number(ref.d), Number(ref.d) * 0.005 + 1)
    // sending it again is refused where the operator acted, in Chinese
    await composeAtCentre(page)
    await page.locator(`.order-candidates li[data-device="${d.identifier}"] button.order-pick`).click()
    await page.waitForSelector('section.order-compose .error:not(:empty)', { timeout: 10_000 })
    expect(await page.locator('section.order-compose .error').textContent()).to.match(/^该设备已有进行中的调派指令，请先取消（409）/)
    await page.click('button.order-compose-close')

    // it walks there: 200 m, 100 m (the line shortens as the positions stream in), then inside 50 m
    let last = first
    const t0 = Date.now()
    for (const [i, east] of [200, 100].entries()) {
      const at = offset(target[0], target[1], east, 0)
      await fixes(client, d.token, [[at[0], at[1], t0 + (i + 1) * 10_000]])
      for (const end = Date.now() + 15_000; ((await probe(page, id))?.lineM ?? last) >= last - 50 && Date.now() < end;) await page.waitForTimeout(200)
      const now = (await probe(page, id))!.lineM!
      expect(now, `line after walking to ${east} m`).to.be.closeTo(east, 2)
      last = now
    }
    await runOrderPass(knex)
    await page.waitForSelector(`.order-list li.order-item[data-order-id="${id}"][data-status="en_route"]`, { timeout: 15_000 })
    if (process.env.SCREENSHOT === '1') {
      fs.mkdirSync(path.dirname(screenshot), { recursive: true })
      await page.waitForTimeout(1000)
      await page.screenshot({ path: screenshot })
    }
    const inside = offset(target[0], target[1], 20, 0)
    await fixes(client, d.token, [[inside[0], inside[1], t0 + 30_000]])
    await runOrderPass(knex)
    await page.waitForSelector(`.order-list.recent li.order-item[data-order-id="${id}"][data-status="arrived"]`, { timeout: 15_000 })
    expect(await page.locator('.order-notice').textContent()).to.contain('已到达')
    expect((await probe(page, id))!.status).to.equal('arrived')
    expect((await probe(page, id))!.lineM, 'no line once arrived').to.equal(0)
    expect(watched!.external, 'requests to other hosts').to.deep.equal([])
    // the browser logs the refused request itself (409): that one is expected
    expect(watched!.problems.filter((m) => !/status of 409/.test(m)), 'page errors').to.deep.equal([])
  })

  it('派遣前往 beside a candidate in the event\'s 调度 section sends the member\'s device to the event, followed in 调派', async () => {
    const p = await pointIn(knex, '990102001001', 3)
    const report = await client.post('/api/v1/events', { channel: 'resident', demandType: '投诉举报', classCode: '0102',
      description: uniq('调派测试：派遣前往'), location: { x: p.lon, y: p.lat } }, command)
    expect(report.statusCode, report.body).to.equal(201)
    const number = report.json().event.number as string
    expect((await client.post(`/api/v1/events/${number}/transitions`, { action: 'accept' }, command)).statusCode).to.equal(200)
    const near = offset(p.lon, p.lat, 250, 0)
    const d = await placedDevice(client, knex, command, '990102001001', 3, null)
    await fixes(client, d.token, [[near[0], near[1], Date.now() - 5000]])
    watched = await signedIn(browser, app.base, 'street1', { path: `/#event=${number}` })
    const page = watched.page
    const section = page.locator(`#event-detail[data-number="${number}"] section.dispatch`)
    await page.waitForSelector(`#event-detail[data-number="${number}"] section.dispatch[data-state="ready"]`, { timeout: 60_000 })
    await section.locator(`li[data-member-id="${d.memberId}"] button.order-send`).click()
    const row = page.locator(`.order-list li.order-item[data-device="${d.identifier}"]`)
    await row.waitFor({ timeout: 15_000 })
    expect(await row.locator('.event').textContent()).to.equal(`事件 ${number}`)
    const { rows: [ref] } = await knex.raw('SELECT ST_Distance(ST_SetSRID(ST_MakePoint(?, ?), 4490)::geography, ST_SetSRID(ST_MakePoint(?, ?), 4490)::geography) AS d', [...near, p.lon, p.lat])
    expect(Number(await row.getAttribute('data-distance'))).to.be.closeTo(Number(ref.d), 0.1)
    // the button says it is done and is not offered twice
    await page.click('.dock-tab[data-tab="events"]')
    const sent = section.locator(`li[data-member-id="${d.memberId}"] button.order-send`)
    expect(await sent.textContent()).to.equal('已派遣')
    expect(await sent.isDisabled()).to.equal(true)
    const id = Number(await row.getAttribute('data-order-id'))
    expect((await client.post(`/api/v1/resource-orders/${id}/cancel`, {}, command)).statusCode).to.equal(200)
    await page.click('.dock-tab[data-tab="orders"]')
    await page.waitForSelector(`.order-list.recent li.order-item[data-order-id="${id}"][data-status="cancelled"]`, { timeout: 15_000 })
    expect(watched.problems, 'page errors').to.deep.equal([])
  })

  it('督办 from an overdue event\'s warning row opens the 督办 form; its card and comment reach the server', async () => {
    const p = await pointIn(knex, '990102001001', 1)
    const report = await client.post('/api/v1/events', { channel: 'superior', demandType: '投诉举报', classCode: '0102',
      description: uniq('调派测试：超时未签收'), location: { x: p.lon, y: p.lat } }, command)
    expect(report.statusCode, report.body).to.equal(201)
    const number = report.json().event.number as string
    const page = await open('street1')
    await page.waitForSelector('section.warnings[data-loaded]', { state: 'attached', timeout: 60_000 })
    // its signing deadline passed, then the scheduler's 督办 (the overdue alarm appears)
    await knex('event').where({ number }).update({ sign_due_at: new Date(Date.now() - 60_000) })
    const auto = await client.post(`/api/v1/events/${number}/transitions`, { action: 'supervise', comment: '超时未签收' }, command)
    expect(auto.statusCode, auto.body).to.equal(200)
    await page.click('.dock-tab[data-tab="warnings"]')
    const button = page.locator(`.warning-list li[data-key="e:${number}:overdue"] button.supervise-event`)
    await button.waitFor({ timeout: 30_000 })
    await button.click()
    const form = page.locator('#event-detail form.action-form[data-action="supervise"]')
    await form.waitFor({ timeout: 15_000 })
    expect(await form.locator('textarea[name=comment]').getAttribute('required')).to.not.equal(null)
    await form.locator('select[name=card]').selectOption('red')
    await form.locator('textarea[name=comment]').fill('请立即签收并处置')
    await form.locator('button[type=submit]').click()
    await page.waitForSelector('#event-detail .notice:not(.empty)', { timeout: 15_000 })
    const history = (await client.get(`/api/v1/events/${number}/history`, command)).json().items as { action: string; comment: string | null }[]
    expect(history.filter((h) => h.action === 'supervise').map((h) => h.comment)).to.include('请立即签收并处置')
    const { rows } = await knex.raw("SELECT s.card FROM event_supervision s JOIN event e ON e.id = s.event_id WHERE e.number = ? AND s.reason = '请立即签收并处置'", [number])
    expect(rows.map((r: { card: string }) => r.card)).to.deep.equal(['red'])
    expect(watched!.problems, 'page errors').to.deep.equal([])
  })
})
