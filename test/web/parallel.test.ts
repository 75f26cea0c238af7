// The 并联办 panel end to end (Debian chromium): the community's desk sees the parts its units
// hold with the counts the API gives; an event's parts show every unit's task, deadline and
// state (the street's part overdue, marked); 办结 is offered on its own part only, and what it
// records is the server's. SCREENSHOT=1 saves docs/screenshots/parallel.png.
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { expect } from 'chai'
import type { Browser } from 'playwright-core'
import type { Knex } from 'knex'
import type { AppContext } from '../../server/context.ts'
import { loginAs, testClient, type Client } from '../support/http.ts'
import { pointIn, uniq } from '../events/helpers.ts'
import { type RunningApp, type WatchedPage } from './browser.ts'
import { browserSuite, signedIn } from '../support/browserSuite.ts'

const screenshot = fileURLToPath(new URL('../../docs/screenshots/parallel.png', import.meta.url))
const hours = (h: number) => new Date(Date.now() + h * 3_600_000).toISOString()

/** Polls an asynchronous condition (the page's CSP forbids waitForFunction's eval). */
async function until(check: () => Promise<boolean>, ms = 15_000): Promise<boolean> {
  for (const end = Date.now() + ms; Date.now() < end; await new Promise((r) => setTimeout(r, 100))) if (await check()) return true
  return check()
}

describe('并联办 panel in a browser', function () {
  this.timeout(180_000)
  let ctx: AppContext
  let app: RunningApp
  let browser: Browser
  let watched: WatchedPage | undefined
  let knex: Knex
  let client: Client
  const auth: Record<string, Record<string, string>> = {}
  let number = ''
  let fresh = ''
  let ownPart = 0
  let streetPart = 0

  browserSuite({
    ready: async (s) => {
      ({ ctx, app, browser } = s)
      client = await testClient(ctx)
      knex = ctx.knex
      for (const u of ['command', 'community']) auth[u] = await loginAs(client, u)
      const p1 = await pointIn(knex, '990102001001')
      const res = await client.post('/api/v1/events', { channel: 'superior', demandType: '投诉举报', classCode: '0102', description: uniq('暴露垃圾 并联办面板'),
        location: { x: p1.lon, y: p1.lat } }, auth.command)
      expect(res.statusCode, res.body).to.equal(201)
      number = res.json().event.number
      const parts = await client.post(`/api/v1/parallel/${number}/parts`, { parts: [
        { departmentCode: 'SQ-990102001001', task: '社区入户劝导', dueAt: hours(24) },
        { departmentCode: 'JD-990102001000', task: '街道协调物业', dueAt: hours(48) },
      ] }, auth.command)
      expect(parts.statusCode, parts.body).to.equal(201)
      ;[ownPart, streetPart] = parts.json().parts.map((p: { id: number }) => p.id)
      await knex('event_part').where('id', streetPart).update({ due_at: new Date(Date.now() - 3_600_000) })
      const other = await client.post('/api/v1/events', { channel: 'superior', demandType: '投诉举报', classCode: '0102', description: uniq('暴露垃圾 发起并联办'),
        location: { x: p1.lon, y: p1.lat } }, auth.command)
      expect(other.statusCode, other.body).to.equal(201)
      fresh = other.json().event.number
    },
  })

  afterEach(async () => {
    await watched?.close()
    watched = undefined
  })

  it('lists the unit\'s parts, shows every unit\'s deadline and state, and closes its own part', async () => {
    watched = await signedIn(browser, app.base, 'community', { map: process.env.SCREENSHOT === '1', page: process.env.SCREENSHOT === '1' ? { viewport: { width: 1920, height: 1080 } } : {} })
    const page = watched.page
    await page.click('.dock-tab[data-tab="parallel"]')
    await page.waitForSelector('.parallel-panel[data-state="ready"]', { timeout: 30_000 })
    const mine = (await client.get('/api/v1/parallel?state=open&limit=100', auth.community)).json().items as { id: number; overdue: boolean }[]
    expect(await page.locator('.parallel-message').innerText()).to.equal(`本单位未办结 ${mine.length} 件，其中超期 ${mine.filter((p) => p.overdue).length} 件`)
    expect(await page.getAttribute('.dock-tab[data-tab="parallel"]', 'data-badge')).to.equal(String(mine.length))
    expect(mine.map((p) => p.id)).to.include(ownPart).and.not.include(streetPart)

    await page.click(`.parallel-item[data-id="${ownPart}"]`)
    const detail = page.locator(`.parallel-detail[data-number="${number}"]`)
    await detail.locator('.parallel-table').waitFor({ timeout: 15_000 })
    expect(await detail.locator('h3').innerText()).to.equal(`${number} 的并联办（未办结 2 / 共 2）`)
    const own = detail.locator('.parallel-part[data-unit="SQ-990102001001"]')
    const street = detail.locator('.parallel-part[data-unit="JD-990102001000"]')
    expect(await street.getAttribute('class')).to.contain('overdue')
    expect(await street.locator('.parallel-state').innerText()).to.equal('已超期')
    expect(await street.locator('.parallel-done').count(), 'no 办结 on another unit\'s part').to.equal(0)
    expect(await own.locator('.parallel-state').innerText()).to.contain('办理中')
    if (process.env.SCREENSHOT === '1') {
      fs.mkdirSync(path.dirname(screenshot), { recursive: true })
      await page.screenshot({ path: screenshot })
    }
    await own.locator('.parallel-result').fill('已入户劝导，住户承诺整改')
    await own.locator('button.parallel-done').click()
    expect(await until(async () => (await knex('event_part').where('id', ownPart).first('state')).state === 'done')).to.equal(true)
    expect((await knex('event_part').where('id', ownPart).first('result')).result).to.equal('已入户劝导，住户承诺整改')
    expect(await until(async () => await detail.locator('h3').innerText() === `${number} 的并联办（未办结 1 / 共 2）`)).to.equal(true)
    expect(await own.locator('.parallel-state').innerText()).to.equal('已办结')
    expect(watched.problems, 'page errors').to.deep.equal([])
  })

  it('a desk starts parts for an event through the form; the server\'s refusal names the row', async () => {
    watched = await signedIn(browser, app.base, 'command')
    const page = watched.page
    await page.click('.dock-tab[data-tab="parallel"]')
    await page.waitForSelector('.parallel-panel[data-state="ready"]', { timeout: 30_000 })
    const row = page.locator('.parallel-start-row').first()
    await page.fill('.parallel-start-number', fresh)
    await row.locator('.parallel-start-unit').fill('NO-SUCH-UNIT')
    await row.locator('.parallel-start-task').fill('核查现场')
    await row.locator('.parallel-start-due').fill('2099-01-01T10:00')
    await page.click('button.parallel-start-save')
    expect(await until(async () => (await page.locator('.parallel-start .parallel-error').innerText()) !== '')).to.equal(true)
    expect(await page.locator('.parallel-start .parallel-error').innerText()).to.contain('parts.0.departmentCode')
    expect(await knex('event_part as p').join('event as e', 'e.id', 'p.event_id').where('e.number', fresh)).to.have.length(0)

    await row.locator('.parallel-start-unit').fill('SQ-990102001001')
    await page.click('button.parallel-start-more')
    const second = page.locator('.parallel-start-row').nth(1)
    await second.locator('.parallel-start-unit').fill('JD-990102001000')
    await second.locator('.parallel-start-task').fill('协调物业')
    await second.locator('.parallel-start-due').fill('2099-01-02T10:00')
    await page.click('button.parallel-start-save')
    const detail = page.locator(`.parallel-detail[data-number="${fresh}"]`)
    await detail.locator('.parallel-table').waitFor({ timeout: 15_000 })
    expect(await detail.locator('h3').innerText()).to.equal(`${fresh} 的并联办（未办结 2 / 共 2）`)
    const parts = await knex('event_part as p').join('event as e', 'e.id', 'p.event_id').join('department as d', 'd.id', 'p.department_id')
      .where('e.number', fresh).orderBy('p.id').select('d.code', 'p.task', 'p.due_at')
    expect(parts.map((p) => [p.code, p.task])).to.deep.equal([['SQ-990102001001', '核查现场'], ['JD-990102001000', '协调物业']])
    // the deadline typed is local time: the browser runs in this process's time zone
    const local = [new Date('2099-01-01T10:00').toISOString(), new Date('2099-01-02T10:00').toISOString()]
    expect(parts.map((p) => p.due_at.toISOString())).to.deep.equal(local)
    // the one refusal above is the 400 the browser logs
    expect(watched.problems.filter((p) => !/status of 400/.test(p)), 'page errors').to.deep.equal([])
  })
})
