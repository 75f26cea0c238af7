// Role menus, 大屏 and an expired login, in chromium: each demo role is offered the dock tabs its
// server capabilities allow (the analyst no 调度, the inspector his tasks and events); the big
// screen hides the chrome and rotates its views with the stream connected; a login that expires
// in the middle of an action returns to the sign-in and, signed in again, the same view, event
// and typed text are back.
import { expect } from 'chai'
import type { Browser, Page } from 'playwright-core'
import type { AppContext } from '../../server/context.ts'
import { AppError } from '../../server/http/errors.ts'
import { capabilitiesOf } from '../../server/auth/capabilities.ts'
import type { Role } from '../../server/auth/roles.ts'
import { DEMO_PASSWORD } from '../../fixtures/users.ts'
import { TAB_NEEDS } from '../../web-map/src/ui/roles.ts'
import { DRAFT_MESSAGE, EXPIRED_MESSAGE } from '../../web-map/src/ui/sessionMessages.ts'
import { pointIn, uniq } from '../events/helpers.ts'
import { openWatchedPage, signIn, waitForMap, type RunningApp, type WatchedPage } from './browser.ts'
import { browserSuite, callApi } from '../support/browserSuite.ts'

const C1 = '990102001001'

describe('role menus, big screen and an expired login (角色菜单 · 大屏 · 登录过期)', function () {
  this.timeout(300_000)
  let ctx: AppContext
  let app: RunningApp
  let browser: Browser
  let watched: WatchedPage | undefined
  /** Tokens issued by this test's server, and those it now refuses as expired. */
  const issued: string[] = []
  const expired = new Set<string>()
  let restoreTokens: () => void = () => undefined

  const api = (method: string, path: string, auth: Record<string, string>, body?: unknown) => callApi(app.base, auth, method, path, body)

  async function login(username: string): Promise<Record<string, string>> {
    const r = await api('POST', '/api/v1/auth/login', {}, { username, password: DEMO_PASSWORD })
    expect(r.status).to.equal(200)
    return { authorization: `Bearer ${String(r.json.token)}` }
  }

  browserSuite({
    prepare: async (s) => {
      ctx = s.ctx
      // expiry on demand: the token service refuses, as expired, every token it issued before expireAll()
      const tokens = ctx.tokens
      const issue = tokens.issue.bind(tokens)
      const verify = tokens.verify.bind(tokens)
      tokens.issue = async (userId, sessionId) => {
        const t = await issue(userId, sessionId)
        issued.push(t.token)
        return t
      }
      tokens.verify = async (token) => {
        if (expired.has(token)) throw new AppError(401, 'unauthorized', 'token expired')
        return verify(token)
      }
      restoreTokens = () => { tokens.issue = issue; tokens.verify = verify }
    },
    ready: (s) => { ({ ctx, app, browser } = s) },
    closing: async () => {
      restoreTokens()
    },
  })

  afterEach(async () => {
    await watched?.close()
    watched = undefined
  })

  async function open(username: string, query = ''): Promise<Page> {
    watched = await openWatchedPage(browser, { viewport: { width: 1920, height: 1080 } })
    await watched.page.goto(`${app.base}/${query}`)
    await signIn(watched.page, username, DEMO_PASSWORD)
    await waitForMap(watched.page)
    // (attached: the big screen may show another panel than 事件)
    await watched.page.waitForSelector('#events[data-loaded] #events-live[data-stream="open"]', { state: 'attached', timeout: 60_000 })
    return watched.page
  }

  // strings: these run in the page, and the test programme is type-checked without the DOM library
  const visibleTabs = (page: Page) => page.evaluate<string[]>(`[...document.querySelectorAll('.dock-tab')].filter((b) => !b.hidden).map((b) => b.dataset.tab)`)
  const allTabs = (page: Page) => page.evaluate<string[]>(`[...document.querySelectorAll('.dock-tab')].map((b) => b.dataset.tab)`)

  /** The tabs a role should see: those whose capability the server gives it (tabs not listed need none). */
  const expectedTabs = (tabs: string[], role: Role) => tabs.filter((t) => TAB_NEEDS[t] === undefined || (capabilitiesOf(role) as string[]).includes(TAB_NEEDS[t]!))

  for (const [user, role] of [['command', 'command_center'], ['street1', 'street_staff'], ['community', 'community_staff'], ['analyst', 'gis_analyst'], ['inspector', 'grid_inspector']] as const) {
    it(`offers ${user} (${role}) the tabs its capabilities allow`, async () => {
      const page = await open(user)
      const tabs = await visibleTabs(page)
      expect(tabs).to.deep.equal(expectedTabs(await allTabs(page), role))
      expect(await page.isVisible('.big-screen-button')).to.equal(capabilitiesOf(role).includes('bigScreen'))
      // street and community staff see their area: the map fitted to it, named in the status bar
      if (role === 'street_staff' || role === 'community_staff') {
        await page.waitForFunction(`/^辖区：/.test(document.querySelector('.status-area').textContent)`, undefined, { timeout: 30_000 })
      }
      if (role === 'command_center') expect(tabs).to.include.members(['events', 'warnings', 'situation', 'field', 'replay', 'tasks'])
      if (role === 'grid_inspector') {
        expect(tabs).to.include.members(['events', 'field', 'replay', 'tasks'])
        expect(tabs).to.not.include.members(['warnings', 'situation', 'grids'])
        expect(watched!.problems, 'nothing refused in the console').to.deep.equal([])
      }
    })
  }

  it('gives the analyst layers and analytics but no 调度, and the inspector his own events and tasks', async () => {
    const command = await login('command')
    const p = await pointIn(ctx.knex, C1, 3)
    const made = await api('POST', '/api/v1/events', command, {
      channel: 'superior', demandType: '投诉举报', classCode: '0102', description: uniq('角色菜单：分析员无调度'), location: { x: p.lon, y: p.lat, crs: 'EPSG:4490' },
    })
    const number = String((made.json.event as { number: string }).number)

    const page = await open('analyst')
    expect(await visibleTabs(page)).to.include.members(['situation', 'warnings', 'events'])
    expect(await page.evaluate<string[]>(`[...document.querySelectorAll('.dock-tab:not([hidden])')].map((b) => b.textContent)`)).to.not.include.members(['调度', '调派'])
    expect(await page.locator('#layer-list input[value="heatmap"]').count(), 'the analysis layers').to.equal(1)
    await page.evaluate(`location.hash = '#event=${number}'`)
    await page.waitForSelector(`#event-detail[data-number="${number}"][data-state="ready"]`)
    expect(await page.locator('#event-detail section.dispatch:not([hidden])').count(), 'no 调度 section').to.equal(0)
    await watched!.close()

    // the inspector's events list asks for his own (assignee=me); his tasks tab reads today's tasks
    watched = await openWatchedPage(browser)
    const lists: string[] = []
    watched.page.on('request', (r) => { if (new URL(r.url()).pathname === '/api/v1/events') lists.push(r.url()) })
    await watched.page.goto(`${app.base}/`)
    await signIn(watched.page, 'inspector', DEMO_PASSWORD)
    await watched.page.waitForSelector('#events[data-loaded]', { timeout: 60_000 })
    expect(lists.length).to.be.greaterThan(0)
    for (const u of lists) expect(new URL(u).searchParams.get('assignee')).to.equal('me')
    await watched.page.click('.dock-tab[data-tab="tasks"]')
    await watched.page.waitForSelector('.tasks-panel[data-state="ready"]')
    const inspectorAuth = await login('inspector')
    const today = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10)
    const own = await api('GET', `/api/v1/patrol-tasks?date=${today}&limit=200`, inspectorAuth)
    expect(await watched.page.locator('.tasks-panel li.task').count(), 'his tasks, as the server lists them').to.equal((own.json.items as unknown[]).length)
  })

  it('大屏: ?mode=screen hides the chrome, rotates the views with the stream connected, and Esc leaves', async () => {
    const streams: string[] = []
    const page = await open('command', '?mode=screen&interval=2')
    page.on('request', (r) => { if (new URL(r.url()).pathname === '/api/v1/stream') streams.push(r.url()) })
    await page.waitForSelector('body.big-screen[data-screen-view]')
    expect(await page.getAttribute('body', 'data-screen-interval')).to.equal('2')
    for (const chrome of ['.topbar', '.statusbar', '#layers', '.dock-tabs']) expect(await page.isVisible(chrome), chrome).to.equal(false)
    expect(await page.isVisible('.bs-bar')).to.equal(true)
    // large type on the wall
    expect(parseFloat(await page.evaluate<string>(`getComputedStyle(document.querySelector('.dock')).fontSize`))).to.be.at.least(18)
    const seen: string[] = []
    const panels: Record<string, string> = {}
    const until = Date.now() + 20_000
    while (seen.length < 5 && Date.now() < until) {
      const v = await page.getAttribute('body', 'data-screen-view')
      if (v && v !== seen.at(-1)) {
        seen.push(v)
        // the view's panel beside the map (热力: the map alone)
        const dock = await page.evaluate<string>(`(() => { const d = document.querySelector('.dock'); return d.hidden ? 'none' : d.dataset.shown })()`)
        if (await page.getAttribute('body', 'data-screen-view') === v) panels[v] = dock ?? ''
      }
      await page.waitForTimeout(200)
    }
    // each view in turn (态势 → 预警 → 力量 → 热力), round and round
    const order = ['situation', 'warnings', 'field', 'heat']
    const trail = `${seen.join(' → ')} ${watched!.problems.join('; ')}`
    expect(seen.length, trail).to.equal(5)
    expect(new Set(seen).size, trail).to.equal(4)
    for (let i = 1; i < seen.length; i++) expect(order.indexOf(seen[i]!), trail).to.equal((order.indexOf(seen[i - 1]!) + 1) % order.length)
    const want: Record<string, string> = { situation: 'situation', warnings: 'warnings', field: 'field', heat: 'none' }
    for (const [v, panel] of Object.entries(panels)) expect(panel, v).to.equal(want[v])
    await page.waitForSelector('body[data-screen-view="heat"] .dock[hidden]', { state: 'attached', timeout: 20_000 })
    expect(watched!.tiles.some((t) => t.layer === 'heatmap' && t.status === 200), 'the heat map drawn').to.equal(true)
    expect(await page.getAttribute('#events-live', 'data-stream'), 'the stream stays connected').to.equal('open')
    expect(streams, 'no reconnection while rotating').to.deep.equal([])
    await page.keyboard.press('Escape')
    await page.waitForSelector('body:not(.big-screen)')
    expect(await page.isVisible('.topbar')).to.equal(true)
    expect(await page.isVisible('.dock-tabs')).to.equal(true)
    expect(new URL(page.url()).searchParams.get('mode')).to.equal(null)
    // the button enters it too, with the default interval
    await page.click('.big-screen-button')
    await page.waitForSelector('body.big-screen')
    expect(await page.getAttribute('body', 'data-screen-interval')).to.equal('30')
    await page.keyboard.press('Escape')
    await page.waitForSelector('body:not(.big-screen)')
    expect(watched!.problems).to.deep.equal([])
  })

  it('an expired login in the middle of an action returns to the sign-in; signed in again, the view, event and typed text are back', async () => {
    const command = await login('command')
    const p = await pointIn(ctx.knex, C1, 4)
    const made = await api('POST', '/api/v1/events', command, {
      channel: 'superior', demandType: '投诉举报', classCode: '0102', description: uniq('登录过期测试'), location: { x: p.lon, y: p.lat, crs: 'EPSG:4490' },
    })
    const number = String((made.json.event as { number: string }).number)
    const page = await open('command')
    await page.evaluate(`location.hash = '#event=${number}'`)
    await page.waitForSelector(`#map[data-located="${number}"]`, { timeout: 30_000 })
    await page.uncheck('#layer-list input[value="base_grids"]')
    const view = await page.getAttribute('#map', 'data-view')
    const text = uniq('请尽快处理，登录过期前填写')
    await page.click('#event-detail .actions button[data-action="supervise"]')
    await page.fill('#event-detail form.action-form textarea[name="comment"]', text)

    for (const t of issued) expire(t)
    await endSessions()
    await page.click('#event-detail form.action-form button[type="submit"]')
    await page.waitForSelector('#login:not([hidden])')
    expect(await page.textContent('#login-error')).to.equal(EXPIRED_MESSAGE)
    const history = await api('GET', `/api/v1/events/${number}/history`, await login('command'))
    expect((history.json.items as { action: string }[]).map((h) => h.action), 'nothing was done').to.not.include('supervise')

    await signIn(page, 'command', DEMO_PASSWORD)
    await page.waitForSelector(`#event-detail[data-number="${number}"] form.action-form[data-state="restored"]`, { timeout: 60_000 })
    expect(await page.inputValue('#event-detail form.action-form textarea[name="comment"]')).to.equal(text)
    expect(await page.textContent('#event-detail form.action-form .error')).to.equal(DRAFT_MESSAGE)
    await page.waitForFunction(`document.querySelector('#map').dataset.view === ${JSON.stringify(view)}`, undefined, { timeout: 30_000 })
    expect(await page.isChecked('#layer-list input[value="base_grids"]')).to.equal(false)
    expect(await page.getAttribute('.dock', 'data-shown')).to.equal('events')
    // and the kept text goes through now
    await page.click('#event-detail form.action-form button[type="submit"]')
    await page.waitForSelector('#event-detail .notice:not(.empty)')
    const after = await api('GET', `/api/v1/events/${number}/history`, await login('command'))
    expect((after.json.items as { action: string; comment: string | null }[]).some((h) => h.action === 'supervise' && h.comment === text)).to.equal(true)
  })

  it('keeps the view for the same user only: another user signing in after the expiry starts afresh', async () => {
    const page = await open('command')
    await page.uncheck('#layer-list input[value="base_grids"]')
    for (const t of issued) expire(t)
    await endSessions()
    // the first look at the tasks tab reads them: refused, the page returns to the sign-in
    await page.click('.dock-tab[data-tab="tasks"]')
    await page.waitForSelector('#login:not([hidden])', { timeout: 30_000 })
    expect(await page.evaluate('sessionStorage.getItem("gridgov.view") !== null')).to.equal(true)
    await signIn(page, 'street1', DEMO_PASSWORD)
    await waitForMap(page)
    expect(await page.isChecked('#layer-list input[value="base_grids"]')).to.equal(true)
    expect(await page.evaluate('sessionStorage.getItem("gridgov.view")')).to.equal(null)
  })

  it('an access token that ends while its session lives is renewed without a word: the action goes through', async () => {
    const command = await login('command')
    const p = await pointIn(ctx.knex, C1, 4)
    const made = await api('POST', '/api/v1/events', command, {
      channel: 'superior', demandType: '投诉举报', classCode: '0102', description: uniq('令牌续期测试'), location: { x: p.lon, y: p.lat, crs: 'EPSG:4490' },
    })
    const number = String((made.json.event as { number: string }).number)
    const page = await open('command')
    await page.evaluate(`location.hash = '#event=${number}'`)
    await page.waitForSelector(`#map[data-located="${number}"]`, { timeout: 30_000 })
    const text = uniq('令牌过期后继续督办')
    await page.click('#event-detail .actions button[data-action="supervise"]')
    await page.fill('#event-detail form.action-form textarea[name="comment"]', text)
    const before = issued.length
    for (const t of issued) expire(t) // every access token refused as expired; the sessions live on
    await page.click('#event-detail form.action-form button[type="submit"]')
    await page.waitForSelector('#event-detail .notice:not(.empty)', { timeout: 30_000 })
    expect(await page.isHidden('#login'), 'no return to the sign-in').to.equal(true)
    expect(issued.length, 'the page renewed its token').to.be.greaterThan(before)
    const history = await api('GET', `/api/v1/events/${number}/history`, await login('command'))
    expect((history.json.items as { action: string; comment: string | null }[]).some((h) => h.action === 'supervise' && h.comment === text)).to.equal(true)
  })

  function expire(token: string): void {
    expired.add(token)
  }

  /** Every open session has been idle past the timeout: the refresh is refused too, the login has ended. */
  async function endSessions(): Promise<void> {
    await ctx.knex('auth_session').whereNull('revoked_at').update({ last_used_at: ctx.knex.raw("now() - interval '1 day'") })
  }
})
