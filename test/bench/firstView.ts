// The command screen's first view (issue 12, Speed: ≤ 2 s on this machine with the small city):
// in Debian's Chromium, a fresh browser context opens the page, signs in as the command centre and
// waits until every visible tile of the first view has loaded and drawn (#map[data-map-state=ready]).
// Measured from the navigation start with the page's own clock (performance.now() when ready),
// plus the navigation timing of the page itself (DOMContentLoaded) and the time to the outline
// before sign-in. There is no slower twin to compare with: the baseline column is the issue's
// budget of 2,000 ms, and the ratio is budget ÷ measured (≥ 1 meets it). The bundle's sizes are
// reported in the note (the charts are a chunk of their own, loaded when 态势 first draws).
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { DEMO_PASSWORD } from '../../fixtures/users.ts'
import { buildIfStale } from '../../web-map/build.ts'
import { closeTestDatabase, getTestContext } from '../support/db.ts'
import { launchBrowser, openWatchedPage, signIn, startApp, waitForMap } from '../web/browser.ts'
import type { BenchResult } from './harness.ts'
import { median } from './support.ts'

const ROUNDS = 5
const BUDGET_MS = 2000
const assets = fileURLToPath(new URL('../../web-map/dist/assets', import.meta.url))

export async function benchFirstView(results: BenchResult[]): Promise<void> {
  await buildIfStale()
  const ctx = await getTestContext()
  const app = await startApp(ctx)
  const browser = await launchBrowser()
  try {
    const ready: number[] = [], dcl: number[] = []
    for (let round = 0; round <= ROUNDS; round++) {
      const w = await openWatchedPage(browser, { viewport: { width: 1920, height: 1080 } })
      try {
        const { page } = w
        await page.goto(`${app.base}/`)
        await signIn(page, 'command', DEMO_PASSWORD)
        await waitForMap(page)
        const t = await page.evaluate(`(() => ({ now: performance.now(),
          dcl: performance.getEntriesByType('navigation')[0].domContentLoadedEventEnd }))()`) as { now: number; dcl: number }
        // round 0 warms the server's caches and Chromium's compile cache; it is not counted
        if (round > 0) {
          ready.push(t.now)
          dcl.push(t.dcl)
        }
      } finally {
        await w.close()
      }
    }
    const files = fs.readdirSync(assets).map((f) => ({ f, kb: fs.statSync(path.join(assets, f)).size / 1024 }))
    const sizes = files.map(({ f, kb }) => `${f.replace(/-[\w]{8}\./, '.')} ${kb.toFixed(0)} KB`).join(', ')
    const subject = median(ready)
    results.push({
      name: 'command screen first view after sign-in (small city, 1920×1080, Chromium)', baseline: 'the issue\'s budget',
      subject: 'navigation start → every visible tile drawn', metric: 'p50', baselineValue: BUDGET_MS, subjectValue: subject,
      ratio: BUDGET_MS / subject, target: '≤ 2,000 ms (ratio ≥ 1)', met: subject <= BUDGET_MS,
      note: `ms from navigation start to the map ready, sign-in typed by the test included; median of ${ROUNDS} fresh contexts after a warm-up; ` +
        `DOMContentLoaded p50 ${median(dcl).toFixed(0)} ms; bundle: ${sizes}`,
    })
  } finally {
    await browser.close()
    await app.close()
    await closeTestDatabase()
  }
}
