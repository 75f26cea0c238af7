// The field force on the map: inspectors who reported a minute ago are drawn at their last fix in
// the online green over the roads (the live layer of map/fieldForce.ts, fed by /api/v1/devices/live),
// and a fix streamed while the map is open moves them without a reload (test/web/fieldLive.test.ts
// tests the live layer in detail). SCREENSHOT=1 saves docs/screenshots/field.png (1920×1080).
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { expect } from 'chai'
import type { Browser, Page } from 'playwright-core'
import type { Knex } from 'knex'
import type { AppContext } from '../../server/context.ts'
import { loginAs, testClient } from '../support/http.ts'
import { registerDevice, offset } from '../positions/helpers.ts'
import { type RunningApp, type WatchedPage } from './browser.ts'
import { browserSuite, signedIn } from '../support/browserSuite.ts'

const screenshot = fileURLToPath(new URL('../../docs/screenshots/field.png', import.meta.url))

/** Map pixels in the inspectors' online green (#3ddc97: green well above red and blue). */
function greenPixels(page: Page): Promise<number> {
  return page.evaluate(`(() => {
    let n = 0
    for (const c of document.querySelectorAll('#map canvas')) {
      if (!c.width || !c.height) continue
      const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data
      for (let i = 0; i < d.length; i += 4) if (d[i + 3] > 200 && d[i + 1] > 180 && d[i] < 110 && d[i + 2] > 110 && d[i + 2] < 190) n++
    }
    return n
  })()`)
}

describe('field force on the map (Debian chromium)', function () {
  this.timeout(180_000)
  let ctx: AppContext
  let app: RunningApp
  let browser: Browser
  let watched: WatchedPage | undefined
  let knex: Knex

  browserSuite({
    prepare: async (s) => {
      ctx = s.ctx
      knex = ctx.knex
    },
    ready: (s) => { ({ ctx, app, browser } = s) },
    closing: async () => {
      await watched?.close()
    },
  })

  it('draws inspectors online at their last fix over the roads, and moves them as fixes stream in', async () => {
    const client = await testClient(ctx)
    const command = await loginAs(client, 'command')
    // a dozen members of the demo district, each at a point of one of their grids a minute ago
    const { rows } = await knex.raw(`SELECT DISTINCT ON (m.id) m.id, ST_X(ST_PointOnSurface(g.geom)) AS lon, ST_Y(ST_PointOnSurface(g.geom)) AS lat
      FROM grid_member m JOIN grid_assignment a ON a.member_id = m.id AND a.valid_to IS NULL
      JOIN grid g ON g.code = a.grid_code AND g.valid_to IS NULL
      WHERE m.community_code LIKE '990102%' ORDER BY m.id, g.code LIMIT 12`)
    const devices = []
    for (const r of rows as { id: number; lon: number; lat: number }[]) {
      const d = await registerDevice(client, command, { memberId: Number(r.id) })
      const res = await client.post('/api/v1/positions', { positions: [{ lon: r.lon, lat: r.lat, time: new Date(Date.now() - 60_000).toISOString(), accuracy: 6 }] },
        { 'x-device-token': d.token })
      expect(res.json().accepted).to.equal(1)
      devices.push({ ...d, lon: r.lon, lat: r.lat })
    }
    watched = await signedIn(browser, app.base, 'command', { map: true, page: process.env.SCREENSHOT === '1' ? { viewport: { width: 1920, height: 1080 } } : {} })
    const w = watched
    const okTiles = (layer: string) => w.tiles.filter((t) => t.layers.includes(layer) && t.status === 200 && t.bytes > 0)
    await w.page.waitForSelector('#map[data-field-devices]', { timeout: 30_000 })
    expect(okTiles('basemap').length, 'base map tiles (roads) with data').to.be.greaterThan(0)
    await w.page.waitForTimeout(500)
    const before = await greenPixels(w.page)
    expect(before, 'online-green pixels').to.be.greaterThan(20)

    // one of them moves 400 m east: the stream's position message moves its symbol (no reload)
    const d = devices[0]!
    const [lon, lat] = offset(d.lon, d.lat, 400, 0)
    await client.post('/api/v1/positions', { positions: [{ lon, lat, time: new Date().toISOString(), accuracy: 6 }] }, { 'x-device-token': d.token })
    const at = () => w.page.evaluate(`document.getElementById('map').fieldProbe?.(${JSON.stringify(d.identifier)})?.lon ?? null`) as Promise<number | null>
    const deadline = Date.now() + 15_000
    while (await at() !== lon && Date.now() < deadline) await w.page.waitForTimeout(200)
    expect(await at(), 'the device at its streamed fix').to.be.closeTo(lon, 1e-7)
    expect(w.external, 'requests to other hosts').to.deep.equal([])
    expect(w.problems, 'page errors').to.deep.equal([])
    if (process.env.SCREENSHOT === '1') {
      fs.mkdirSync(path.dirname(screenshot), { recursive: true })
      await w.page.screenshot({ path: screenshot })
    }
  })
})
