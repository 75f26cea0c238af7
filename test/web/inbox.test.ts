// The 消息 panel end to end (Debian chromium): street2 signs in; the tab's badge shows the unread
// count the API gives; a notice delivered on the server appears at once (the stream) with its
// kind and title; a click marks it read on the server and lowers the badge; 全部已读 leaves none
// unread on the server; quiet hours saved in the panel are the server's settings.
import { expect } from 'chai'
import type { Browser, Page } from 'playwright-core'
import type { Knex } from 'knex'
import type { AppContext } from '../../server/context.ts'
import { loginAs, testClient, type Client } from '../support/http.ts'
import { uniq } from '../events/helpers.ts'
import { deliver } from '../../server/inbox/deliver.ts'
import { type RunningApp, type WatchedPage } from './browser.ts'
import { browserSuite, signedIn } from '../support/browserSuite.ts'

/** Polls an asynchronous condition (the page's CSP forbids waitForFunction's eval). */
async function until(check: () => Promise<boolean>, ms = 15_000): Promise<boolean> {
  for (const end = Date.now() + ms; Date.now() < end; await new Promise((r) => setTimeout(r, 100))) if (await check()) return true
  return check()
}

describe('消息 panel in a browser', function () {
  this.timeout(180_000)
  let ctx: AppContext
  let app: RunningApp
  let browser: Browser
  let watched: WatchedPage | undefined
  let knex: Knex
  let client: Client
  const auth: Record<string, Record<string, string>> = {}
  let me = 0

  const unreadOnServer = async () => (await client.get('/api/v1/inbox?limit=1', auth.street2)).json().unread as number

  browserSuite({
    ready: async (s) => {
      ({ ctx, app, browser } = s)
      client = await testClient(ctx)
      knex = ctx.knex
      auth.street2 = await loginAs(client, 'street2')
      me = Number((await knex('app_user').where({ username: 'street2' }).first('id')).id)
      await knex('inbox_setting').where({ user_id: me }).delete()
    },
    closed: async () => {
      if (knex) await knex('inbox_setting').where({ user_id: me }).delete()
    },
  })

  afterEach(async () => {
    await watched?.close()
    watched = undefined
  })

  async function open(): Promise<Page> {
    watched = await signedIn(browser, app.base, 'street2', { map: true })
    await watched.page.waitForSelector('#events-live[data-stream="open"]', { timeout: 60_000 })
    await watched.page.click('.dock-tab[data-tab="inbox"]')
    await watched.page.waitForSelector('.inbox-panel[data-state="ready"]', { timeout: 30_000 })
    return watched.page
  }

  it('shows notices live, marks them read on the server and keeps the badge at the server\'s unread count', async () => {
    await deliver(knex, { kind: 'warning', title: uniq('登录前的预警'), body: '请关注' }, { userIds: [me] })
    const page = await open()
    const badge = () => page.getAttribute('.dock-tab[data-tab="inbox"]', 'data-badge')
    expect(await badge()).to.equal(String(await unreadOnServer()))
    expect(await page.locator('.inbox-message').innerText()).to.equal(`未读 ${await unreadOnServer()} 条`)

    // delivered on the server while the page is open: no reload
    const title = uniq('测试督办：请尽快处置')
    await knex.transaction((trx) => deliver(trx, { kind: 'supervision', title }, { userIds: [me] }))
    const row = page.locator('.inbox-item', { hasText: title })
    await row.waitFor({ timeout: 30_000 })
    expect(await row.locator('.inbox-kind').innerText()).to.equal('督办')
    expect(await row.getAttribute('class')).to.contain('unread')
    expect(await page.locator('.inbox-item').first().innerText(), 'newest first').to.contain(title)
    expect(await until(async () => await badge() === String(await unreadOnServer()))).to.equal(true)

    // a click marks it read on the server
    const id = Number(await row.getAttribute('data-id'))
    const before = await unreadOnServer()
    await row.click()
    expect(await until(async () => (await knex('inbox_item').where({ id }).first('read_at')).read_at !== null)).to.equal(true)
    expect(await until(async () => !(await row.getAttribute('class'))!.includes('unread'))).to.equal(true)
    expect(await unreadOnServer()).to.equal(before - 1)
    expect(await until(async () => await badge() === String(before - 1))).to.equal(true)

    // 全部已读
    await page.click('button.inbox-all-read')
    expect(await until(async () => await unreadOnServer() === 0)).to.equal(true)
    expect(await until(async () => await page.locator('.inbox-item.unread').count() === 0)).to.equal(true)
    expect(await until(async () => await badge() === null)).to.equal(true)
  })

  it('saves quiet hours as the server\'s settings', async () => {
    const page = await open()
    await page.fill('.inbox-quiet-start', '22:30')
    await page.fill('.inbox-quiet-end', '06:45')
    await page.click('button.inbox-quiet-save')
    await page.locator('.inbox-quiet .inbox-error', { hasText: '已保存' }).waitFor({ timeout: 10_000 })
    const s = (await client.get('/api/v1/inbox/settings', auth.street2)).json()
    expect(s).to.include({ quietStart: '22:30', quietEnd: '06:45', timeZone: 'Asia/Shanghai' })
  })
})
