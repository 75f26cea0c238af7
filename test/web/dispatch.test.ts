// 调度 from the map end to end: chromium signs in as a street operator, opens an accepted event
// from its link, sees the rules' recommendation and the nearest on-duty members (nearest first,
// with distance and workload, drawn on the map), gets the server's refusal where it acted when a
// member is no longer active, then dispatches to the second nearest; the assignee changes.
import { expect } from 'chai'
import type { Browser, Page } from 'playwright-core'
import type { AppContext } from '../../server/context.ts'
import { DEMO_PASSWORD } from '../../fixtures/users.ts'
import { DISPATCH_ROLES as PAGE_ROLES, distanceText } from '../../web-map/src/client/dispatchApi.ts'
import { DISPATCH_ROLES } from '../../server/events/dispatchOptions.ts'
import { pointIn, uniq } from '../events/helpers.ts'
import { membersUnder, offsetM, placeMember, removePlaced, type Placed } from '../events/dispatchFixture.ts'
import { openWatchedPage, signIn, type RunningApp, type WatchedPage } from './browser.ts'
import { bearer, browserSuite, callApi } from '../support/browserSuite.ts'

describe('调度 panel: page constants', () => {
  it('offers dispatch to the roles the server lets dispatch', () => {
    expect([...PAGE_ROLES].sort()).to.deep.equal([...DISPATCH_ROLES].sort())
  })
  it('words distances in metres and kilometres', () => {
    expect(distanceText(849.6)).to.equal('850 米')
    expect(distanceText(2417)).to.equal('2.4 公里')
    expect(distanceText(15_200)).to.equal('15 公里')
  })
})

describe('调度 panel in a browser', function () {
  this.timeout(180_000)
  let ctx: AppContext
  let app: RunningApp
  let browser: Browser
  let watched: WatchedPage | undefined
  let auth: Record<string, string>
  const placed: Placed[] = []

  const api = (method: string, path: string, body?: unknown) => callApi(app.base, auth, method, path, body)

  browserSuite({
    ready: async (s) => {
      ({ ctx, app, browser } = s)
      auth = await bearer(app.base, 'command')
    },
    closing: async () => {
      await watched?.close()
      if (ctx) await removePlaced(ctx.knex, placed)
    },
  })

  /** The dispatch options the page itself received, newest last. */
  let pageAnswers: { candidates: { member: { id: number }; distanceM: number; workload: number }[] }[] = []

  async function open(username: string, number: string): Promise<Page> {
    watched = await openWatchedPage(browser)
    pageAnswers = []
    watched.page.on('response', async (r) => {
      if (r.url().includes('/dispatch-options') && r.status() === 200) pageAnswers.push(await r.json() as typeof pageAnswers[number])
    })
    await watched.page.goto(`${app.base}/#event=${number}`)
    await signIn(watched.page, username, DEMO_PASSWORD)
    return watched.page
  }

  it('shows the recommendation and the nearest members, refuses in place, and dispatches to the one chosen', async () => {
    // community 004: the one other tests place fewest devices in (ten candidates at most are listed)
    const p = await pointIn(ctx.knex, '990102001004', 4)
    const report = await api('POST', '/api/v1/events', {
      channel: 'resident', demandType: '投诉举报', classCode: '0102', description: uniq('调度面板测试：路灯不亮'),
      location: { x: p.lon, y: p.lat, crs: 'EPSG:4490' },
    })
    expect(report.status, JSON.stringify(report.json)).to.equal(201)
    const number = (report.json.event as { number: string }).number
    expect((await api('POST', `/api/v1/events/${number}/transitions`, { action: 'accept' })).status).to.equal(200)

    const members = await membersUnder(ctx.knex, '990102001', 3)
    expect(members).to.have.length(3)
    const [a, b, c] = [members[0]!, members[1]!, members[2]!]
    placed.push(
      await placeMember(ctx.knex, a.id, offsetM(p.lon, p.lat, 150, 0)),
      await placeMember(ctx.knex, b.id, offsetM(p.lon, p.lat, 0, -600), { stillMin: 12 }),
      await placeMember(ctx.knex, c.id, offsetM(p.lon, p.lat, -900, 800)),
    )
    const page = await open('street1', number)
    const section = page.locator(`#event-detail[data-number="${number}"] section.dispatch`)
    await page.waitForSelector(`#event-detail[data-number="${number}"] section.dispatch[data-state="ready"]`, { timeout: 60_000 })

    // the recommendation and its explanation, as the server gives them
    const options = await api('GET', `/api/v1/events/${number}/dispatch-options`)
    const rec = options.json.recommended as { unit: { code: string; name: string }; basis: string }
    expect(await section.locator('.dispatch-recommend').getAttribute('data-unit')).to.equal(rec.unit.code)
    expect(await section.locator('.dispatch-who').textContent()).to.include(rec.unit.name)
    expect(await section.locator('.dispatch-why').textContent()).to.match(/^依据：/)

    // nearest first, with status, distance and workload; drawn on the map
    const rows = section.locator('.dispatch-candidates li')
    const shown = await rows.evaluateAll((ls) => ls.map((l) => Number(l.getAttribute('data-member-id'))))
    // the page lists what the server served it, in its order (positions age between two asks, so
    // the page's own answer, not a second one); other tests may have left devices nearby, so of
    // ours: a (150 m), b (600 m), c (1.2 km), nearest first
    const served = pageAnswers.at(-1)!.candidates
    expect(shown).to.deep.equal(served.map((s) => s.member.id))
    expect(shown.filter((id) => [a.id, b.id, c.id].includes(id))).to.deep.equal([a.id, b.id, c.id])
    for (const s of served) {
      const row = section.locator(`li[data-member-id="${s.member.id}"]`)
      expect(await row.locator('.distance').textContent()).to.equal(distanceText(s.distanceM))
      expect(await row.locator('.workload').textContent()).to.equal(`在办 ${s.workload} 件`)
    }
    expect(await section.locator(`li[data-member-id="${b.id}"] .status`).textContent()).to.equal('静止')
    expect(await section.locator(`li[data-member-id="${a.id}"] .status`).textContent()).to.equal('在线')
    expect(await section.getAttribute('data-drawn')).to.equal(String(served.length))
    // 地图查看 zooms the map out to the event and every candidate
    const rendersBefore = await page.locator('#map').getAttribute('data-renders')
    await section.locator('button.dispatch-fit').click()
    await page.locator(`#map:not([data-renders="${rendersBefore}"])`).waitFor({ state: 'attached' })

    // a refused dispatch shows the server's message where the operator acted: c is no longer active
    await ctx.knex('grid_member').where({ id: c.id }).update({ active: false })
    try {
      await section.locator(`button[data-dispatch="${c.id}"]`).click()
      await page.waitForSelector(`#event-detail section.dispatch[data-state="refused"] .error:not(:empty)`)
      // the server's Chinese sentence (transition.unknown_member), not the page's own words
      expect(await section.locator('.error').textContent()).to.match(new RegExp(`^网格员 ${c.id} 不是单位 \\S+ 的在岗成员$`))
    } finally {
      await ctx.knex('grid_member').where({ id: c.id }).update({ active: true })
    }

    // dispatch to the second nearest: the event's assignee becomes that member
    await section.locator(`button[data-dispatch="${b.id}"]`).click()
    await page.locator(`#event-detail[data-number="${number}"] tr.fact-assignee td`, { hasText: b.name }).waitFor({ timeout: 30_000 })
    const after = await api('GET', `/api/v1/events/${number}`)
    expect(after.json.status).to.equal('dispatched')
    expect((after.json.assignee as { member: { id: number } }).member.id).to.equal(b.id)
    // the section comes back for 改派, with the member marked as the current assignee
    await page.waitForSelector(`#event-detail section.dispatch[data-state="ready"] li[data-member-id="${b.id}"] .tag.assigned`, { timeout: 30_000 })
    expect(await page.locator(`#event-detail button[data-dispatch="${b.id}"]`).isDisabled()).to.equal(true)
    expect(watched!.external).to.deep.equal([])
    expect(watched!.problems.filter((p) => p.startsWith('uncaught'))).to.deep.equal([])
  })

  it('is not shown to a role that may not dispatch', async () => {
    const p = await pointIn(ctx.knex, '990102001001', 5)
    const report = await api('POST', '/api/v1/events', {
      channel: 'superior', demandType: '投诉举报', classCode: '0102', description: uniq('调度面板测试：井盖缺失'),
      location: { x: p.lon, y: p.lat, crs: 'EPSG:4490' },
    })
    const number = (report.json.event as { number: string }).number
    const page = await open('department', number)
    await page.waitForSelector(`#event-detail[data-number="${number}"][data-state="ready"]`, { timeout: 60_000 })
    expect(await page.locator('#event-detail section.dispatch').count()).to.equal(0)
    expect(await page.locator('#event-detail section[hidden]').count()).to.equal(1)
  })
})
