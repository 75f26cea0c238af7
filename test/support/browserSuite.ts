// The set-up every browser test suite shares (test/web/*.test.ts): skip without Chromium, build
// the page when stale, the shared test database, gridgov on a loopback port, one Chromium for the
// suite; closed after it. Call browserSuite() in a describe body; its hooks run in this order:
//   prepare(suite)  with suite.ctx (plant rows, wrap services) before the app starts
//   ready(suite)    once the app and Chromium are up (sign in, seed through the API)
//   closing()       before Chromium and the app close (pages, planted rows)
//   closed()        after they closed (database clean-up)
import { expect } from 'chai'
import type { Browser } from 'playwright-core'
import type { AppContext } from '../../server/context.ts'
import { DEMO_PASSWORD } from '../../fixtures/users.ts'
import { buildIfStale } from '../../web-map/build.ts'
import { getTestContext } from './db.ts'
import { CHROMIUM, chromiumMissing, openWatchedPage, sharedBrowser, signIn, startApp, waitForMap, type RunningApp, type WatchedPage } from '../web/browser.ts'

export interface BrowserSuite {
  ctx: AppContext
  app: RunningApp
  browser: Browser
}

export interface BrowserSuiteHooks {
  prepare?: (suite: BrowserSuite) => Promise<void> | void
  ready?: (suite: BrowserSuite) => Promise<void> | void
  closing?: () => Promise<void> | void
  closed?: () => Promise<void> | void
}

/** Registers the suite's before and after hooks; the returned object is filled in before the tests. */
export function browserSuite(hooks: BrowserSuiteHooks = {}): BrowserSuite {
  const suite = {} as BrowserSuite
  before(async function () {
    if (chromiumMissing) {
      console.warn(`      skipped: ${CHROMIUM} is missing (apt-get install chromium, or set CHROMIUM_PATH): browser tests not run`)
      this.skip()
    }
    this.timeout(900_000) // may build the page (vite) and create the shared test database
    await buildIfStale()
    suite.ctx = await getTestContext()
    await hooks.prepare?.(suite)
    suite.app = await startApp(suite.ctx)
    suite.browser = await sharedBrowser()
    await hooks.ready?.(suite)
  })

  after(async () => {
    await hooks.closing?.()
    // the contexts this suite left open; the browser itself is shared (rootHooks closes it)
    for (const context of suite.browser?.contexts() ?? []) await context.close().catch(() => undefined)
    await suite.app?.close()
    await hooks.closed?.()
  })
  return suite
}

/** A Bearer header for a demo user, signed in over real HTTP. */
export async function bearer(base: string, username: string, password = DEMO_PASSWORD): Promise<Record<string, string>> {
  const res = await fetch(`${base}/api/v1/auth/login`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }),
  })
  expect(res.status).to.equal(200)
  return { authorization: `Bearer ${(await res.json() as { token: string }).token}` }
}

/** A JSON call to the running app with these headers (a Bearer header): the status and the parsed body. */
export async function callApi(base: string, headers: Record<string, string>, method: string, path: string, body?: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(`${base}${path}`, {
    method, headers: { ...headers, ...(body ? { 'content-type': 'application/json' } : {}) }, body: body ? JSON.stringify(body) : undefined,
  })
  return { status: res.status, json: await res.json() as Record<string, unknown> }
}

/**
 * A fresh watched page at `path` of the app (default /) signed in as a demo user; with `map`, once
 * the map has drawn its first view.
 */
export async function signedIn(browser: Browser, base: string, username: string,
  opts: { path?: string; map?: boolean; page?: Parameters<typeof openWatchedPage>[1] } = {}): Promise<WatchedPage> {
  const w = await openWatchedPage(browser, opts.page)
  await w.page.goto(`${base}${opts.path ?? '/'}`)
  await signIn(w.page, username, DEMO_PASSWORD)
  if (opts.map) await waitForMap(w.page)
  return w
}
