// A refused action shows the server's Chinese message where the operator acted: the page asks for
// Chinese on every call (Accept-Language: zh-CN) and shows the problem's detail next to the
// button pressed — the sign-in form, and the action forms of the event detail (a unit that does
// not exist, a stale view). The 调度 section's refusal is in dispatch.test.ts, the warnings' in
// warnings.test.ts.
import { expect } from 'chai'
import type { Browser, Page, Request } from 'playwright-core'
import type { AppContext } from '../../server/context.ts'
import { DEMO_PASSWORD } from '../../fixtures/users.ts'
import { messageFor } from '../../server/http/messages/registry.ts'
import { pointIn, uniq } from '../events/helpers.ts'
import { openWatchedPage, signIn, type RunningApp, type WatchedPage } from './browser.ts'
import { bearer, browserSuite, callApi } from '../support/browserSuite.ts'

describe('refusals in the server\'s Chinese (browser)', function () {
  this.timeout(180_000)
  let ctx: AppContext
  let app: RunningApp
  let browser: Browser
  let watched: WatchedPage | undefined
  let commandAuth: Record<string, string>
  const apiRequests: Request[] = []

  const api = (method: string, path: string, body?: unknown) => callApi(app.base, commandAuth, method, path, body)

  browserSuite({
    ready: async (s) => {
      ({ ctx, app, browser } = s)
      commandAuth = await bearer(app.base, 'command')
    },
  })

  afterEach(async () => {
    await watched?.close()
    watched = undefined
  })

  async function open(): Promise<Page> {
    watched = await openWatchedPage(browser)
    // a browser whose own language is English: the page still asks the server for Chinese
    await watched.page.context().setExtraHTTPHeaders({})
    watched.page.on('request', (r) => { if (new URL(r.url()).pathname.startsWith('/api/')) apiRequests.push(r) })
    await watched.page.goto(`${app.base}/`)
    return watched.page
  }

  it('the sign-in form shows the server\'s sentence for a wrong password', async () => {
    const page = await open()
    const answered = page.waitForResponse((r) => r.url().endsWith('/api/v1/auth/login'))
    await signIn(page, 'command', 'not-the-password')
    const res = await answered
    expect(res.status()).to.equal(401)
    expect(res.request().headers()['accept-language']).to.equal('zh-CN')
    expect(res.headers()['content-language']).to.equal('zh-CN')
    await page.waitForSelector('#login-error:not(:empty)')
    expect(await page.textContent('#login-error')).to.equal(messageFor('zh', 'auth.invalid_credentials'))
  })

  it('an event\'s action forms show the refusal in Chinese under the button pressed', async () => {
    const page = await open()
    await signIn(page, 'command', DEMO_PASSWORD)
    await page.waitForSelector('#events[data-loaded]:not([hidden]) #events-live[data-stream="open"]', { timeout: 60_000 })
    const p = await pointIn(ctx.knex, '990102001002', 5)
    const report = await api('POST', '/api/v1/events', {
      channel: 'superior', demandType: '投诉举报', classCode: '0102', description: uniq('拒绝提示测试'), location: { x: p.lon, y: p.lat, crs: 'EPSG:4490' },
    })
    expect(report.status, JSON.stringify(report.json)).to.equal(201)
    const number = (report.json.event as { number: string }).number
    const row = page.locator(`#events-list li[data-number="${number}"]`)
    await row.waitFor({ timeout: 30_000 })
    await row.locator('button').click()
    const detail = page.locator(`#event-detail[data-number="${number}"][data-state="ready"]`)
    await detail.waitFor()

    // 改派 to a unit that does not exist: refused (422, transition.unknown_unit)
    await detail.locator('button[data-action="reassign"]').click()
    const reassign = page.locator('#event-detail form.action-form[data-action="reassign"]')
    await reassign.locator('input[name="departmentCode"]').fill('NOSUCH-UNIT')
    const refusedAnswer = page.waitForResponse((r) => r.url().endsWith(`/api/v1/events/${number}/transitions`))
    await reassign.locator('button[type="submit"]').click()
    const answer = await refusedAnswer
    expect(answer.status()).to.equal(422)
    expect(answer.request().headers()['accept-language']).to.equal('zh-CN')
    expect(answer.headers()['content-language']).to.equal('zh-CN')
    expect((await answer.json() as { code: string }).code).to.equal('transition.unknown_unit')
    await page.waitForSelector('#event-detail form.action-form[data-action="reassign"][data-state="error"] .error:not(:empty)')
    expect(await reassign.locator('.error').textContent()).to.equal('本市没有单位 NOSUCH-UNIT')

    // a stale view: someone else reassigned meanwhile (409 transition.version_conflict)
    const other = await api('POST', `/api/v1/events/${number}/transitions`, { action: 'reassign', departmentCode: 'CGJ-990102', comment: '他人改派' })
    expect(other.status, JSON.stringify(other.json)).to.equal(200)
    const version = (other.json.event as { version: number }).version
    await reassign.locator('input[name="departmentCode"]').fill('CGJ-990102')
    await reassign.locator('button[type="submit"]').click()
    await page.waitForSelector('#event-detail form.action-form[data-action="reassign"] .error:has-text("已被他人更新")')
    expect(await reassign.locator('.error').textContent()).to.equal(`事件 ${number} 已被他人更新（当前第 ${version} 版），请刷新后重试`)

    // every API call of the page asked for Chinese
    const languages = new Set(apiRequests.map((r) => r.headers()['accept-language']))
    expect([...languages]).to.deep.equal(['zh-CN'])
    expect(watched!.external).to.deep.equal([])
    expect(watched!.problems.filter((m) => !/status of (409|422)/.test(m)), 'console errors').to.deep.equal([])
  })
})
