// 立案 with the classifier's suggestions (Debian chromium): a report filed without a class whose
// best suggestion is below the apply confidence waits for an operator; the accept form shows the
// best class and the next two with their confidence (worded here from the suggestions the server
// stored, not from the page), and the operator's pick of another one is the event's class and a
// correction the classifier keeps (classify_correction). SCREENSHOT=1 saves docs/screenshots/classpick.png.
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { expect } from 'chai'
import type { Browser } from 'playwright-core'
import type { Knex } from 'knex'
import type { AppContext } from '../../server/context.ts'
import { loginAs, testClient, type Client } from '../support/http.ts'
import { pointIn, uniq } from '../events/helpers.ts'
import { classify } from '../../server/classify/service.ts'
import { applyConfidence } from '../../server/classify/policy.ts'
import { type RunningApp, type WatchedPage } from './browser.ts'
import { browserSuite, signedIn } from '../support/browserSuite.ts'

const screenshot = fileURLToPath(new URL('../../docs/screenshots/classpick.png', import.meta.url))

/** Polls an asynchronous condition (the page's CSP forbids waitForFunction's eval). */
async function until(check: () => Promise<boolean>, ms = 15_000): Promise<boolean> {
  for (const end = Date.now() + ms; Date.now() < end; await new Promise((r) => setTimeout(r, 100))) if (await check()) return true
  return check()
}

/** Vague wordings: the classifier is unsure of at least one whatever the corpus it learnt from. */
const VAGUE = ['那边的情况麻烦派人来看一下', '楼下有点问题请尽快处理', '这个事情反映好几次了，希望有人管一管']

describe('立案 with classifier suggestions in a browser', function () {
  this.timeout(180_000)
  let ctx: AppContext
  let app: RunningApp
  let browser: Browser
  let watched: WatchedPage | undefined
  let knex: Knex
  let client: Client
  let auth: Record<string, string>
  let number = ''
  let suggestions: { classCode: string; className: string; confidence: number }[] = []

  browserSuite({
    ready: async (s) => {
      ({ ctx, app, browser } = s)
      client = await testClient(ctx)
      knex = ctx.knex
      auth = await loginAs(client, 'command')
      let description: string | undefined
      for (const v of VAGUE) {
        if ((await classify(knex, v)).suggestions[0]!.confidence < applyConfidence()) { description = uniq(v); break }
      }
      expect(description, 'a wording the classifier is unsure of').to.be.a('string')
      const p1 = await pointIn(knex, '990102001001')
      const res = await client.post('/api/v1/events', { channel: 'superior', demandType: '投诉举报', description, location: { x: p1.lon, y: p1.lat } }, auth)
      expect(res.statusCode, res.body).to.equal(201)
      expect(res.json().event.status).to.equal('reported')
      number = res.json().event.number
      const stored = await knex('event_classification as c').join('event as e', 'e.id', 'c.event_id').where('e.number', number).first('c.suggestions', 'c.applied')
      expect(stored.applied).to.equal(false)
      suggestions = stored.suggestions
      expect(suggestions).to.have.length(3)
    },
  })

  after(async () => { await watched?.close() })

  it('shows the best class and the next two with their confidence, and keeps the operator\'s pick as a correction', async () => {
    watched = await signedIn(browser, app.base, 'command', { map: process.env.SCREENSHOT === '1', page: process.env.SCREENSHOT === '1' ? { viewport: { width: 1920, height: 1080 } } : {} })
    const page = watched.page
    await page.evaluate(`location.hash = '#event=${number}'`)
    const detail = page.locator(`#event-detail[data-number="${number}"][data-state="ready"]`)
    await detail.waitFor({ timeout: 30_000 })
    await detail.locator('button[data-action="accept"]').click()
    const pick = detail.locator('form.action-form[data-action="accept"] fieldset.class-pick')
    await pick.waitFor()
    const options = pick.locator('label.class-suggestion')
    expect(await options.count()).to.equal(3)
    const worded = suggestions.map((s, i) => [i === 0 ? '最佳' : `备选${i}`, `${s.className}（${s.classCode}）`, `置信度 ${(s.confidence * 100).toFixed(1)}%`])
    for (const [i, [rank, name, confidence]] of worded.entries()) {
      const o = options.nth(i)
      expect([await o.locator('.class-rank').innerText(), await o.locator('.class-name').innerText(), await o.locator('.class-confidence').innerText()]).to.deep.equal([rank, name, confidence])
    }
    // the event carries the best class until the operator picks: that one is checked
    expect(await options.nth(0).locator('input').isChecked()).to.equal(true)
    const chosen = suggestions[2]!.classCode
    await options.nth(2).locator('input').check()
    if (process.env.SCREENSHOT === '1') {
      fs.mkdirSync(path.dirname(screenshot), { recursive: true })
      await page.screenshot({ path: screenshot })
    }
    await detail.locator('form.action-form button[type="submit"]').click()
    expect(await until(async () => (await knex('event').where({ number }).first('status')).status === 'accepted')).to.equal(true)
    expect((await knex('event').where({ number }).first('class_code')).class_code).to.equal(chosen)
    const correction = await knex('classify_correction as c').join('event as e', 'e.id', 'c.event_id').where('e.number', number).select('c.suggested_class', 'c.chosen_class')
    expect(correction).to.deep.equal([{ suggested_class: suggestions[0]!.classCode, chosen_class: chosen }])
    expect(watched.problems, 'page errors').to.deep.equal([])
  })
})
