// Support for browser end-to-end tests: gridgov on a real loopback port, Debian's chromium
// driven by playwright-core, and a page that records every request it tries to make.
import fs from 'node:fs'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { chromium, type Browser, type Page } from 'playwright-core'
import { createApp } from '../../server/app.ts'
import type { AppContext } from '../../server/context.ts'

/** Debian's chromium; CHROMIUM_PATH points elsewhere (another distribution, a developer's machine). */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
export const chromiumMissing = !fs.existsSync(CHROMIUM)

/**
 * One Chromium for every browser suite of a mocha process (each suite opens its own contexts,
 * which share nothing); closed by the root hooks after the last file. Relaunched if it died.
 */
let shared: Promise<Browser> | undefined
export async function sharedBrowser(): Promise<Browser> {
  const current = shared && await shared.catch(() => undefined)
  if (!current?.isConnected()) shared = launchBrowser()
  return shared!
}

export async function closeSharedBrowser(): Promise<void> {
  const current = shared && await shared.catch(() => undefined)
  shared = undefined
  await current?.close()
}

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  })
}

export interface RunningApp {
  base: string
  close(): Promise<void>
}

/** The whole koa app on 127.0.0.1 with an ephemeral port. */
export async function startApp(ctx: AppContext): Promise<RunningApp> {
  const server = http.createServer(createApp(ctx).callback())
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    base: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections()
      server.close(() => resolve())
    }),
  }
}

export interface TileResponse {
  url: string
  /** the URL's layer part: one id, or the comma list of a shared tile (`admin_divisions,base_grids,…`) */
  layer: string
  /** the layers the tile carries */
  layers: string[]
  status: number
  bytes: number
}

export interface WatchedPage {
  page: Page
  /** Requests to anything but the loopback server (aborted before they leave). */
  external: string[]
  /** Console errors, uncaught exceptions and CSP violations of the page. */
  problems: string[]
  tiles: TileResponse[]
  close(): Promise<void>
}

/** A fresh browser context (no storage shared between tests) whose page may only talk to 127.0.0.1. */
export async function openWatchedPage(browser: Browser, opts: { timezoneId?: string; viewport?: { width: number; height: number } } = {}): Promise<WatchedPage> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1, locale: 'zh-CN', ...opts })
  const page = await context.newPage()
  const watched: WatchedPage = { page, external: [], problems: [], tiles: [], close: () => context.close() }
  await page.route('**', (route) => {
    const url = new URL(route.request().url())
    if (url.protocol === 'data:' || url.protocol === 'blob:' || url.hostname === '127.0.0.1') return route.continue()
    watched.external.push(url.href)
    return route.abort('blockedbyclient')
  })
  page.on('console', (m) => { if (m.type() === 'error') watched.problems.push(m.text()) })
  page.on('pageerror', (e) => watched.problems.push(`uncaught: ${e.message}`))
  page.on('response', async (r) => {
    const m = /\/tiles\/([^/]+)\/\d+\/\d+\/\d+\.mvt$/.exec(new URL(r.url()).pathname)
    if (!m) return
    const bytes = r.status() === 200 ? (await r.body().catch(() => Buffer.alloc(0))).length : 0
    watched.tiles.push({ url: r.url(), layer: decodeURIComponent(m[1]!), layers: decodeURIComponent(m[1]!).split(','), status: r.status(), bytes })
  })
  return watched
}

export async function signIn(page: Page, username: string, password: string): Promise<void> {
  await page.fill('#login input[name=username]', username)
  await page.fill('#login input[name=password]', password)
  await page.click('#login button[type=submit]')
}

/** Waits until the map reports that the first view after sign-in has loaded and drawn. */
export async function waitForMap(page: Page): Promise<void> {
  await page.waitForSelector('#map[data-map-state="ready"]', { timeout: 90_000 })
}

/**
 * Share of map pixels that are not the background, read from OpenLayers' canvases, and the
 * number of pixels in the base grid colour (teal: green and blue well above red, green the
 * stronger: the base map's blue water names are not teal).
 */
export async function canvasCoverage(page: Page): Promise<{ painted: number; teal: number; canvases: number }> {
  // a string: this runs in the page, and the test programme is type-checked without the DOM library
  return page.evaluate(`(() => {
    const canvases = [...document.querySelectorAll('#map canvas')].filter((c) => c.width > 0 && c.height > 0)
    let painted = 0, teal = 0, total = 0
    for (const c of canvases) {
      const data = c.getContext('2d').getImageData(0, 0, c.width, c.height).data
      total = Math.max(total, c.width * c.height)
      for (let i = 0; i < data.length; i += 4) {
        if (data[i + 3] < 16) continue
        painted++
        if (data[i + 1] > data[i] + 60 && data[i + 2] > data[i] + 40 && data[i + 1] >= data[i + 2]) teal++
      }
    }
    return { painted: total ? painted / total : 0, teal, canvases: canvases.length }
  })()`)
}
