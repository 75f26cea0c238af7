// The 配置 panel end to end (Debian chromium): the command centre reads the matters in force as
// the database holds them, opens a supervision rule's versions, writes a new version with a
// reason and sees it in force, and reads the server's Chinese refusal (naming effectiveFrom) for
// a version dated in the past; a street officer reads but is offered no 新增版本.
import { expect } from 'chai'
import type { Browser, Page } from 'playwright-core'
import type { Knex } from 'knex'
import type { AppContext } from '../../server/context.ts'
import { loginAs, testClient, type Client } from '../support/http.ts'
import { type RunningApp, type WatchedPage } from './browser.ts'
import { browserSuite, signedIn } from '../support/browserSuite.ts'
import { configSnapshot } from '../config/restore.ts'

describe('配置 panel in a browser', function () {
  this.timeout(180_000)
  let ctx: AppContext
  let app: RunningApp
  let browser: Browser
  let watched: WatchedPage | undefined
  let knex: Knex
  let client: Client
  let command: Record<string, string>
  let restore: () => Promise<void>

  browserSuite({
    ready: async (s) => {
      ({ ctx, app, browser } = s)
      client = await testClient(ctx)
      knex = ctx.knex
      command = await loginAs(client, 'command')
      restore = await configSnapshot(knex, 'supervision_rules')
    },
    closed: async () => { await restore?.() },
  })

  afterEach(async () => {
    await watched?.close()
    watched = undefined
  })

  async function open(user: string): Promise<Page> {
    watched = await signedIn(browser, app.base, user, { map: true })
    await watched.page.click('.dock-tab[data-tab="config"]')
    await watched.page.waitForSelector('.config-panel[data-state="ready"]', { timeout: 30_000 })
    return watched.page
  }

  it('lists the classes in force as the database holds them, and writes a new version of a rule', async () => {
    const page = await open('command')
    // independent of the API: the class versions in force, counted in SQL
    const { rows } = await knex.raw(`SELECT count(*)::int AS n FROM config_version WHERE kind = 'classes'
      AND effective_from <= now() AND (effective_to IS NULL OR effective_to > now())`) as { rows: { n: number }[] }
    expect(await page.locator('.config-list li.config-item').count()).to.equal(rows[0]!.n)
    const name = (await knex('event_class').where('code', '0102').first('name')).name as string
    expect(await page.locator('.config-item[data-key="0102"]').textContent()).to.include(name)

    await page.selectOption('.config-kind', 'supervision-rules')
    await page.waitForSelector('.config-item[data-key="sign-overdue"]')
    await page.click('.config-item[data-key="sign-overdue"]')
    await page.waitForSelector('.config-form textarea')
    expect(await page.locator('.config-version').count()).to.equal(1)
    const value = JSON.parse(await page.inputValue('.config-form textarea')) as Record<string, unknown>
    await page.fill('.config-form textarea', JSON.stringify({ ...value, afterHours: 1 }))
    await page.fill('.config-reason', '签收超时一小时后再督办')
    await page.click('.config-submit')
    await page.waitForSelector('.config-version:nth-child(2).in-force', { timeout: 15_000 })
    const versions = (await client.get('/api/v1/config/supervision-rules/versions?key=sign-overdue', command)).json().items
    expect(versions).to.have.length(2)
    expect(versions[1]).to.deep.include({ reason: '签收超时一小时后再督办', inForce: true })
    expect(versions[1].value.afterHours).to.equal(1)
    expect(versions[1].createdBy.name).to.equal('市指挥中心值班员')
    expect(await page.locator('.config-version.in-force').textContent()).to.include('签收超时一小时后再督办')

    // a start in the past: the server's Chinese sentence, naming the field
    await page.fill('.config-from', '2020-01-01T08:00')
    await page.fill('.config-reason', '补录')
    await page.click('.config-submit')
    await page.waitForSelector('.config-result.config-error', { timeout: 15_000 })
    const refusal = await page.locator('.config-result').textContent()
    expect(refusal).to.include('effectiveFrom').and.include('已过去')
    expect((await client.get('/api/v1/config/supervision-rules/versions?key=sign-overdue', command)).json().items).to.have.length(2)
  })

  it('lets a street officer read the rules but offers no new version', async () => {
    const page = await open('street1')
    await page.selectOption('.config-kind', 'channels')
    await page.waitForSelector('.config-item[data-key="hotline_12345"]')
    expect(await page.locator('.config-item[data-key="hotline_12345"]').textContent()).to.include('external_system')
    await page.click('.config-item[data-key="hotline_12345"]')
    await page.waitForSelector('.config-version')
    expect(await page.locator('.config-form').count()).to.equal(0)
  })
})
