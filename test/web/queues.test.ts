// The 队列 panel end to end (Debian chromium): the demo inspector signs in and sees its work
// queues with the counts the API gives, the report waiting for its on-site verification, and
// the major emergency of its community with the time line; an event sent to it later appears
// without a reload (the stream); a click opens the event; 本单位 shows the unit's queues.
import { expect } from 'chai'
import type { Browser, Page } from 'playwright-core'
import type { Knex } from 'knex'
import type { AppContext } from '../../server/context.ts'
import { loginAs, testClient, type Client } from '../support/http.ts'
import { pointIn, uniq } from '../events/helpers.ts'
import { type RunningApp, type WatchedPage } from './browser.ts'
import { browserSuite, signedIn } from '../support/browserSuite.ts'

/** Polls an asynchronous condition (the page's CSP forbids waitForFunction's eval). */
async function until(check: () => Promise<boolean>, ms = 15_000): Promise<boolean> {
  for (const end = Date.now() + ms; Date.now() < end; await new Promise((r) => setTimeout(r, 100))) if (await check()) return true
  return check()
}

describe('队列 panel in a browser', function () {
  this.timeout(180_000)
  let ctx: AppContext
  let app: RunningApp
  let browser: Browser
  let watched: WatchedPage | undefined
  let knex: Knex
  let client: Client
  const auth: Record<string, Record<string, string>> = {}
  let me = 0
  let p1: { lon: number; lat: number }

  const report = async (over: Record<string, unknown> = {}) => {
    const res = await client.post('/api/v1/events', { channel: 'superior', demandType: '投诉举报', classCode: '0102', description: uniq('暴露垃圾 队列'),
      location: { x: p1.lon, y: p1.lat }, ...over }, auth.command)
    expect(res.statusCode, res.body).to.equal(201)
    return res.json().event.number as string
  }
  const fire = async (number: string, who: string, body: Record<string, unknown>) => {
    const res = await client.post(`/api/v1/events/${number}/transitions`, body, auth[who])
    expect(res.statusCode, res.body).to.equal(200)
  }
  const toInspector = async () => {
    const n = await report()
    await fire(n, 'command', { action: 'reassign', departmentCode: 'SQ-990102001001', memberId: me })
    return n
  }
  const queuesOf = async (scope: string) => (await client.get(`/api/v1/queues?scope=${scope}&limit=50`, auth.inspector)).json()

  browserSuite({
    ready: async (s) => {
      ({ ctx, app, browser } = s)
      client = await testClient(ctx)
      knex = ctx.knex
      for (const u of ['command', 'inspector']) auth[u] = await loginAs(client, u)
      me = Number((await knex('grid_member as m').join('app_user as u', 'u.id', 'm.user_id').where('u.username', 'inspector').first('m.id')).id)
      p1 = await pointIn(knex, '990102001001')
    },
  })

  afterEach(async () => {
    await watched?.close()
    watched = undefined
  })

  async function open(): Promise<Page> {
    watched = await signedIn(browser, app.base, 'inspector', { map: true })
    await watched.page.waitForSelector('#events-live[data-stream="open"]', { timeout: 60_000 })
    await watched.page.click('.dock-tab[data-tab="queues"]')
    await watched.page.waitForSelector('.queues-panel[data-state="ready"]', { timeout: 30_000 })
    return watched.page
  }

  const numbersIn = (page: Page, queue: string) =>
    page.locator(`.queue[data-queue="${queue}"] li.queue-item`).evaluateAll((lis) => lis.map((li) => li.getAttribute('data-number')))

  it('shows the queues as the API counts them, the verification waiting and the emergency with its time line', async () => {
    const toSign = await toInspector()
    const toHandle = await toInspector()
    await fire(toHandle, 'inspector', { action: 'sign' })
    const verify = await report({ channel: 'resident', classCode: '0101', description: uniq('私搭乱建 队列') })
    const emergency = await report({ channel: 'resident', priority: 1, description: uniq('燃气味很重 队列') })
    const page = await open()

    const api = await queuesOf('me')
    for (const q of ['to_sign', 'to_handle', 'due_soon', 'returned', 'to_verify']) {
      const shown = await page.locator(`.queue[data-queue="${q}"]`).getAttribute('data-count')
      expect(Number(shown), q).to.equal(api.counts[q])
    }
    expect(await numbersIn(page, 'to_sign')).to.include(toSign)
    expect(await numbersIn(page, 'to_handle')).to.include(toHandle)
    expect(await numbersIn(page, 'to_verify')).to.include(verify)
    expect(await page.locator('.queue[data-queue="to_sign"] h3').innerText()).to.contain('待签收')

    const card = page.locator(`.queue-emergency[data-number="${emergency}"]`)
    await card.waitFor({ timeout: 10_000 })
    expect(await card.innerText()).to.contain('一级优先')
    await card.locator('button.queue-timeline-toggle').click()
    const timeline = (await client.get(`/api/v1/emergencies/${emergency}`, auth.inspector)).json().timeline as { title: string }[]
    expect(await until(async () => await card.locator('ol li').count() === timeline.length)).to.equal(true)
    expect(await card.locator('ol li .queue-step').allInnerTexts()).to.deep.equal(timeline.map((t) => t.title))
    expect(watched!.problems).to.deep.equal([])
  })

  it('an event sent to the inspector appears without a reload; a click opens it in the events panel', async () => {
    const page = await open()
    const later = await toInspector()
    await page.waitForSelector(`.queue[data-queue="to_sign"] li[data-number="${later}"]`, { timeout: 20_000 })
    await page.click(`.queue[data-queue="to_sign"] li[data-number="${later}"] button.queue-open`)
    await page.waitForSelector(`#event-detail[data-number="${later}"]`, { timeout: 15_000 })
    expect(await page.locator('.dock-tab[data-tab="events"]').getAttribute('aria-selected')).to.equal('true')
  })

  it('本单位 shows the unit\'s queues', async () => {
    const page = await open()
    await page.click('button.queue-scope:has-text("本单位")')
    const api = await queuesOf('unit')
    expect(await until(async () => await page.locator('.queue[data-queue="to_sign"]').getAttribute('data-count') === String(api.counts.to_sign) &&
      await page.locator('.queues-panel').getAttribute('data-state') === 'ready')).to.equal(true)
    expect(await page.locator('.queue-message').innerText()).to.contain(api.holder.units[0].name)
  })
})
