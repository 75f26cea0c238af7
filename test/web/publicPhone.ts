// Phone-sized browser support for the residents' page tests (test/web/publicPage.test.ts): a
// fresh mobile context that may only talk to 127.0.0.1, the page's ready state with the
// no-horizontal-scroll check, SMS codes read from a local gateway receiver (the outbox delivered
// by the real adapter), and the README's phone screenshots.
import fs from 'node:fs'
import { fileURLToPath } from 'node:url'
import { expect } from 'chai'
import type { Knex } from 'knex'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { deliverDue } from '../../server/integrations/deliverer.ts'
import type { Receiver } from '../integrations/receiver.ts'

export const PHONE = { width: 390, height: 844 }
export const shots = (name: string) => fileURLToPath(new URL(`../../docs/screenshots/public-${name}.png`, import.meta.url))

export interface Phone { context: BrowserContext; page: Page; external: string[]; problems: string[] }

/** A fresh phone (touch, deviceScaleFactor 2, zh-CN, Shanghai time), located at `at` unless null (location refused). */
export async function openPhone(browser: Browser, at: { lon: number; lat: number } | null, viewport = PHONE): Promise<Phone> {
  const context = await browser.newContext({
    viewport, deviceScaleFactor: 2, isMobile: true, hasTouch: true, locale: 'zh-CN', timezoneId: 'Asia/Shanghai',
    ...(at ? { geolocation: { longitude: at.lon, latitude: at.lat, accuracy: 25 }, permissions: ['geolocation'] } : {}),
  })
  const page = await context.newPage()
  const phone: Phone = { context, page, external: [], problems: [] }
  await page.route('**', (route) => {
    const url = new URL(route.request().url())
    if (url.protocol === 'data:' || url.protocol === 'blob:' || url.hostname === '127.0.0.1') return route.continue()
    phone.external.push(url.href)
    return route.abort('blockedbyclient')
  })
  // a refusal the page shows on purpose is logged by chromium as a failed resource: a 5xx is recorded below
  page.on('console', (m) => { if (m.type() === 'error' && !/status of [45]\d\d/.test(m.text())) phone.problems.push(m.text()) })
  page.on('pageerror', (e) => phone.problems.push(`uncaught: ${e.message}`))
  page.on('response', (r) => { if (r.status() >= 500) phone.problems.push(`${r.status()} ${r.url()}`) })
  return phone
}

/** A phone-sized shot for the README (SCREENSHOT=1, or when missing), the element scrolled to the top. */
export async function shoot(page: Page, name: string, selector?: string): Promise<void> {
  if (!process.env.SCREENSHOT && fs.existsSync(shots(name))) return
  if (selector) await page.locator(selector).first().evaluate((e) => e.scrollIntoView({ block: 'start' }))
  await page.screenshot({ path: shots(name) })
}

/** The page is drawn for a route and nothing scrolls sideways. */
export async function ready(page: Page): Promise<void> {
  await page.waitForSelector('#view[data-state="ready"]')
  const { scroll, inner } = await page.evaluate('({ scroll: document.documentElement.scrollWidth, inner: window.innerWidth })') as { scroll: number; inner: number }
  expect(scroll, `horizontal overflow at ${page.url()}`).to.be.at.most(inner)
}

/** The code of the latest SMS to a phone: the outbox is delivered to the local receiver by the real adapter. */
export async function smsCode(knex: Knex, sms: Receiver, to: string): Promise<string> {
  const before = sms.received.length
  await deliverDue(knex)
  const mine = sms.received.slice(before).map((r) => r.json as { PhoneNumbers: string; TemplateParam: string }).filter((b) => b.PhoneNumbers === to)
  expect(mine, `an SMS to ${to}`).to.have.length(1)
  return (JSON.parse(mine[0]!.TemplateParam) as { code: string }).code
}

/** Asks for a code on the page (the form's 获取验证码) and reads it from the SMS receiver. */
export async function requestCode(page: Page, knex: Knex, sms: Receiver, phone: string): Promise<string> {
  await page.fill('input[name=phone]', phone)
  const answer = page.waitForResponse((r) => r.url().endsWith('/api/v1/public/codes'))
  await page.click('.send-code')
  expect((await answer).status()).to.equal(202)
  await page.waitForSelector('.send-code:disabled')
  return smsCode(knex, sms, phone)
}
