// The 会商 panel end to end (Debian chromium): the centre sees the open decisions of its area's
// meetings with the counts the API gives, the overdue one marked and counted on the tab; it
// convenes a 72-hour plan in the panel (event, invited units, a decision with owner and deadline)
// and keeps its minutes, both as the server then holds them; the owner unit (城管局) reports its
// decision carried out from the panel. SCREENSHOT=1 saves docs/screenshots/meetings.png.
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

const screenshot = fileURLToPath(new URL('../../docs/screenshots/meetings.png', import.meta.url))
const hours = (h: number) => new Date(Date.now() + h * 3_600_000).toISOString()
/** A datetime-local value in Beijing time, `h` hours from now. */
const beijingLocal = (h: number) => new Date(Date.now() + (8 + h) * 3_600_000).toISOString().slice(0, 16)

/** Polls an asynchronous condition (the page's CSP forbids waitForFunction's eval). */
async function until(check: () => Promise<boolean>, ms = 15_000): Promise<boolean> {
  for (const end = Date.now() + ms; Date.now() < end; await new Promise((r) => setTimeout(r, 100))) if (await check()) return true
  return check()
}

describe('会商 panel in a browser', function () {
  this.timeout(180_000)
  let ctx: AppContext
  let app: RunningApp
  let browser: Browser
  let watched: WatchedPage | undefined
  let knex: Knex
  let client: Client
  const auth: Record<string, Record<string, string>> = {}
  let number = ''
  let lateMeeting = 0
  const planTitle = uniq('垃圾清运72小时处置计划')

  const decisionsOf = async (who: string, overdue: boolean) =>
    (await client.get(`/api/v1/meetings/decisions?state=open&overdue=${overdue}&limit=100`, auth[who])).json().items as { meetingId: number; seq: number }[]

  browserSuite({
    ready: async (s) => {
      ({ ctx, app, browser } = s)
      client = await testClient(ctx)
      knex = ctx.knex
      for (const u of ['command', 'department']) auth[u] = await loginAs(client, u)
      const p1 = await pointIn(knex, '990102001001')
      const res = await client.post('/api/v1/events', { channel: 'superior', demandType: '投诉举报', classCode: '0102', description: uniq('暴露垃圾 会商面板'),
        location: { x: p1.lon, y: p1.lat } }, auth.command)
      expect(res.statusCode, res.body).to.equal(201)
      number = res.json().event.number
      // a consult held three hours ago whose decision fell due an hour ago
      const late = await client.post('/api/v1/meetings', { kind: 'consult', title: uniq('联合会商'), eventNumber: number, startsAt: hours(-3),
        units: ['CGJ-990102', 'JD-990102001000'], decisions: [{ text: '街道协调物业清运', owner: 'JD-990102001000', dueAt: hours(-1) }] }, auth.command)
      expect(late.statusCode, late.body).to.equal(201)
      lateMeeting = late.json().id
    },
  })

  afterEach(async () => {
    await watched?.close()
    watched = undefined
  })

  async function open(user: string): Promise<Page> {
    watched = await signedIn(browser, app.base, user, { map: process.env.SCREENSHOT === '1', page: process.env.SCREENSHOT === '1' ? { viewport: { width: 1920, height: 1080 } } : {} })
    await watched.page.click('.dock-tab[data-tab="meetings"]')
    await watched.page.waitForSelector('.meetings-panel[data-state="ready"]', { timeout: 30_000 })
    return watched.page
  }

  it('shows the open decisions with the overdue ones marked, convenes a 72-hour plan and keeps its minutes', async () => {
    const page = await open('command')
    const [pending, overdue] = [await decisionsOf('command', false), await decisionsOf('command', true)]
    const meetings = (await client.get('/api/v1/meetings?limit=100', auth.command)).json().items as unknown[]
    expect(await page.locator('.meeting-message').innerText()).to.equal(`待落实 ${pending.length} 项，其中超期 ${overdue.length} 项；会议 ${meetings.length} 场`)
    expect(await page.getAttribute('.dock-tab[data-tab="meetings"]', 'data-badge')).to.equal(String(overdue.length))
    const late = page.locator(`.decision-list > .decision-item[data-meeting="${lateMeeting}"]`)
    expect(await late.getAttribute('class')).to.contain('overdue')
    expect(await late.locator('.decision-due').innerText()).to.match(/^已超期 · 时限 /)
    // 只看超期
    await page.click('.meeting-overdue-only')
    expect(await until(async () => await page.locator('.meeting-message').innerText() === `待落实 ${overdue.length} 项（超期）；会议 ${meetings.length} 场`)).to.equal(true)
    expect(await page.locator('.decision-list > .decision-item:not(.overdue)').count()).to.equal(0)

    // convene a 72-hour plan
    await page.click('.meeting-new')
    await page.selectOption('.meeting-kind', 'plan_72h')
    await page.fill('.meeting-title', planTitle)
    await page.fill('.meeting-event', number)
    await page.fill('.meeting-starts', beijingLocal(1))
    await page.fill('.meeting-place', '区指挥中心三楼')
    await page.fill('.meeting-units', 'CGJ-990102，SQ-990102001001')
    await page.fill('.meeting-decisions-new .decision-text', '城管局24小时内完成清运')
    await page.fill('.meeting-decisions-new .decision-owner', 'CGJ-990102')
    await page.fill('.meeting-decisions-new .decision-due', beijingLocal(25))
    await page.click('button.meeting-create')
    await page.locator('.meeting-detail h3', { hasText: planTitle }).waitFor({ timeout: 15_000 })
    const m = await knex('meeting').where({ title: planTitle }).first('id', 'kind', 'event_number', 'place', 'starts_at')
    expect(m).to.include({ kind: 'plan_72h', event_number: number, place: '区指挥中心三楼' })
    expect(Math.abs(new Date(m.starts_at).getTime() - Date.parse(`${beijingLocal(1)}:00+08:00`))).to.equal(0)
    const units = await knex('meeting_unit as mu').join('department as d', 'd.id', 'mu.department_id').where('mu.meeting_id', m.id).orderBy('d.code').pluck('d.code')
    expect(units).to.deep.equal(['CGJ-990102', 'SQ-990102001001'])
    const ds = await knex('meeting_decision as md').join('department as d', 'd.id', 'md.owner_department_id').where('md.meeting_id', m.id).select('md.text', 'd.code', 'md.due_at')
    expect(ds.map((d) => [d.text, d.code, new Date(d.due_at).toISOString()])).to.deep.equal([['城管局24小时内完成清运', 'CGJ-990102', new Date(`${beijingLocal(25)}:00+08:00`).toISOString()]])

    // minutes kept by the convener
    const minutes = uniq('会议纪要：城管局牵头，社区配合入户')
    await page.fill('.meeting-minutes', minutes)
    await page.click('button.meeting-minutes-save')
    await page.locator('.meeting-detail-status', { hasText: '纪要已保存' }).waitFor({ timeout: 15_000 })
    expect((await knex('meeting').where('id', m.id).first('minutes')).minutes).to.equal(minutes)
    if (process.env.SCREENSHOT === '1') {
      fs.mkdirSync(path.dirname(screenshot), { recursive: true })
      await page.screenshot({ path: screenshot })
    }
    expect(watched!.problems, 'page errors').to.deep.equal([])
  })

  it('lets the owner unit report its decision carried out', async () => {
    const page = await open('department')
    const row = page.locator('.decision-list > .decision-item', { hasText: '城管局24小时内完成清运' })
    await row.waitFor({ timeout: 15_000 })
    // a decision of another unit offers no 办结
    expect(await page.locator(`.decision-list > .decision-item[data-meeting="${lateMeeting}"] .decision-done`).count()).to.equal(0)
    await row.locator('.decision-result-input').fill('已完成清运，现场干净')
    await row.locator('button.decision-done').click()
    const m = await knex('meeting').where({ title: planTitle }).first('id')
    expect(await until(async () => (await knex('meeting_decision').where({ meeting_id: m.id, seq: 1 }).first('state')).state === 'done')).to.equal(true)
    expect((await knex('meeting_decision').where({ meeting_id: m.id, seq: 1 }).first('result')).result).to.equal('已完成清运，现场干净')
    expect(await until(async () => await page.locator('.decision-list > .decision-item', { hasText: '城管局24小时内完成清运' }).count() === 0)).to.equal(true)
    expect(watched!.problems, 'page errors').to.deep.equal([])
  })
})
