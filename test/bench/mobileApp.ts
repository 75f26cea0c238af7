// The staff's mobile app at /m/ (issue 19, Speed: JavaScript ≤ 300 KB compressed, interactive
// ≤ 2 s in Chromium with a 4× CPU throttle). Size: the gzip (level 9) size of the JavaScript the
// page names (first load: its entry and modulepreloads) and of every chunk its entry can import.
// Time: a fresh phone context (390×844) with CDP Emulation.setCPUThrottlingRate 4, from the
// navigation start to the sign-in form drawn and usable (the app's first interactive view),
// median of 5 after a warm-up; the baseline column is the budget.
import fs from 'node:fs'
import path from 'node:path'
import zlib from 'node:zlib'
import { buildIfStale, distDir } from '../../web-map/build.ts'
import { closeTestDatabase, getTestContext } from '../support/db.ts'
import { launchBrowser, startApp } from '../web/browser.ts'
import type { BenchResult } from './harness.ts'
import { median } from './support.ts'

const ROUNDS = 5
const BUDGET_MS = 2000
const BUDGET_KB = 300

const gz = (file: string) => zlib.gzipSync(fs.readFileSync(file), { level: 9 }).length / 1024

/** The page's JavaScript: what the HTML names, then what those files import, transitively. */
export function mobileScripts(): { first: string[]; all: string[] } {
  const html = fs.readFileSync(path.join(distDir, 'mobile', 'index.html'), 'utf8')
  const first = [...html.matchAll(/(?:src|href)="\/assets\/([^"]+\.js)"/g)].map((m) => m[1]!)
  const all = new Set(first)
  for (const queue = [...first]; queue.length;) {
    const src = fs.readFileSync(path.join(distDir, 'assets', queue.pop()!), 'utf8')
    for (const m of src.matchAll(/["'`]\.\/([\w.-]+\.js)["'`]/g)) if (!all.has(m[1]!)) { all.add(m[1]!); queue.push(m[1]!) }
  }
  return { first, all: [...all] }
}

export async function benchMobileApp(results: BenchResult[]): Promise<void> {
  await buildIfStale()
  const { first, all } = mobileScripts()
  const kb = (files: string[]) => files.reduce((s, f) => s + gz(path.join(distDir, 'assets', f)), 0)
  const firstKb = kb(first), allKb = kb(all)
  const ctx = await getTestContext()
  const app = await startApp(ctx)
  const browser = await launchBrowser()
  try {
    const times: number[] = []
    for (let round = 0; round <= ROUNDS; round++) {
      const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, locale: 'zh-CN', serviceWorkers: 'block' })
      try {
        const page = await context.newPage()
        const cdp = await context.newCDPSession(page)
        await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 })
        await page.goto(`${app.base}/m/`)
        await page.waitForSelector('form[aria-label="登录"] input[name=username]:enabled')
        const t = await page.evaluate('performance.now()') as number
        if (round > 0) times.push(t)
      } finally {
        await context.close()
      }
    }
    const p50 = median(times)
    results.push({
      name: 'staff mobile app /m/: interactive, 390×844, 4× CPU throttle (Chromium)', baseline: 'the issue\'s budget',
      subject: 'navigation start → sign-in form usable', metric: 'p50', baselineValue: BUDGET_MS, subjectValue: p50,
      ratio: BUDGET_MS / p50, target: '≤ 2,000 ms and ≤ 300 KB of JavaScript (gzip)', met: p50 <= BUDGET_MS && allKb <= BUDGET_KB,
      note: `ms, median of ${ROUNDS} fresh contexts after a warm-up, loopback network, no service worker cache; ` +
        `JavaScript gzip: first load ${firstKb.toFixed(1)} KB in ${first.length} file(s), all chunks ${allKb.toFixed(1)} KB in ${all.length}`,
    })
  } finally {
    await browser.close()
    await app.close()
    await closeTestDatabase()
  }
}
