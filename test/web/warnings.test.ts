// The 预警 panel and the warning bubbles end to end: chromium signs in as street staff; a warning
// stored on the server (the warning pass's own insert and stream item) appears as a bubble and in
// the list without a reload, coloured by level and timed in Asia/Shanghai; clicking the bubble
// opens it; 确认 acknowledges it on the server with the comment and removes the bubble; another
// operator's acknowledgement removes it through the stream; a refused acknowledgement shows its
// Chinese reason in the row; a fence alert and a priority-1 event appear too; street2 never sees
// street1's warnings.
import { expect } from 'chai'
import type { Browser, Page } from 'playwright-core'
import type { Knex } from 'knex'
import type { AppContext } from '../../server/context.ts'
import { DEMO_PASSWORD } from '../../fixtures/users.ts'
import { sqlFile } from '../../server/db/sql.ts'
import { notifyField } from '../../server/stream/notify.ts'
import { streamItem, type StoredRow } from '../../server/warnings/pass.ts'
import { KIND_NAMES } from '../../server/warnings/rules.ts'
import { insertAlerts } from '../../server/fences/repository.ts'
import { WARNING_KIND_NAMES } from '../../web-map/src/client/warningsApi.ts'
import { beijingTime } from '../../web-map/src/ui/time.ts'
import { byNewest, fromFenceAlert, fromWarning, type Alarm } from '../../web-map/src/panels/warnings/alarms.ts'
import { streamHubOf } from '../../server/stream/routes.ts'
import { pointIn, uniq } from '../events/helpers.ts'
import { openWatchedPage, signIn, type RunningApp, type WatchedPage } from './browser.ts'
import { bearer, browserSuite } from '../support/browserSuite.ts'

const CITY = '990100'
const C1 = '990102001001' // street1's community
const C2 = '990102002001' // street2's community
const FENCE_NAME = 'web-warnings-test fence'

describe('预警 panel: the page agrees with the server', () => {
  it('names warning kinds as the server does', () => {
    expect(WARNING_KIND_NAMES).to.deep.equal(KIND_NAMES)
  })

  it('lists newest first, the more urgent level first at the same time', () => {
    const a = (key: string, at: string, level: number) => ({ key, at, level }) as Alarm
    const sorted = [a('x', '2026-01-01T00:00:00Z', 3), a('y', '2026-01-02T00:00:00Z', 3), a('z', '2026-01-01T00:00:00Z', 1)].sort(byNewest)
    expect(sorted.map((s) => s.key)).to.deep.equal(['y', 'z', 'x'])
  })

  it('names a kind another capability registered by the server\'s name, not its code', () => {
    const w = { id: 7, kind: 'dispute_risk', kindName: '矛盾纠纷高风险', level: 1, title: 't', lon: 1, lat: 2, raisedAt: '2026-01-01T00:00:00Z' }
    expect(fromWarning(w, true).kindName).to.equal('矛盾纠纷高风险')
  })

  it('words a fence alert by who, what and which fence', () => {
    const alarm = fromFenceAlert({ id: 9, kind: 'exit', fenceName: '一号围栏', device: 'd-1', deviceName: null, memberName: '张三', at: '2026-01-01T00:00:00Z', lon: 1, lat: 2, acknowledgedAt: null }, true)
    expect(alarm).to.include({ key: 'f:9', level: 2, kindName: '离开围栏', title: '张三离开围栏：一号围栏', fresh: true })
  })
})

describe('预警 panel in a browser', function () {
  this.timeout(180_000)
  let ctx: AppContext
  let knex: Knex
  let app: RunningApp
  let browser: Browser
  let watched: WatchedPage | undefined
  const tag = `web-warnings-${Math.random().toString(36).slice(2, 8)}`
  const auth: Record<string, Record<string, string>> = {}

  const login = (username: string): Promise<Record<string, string>> => bearer(app.base, username)

  async function api(user: string, method: string, path: string, body?: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
    const res = await fetch(`${app.base}${path}`, {
      method, headers: { ...auth[user], ...(body ? { 'content-type': 'application/json' } : {}) }, body: body ? JSON.stringify(body) : undefined,
    })
    return { status: res.status, json: await res.json() as Record<string, unknown> }
  }

  /** Stores a warning as the pass does (its insert SQL, streamed in the same transaction); answers its stream item. */
  async function raise(area: string, level: number, title: string, raisedAt = new Date()): Promise<ReturnType<typeof streamItem>> {
    const p = await pointIn(knex, area.endsWith('000') ? C1 : area, 3)
    const rows = [{ kind: 'mass', rule_version: 1, level, title, detail: { test: tag }, area, lon: p.lon, lat: p.lat, event_ids: '{}', dedupe_key: uniq(tag), subject: null }]
    return knex.transaction(async (trx) => {
      const { rows: stored } = await trx.raw(sqlFile('warnings/insert'), { city: CITY, now: raisedAt, rows: JSON.stringify(rows) }) as { rows: StoredRow[] }
      await notifyField(trx, 'warning', stored.map(streamItem))
      return streamItem(stored[0]!)
    })
  }

  browserSuite({
    prepare: async (s) => {
      ctx = s.ctx
      knex = ctx.knex
    },
    ready: async (s) => {
      ({ ctx, app, browser } = s)
      for (const u of ['command', 'street1', 'street2', 'district']) auth[u] = await login(u)
    },
    closed: async () => {
      if (knex) {
        await knex.raw("DELETE FROM warning WHERE detail->>'test' = ?", [tag])
        await knex('fence').where({ name: FENCE_NAME }).delete()
      }
    },
  })

  afterEach(async () => {
    await watched?.close()
    watched = undefined
  })

  async function open(username: string): Promise<Page> {
    watched = await openWatchedPage(browser)
    await watched.page.goto(`${app.base}/`)
    await signIn(watched.page, username, DEMO_PASSWORD)
    // the open ones are loaded and the shared stream is open
    await watched.page.waitForSelector('section.warnings[data-loaded]', { state: 'attached', timeout: 60_000 })
    await watched.page.waitForSelector('#events-live[data-stream="open"]', { timeout: 60_000 })
    await watched.page.click('.dock-tab[data-tab="warnings"]')
    return watched.page
  }

  /** Whether the bubble's tail (bottom centre) reaches the map's centre within 3 px (the view animates for 0.4 s). */
  async function centred(page: Page, key: string): Promise<boolean> {
    for (let i = 0; i < 30; i++) {
      const b = await bubble(page, key).boundingBox()
      const m = await page.locator('#map').boundingBox()
      if (b && m && Math.abs(b.x + b.width / 2 - (m.x + m.width / 2)) <= 3 && Math.abs(b.y + b.height + 6 + 2 - (m.y + m.height / 2)) <= 3) return true
      await page.waitForTimeout(200)
    }
    return false
  }

  const bubble = (page: Page, key: string) => page.locator(`.warning-bubble[data-key="${key}"]`)
  const row = (page: Page, key: string) => page.locator(`.warning-list li[data-key="${key}"]`)

  it('loads the open ones at sign-in, shows a new one live as a bubble and a row, and acknowledges it', async () => {
    const earlier = await raise(C1, 3, uniq('测试：社区群体性诉求（登录前）'), new Date('2026-12-03T01:47:00Z'))
    const page = await open('street1')
    await bubble(page, `w:${earlier.id}`).waitFor({ state: 'attached' })
    expect(await bubble(page, `w:${earlier.id}`).getAttribute('class'), 'loaded, not new: no pulse').to.equal('warning-bubble yellow')
    expect(await row(page, `w:${earlier.id}`).locator('.time').textContent(), 'Beijing time').to.equal('2026-12-03 09:47')

    const title = uniq('测试：第一街道群体性诉求')
    const w = await raise('990102001000', 1, title)
    const key = `w:${w.id}`
    // no reload: the stream brings it
    await bubble(page, key).waitFor({ state: 'attached', timeout: 30_000 })
    expect(await bubble(page, key).getAttribute('class')).to.equal('warning-bubble red fresh')
    expect(await bubble(page, key).textContent()).to.equal('群体性诉求')
    const r = row(page, key)
    expect(await r.locator('.kind').textContent()).to.equal('群体性诉求')
    expect(await r.locator('.level-chip').textContent()).to.equal('红')
    expect(await r.locator('.title').textContent()).to.equal(title)
    expect(await r.locator('.time').textContent()).to.equal(beijingTime(w.raisedAt, false))
    expect(await page.locator('.warning-list li[data-key]').first().getAttribute('data-key'), 'newest first').to.equal(key)
    const count = Number(await page.getAttribute('section.warnings', 'data-count'))
    expect(await page.getAttribute('.dock-tab[data-tab="warnings"]', 'data-badge'), 'the tab counts the open ones').to.equal(String(count))
    const listed = await api('street1', 'GET', '/api/v1/warnings?acknowledged=false&limit=500')
    const fences = await api('street1', 'GET', '/api/v1/fence-alerts?acknowledged=false&limit=500')
    expect(count, 'the badge counts the server\'s open warnings and fence alerts').to.equal((listed.json.items as unknown[]).length + (fences.json.items as unknown[]).length)

    // a new one pulses, unless the operator's system asks for reduced motion
    const pulse = () => page.evaluate(`getComputedStyle(document.querySelector('.warning-bubble[data-key="${key}"]'), '::before').animationName`)
    expect(await pulse()).to.equal('warning-pulse')
    await page.emulateMedia({ reducedMotion: 'reduce' })
    expect(await pulse()).to.equal('none')
    await page.emulateMedia({ reducedMotion: 'no-preference' })

    // clicking the bubble opens it in the panel, highlighted, stops the pulse and centres the map on it
    await page.click('.dock-tab[data-tab="events"]')
    await bubble(page, key).click()
    await page.waitForSelector(`.dock[data-shown="warnings"] .warning-list li.current[data-key="${key}"]`)
    expect(await bubble(page, key).getAttribute('class')).to.equal('warning-bubble red selected')
    expect(await centred(page, key), 'the bubble\'s tail is at the map\'s centre').to.equal(true)

    // 确认 with a comment: gone from the map and the list, recorded on the server
    await r.locator('button.ack').click()
    const comment = uniq('已联系街道，现场处置中')
    await r.locator('input[name="comment"]').fill(comment)
    await r.locator('form.ack-form button[type="submit"]').click()
    await bubble(page, key).waitFor({ state: 'detached', timeout: 30_000 })
    expect(await row(page, key).count()).to.equal(0)
    const stored = await knex('warning').where({ id: w.id }).first('acknowledged_at', 'acknowledged_by', 'ack_comment')
    const street1 = await knex('app_user').where({ username: 'street1' }).first('id')
    expect(stored.acknowledged_at).to.not.equal(null)
    expect(Number(stored.acknowledged_by)).to.equal(Number(street1.id))
    expect(stored.ack_comment).to.equal(comment)
    expect(watched!.problems, watched!.problems.join('\n')).to.deep.equal([])
    expect(watched!.external).to.deep.equal([])
  })

  it('drops a warning another operator acknowledged, and shows a refused acknowledgement in the row', async () => {
    const page = await open('street1')
    const a = await raise(C1, 2, uniq('测试：他人确认'))
    const b = await raise(C1, 2, uniq('测试：确认被拒'))
    await bubble(page, `w:${b.id}`).waitFor({ state: 'attached', timeout: 30_000 })
    await bubble(page, `w:${a.id}`).waitFor({ state: 'attached' })
    expect(await bubble(page, `w:${a.id}`).getAttribute('class')).to.equal('warning-bubble orange fresh')

    // the district acknowledges a: the stream tells this screen
    const ack = await api('district', 'POST', `/api/v1/warnings/${a.id}/acknowledge`, { comment: '区里已处理' })
    expect(ack.status, JSON.stringify(ack.json)).to.equal(200)
    await bubble(page, `w:${a.id}`).waitFor({ state: 'detached', timeout: 30_000 })
    expect(await row(page, `w:${a.id}`).count()).to.equal(0)

    // b was acknowledged behind the stream's back (a race): the server refuses, the row says why in Chinese
    await knex('warning').where({ id: b.id }).update({ acknowledged_at: new Date('2026-12-03T02:05:00Z'), acknowledged_by: knex('app_user').where({ username: 'command' }).select('id') })
    const r = row(page, `w:${b.id}`)
    await r.locator('button.ack').click()
    await r.locator('form.ack-form button[type="submit"]').click()
    await page.waitForSelector(`.warning-list li[data-key="w:${b.id}"] form.ack-form[data-state="error"]`)
    const display = await knex('app_user').where({ username: 'command' }).first('display_name')
    expect(await r.locator('.error').textContent()).to.equal(`该预警已于 2026-12-03 10:05 由${display.display_name}确认，无需重复确认`)
    expect(await bubble(page, `w:${b.id}`).count(), 'still shown: only the stream or a reload removes it').to.equal(1)
  })

  it('street2 does not see street1\'s warnings, at sign-in or live', async () => {
    const before = await raise(C1, 1, uniq('测试：第一街道（辖区外）'))
    const page = await open('street2')
    expect(await bubble(page, `w:${before.id}`).count()).to.equal(0)
    const outside = await raise('990102001000', 1, uniq('测试：第一街道实时（辖区外）'))
    const own = await raise(C2, 2, uniq('测试：第二街道'))
    // streamed after the outside one: once it is here, the other would have been too
    await bubble(page, `w:${own.id}`).waitFor({ state: 'attached', timeout: 30_000 })
    expect(await bubble(page, `w:${outside.id}`).count()).to.equal(0)
    expect(await row(page, `w:${outside.id}`).count()).to.equal(0)
    expect(await row(page, `w:${before.id}`).count()).to.equal(0)
  })

  it('an analyst reads the warnings but is offered no 确认 (the server would refuse)', async () => {
    const w = await raise(C1, 3, uniq('测试：分析员只读'))
    const page = await open('analyst')
    await row(page, `w:${w.id}`).waitFor({ state: 'attached', timeout: 30_000 })
    expect(await row(page, `w:${w.id}`).locator('button.ack').count()).to.equal(0)
    auth.analyst ??= await login('analyst')
    const ack = await api('analyst', 'POST', `/api/v1/warnings/${w.id}/acknowledge`, {})
    expect(ack.status, 'the server agrees').to.equal(403)
  })

  it('shows a fence alert as it happens and acknowledges it', async () => {
    const page = await open('street1')
    const p = await pointIn(knex, C1, 5)
    const fence = await api('district', 'POST', '/api/v1/fences', { name: FENCE_NAME, kind: 'circle', center: [p.lon, p.lat], radius: 300 })
    expect(fence.status, JSON.stringify(fence.json)).to.equal(201)
    const device = await knex('device').where({ identifier: 'demo-inspector-phone' }).first('id', 'member_id')
    const member = await knex('grid_member').where({ id: device.member_id }).first('name')
    const [alert] = await knex.transaction((trx) => insertAlerts(trx, CITY, [{
      fenceId: Number(fence.json.id), deviceId: Number(device.id), memberId: Number(device.member_id), community: C1,
      kind: 'exit', at: Date.now(), lon: p.lon, lat: p.lat, detail: { test: tag },
    }]))
    const key = `f:${alert!.id}`
    await bubble(page, key).waitFor({ state: 'attached', timeout: 30_000 })
    expect(await bubble(page, key).getAttribute('class')).to.equal('warning-bubble orange fresh')
    expect(await row(page, key).locator('.title').textContent()).to.equal(`${member.name}离开围栏：${FENCE_NAME}`)
    await row(page, key).locator('button.ack').click()
    await row(page, key).locator('form.ack-form button[type="submit"]').click()
    await bubble(page, key).waitFor({ state: 'detached', timeout: 30_000 })
    const stored = await knex('fence_alert').where({ id: alert!.id }).first('acknowledged_at')
    expect(stored.acknowledged_at).to.not.equal(null)
  })

  it('raises a bubble for a priority-1 event the moment it is reported', async () => {
    const page = await open('street1')
    const p = await pointIn(knex, C1, 1)
    const report = await api('command', 'POST', '/api/v1/events', {
      channel: 'superior', demandType: '投诉举报', classCode: '0102', description: uniq('预警面板测试：紧急井盖缺失'),
      location: { x: p.lon, y: p.lat, crs: 'EPSG:4490' }, priority: 1,
    })
    expect(report.status, JSON.stringify(report.json)).to.equal(201)
    const number = (report.json.event as { number: string }).number
    const key = `e:${number}:urgent`
    await bubble(page, key).waitFor({ state: 'attached', timeout: 30_000 })
    expect(await bubble(page, key).getAttribute('class')).to.equal('warning-bubble red fresh')
    expect(await row(page, key).locator('.kind').textContent()).to.equal('紧急事件')
    // 查看事件 opens it in the events panel
    await row(page, key).locator('button.view-event').click()
    await page.waitForSelector(`.dock[data-shown="events"] #event-detail[data-number="${number}"]`)
    // an ordinary report raises nothing
    const read = Number(await page.getAttribute('section.warnings', 'data-events-read'))
    const plain = await api('command', 'POST', '/api/v1/events', {
      channel: 'superior', demandType: '投诉举报', classCode: '0102', description: uniq('预警面板测试：普通'), location: { x: p.lon, y: p.lat, crs: 'EPSG:4490' },
    })
    const plainNumber = (plain.json.event as { number: string }).number
    await page.waitForSelector(`section.warnings:not([data-events-read="${read}"])`, { state: 'attached', timeout: 30_000 })
    expect(await bubble(page, `e:${plainNumber}:urgent`).count()).to.equal(0)
  })

  it('raises a bubble for an event turning overdue when it is supervised, and clears it when the event closes', async () => {
    const page = await open('street1')
    const p = await pointIn(knex, C1, 2)
    const report = await api('command', 'POST', '/api/v1/events', {
      channel: 'superior', demandType: '投诉举报', classCode: '0102', description: uniq('预警面板测试：超时未签收'),
      location: { x: p.lon, y: p.lat, crs: 'EPSG:4490' },
    })
    expect(report.status, JSON.stringify(report.json)).to.equal(201)
    const number = (report.json.event as { number: string; status: string }).number
    // its signing deadline passed (what the clock does by itself), then 督办 as the scheduler does at that moment
    await knex('event').where({ number }).update({ sign_due_at: new Date(Date.now() - 60_000) })
    const supervise = await api('command', 'POST', `/api/v1/events/${number}/transitions`, { action: 'supervise', comment: '超时未签收' })
    expect(supervise.status, JSON.stringify(supervise.json)).to.equal(200)
    const key = `e:${number}:overdue`
    await bubble(page, key).waitFor({ state: 'attached', timeout: 30_000 })
    expect(await bubble(page, key).getAttribute('class')).to.equal('warning-bubble orange fresh')
    expect(await row(page, key).locator('.kind').textContent()).to.equal('事件超时')
    // a closed event takes its bubble with it
    const original = await api('command', 'POST', '/api/v1/events', {
      channel: 'superior', demandType: '投诉举报', classCode: '0102', description: uniq('预警面板测试：原件'), location: { x: p.lon, y: p.lat, crs: 'EPSG:4490' },
    })
    const duplicateOf = (original.json.event as { number: string }).number
    const voided = await api('command', 'POST', `/api/v1/events/${number}/transitions`, { action: 'void', comment: '重复上报', duplicateOf })
    expect(voided.status, JSON.stringify(voided.json)).to.equal(200)
    await bubble(page, key).waitFor({ state: 'detached', timeout: 30_000 })
  })

  it('catches up after the stream drops: what happened meanwhile shows on reconnecting', async () => {
    const page = await open('street1')
    const gone = await raise(C1, 3, uniq('测试：断线期间被确认'))
    await bubble(page, `w:${gone.id}`).waitFor({ state: 'attached', timeout: 30_000 })
    // the server ends every stream (a restart); the page reconnects after a second or so
    await streamHubOf(ctx).close()
    await page.waitForSelector('#events-live:not([data-stream="open"])', { state: 'attached' })
    const raised = await raise(C1, 2, uniq('测试：断线期间新增'))
    const ack = await api('district', 'POST', `/api/v1/warnings/${gone.id}/acknowledge`, {})
    expect(ack.status).to.equal(200)
    await bubble(page, `w:${raised.id}`).waitFor({ state: 'attached', timeout: 30_000 })
    await bubble(page, `w:${gone.id}`).waitFor({ state: 'detached', timeout: 30_000 })
    expect(await bubble(page, `w:${raised.id}`).getAttribute('class'), 'new to this screen: pulses').to.include('fresh')
  })
})
