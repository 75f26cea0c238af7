// The staff app's 主动服务 view and its queues' 加载更多 on a phone (Debian chromium at 390×844).
// A lone elderly visit rule of its own makes tasks for four residents planted in the demo
// inspector's grid; the inspector follows the inbox notice to the view, which lists exactly the
// open tasks of the grids the tables say are theirs; records a visit offline, kept across an
// offline reload and sent once (the same item replayed doubles nothing); dismisses one with a
// reason; a task the command centre closed meanwhile comes back as a conflict. Community staff
// see the person masked as the API masks it; the department pages a queue of more than 50 events
// to its end.
import fs from 'node:fs'
import { fileURLToPath } from 'node:url'
import { expect } from 'chai'
import type { Knex } from 'knex'
import type { BrowserContext, Page } from 'playwright-core'
import { DEMO_PASSWORD } from '../../fixtures/users.ts'
import { runProactivePass } from '../../server/proactive-rules/pass.ts'
import { browserSuite } from '../support/browserSuite.ts'
import { loginAs, testClient, type Client } from '../support/http.ts'
import { pointIn, uniq } from '../events/helpers.ts'
import { plantResident } from '../special-groups/support.ts'
import type { RunningApp } from './browser.ts'
import { OUTBOX_COPY, outboxPut, type OutboxCopy } from './mobileOutbox.ts'

const GRID = '990102001001001' // the demo inspector's grid
const COMMUNITY = '990102001001'
const EVENTS = 53 // over the app's page of 50

describe('staff mobile app /m/: 主动服务 and a queue\'s 加载更多 (Debian chromium)', function () {
  this.timeout(180_000)
  let app: RunningApp
  let knex: Knex
  let client: Client
  let context: BrowserContext
  let page: Page
  const auth: Record<string, Record<string, string>> = {}
  const problems: string[] = []
  const ruleName = uniq('手机走访')
  let ruleId = 0
  let planted: { id: number; name: string; household: number; task: number }[] = []
  const numbers: string[] = []

  browserSuite({
    ready: async (s) => {
      app = s.app
      knex = s.ctx.knex
      client = await testClient(s.ctx)
      for (const u of ['command', 'inspector', 'community']) auth[u] = await loginAs(client, u)
      // four lone elderly residents in the inspector's grid, each the only member of a household
      for (let k = 0; k < 4; k++) {
        const [h] = await knex('household').insert({ city_code: '990100', community_code: COMMUNITY, grid_code: GRID, household_number: `PM${Date.now().toString(36).slice(-7)}${k}` }).returning('id')
        const r = await plantResident(knex, GRID, { birth: '19460302', k })
        await knex('resident').where({ id: r.id }).update({ household_id: h.id })
        planted.push({ id: r.id, name: r.name, household: Number(h.id), task: 0 })
      }
      const rule = await client.post('/api/v1/proactive-rules', { kind: 'lone_elderly_visit', name: ruleName, params: { minAge: 60, intervalDays: 30 }, reason: '手机端测试' }, auth.command)
      expect(rule.statusCode, rule.body).to.equal(201)
      ruleId = rule.json().id
      await runProactivePass(knex, new Date(), { ruleIds: [ruleId] })
      const tasks = await knex('proactive_task').where({ rule_id: ruleId }).whereIn('resident_id', planted.map((p) => p.id)).select('id', 'resident_id')
      expect(tasks).to.have.length(4)
      planted = planted.map((p) => ({ ...p, task: Number(tasks.find((t) => Number(t.resident_id) === p.id)!.id) }))
      // more events than one page of the community's territory office queue (filed there by the rules)
      const at = await pointIn(knex, COMMUNITY)
      // one filed by the rules (to the district's city management bureau), then copies of it: the
      // queue needs rows, not fifty intakes (each copy due a minute after the one before)
      const first = await client.post('/api/v1/events', { channel: 'superior', demandType: '投诉举报', classCode: '0102', description: uniq('手机分页 暴露垃圾'),
        location: { x: at.lon, y: at.lat } }, auth.command)
      expect(first.statusCode, first.body).to.equal(201)
      const base = Math.floor(Math.random() * 1e9)
      const copies = Array.from({ length: EVENTS - 1 }, (_, i) => `E7${String(base + i).padStart(14, '0')}`)
      await knex.raw(`INSERT INTO event (number, city_code, channel, demand_type, class_code, description, geom, source_position, grid_code, grid_version,
          community_code, street_code, district_code, h3_r12, status, priority, escalation_level, assignee_department_id, dispatched_at, sign_due_at,
          handle_due_at, config_versions)
        SELECT c.number, e.city_code, e.channel, e.demand_type, e.class_code, e.description || ' ' || c.n, e.geom, e.source_position, e.grid_code, e.grid_version,
          e.community_code, e.street_code, e.district_code, e.h3_r12, e.status, e.priority, e.escalation_level, e.assignee_department_id, e.dispatched_at,
          e.sign_due_at + c.n * interval '1 minute', e.handle_due_at, e.config_versions
        FROM event e, unnest(?::text[]) WITH ORDINALITY AS c(number, n) WHERE e.number = ?`, [copies, first.json().event.number])
      numbers.push(first.json().event.number, ...copies)
      context = await s.browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' })
      page = await context.newPage()
      page.on('console', (m) => { if (m.type() === 'error' && !/status of 4\d\d|ERR_INTERNET_DISCONNECTED/.test(m.text())) problems.push(m.text()) })
      page.on('pageerror', (e) => problems.push(`uncaught: ${e.message}`))
    },
    closing: async () => { await context?.close() },
    closed: async () => {
      if (!knex) return
      await knex('inbox_item').whereRaw("(data->>'proactiveRule')::bigint = ?", [ruleId]).delete()
      await knex('resident_visit').whereIn('task_id', knex('proactive_task').where({ rule_id: ruleId }).select('id')).delete()
      await knex('proactive_task').where({ rule_id: ruleId }).delete()
      await knex('proactive_rule').where({ id: ruleId }).delete()
      for (const p of planted) {
        await knex('resident').where({ id: p.id }).delete()
        await knex('household').where({ id: p.household }).delete()
      }
    },
  })

  afterEach(() => expect(problems, 'console errors and uncaught exceptions').to.deep.equal([]))

  const signIn = async (username: string) => {
    await page.fill('input[name=username]', username)
    await page.fill('input[name=password]', DEMO_PASSWORD)
    await page.click('form[aria-label="登录"] button[type=submit]')
    await page.waitForSelector('.tasks')
  }
  const card = (task: number) => page.locator(`.proactive li[data-task="${task}"]`)
  const task = (id: number) => knex('proactive_task').where({ id }).first('status', 'note', 'closed_by')
  const visits = (id: number) => knex('resident_visit').where({ task_id: id }).select('method', 'visited_at', 'notes')

  it('leads from the inbox notice to 主动服务, listing the open tasks of the inspector\'s grids with rule, due date and person', async () => {
    await page.goto(`${app.base}/m/`)
    await signIn('inspector')
    await page.evaluate('navigator.serviceWorker.ready.then(() => true)')
    await page.click('.tabs a[data-tab="inbox"]')
    const notice = page.locator('.inbox li', { hasText: ruleName })
    await notice.locator('a', { hasText: '去办理' }).click()
    await page.waitForSelector('.proactive li[data-task]')
    for (let more = page.locator('.proactive button.more'); await more.count();) await more.click()
    const shown = (await page.locator('.proactive li[data-task]').evaluateAll((ls) => ls.map((l) => Number(l.getAttribute('data-task'))))).sort((a, b) => a - b)
    // independent: open tasks whose grid the inspector is assigned to now, from the assignment table
    const { rows } = await knex.raw(`SELECT t.id FROM proactive_task t WHERE t.status = 'open' AND t.grid_code IN (
      SELECT a.grid_code FROM grid_assignment a JOIN grid_member m ON m.id = a.member_id JOIN app_user u ON u.id = m.user_id
      WHERE u.username = 'inspector' AND a.valid_to IS NULL) ORDER BY t.id`)
    expect(shown).to.deep.equal(rows.map((r: { id: string }) => Number(r.id)))
    expect(new Set(shown).size, 'each task once').to.equal(shown.length)
    // the inspector serving the grid sees the person in full; the ID number only ever masked
    const p = planted[0]!
    const row = await knex('proactive_task as t').join('resident as r', 'r.id', 't.resident_id').where('t.id', p.task)
      .first(knex.raw("to_char(t.due_on, 'YYYY-MM-DD') AS due"), 'r.id_number_masked', 'r.phone')
    const text = await card(p.task).textContent()
    expect(text).to.include(p.name).and.include(row.id_number_masked).and.include(row.phone).and.include(`规则：${ruleName}`).and.include(`期限 ${row.due}`)
    expect(await page.locator('.tabs a.active').getAttribute('data-tab')).to.equal('tasks')
    const { scroll, inner } = await page.evaluate('({ scroll: document.documentElement.scrollWidth, inner: window.innerWidth })') as { scroll: number; inner: number }
    expect(scroll, 'no horizontal overflow').to.be.at.most(inner)
    // the README's picture of the view (SCREENSHOT=1, or when missing)
    const shot = fileURLToPath(new URL('../../docs/screenshots/mobile-proactive.png', import.meta.url))
    if (process.env.SCREENSHOT || !fs.existsSync(shot)) await page.screenshot({ path: shot })
  })

  it('records a visit offline: kept across an offline reload, sent once when the network returns; a replay doubles nothing', async () => {
    const p = planted[0]!
    await context.setOffline(true)
    await card(p.task).locator('button[data-open="done"]').click()
    await card(p.task).locator('select[name=method]').selectOption('phone')
    await card(p.task).locator('textarea[name=note]').fill('电话联系，身体状况良好')
    const before = Date.now()
    await card(p.task).locator('form[data-action="done"] button[type=submit]').click()
    await card(p.task).locator('.msg', { hasText: '已保存，联网后自动发送' }).waitFor()
    const after = Date.now()
    const stash = await page.evaluate(OUTBOX_COPY) as OutboxCopy
    expect(stash.kind).to.equal('proactive')
    // a reload without a network: the shell from the service worker, the list from the last copy, the close from IndexedDB
    await page.reload()
    await page.waitForSelector('#net[data-pending="1"]')
    expect(await card(p.task).locator('.badge').textContent()).to.equal('待发送')
    expect(await card(p.task).locator('button').count(), 'no second close offered').to.equal(0)
    expect((await task(p.task)).status, 'nothing reaches the server while offline').to.equal('open')

    await context.setOffline(false)
    await page.waitForSelector('#net.on[data-pending="0"]', { timeout: 30_000 })
    const me = await knex('app_user').where({ username: 'inspector' }).first('id')
    expect(await task(p.task)).to.deep.include({ status: 'done', note: '电话联系，身体状况良好', closed_by: me.id })
    const v = await visits(p.task)
    expect(v).to.have.length(1)
    expect(v[0]!.method).to.equal('phone')
    // the visit is dated when it was made on the phone, not when it reached the server
    expect(v[0]!.visited_at.getTime()).to.be.within(before - 1000, after + 1000)

    // the same close sent again (its answer lost): the server's 409 is read as ours, done
    await context.setOffline(true)
    expect(await page.evaluate(outboxPut(stash)), 'items in the outbox').to.equal(1)
    await page.reload()
    await page.waitForSelector('#net[data-pending="1"]')
    await context.setOffline(false)
    await page.waitForSelector('#net.on[data-pending="0"][data-conflicts="0"]', { timeout: 30_000 })
    expect(await visits(p.task), 'a replayed visit').to.have.length(1)
  })

  it('dismisses a task with a reason (none: refused on the phone); one the command centre closed meanwhile is a conflict', async () => {
    const [, second, third] = planted as [unknown, typeof planted[0], typeof planted[0]]
    await page.goto(`${app.base}/m/proactive`)
    await card(second.task).locator('button[data-open="dismiss"]').click()
    await card(second.task).locator('form[data-action="dismiss"] button[type=submit]').click()
    // the browser's own check of the required reason keeps the form from being sent
    expect(await card(second.task).locator('textarea[name=reason]').evaluate((t) => (t as unknown as { validity: { valueMissing: boolean } }).validity.valueMissing)).to.equal(true)
    await card(second.task).locator('textarea[name=reason]').fill('已迁往子女家同住')
    await card(second.task).locator('form[data-action="dismiss"] button[type=submit]').click()
    await card(second.task).locator('.msg', { hasText: '无需办理已提交' }).waitFor()
    expect(await task(second.task)).to.deep.include({ status: 'dismissed', note: '已迁往子女家同住' })
    expect(await visits(second.task), 'a dismissal records no visit').to.have.length(0)

    await context.setOffline(true)
    await card(third.task).locator('button[data-open="done"]').click()
    await card(third.task).locator('form[data-action="done"] button[type=submit]').click()
    await card(third.task).locator('.msg', { hasText: '已保存' }).waitFor()
    const closed = await client.post(`/api/v1/proactive-rules/tasks/${third.task}/done`, { note: '中心已电话回访' }, auth.command)
    expect(closed.statusCode, closed.body).to.equal(200)
    await context.setOffline(false)
    await page.waitForSelector('#net[data-conflicts="1"]', { timeout: 30_000 })
    expect(await task(third.task), 'the centre\'s close stands').to.deep.include({ status: 'done', note: '中心已电话回访' })
    expect(await visits(third.task), 'one visit, the centre\'s').to.have.length(1)
    await page.click('.tabs a[data-tab="me"]')
    const item = page.locator('.outbox li[data-state="conflict"]')
    expect(await item.textContent()).to.include('主动服务').and.include(third.name)
    await item.locator('button', { hasText: '放弃' }).click()
    await page.waitForSelector('#net[data-pending="0"][data-conflicts="0"]')
  })

  it('shows community staff the person masked as the API does', async () => {
    await page.click('.tabs a[data-tab="me"]')
    await page.click('button.danger')
    await signIn('community')
    await page.click('.tasks a[href="/m/proactive"]')
    const p = planted[3]!
    const api = (await client.get(`/api/v1/proactive-rules/tasks?status=open&after=${p.task + 1}&limit=1`, auth.community)).json().items[0]
    expect(api.id).to.equal(p.task)
    expect(api.access).to.equal('unmaskable')
    await card(p.task).waitFor()
    const text = await card(p.task).textContent()
    expect(text).to.include(api.resident.name).and.include(api.resident.phone).and.include(api.resident.idNumber)
    expect(text, 'the full name').to.not.include(p.name)
    const phone = await knex('resident').where({ id: p.id }).first('phone')
    expect(text, 'the full phone number').to.not.include(phone.phone)
  })

  it('pages a queue of more than 50 events with 加载更多 to its whole count, each event once', async () => {
    await page.click('.tabs a[data-tab="me"]')
    await page.click('button.danger')
    await signIn('department')
    // the new events were filed to the district's city management bureau by the dispatch rules
    const { rows: expected } = await knex.raw(`SELECT e.number FROM event e JOIN department d ON d.id = e.assignee_department_id
      WHERE d.code = 'CGJ-990102' AND e.status = 'dispatched'`)
    const want = expected.map((r: { number: string }) => r.number as string).sort()
    expect(want).to.include.members(numbers)
    const head = await page.textContent('.tasks h2:has(+ ul[data-queue="to_sign"])')
    expect(head, 'the whole count in the header').to.contain(`（${want.length}）`)
    const rows = page.locator('.tasks ul[data-queue="to_sign"] > li')
    expect(await rows.count(), 'the first page').to.equal(50)
    for (let more = page.locator('.tasks button.more[data-queue="to_sign"]'); await more.count();) {
      const n = await rows.count()
      await more.click()
      await rows.nth(n).waitFor({ state: 'attached' }) // the next page's first row
    }
    const listed = await page.locator('.tasks ul[data-queue="to_sign"] a').evaluateAll((as) => as.map((a) => a.getAttribute('href')!.slice('/m/event/'.length)))
    expect(new Set(listed).size, 'each event once').to.equal(listed.length)
    expect([...listed].sort()).to.deep.equal(want)
    // in the queue's order: the running (sign) deadline first, as the server ranks it
    const { rows: dues } = await knex.raw('SELECT number, sign_due_at FROM event WHERE number = ANY(?)', [listed])
    const due = new Map(dues.map((r: { number: string; sign_due_at: Date }) => [r.number, r.sign_due_at.getTime()]))
    const times = listed.map((n) => due.get(n) as number)
    expect(times).to.deep.equal([...times].sort((x, y) => x - y))
  })
})
