// The 疑难 panel end to end (Debian chromium): the centre's duty officer sees the hard cases of
// its area as the API lists them, each with why it was marked; a click opens the event's file:
// the marking's reasons, the 并联办 parts with each unit's deadline and state (an overdue one
// marked), and the quality of handling whose score is worked here from the reviews and the
// weights in force (not read back from the server); a 批示 recorded in the panel is the server's.
// SCREENSHOT=1 saves docs/screenshots/hardcases.png.
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { expect } from 'chai'
import type { Browser, Page } from 'playwright-core'
import type { Knex } from 'knex'
import type { AppContext } from '../../server/context.ts'
import { loginAs, testClient, type Client } from '../support/http.ts'
import { pointIn, uniq } from '../events/helpers.ts'
import { type RunningApp, type WatchedPage } from './browser.ts'
import { browserSuite, signedIn } from '../support/browserSuite.ts'

const screenshot = fileURLToPath(new URL('../../docs/screenshots/hardcases.png', import.meta.url))
const hours = (h: number) => new Date(Date.now() + h * 3_600_000).toISOString()

/** Polls an asynchronous condition (the page's CSP forbids waitForFunction's eval). */
async function until(check: () => Promise<boolean>, ms = 15_000): Promise<boolean> {
  for (const end = Date.now() + ms; Date.now() < end; await new Promise((r) => setTimeout(r, 100))) if (await check()) return true
  return check()
}

describe('疑难 panel in a browser', function () {
  this.timeout(180_000)
  let ctx: AppContext
  let app: RunningApp
  let browser: Browser
  let watched: WatchedPage | undefined
  let knex: Knex
  let client: Client
  const auth: Record<string, Record<string, string>> = {}
  let number = ''
  let second = ''
  const note = uniq('多部门推诿，群众反映强烈')

  browserSuite({
    ready: async (s) => {
      ({ ctx, app, browser } = s)
      client = await testClient(ctx)
      knex = ctx.knex
      for (const u of ['command', 'department']) auth[u] = await loginAs(client, u)
      const p1 = await pointIn(knex, '990102001001')
      const res = await client.post('/api/v1/events', { channel: 'superior', demandType: '投诉举报', classCode: '0102', description: uniq('暴露垃圾 疑难面板'),
        location: { x: p1.lon, y: p1.lat } }, auth.command)
      expect(res.statusCode, res.body).to.equal(201)
      number = res.json().event.number
      expect((await client.post(`/api/v1/hard-cases/events/${number}/mark`, { note }, auth.command)).statusCode).to.equal(201)
      const parts = await client.post(`/api/v1/parallel/${number}/parts`, { parts: [
        { departmentCode: 'SQ-990102001001', task: '社区入户劝导', dueAt: hours(24) },
        { departmentCode: 'JD-990102001000', task: '街道协调物业', dueAt: hours(48) },
      ] }, auth.command)
      expect(parts.statusCode, parts.body).to.equal(201)
      // the street's part has run past its deadline
      await knex('event_part').where('id', parts.json().parts[1].id).update({ due_at: new Date(Date.now() - 3_600_000) })
      // reviews and an evaluation as the quality API would have taken them
      const e = await knex('event').where({ number }).first('id', 'city_code')
      await knex('event').where({ id: e.id }).update({ satisfaction: 'basically_satisfied' })
      for (const [source, score] of [['department', 90], ['centre', 70], ['follow_up', 60]] as const) {
        await knex('event_quality_review').insert({ event_id: e.id, city_code: e.city_code, source, score, reviewer: '测试评价人' })
      }
      // a handled event nobody marked: the forms' target
      const other = await client.post('/api/v1/events', { channel: 'superior', demandType: '投诉举报', classCode: '0102', description: uniq('暴露垃圾 人工认定'),
        location: { x: p1.lon, y: p1.lat } }, auth.command)
      expect(other.statusCode, other.body).to.equal(201)
      second = other.json().event.number
      await knex('event').where({ number: second }).update({ status: 'handled', handled_at: new Date() })
    },
  })

  afterEach(async () => {
    await watched?.close()
    watched = undefined
  })

  async function open(): Promise<Page> {
    watched = await signedIn(browser, app.base, 'command', { map: process.env.SCREENSHOT === '1', page: process.env.SCREENSHOT === '1' ? { viewport: { width: 1920, height: 1080 } } : {} })
    await watched.page.click('.dock-tab[data-tab="hardcases"]')
    await watched.page.waitForSelector('.hardcases-panel[data-state="ready"]', { timeout: 30_000 })
    return watched.page
  }

  it('lists the hard cases with their reasons and opens one event\'s parts and quality', async () => {
    const page = await open()
    const listed = (await client.get('/api/v1/hard-cases?state=open&limit=100', auth.command)).json().items as { number: string }[]
    expect(await page.locator('.hardcase-message').innerText()).to.equal(`疑难事件 ${listed.length} 件`)
    expect(await page.locator('.hardcase-item').count()).to.equal(listed.length)
    expect(await page.getAttribute('.dock-tab[data-tab="hardcases"]', 'data-badge')).to.equal(String(listed.length))
    const row = page.locator(`.hardcase-item[data-number="${number}"]`)
    expect(await row.locator('.hardcase-source').innerText()).to.equal('人工')
    expect(await row.locator('.hardcase-reasons').innerText()).to.contain('人工认定')
    expect(await row.locator('.hardcase-note').innerText()).to.equal(note)

    await row.click()
    const detail = page.locator(`.hc-detail[data-number="${number}"][data-state="ready"]`)
    await detail.waitFor({ timeout: 15_000 })
    expect(await detail.locator('.hc-reason.manual').innerText()).to.equal('人工认定')
    // each unit's part, deadline and state; the overdue one marked
    const parts = detail.locator('.hc-part')
    expect(await parts.count()).to.equal(2)
    expect(await detail.locator('.hc-parts h4').innerText()).to.equal('并联办（未办结 2 / 共 2）')
    expect(await detail.locator('.hc-part[data-unit="SQ-990102001001"] .hc-state').innerText()).to.equal('办理中')
    const late = detail.locator('.hc-part[data-unit="JD-990102001000"]')
    expect(await late.getAttribute('class')).to.contain('overdue')
    expect(await late.locator('.hc-state').innerText()).to.equal('已超期')

    // the score worked by hand: resident part = (1 − s)·80 (基本满意) + s·60, then the weighted mean
    const w = (await client.get('/api/v1/quality/weights', auth.command)).json().current as { department: number; centre: number; resident: number; followUpShare: number; basically: number }
    const resident = (1 - w.followUpShare) * w.basically + w.followUpShare * 60
    const expected = Math.round((w.department * 90 + w.centre * 70 + w.resident * resident) / (w.department + w.centre + w.resident) * 100) / 100
    expect(Number(await detail.locator('.hc-score.total b').innerText())).to.equal(expected)
    expect(await detail.locator('.hc-score.follow-up b').innerText()).to.equal('60')
    expect(await detail.locator('.hc-review').count()).to.equal(3)
    expect(watched!.problems, 'page errors').to.deep.equal([])
  })

  it('records a leader\'s 批示 that the server keeps and the file shows', async () => {
    const page = await open()
    await page.click(`.hardcase-item[data-number="${number}"]`)
    const detail = page.locator(`.hc-detail[data-number="${number}"][data-state="ready"]`)
    await detail.waitFor({ timeout: 15_000 })
    const text = uniq('请城管局牵头，三日内彻底清理')
    await page.fill('.instruction-title', '区长')
    await page.fill('.instruction-leader', '王明')
    await page.fill('.instruction-text', text)
    await page.click('button.instruction-save')
    await page.locator('.hc-instruction', { hasText: text }).waitFor({ timeout: 15_000 })
    expect(await page.locator('.hc-instruction', { hasText: text }).locator('.hc-leader').innerText()).to.equal('区长王明')
    const rows = await knex('event_instruction as i').join('event as e', 'e.id', 'i.event_id').where('e.number', number).select('i.leader_name', 'i.leader_title', 'i.text')
    expect(rows).to.deep.equal([{ leader_name: '王明', leader_title: '区长', text }])
    // the register counts it
    await page.click('.hardcase-all')
    expect(await until(async () => (await page.locator(`.hardcase-item[data-number="${number}"] .hardcase-meta`).innerText().catch(() => '')).includes('批示 1 条'))).to.equal(true)
    if (process.env.SCREENSHOT === '1') {
      await page.click(`.hardcase-item[data-number="${number}"]`)
      await detail.waitFor({ timeout: 15_000 })
      fs.mkdirSync(path.dirname(screenshot), { recursive: true })
      await page.screenshot({ path: screenshot })
    }
    expect(watched!.problems, 'page errors').to.deep.equal([])
  })

  it('marks an event a hard case by hand and enters the centre\'s review through the forms', async () => {
    const page = await open()
    await page.fill('.hardcase-lookup', second)
    await page.click('.hardcase-go')
    const detail = page.locator(`.hc-detail[data-number="${second}"][data-state="ready"]`)
    await detail.waitFor({ timeout: 15_000 })
    // an empty reason is refused here, nothing posted
    await page.click('button.mark-form-save')
    expect(await page.locator('.mark-form .hc-error').innerText()).to.equal('请填写认定理由')
    const why = uniq('三个部门互相推诿')
    await page.fill('.mark-note', why)
    await page.click('button.mark-form-save')
    await page.locator('.hc-reason.manual').waitFor({ timeout: 15_000 })
    const marks = await knex('event_hard_case as h').join('event as e', 'e.id', 'h.event_id').where('e.number', second).select('h.source', 'h.note', 'h.cleared_at')
    expect(marks).to.deep.equal([{ source: 'manual', note: why, cleared_at: null }])
    expect(await page.locator('.mark-form').count(), 'no second marking offered').to.equal(0)

    // the centre's review: a score out of range stays here; 85 is the server's
    expect(await page.locator('.review-source option').allInnerTexts()).to.deep.equal(['中心评价', '追评'])
    await page.fill('.review-score', '150')
    await page.click('button.review-form-save')
    expect(await page.locator('.review-form .hc-error').innerText()).to.equal('得分须为 0 至 100')
    await page.fill('.review-score', '85')
    await page.fill('.review-comment', '处置及时')
    await page.click('button.review-form-save')
    await page.locator('.hc-review.centre').waitFor({ timeout: 15_000 })
    const reviews = await knex('event_quality_review as r').join('event as e', 'e.id', 'r.event_id').where('e.number', second).select('r.source', 'r.score', 'r.comment')
    expect(reviews.map((r) => [r.source, Number(r.score), r.comment])).to.deep.equal([['centre', 85, '处置及时']])
    expect(await page.locator('.hc-score.centre b').innerText()).to.equal('85')
    expect(watched!.problems, 'page errors').to.deep.equal([])
  })
})
