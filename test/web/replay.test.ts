// 复盘 on the map (Debian chromium): an event pushed to a member who walks to it is opened by its
// link (#replay=E…) after sign-in; the panel lists the history and deadlines in Beijing time,
// scrubbing moves the member along the track and the SLA clock with it, and playing advances the
// time. A bad number is answered where it was typed; nothing is fetched from outside the server.
import { expect } from 'chai'
import type { Browser } from 'playwright-core'
import type { AppContext } from '../../server/context.ts'
import { DEMO_PASSWORD } from '../../fixtures/users.ts'
import { loginAs, testClient } from '../support/http.ts'
import { pointIn, uniq } from '../events/helpers.ts'
import { offset, registerDevice } from '../positions/helpers.ts'
import { openWatchedPage, signIn, waitForMap, type RunningApp, type WatchedPage } from './browser.ts'
import { browserSuite } from '../support/browserSuite.ts'

describe('复盘 panel (Debian chromium)', function () {
  this.timeout(180_000)
  let ctx: AppContext
  let app: RunningApp
  let browser: Browser
  let watched: WatchedPage | undefined
  let number: string
  let walkEnd: number

  browserSuite({
    ready: async (s) => {
      ({ ctx, app, browser } = s)
      const client = await testClient()
      const command = await loginAs(client, 'command')
      const p = await pointIn(ctx.knex, '990102001002', 4)
      const res = await client.post('/api/v1/events', { channel: 'superior', demandType: '投诉举报', classCode: '0601', description: uniq('邻里纠纷'),
        location: { x: p.lon, y: p.lat } }, command)
      expect(res.statusCode, res.body).to.equal(201)
      const e = res.json().event as { number: string; assignee: { member: { id: number } | null } }
      number = e.number
      const device = await registerDevice(client, command, { memberId: e.assignee.member!.id, adminCode: '990102001002' })
      const t0 = Date.now() + 500
      const walk = Array.from({ length: 6 }, (_, i) => [...offset(p.lon, p.lat, 200 - i * 40, 0), t0 + i * 1000] as [number, number, number])
      walkEnd = walk.at(-1)![2]
      const sent = await client.post('/api/v1/positions', { positions: walk.map(([lon, lat, t]) => ({ lon, lat, time: new Date(t).toISOString(), accuracy: 5 })) },
        { 'x-device-token': device.token })
      expect(sent.json().accepted, sent.body).to.equal(walk.length)
      await new Promise((r) => setTimeout(r, walkEnd - Date.now() + 500))
    },
    closing: async () => {
      await watched?.close()
    },
  })

  it('opens an event by its link, scrubs the member along the track with the clock, and plays', async () => {
    watched = await openWatchedPage(browser, { timezoneId: 'UTC' })
    const { page } = watched
    await page.goto(`${app.base}/#replay=${number}`)
    await signIn(page, 'command', DEMO_PASSWORD)
    await waitForMap(page)
    await page.waitForSelector(`.replay[data-loaded="${number}"]`)
    const items = await page.locator('.replay-item').allTextContents()
    expect(items.some((t) => t.includes('处置时限'))).to.equal(true)
    // Beijing time although the browser runs in UTC: the event was reported today in Shanghai
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date())
    expect(items[0]).to.include(today)
    // scrub to the walk's last second: the member is on the map, the clock runs
    const range = await page.evaluate(`(() => {
      const s = document.querySelector('.replay-slider'); return [Number(s.min), Number(s.max)]
    })()`) as [number, number]
    expect(range).to.deep.equal([0, 1000])
    await page.locator('.replay-slider').fill('1000')
    const clock = await page.locator('.replay-clock').textContent()
    expect(clock).to.match(/处置|签收/)
    expect(await page.locator('.replay-clock').getAttribute('data-phase')).to.equal('running')
    await page.locator('.replay-slider').fill('0')
    const start = Number(await page.locator('.replay').getAttribute('data-time'))
    await page.click('.replay-controls button')
    // (the page's CSP forbids evaluating strings, so poll the attribute)
    for (let i = 0; i < 100 && Number(await page.locator('.replay').getAttribute('data-time')) <= start; i++) await page.waitForTimeout(50)
    expect(Number(await page.locator('.replay').getAttribute('data-time'))).to.be.above(start)
    await page.click('.replay-controls button')
    expect(watched.external, 'requests outside the server').to.deep.equal([])
    expect(watched.problems, 'console errors').to.deep.equal([])
  })

  it('says so where the number was typed when it is malformed or not in the jurisdiction', async () => {
    const { page } = watched!
    await page.fill('.replay-number', 'E1')
    await page.click('.replay-load button')
    expect(await page.locator('.replay-message').textContent()).to.include('请输入事件编号')
    await page.fill('.replay-number', 'E2099010100009999')
    await page.click('.replay-load button')
    await page.locator('.replay-message', { hasText: '辖区内没有事件' }).waitFor()
  })
})
