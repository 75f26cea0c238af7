// 重点公示 end to end: chromium signs in as the command centre, opens a closed event and pins it
// with 设为公示案例; a new similar event (same class, next door, alike in words) then shows the case
// in its 相似公示案例 section, with why it was offered and how it was handled, as the server ranks
// it; the 公示 tab lists it and opens its handling steps. A street user is offered the case but
// not the pin button.
import { expect } from 'chai'
import type { Browser, Page } from 'playwright-core'
import type { AppContext } from '../../server/context.ts'
import { CASE_READER_ROLES, metresText, PINNER_ROLES, span } from '../../web-map/src/client/exemplaryApi.ts'
import { PINNERS, READERS } from '../../server/exemplary/schemas.ts'
import { loginAs, testClient, type Client } from '../support/http.ts'
import { uniq } from '../events/helpers.ts'
import { closedEvent, report, type Auth } from '../exemplary/support.ts'
import { type RunningApp, type WatchedPage } from './browser.ts'
import { browserSuite, signedIn } from '../support/browserSuite.ts'

describe('公示: page constants', () => {
  it('offers pinning and reading to the roles the server lets do them', () => {
    expect([...PINNER_ROLES].sort()).to.deep.equal([...PINNERS].sort())
    expect([...CASE_READER_ROLES].sort()).to.deep.equal([...READERS].sort())
  })
  it('words spans and distances', () => {
    expect(span(45)).to.equal('45分')
    expect(span(192)).to.equal('3小时12分')
    expect(span(3120)).to.equal('2天4小时')
    expect(metresText(849.6)).to.equal('850 米')
  })
})

interface Similar { items: { id: number; title: string; score: { distance: { metres: number }; text: { words: { shared: string[] } } }; handling: { steps: unknown[] }; timing: { takenMinutes: number | null } }[] }

describe('公示 in a browser', function () {
  this.timeout(240_000)
  let ctx: AppContext
  let app: RunningApp
  let browser: Browser
  let client: Client
  const auth: Auth = {}
  const pages: WatchedPage[] = []

  browserSuite({
    ready: async (s) => {
      ({ ctx, app, browser } = s)
      client = await testClient(ctx)
      for (const u of ['command', 'street1']) auth[u] = await loginAs(client, u)
    },
    closing: async () => {
      for (const w of pages) await w.close()
    },
  })

  async function open(username: string, number: string): Promise<Page> {
    const w = await signedIn(browser, app.base, username, { path: `/#event=${number}` })
    pages.push(w)
    return w.page
  }

  const sectionOf = (page: Page, number: string) => page.locator(`#event-detail[data-number="${number}"] section.similar-cases`)

  it('pins a closed event; a new similar event shows it with how it was handled', async () => {
    const tag = uniq('公示页面')
    const closed = await closedEvent(client, ctx.knex, auth, '990102001001', 6, '0102', `${tag} 幸福里北门小区门口暴露垃圾堆放无人清理`)
    const page = await open('command', closed.number)
    const section = sectionOf(page, closed.number)
    await section.locator('button.pin-open').click({ timeout: 60_000 })
    const form = section.locator('form.pin-form')
    await form.locator('input[name=title]').fill('暴露垃圾当日清运')
    await form.locator('textarea[name=summary]').fill('街道接单后两小时内清运完毕，约谈物业建立巡查制度')
    await form.locator('input[name=reason]').fill('处置及时，群众满意')
    await form.locator('input[name=tags]').fill('清运 物业')
    await form.locator('button[type=submit]').click()
    await section.locator('.pinned-note', { hasText: '本事件已设为公示案例：暴露垃圾当日清运' }).waitFor({ timeout: 30_000 })
    const caseId = Number(await section.locator('.pin-area').getAttribute('data-pinned'))
    const stored = await ctx.knex('exemplary_case').where({ id: caseId }).first()
    expect(stored).to.deep.include({ event_number: closed.number, title: '暴露垃圾当日清运', unpinned_at: null })
    expect(stored.tags).to.deep.equal(['清运', '物业'])

    // a new event of the same class next door, described alike
    const fresh = await report(client, ctx.knex, auth, '990102001001', 7, '0102', `${uniq('新上报')} 幸福里北门小区门口暴露垃圾堆放，气味难闻`)
    await page.evaluate(`location.hash = '#event=${fresh.number}'`)
    const offered = sectionOf(page, fresh.number)
    await page.waitForSelector(`#event-detail[data-number="${fresh.number}"] section.similar-cases[data-state="ready"] article.case-card[data-case-id="${caseId}"]`, { timeout: 60_000 })
    const served = (await (await client.get(`/api/v1/events/${fresh.number}/similar-cases?limit=5`, auth.command)).json()) as Similar
    const shown = await offered.locator('article.case-card').evaluateAll((cs) => cs.map((c) => Number(c.getAttribute('data-case-id'))))
    expect(shown, 'the page shows what the server offers, in its order').to.deep.equal(served.items.map((x) => x.id))
    expect(shown).to.include(caseId)
    const ours = served.items.find((x) => x.id === caseId)!
    const card = offered.locator(`article.case-card[data-case-id="${caseId}"]`)
    expect(await card.locator('.case-title').textContent()).to.equal('暴露垃圾当日清运')
    const why = await card.locator('.case-why').textContent()
    expect(why).to.equal(`同小类 · 相距 ${metresText(ours.score.distance.metres)} · 共同词语：${ours.score.text.words.shared.join('、')}`)
    expect(ours.score.text.words.shared).to.include.members(['小区', '暴露垃圾', '堆放'])
    expect(await card.locator('.case-timing').textContent()).to.match(new RegExp(`^处置用时 ${span(ours.timing.takenMinutes)}`))
    expect(await card.locator('.case-summary').textContent()).to.include('约谈物业建立巡查制度')
    await card.locator('details.case-steps summary').click()
    expect(await card.locator('details.case-steps li').count()).to.equal(ours.handling.steps.length)
    expect(await card.locator('details.case-steps li[data-action="close"]').count()).to.equal(1)
    // an open event offers no pin button
    expect(await offered.locator('button.pin-open').count()).to.equal(0)

    // the 公示 tab lists the case and opens its handling steps
    await page.locator('button.dock-tab[data-tab="exemplary"]').click()
    const listed = page.locator(`section.exemplary article.case-card[data-case-id="${caseId}"]`)
    await listed.waitFor({ timeout: 30_000 })
    await listed.locator('footer button', { hasText: '办理过程' }).click()
    await listed.locator('details.case-steps[open] li[data-action="close"]').waitFor({ timeout: 30_000 })
    expect(await listed.locator('button.withdraw').count()).to.equal(1)
    const w = pages.at(-1)!
    expect(w.external).to.deep.equal([])
    expect(w.problems.filter((p) => p.startsWith('uncaught'))).to.deep.equal([])
  })

  it('offers the case to a street user without the pin button', async () => {
    const closed = await closedEvent(client, ctx.knex, auth, '990102001001', 8, '0102', `${uniq('公示页面街道')} 路边暴露垃圾`)
    const page = await open('street1', closed.number)
    await page.waitForSelector(`#event-detail[data-number="${closed.number}"] section.similar-cases[data-state="ready"]`, { timeout: 60_000 })
    const section = sectionOf(page, closed.number)
    expect(await section.locator('button.pin-open').count()).to.equal(0)
    expect(await section.locator('article.case-card').count()).to.be.at.least(1)
    await page.locator('button.dock-tab[data-tab="exemplary"]').click()
    await page.locator('section.exemplary[data-state="ready"]').waitFor({ timeout: 30_000 })
    expect(await page.locator('section.exemplary button.withdraw').count()).to.equal(0)
  })
})
