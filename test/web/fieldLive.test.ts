// The live field force on the map (map/fieldForce.ts, panels/field/): fixes posted through
// POST /api/v1/positions with a device token move the device's symbol without a reload, its
// colour follows online / idle / offline, a click opens the card with the right member and
// today's kilometres equal to the trajectory API's, and street2 never sees street1's devices.
import { expect } from 'chai'
import type { Browser, Page } from 'playwright-core'
import type { Knex } from 'knex'
import type { AppContext } from '../../server/context.ts'
import { loginAs, testClient, type Client } from '../support/http.ts'
import { offset, registerDevice } from '../positions/helpers.ts'
import { type RunningApp, type WatchedPage } from './browser.ts'
import { browserSuite, signedIn } from '../support/browserSuite.ts'

interface Probe { pixel: number[] | null; fixPixel: number[] | null; lon: number; lat: number; status: string; selected: boolean }
interface Dev { identifier: string; token: string; memberId: number; lon: number; lat: number }

/** The status colours of map/fieldStyles.ts. */
const COLOURS: Record<string, [number, number, number]> = { online: [0x3d, 0xdc, 0x97], idle: [0xff, 0xb7, 0x03], offline: [0x8d, 0x99, 0xae] }

function probe(page: Page, id: string): Promise<Probe | null> {
  return page.evaluate(`document.getElementById('map').fieldProbe?.(${JSON.stringify(id)}) ?? null`)
}

/** Waits until the device's probe satisfies `ok` (the stream and a glide take a moment). */
async function waitProbe(page: Page, id: string, ok: (p: Probe | null) => boolean, what: string): Promise<Probe | null> {
  const deadline = Date.now() + 20_000
  let p = await probe(page, id)
  while (!ok(p) && Date.now() < deadline) {
    await page.waitForTimeout(150)
    p = await probe(page, id)
  }
  expect(ok(p), `${what}: ${JSON.stringify(p)}`).to.equal(true)
  return p
}

/** The colour drawn on the map's canvases at a pixel (the topmost opaque one within 2 px of the centre). */
function colourAt(page: Page, x: number, y: number): Promise<number[] | null> {
  return page.evaluate(`(() => {
    const canvases = [...document.querySelectorAll('#map canvas')].filter((c) => c.width && c.height).reverse()
    for (const c of canvases) {
      const d = c.getContext('2d').getImageData(${Math.round(x)} - 2, ${Math.round(y)} - 2, 5, 5).data
      for (let i = 0; i < d.length; i += 4) if (d[i + 3] > 200 && (d[i] + d[i + 1] + d[i + 2]) > 200) return [d[i], d[i + 1], d[i + 2]]
    }
    return null
  })()`)
}

async function expectColour(page: Page, id: string, status: string): Promise<void> {
  const p = await waitProbe(page, id, (q) => q?.status === status && !!q.pixel && !!q.fixPixel &&
    Math.hypot(q.pixel[0]! - q.fixPixel[0]!, q.pixel[1]! - q.fixPixel[1]!) < 1, `${id} ${status} at its fix`)
  await page.waitForTimeout(300)
  const c = await colourAt(page, p!.pixel![0]!, p!.pixel![1]!)
  const want = COLOURS[status]!
  expect(c, `colour of ${id}`).to.not.equal(null)
  expect(Math.max(...c!.map((v, i) => Math.abs(v - want[i]!))), `${id} drawn ${c} for ${status}`).to.be.lessThan(40)
}

describe('live field force on the map (Debian chromium)', function () {
  this.timeout(240_000)
  let ctx: AppContext
  let app: RunningApp
  let browser: Browser
  let client: Client
  let knex: Knex
  const pages: WatchedPage[] = []

  browserSuite({
    prepare: async (s) => {
      ctx = s.ctx
      knex = ctx.knex
    },
    ready: async (s) => {
      ({ ctx, app, browser } = s)
      client = await testClient(ctx)
    },
    closing: async () => {
      for (const p of pages) await p.close()
    },
  })

  async function post(d: Dev, lon: number, lat: number, agoMs: number, extra: Record<string, unknown> = {}): Promise<void> {
    const res = await client.post('/api/v1/positions', { positions: [{ lon, lat, time: new Date(Date.now() - agoMs).toISOString(), accuracy: 5, ...extra }] },
      { 'x-device-token': d.token })
    expect(res.json().accepted, res.body).to.equal(1)
  }

  async function open(user: string): Promise<WatchedPage> {
    const w = await signedIn(browser, app.base, user, { map: true })
    pages.push(w)
    await w.page.waitForSelector('#map[data-field-devices]', { timeout: 30_000 })
    return w
  }

  it('moves a device as its fixes arrive, colours it by status, opens its card, and keeps to the jurisdiction', async () => {
    const street1 = await loginAs(client, 'street1')
    const command = await loginAs(client, 'command')
    // three members of a street1 community, each at a point of one of their grids
    const { rows } = await knex.raw(`SELECT DISTINCT ON (m.id) m.id, ST_X(ST_PointOnSurface(g.geom)) AS lon, ST_Y(ST_PointOnSurface(g.geom)) AS lat
      FROM grid_member m JOIN grid_assignment a ON a.member_id = m.id AND a.valid_to IS NULL
      JOIN grid g ON g.code = a.grid_code AND g.valid_to IS NULL
      WHERE m.community_code LIKE '990102001%' AND m.active ORDER BY m.id, g.code LIMIT 3`)
    expect(rows).to.have.length(3)
    const kinds = ['patrol_car', 'phone', 'drone']
    const devs: Dev[] = []
    for (const [i, r] of (rows as { id: string; lon: number; lat: number }[]).entries()) {
      const d = await registerDevice(client, street1, { memberId: Number(r.id), kind: kinds[i], adminCode: (await knex('grid_member').where({ id: r.id }).first('community_code')).community_code })
      devs.push({ ...d, memberId: Number(r.id), lon: r.lon, lat: r.lat })
    }
    const [a, b, c] = devs as [Dev, Dev, Dev]
    await post(a, a.lon, a.lat, 90_000, { battery: 77 }) // online
    await post(b, b.lon, b.lat, 7 * 60_000) // offline: no fix for 7 minutes
    await post(c, c.lon, c.lat, 12 * 60_000) // idle: two fixes 5 m apart, 12 minutes between them
    const [clon, clat] = offset(c.lon, c.lat, 5, 0)
    await post(c, clon, clat, 20_000)

    const w = await open('street1')
    const liveLoads = () => w.page.evaluate('performance.getEntriesByType("resource").filter((e) => e.name.includes("/api/v1/devices/live")).length') as Promise<number>
    await w.page.evaluate('window.__notReloaded = true')
    await expectColour(w.page, a.identifier, 'online')
    await expectColour(w.page, b.identifier, 'offline')
    await expectColour(w.page, c.identifier, 'idle')

    // a moves 400 m east: the stream moves its symbol there, without a reload or a new list
    const loads = await liveLoads()
    const before = (await probe(w.page, a.identifier))!.pixel!
    const [lon, lat] = offset(a.lon, a.lat, 400, 0)
    await post(a, lon, lat, 0, { battery: 76 })
    const moved = await waitProbe(w.page, a.identifier, (p) => !!p && Math.abs(p.lon - lon) < 1e-7 && Math.abs(p.lat - lat) < 1e-7 &&
      Math.hypot(p.pixel![0]! - p.fixPixel![0]!, p.pixel![1]! - p.fixPixel![1]!) < 1, 'a at its new fix')
    expect(moved!.pixel![0]! - before[0]!, 'moved east on screen').to.be.greaterThan(2)
    expect(await w.page.evaluate('window.__notReloaded === true'), 'the page was not reloaded').to.equal(true)
    expect(await liveLoads(), 'no new device list for a known device').to.equal(loads)
    await expectColour(w.page, a.identifier, 'online')

    // b reports again: offline grey turns online green
    await post(b, b.lon, b.lat, 0)
    await expectColour(w.page, b.identifier, 'online')

    // a click on a opens its card: the member, the device and kind, battery, today's kilometres
    const p = (await probe(w.page, a.identifier))!
    const box = (await w.page.locator('#map').boundingBox())!
    const hit = await w.page.evaluate(`document.elementFromPoint(${box.x + p.pixel![0]!}, ${box.y + p.pixel![1]!})?.closest('#map') !== null`)
    expect(hit, 'device a lies in the visible map').to.equal(true)
    await w.page.mouse.click(box.x + p.pixel![0]!, box.y + p.pixel![1]!)
    await w.page.waitForSelector(`.field-card[data-device="${a.identifier}"][data-loaded="true"]`, { timeout: 20_000 })
    const member = await knex('grid_member').where({ id: a.memberId }).first('name')
    const card = w.page.locator('.field-card')
    expect(await card.locator('.field-member').textContent()).to.equal(member.name)
    expect(await card.locator('[data-fact="device"]').textContent()).to.include(a.identifier)
    expect(await card.locator('[data-fact="kind"]').textContent()).to.include('巡逻车')
    expect(await card.locator('[data-fact="battery"]').textContent()).to.equal('76%')
    expect(await card.locator('[data-fact="fixed"]').textContent()).to.match(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/)
    const trajectory = (await client.get(`/api/v1/members/${a.memberId}/trajectory`, command)).json()
    const km = Number(await card.locator('.field-km').getAttribute('data-km'))
    expect(km, 'kilometres equal to the trajectory API').to.equal(trajectory.kilometres)
    expect(km, 'the 400 m walk counts').to.be.greaterThan(0.39)
    expect((await probe(w.page, a.identifier))!.selected).to.equal(true)

    // street2 sees none of street1's devices, live or on the list
    const w2 = await open('street2')
    for (const d of devs) expect(await probe(w2.page, d.identifier), `street2 sees ${d.identifier}`).to.equal(null)
    await post(a, ...offset(lon, lat, 50, 0), 0)
    await waitProbe(w.page, a.identifier, (q) => !!q && q.lon > lon, 'street1 sees the next fix')
    expect(await probe(w2.page, a.identifier), 'after a streamed fix').to.equal(null)
    for (const x of pages) {
      expect(x.external, 'requests to other hosts').to.deep.equal([])
      expect(x.problems, 'page errors').to.deep.equal([])
    }
  })
})
