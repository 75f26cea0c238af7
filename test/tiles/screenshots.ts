// The README's pictures of the analysis layers: the demo city with its demo history in a
// throwaway database, drawn by the web map in Debian's chromium with 热力图 or 热点分析 switched
// on (the last 30 days, the layers' default), saved as docs/screenshots/heatmap.png and
// hotspots.png. Not a test (mocha does not pick it up); run it by hand:
//   DATABASE_URL=postgres://… npx tsx test/tiles/screenshots.ts [--count 100000]
// DATABASE_URL names a server where the role may CREATE DATABASE (the test database helper's
// rule); without it the embedded PostGIS is used. The database is dropped at the end.
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { DEMO_PASSWORD } from '../../fixtures/users.ts'
import { seedHistory } from '../../fixtures/history.ts'
import { buildIfStale } from '../../web-map/build.ts'
import { closeTestDatabase, getTestContext } from '../support/db.ts'
import { launchBrowser, openWatchedPage, signIn, startApp, waitForMap, type WatchedPage } from '../web/browser.ts'

const dir = fileURLToPath(new URL('../../docs/screenshots/', import.meta.url))
/** Point layers that would hide the hexagons at city scale. */
const HIDDEN = ['components', 'addresses', 'events', 'inspectors']

async function setLayer(w: WatchedPage, id: string, on: boolean): Promise<void> {
  const box = w.page.locator(`#layer-list input[value="${id}"]`)
  if ((await box.count()) && (await box.isChecked()) !== on) await box.click()
}

/** Switches one analysis layer on, waits for its tiles and a finished frame, and saves the map. */
async function shoot(w: WatchedPage, id: 'heatmap' | 'hotspots', file: string): Promise<void> {
  for (const other of ['heatmap', 'hotspots']) await setLayer(w, other, other === id)
  const before = w.tiles.filter((t) => t.layer === id).length
  const renders = Number(await w.page.locator('#map').getAttribute('data-renders'))
  await setLayer(w, id, true)
  const deadline = Date.now() + 60_000
  while (Date.now() < deadline) {
    const mine = w.tiles.filter((t) => t.layer === id).slice(before)
    const drawn = Number(await w.page.locator('#map').getAttribute('data-renders')) > renders
    if (mine.length && mine.every((t) => t.status === 200 || t.status === 204) && drawn) break
    await w.page.waitForTimeout(250)
  }
  await w.page.waitForTimeout(1500) // the last frame after the slowest tile
  const bad = w.tiles.filter((t) => t.layer === id && t.status !== 200 && t.status !== 204)
  if (bad.length) throw new Error(`${id} tiles failed: ${bad.map((t) => `${t.status} ${t.url}`).join(', ')}`)
  await w.page.screenshot({ path: path.join(dir, file) })
  const got = w.tiles.filter((t) => t.layer === id)
  process.stderr.write(`${file}: ${got.length} ${id} tiles, ${got.reduce((s, t) => s + t.bytes, 0)} bytes\n`)
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { count: { type: 'string', default: '100000' }, user: { type: 'string', default: 'command' } } })
  await buildIfStale()
  const ctx = await getTestContext()
  const app = await startApp(ctx)
  const browser = await launchBrowser()
  try {
    const h = await seedHistory(ctx.knex, { count: Number(values.count) })
    process.stderr.write(`history: ${h.written} events ${h.first.toISOString().slice(0, 10)} .. ${h.end.toISOString().slice(0, 10)}\n`)
    const w = await openWatchedPage(browser)
    await w.page.goto(`${app.base}/`)
    await signIn(w.page, values.user!, DEMO_PASSWORD)
    await waitForMap(w.page)
    for (const id of HIDDEN) await setLayer(w, id, false)
    fs.mkdirSync(dir, { recursive: true })
    await shoot(w, 'heatmap', 'heatmap.png')
    await shoot(w, 'hotspots', 'hotspots.png')
    if (w.problems.length || w.external.length) throw new Error(`page problems: ${[...w.problems, ...w.external].join('; ')}`)
    await w.close()
  } finally {
    await browser.close()
    await app.close()
    await closeTestDatabase()
  }
}

main().then(() => process.exit(0), (err: unknown) => {
  process.stderr.write(`screenshots: ${(err as Error).stack ?? String(err)}\n`)
  process.exit(1)
})
