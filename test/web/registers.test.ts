// 登记 panel on the map (Debian chromium, 1920×1080, the command screen's size), over the demo
// people registers: the registers offered are GET /api/v1/registers' for the role; a base grid
// typed in or clicked on the map narrows the list to exactly the rows PostgreSQL finds in it; the
// register's layer is switched on and drawn; a masked name is unmasked with a reason (the full
// name is the stored one, and the access audit holds the unmask), refused to a grid inspector in
// the server's words; an edit saves a new version, a bad value and a stale version are refused in
// Chinese with the field marked; a new resident with a wrong check digit is refused, then saved.
// SCREENSHOT=1 saves docs/screenshots/registers.png.
import { fileURLToPath } from 'node:url'
import { expect } from 'chai'
import type { Browser, Page } from 'playwright-core'
import type { Knex } from 'knex'
import type { AppContext } from '../../server/context.ts'
import { DEMO_PASSWORD } from '../../fixtures/users.ts'
import { loadDemoPeople } from '../../fixtures/registers/people.ts'
import { checkCharacter } from '../../server/privacy/idNumber.ts'
import { CAPABILITIES } from '../../server/auth/capabilities.ts'
import { PLACE_READ_ROLES } from '../../server/registers/access.ts'
import { TAB_NEEDS } from '../../web-map/src/ui/roles.ts'
import { loginAs, testClient, type Client } from '../support/http.ts'
import { openWatchedPage, signIn, waitForMap, type RunningApp, type WatchedPage } from './browser.ts'
import { browserSuite } from '../support/browserSuite.ts'

const screenshot = fileURLToPath(new URL('../../docs/screenshots/registers.png', import.meta.url))
const R = 6378137
const mercator = (lon: number, lat: number) => [lon * Math.PI / 180 * R, R * Math.log(Math.tan(Math.PI / 4 + lat * Math.PI / 360))] as const
const CJK = /[\u4e00-\u9fff]/

/** The page position of a lon/lat in the current view (the panel mirrors the view in data-view). */
async function at(page: Page, lon: number, lat: number): Promise<[number, number]> {
  const [cx, cy, res] = (await page.locator('.registers').getAttribute('data-view'))!.split(',').map(Number) as [number, number, number]
  const b = (await page.locator('#map').boundingBox())!
  const [x, y] = mercator(lon, lat)
  return [b.x + b.width / 2 + (x - cx) / res, b.y + b.height / 2 - (y - cy) / res]
}

/** Waits until the map view stops moving. */
async function settle(page: Page): Promise<void> {
  let last = ''
  for (let i = 0; i < 60; i++) {
    await page.waitForTimeout(150)
    const now = await page.locator('.registers').getAttribute('data-view') ?? ''
    if (now && now === last) return
    last = now
  }
}

interface GridFact { code: string; lon: number; lat: number; residents: number[] }

/** A base grid of street 990102001 with a few current residents (ids newest first) and a point inside it. */
async function gridWithResidents(knex: Knex, skip = 0): Promise<GridFact> {
  const { rows } = await knex.raw(`SELECT g.code, ST_X(ST_PointOnSurface(g.geom)) AS lon, ST_Y(ST_PointOnSurface(g.geom)) AS lat
      FROM grid g WHERE g.kind = 'base' AND g.valid_to IS NULL AND g.community_code LIKE '990102001%'
        AND (SELECT count(*) FROM resident r WHERE r.grid_code = g.code AND r.moved_out_at IS NULL) BETWEEN 3 AND 40
      ORDER BY g.code OFFSET ? LIMIT 1`, [skip])
  const g = rows[0]
  const ids = await knex('resident').where({ grid_code: g.code }).whereNull('moved_out_at').orderBy('id', 'desc').pluck('id')
  return { code: g.code, lon: Number(g.lon), lat: Number(g.lat), residents: ids.map(Number) }
}

/** A valid ID number of a person born on the day given (region 370102). */
function idNumber(birth: string, seq: string): string {
  const first17 = `370102${birth}${seq}`
  return first17 + checkCharacter(first17)
}

describe('登记 panel: registers by grid, unmask, edit, create (Debian chromium)', function () {
  this.timeout(240_000)
  let ctx: AppContext
  let app: RunningApp
  let browser: Browser
  let watched: WatchedPage
  let page: Page
  let client: Client
  let auth: Record<string, string>
  let grid: GridFact
  /** What the tests change, put back after them. */
  let edited: { id: number; room: string | null } | undefined
  let createdId: number | undefined

  const rowIds = async () => page.locator('.registers-table tbody tr').evaluateAll((trs) => trs.map((tr) => Number(tr.getAttribute('data-id'))))
  const message = (text: string | RegExp) => page.locator('.registers-message', { hasText: text }).waitFor()
  const listed = (n?: number) => page.waitForSelector(`.registers:not([data-loading])[data-state="list"]${n === undefined ? '' : `[data-rows="${n}"]`}`)

  async function openTab(p: Page, user: string): Promise<void> {
    await p.goto(app.base)
    await signIn(p, user, DEMO_PASSWORD)
    await waitForMap(p)
    await p.click('.dock-tab[data-tab="registers"]')
    await p.waitForSelector('.registers[data-register]')
  }

  async function pick(name: string): Promise<void> {
    await page.selectOption('.registers-picker', name)
    await page.waitForSelector(`.registers[data-register="${name}"]:not([data-loading])`)
  }

  browserSuite({
    prepare: async (s) => {
      ctx = s.ctx
      // the demo people (a no-op when the test database holds them already)
      await loadDemoPeople(ctx.knex, { scale: 'small', seed: 1, cityCode: '990100' })
      grid = await gridWithResidents(ctx.knex)
    },
    ready: async (s) => {
      ({ ctx, app, browser } = s)
      client = await testClient()
      auth = await loginAs(client, 'street1')
      watched = await openWatchedPage(browser, { timezoneId: 'UTC', viewport: { width: 1920, height: 1080 } })
      page = watched.page
    },
    closing: async () => {
      await watched?.close()
    },
    closed: async () => {
      if (edited) await ctx.knex('house').where({ id: edited.id }).update({ room: edited.room })
      if (createdId) {
        await ctx.knex('resident_residence').where({ resident_id: createdId }).delete()
        await ctx.knex('resident').where({ id: createdId }).delete()
      }
    },
  })

  it('offers the tab to the roles the server lets read registers', () => {
    expect(TAB_NEEDS.registers).to.equal('registers')
    expect([...CAPABILITIES.registers[1]].sort()).to.deep.equal([...PLACE_READ_ROLES].sort())
  })

  it('offers the registers the server lists for the role and narrows a register to a grid typed in', async () => {
    await openTab(page, 'street1')
    const offered = (await client.get('/api/v1/registers', auth)).json().items as { name: string; title: string }[]
    const options = await page.locator('.registers-picker option').evaluateAll((os) => os.map((o) => [o.getAttribute('value'), o.textContent]))
    expect(options).to.deep.equal(offered.map((r) => [r.name, r.title]))
    expect(options.map((o) => o[0])).to.include.members(['residents', 'houses'])
    await pick('residents')
    await page.fill('.registers-search', grid.code)
    await page.press('.registers-search', 'Enter')
    await page.waitForSelector(`.registers[data-grid="${grid.code}"]`)
    await listed(grid.residents.length)
    // the rows PostgreSQL finds in the grid, newest first
    expect(await rowIds()).to.deep.equal(grid.residents)
    expect(await page.locator('.registers-grid').textContent()).to.include(grid.code)
  })

  it('switches the register\'s layer on and draws it, and narrows the list to the grid clicked on the map', async () => {
    await pick('houses')
    expect(await page.locator('.registers-layer').isVisible()).to.equal(true)
    expect(await page.locator('.registers-layer-box').isChecked()).to.equal(true)
    expect(await page.locator('#layer-list input[value="houses"]').isChecked(), 'the layer switcher agrees').to.equal(true)
    const houses = await ctx.knex('house').where({ grid_code: grid.code }).orderBy('id', 'desc').limit(50).pluck('id')
    await listed(houses.length)
    expect(await rowIds()).to.deep.equal(houses.map(Number))
    await settle(page)
    // the houses tiles were asked for and answered with features (the layer is drawn)
    for (let i = 0; i < 50 && !watched.tiles.some((t) => t.layers.includes('houses') && t.status === 200 && t.bytes > 0); i++) await page.waitForTimeout(200)
    expect(watched.tiles.some((t) => t.layers.includes('houses') && t.status === 200 && t.bytes > 0), 'houses tiles drawn').to.equal(true)
    // another grid, clicked on the map
    const other = await gridWithResidents(ctx.knex, 1)
    await page.click('.registers-grid-clear')
    await listed()
    const view = page.locator('.registers')
    // zoom out until the other grid's point is on the map, left of the dock
    const map = (await page.locator('#map').boundingBox())!
    let [x, y] = await at(page, other.lon, other.lat)
    for (let i = 0; i < 8 && !(x > map.x + 260 && x < map.x + map.width - 800 && y > map.y + 20 && y < map.y + map.height - 20); i++) {
      await page.click('.ol-zoom-out')
      await settle(page);
      [x, y] = await at(page, other.lon, other.lat)
    }
    await page.mouse.click(x, y)
    await page.waitForSelector(`.registers[data-grid="${other.code}"]`)
    const otherHouses = await ctx.knex('house').where({ grid_code: other.code }).orderBy('id', 'desc').limit(50).pluck('id')
    await listed(otherHouses.length)
    expect(await rowIds()).to.deep.equal(otherHouses.map(Number))
    expect(await view.getAttribute('data-grid')).to.equal(other.code)
  })

  it('lists a grid\'s residents masked and unmasks one with a reason, recorded before it is shown', async () => {
    await pick('residents')
    await page.fill('.registers-search', grid.code)
    await page.press('.registers-search', 'Enter')
    await page.waitForSelector(`.registers[data-grid="${grid.code}"]`)
    await listed(grid.residents.length)
    await settle(page)
    if (await page.locator('#info').isVisible()) await page.click('#info-close')
    if (process.env.SCREENSHOT === '1') await page.screenshot({ path: screenshot })
    const id = grid.residents[0]!
    const stored = await ctx.knex('resident').where({ id }).first('name', 'id_number_sealed', 'id_number_masked')
    const nameCell = page.locator(`.registers-table tr[data-id="${id}"] td.masked`).first()
    // the street office holds no grid: names masked, the family name kept (an independent mask of the stored name)
    expect(await nameCell.textContent()).to.equal([...stored.name as string][0] + '*'.repeat([...stored.name as string].length - 1))
    await page.click(`.registers-table tr[data-id="${id}"]`)
    await page.waitForSelector(`.registers[data-state="record"] .registers-detail[data-record="${id}"]`)
    expect(await page.locator('.registers-fields dd[data-field="idNumber"]').textContent()).to.equal(stored.id_number_masked)
    await page.click('.registers-unmask-open')
    // too short a reason: refused by the server, in Chinese, nothing shown
    await page.fill('.registers-reason', '核查')
    await page.click('.registers-unmask button[type=submit]')
    await page.waitForSelector('.registers-message[data-kind="error"]')
    expect(await page.locator('.registers-message').textContent()).to.match(CJK)
    expect(await page.locator('.registers-fields dd[data-field="name"]').getAttribute('class')).to.equal('masked')
    await page.fill('.registers-reason', '核查户籍登记信息')
    await page.click('.registers-unmask button[type=submit]')
    await page.waitForSelector('.registers-detail[data-unmasked="true"]')
    expect(await page.locator('.registers-fields dd[data-field="name"]').textContent()).to.equal(stored.name)
    const full = await page.locator('.registers-fields dd[data-field="idNumber"]').textContent()
    expect(full).to.match(/^\d{17}[\dX]$/)
    expect(full!.slice(0, 4) + full!.slice(-4)).to.equal(stored.id_number_masked.slice(0, 4) + stored.id_number_masked.slice(-4))
    const note = await page.locator('.registers-note').textContent()
    const auditId = Number(/日志编号 (\d+)/.exec(note ?? '')?.[1])
    const row = await ctx.knex('access_audit').where({ id: auditId }).first()
    expect(row).to.deep.include({ action: 'unmask', resource_type: 'residents', resource_id: String(id), username: 'street1', reason: '核查户籍登记信息' })
  })

  it('shows a grid inspector the server\'s refusal of an unmask outside his grids', async () => {
    const w = await openWatchedPage(browser, { timezoneId: 'UTC', viewport: { width: 1920, height: 1080 } })
    try {
      const inspector = await loginAs(client, 'inspector')
      const items = (await client.get('/api/v1/residents?limit=200', inspector)).json().items as { id: number; name: string; gridCode: string | null }[]
      const masked = items.find((r) => r.name.includes('*') && r.gridCode)!
      expect(masked, 'a resident of his community outside his grids').to.not.equal(undefined)
      const refusal = await client.post(`/api/v1/residents/${masked.id}/unmask`, { reason: '核查户籍登记信息' }, { ...inspector, 'accept-language': 'zh-CN' })
      expect(refusal.statusCode).to.equal(403)
      const p = w.page
      await openTab(p, 'inspector')
      await p.waitForSelector('.registers:not([data-loading])')
      await p.selectOption('.registers-picker', 'residents')
      await p.fill('.registers-search', masked.gridCode!)
      await p.press('.registers-search', 'Enter')
      await p.waitForSelector(`.registers[data-grid="${masked.gridCode}"]:not([data-loading]) tr[data-id="${masked.id}"]`)
      await p.click(`.registers-table tr[data-id="${masked.id}"]`)
      await p.click('.registers-unmask-open')
      await p.fill('.registers-reason', '核查户籍登记信息')
      await p.click('.registers-unmask button[type=submit]')
      await p.waitForSelector('.registers-message[data-kind="error"]')
      expect(await p.locator('.registers-message').textContent()).to.equal(refusal.json().detail).and.to.match(CJK)
      expect(await p.locator('.registers-fields dd[data-field="name"]').textContent()).to.equal(masked.name)
      // he may read residents but not write: no 新增 offered when the register says so
      const canWrite = ((await client.get('/api/v1/registers', inspector)).json().items as { name: string; canWrite: boolean }[]).find((r) => r.name === 'residents')!.canWrite
      expect(await p.locator('.registers-create').isVisible()).to.equal(canWrite)
    } finally {
      await w.close()
    }
  })

  it('edits a house to a new version; a bad phone and a stale version are refused in Chinese with the field marked', async () => {
    await pick('houses')
    await page.fill('.registers-search', grid.code)
    await page.press('.registers-search', 'Enter')
    await page.waitForSelector(`.registers[data-grid="${grid.code}"][data-register="houses"]:not([data-loading])`)
    const id = Number(await page.locator('.registers-table tbody tr').first().getAttribute('data-id'))
    const before = await ctx.knex('house').where({ id }).first('room', 'version', 'owner_phone')
    edited = { id, room: before.room }
    await page.click(`.registers-table tr[data-id="${id}"]`)
    await page.click('.registers-edit')
    await page.waitForSelector('.registers-form[data-mode="edit"]')
    // a masked owner phone starts empty: saving without touching it never sends the mask back
    expect(await page.inputValue('.registers-form input[name="ownerPhone"]')).to.equal('')
    await page.fill('.registers-form input[name="room"]', 'T-901室')
    await page.click('.registers-form button[type=submit]')
    await message(`已保存修改（第 ${before.version + 1} 版）`)
    const after = await ctx.knex('house').where({ id }).first('room', 'version', 'owner_phone')
    expect(after).to.deep.equal({ room: 'T-901室', version: before.version + 1, owner_phone: before.owner_phone })
    // not a phone: the server names the field, the form marks it, nothing is written
    await page.click('.registers-edit')
    await page.fill('.registers-form input[name="ownerPhone"]', '12345')
    await page.click('.registers-form button[type=submit]')
    await page.waitForSelector('.registers-input[data-field="ownerPhone"].invalid')
    expect(await page.locator('.registers-message').textContent()).to.match(CJK).and.to.include('ownerPhone')
    expect((await ctx.knex('house').where({ id }).first('version')).version).to.equal(before.version + 1)
    // someone else saves meanwhile: the page's version is stale
    const other = await client.request({ method: 'PATCH', url: `/api/v1/houses/${id}`, headers: { ...auth, 'content-type': 'application/json' },
      payload: JSON.stringify({ version: before.version + 1, room: 'T-902室' }) })
    expect(other.statusCode, other.body).to.equal(200)
    // (the same stale edit through the API: refused, nothing changed, the words to expect)
    const stale = await client.request({ method: 'PATCH', url: `/api/v1/houses/${id}`, headers: { ...auth, 'content-type': 'application/json', 'accept-language': 'zh-CN' },
      payload: JSON.stringify({ version: before.version + 1, room: 'T-903室' }) })
    expect(stale.statusCode).to.equal(409)
    expect(stale.json().detail).to.match(CJK)
    await page.fill('.registers-form input[name="ownerPhone"]', '')
    await page.fill('.registers-form input[name="room"]', 'T-903室')
    await page.click('.registers-form button[type=submit]')
    await message(stale.json().detail)
    expect((await ctx.knex('house').where({ id }).first('room')).room).to.equal('T-902室')
  })

  it('registers a new resident in the grid\'s community; a wrong check digit is refused first', async () => {
    await pick('residents')
    await page.waitForSelector(`.registers[data-grid="${grid.code}"][data-register="residents"]:not([data-loading])`)
    const community = (await ctx.knex('grid').where({ code: grid.code }).whereNull('valid_to').first('community_code')).community_code as string
    await page.click('.registers-create')
    await page.waitForSelector('.registers-form[data-mode="create"]')
    expect(await page.inputValue('.registers-form input[name="communityCode"]')).to.equal(community)
    const good = idNumber('19900307', '123')
    const bad = good.slice(0, 17) + (good.endsWith('0') ? '1' : '0')
    await page.fill('.registers-form input[name="name"]', '登记测试')
    await page.fill('.registers-form input[name="idNumber"]', bad)
    await page.selectOption('.registers-form select[name="kind"]', 'floating')
    await page.click('.registers-form button[type=submit]')
    await page.waitForSelector('.registers-input[data-field="idNumber"].invalid')
    expect(await page.locator('.registers-message').textContent()).to.include('身份证号码无效')
    expect(Number((await ctx.knex('resident').where({ name: '登记测试' }).count('* as n').first())!.n), 'nothing written').to.equal(0)
    await page.fill('.registers-form input[name="idNumber"]', good)
    await page.click('.registers-form button[type=submit]')
    await message('已新增登记')
    const created = Number(/编号 (\d+)/.exec(await page.locator('.registers-message').textContent() ?? '')?.[1])
    createdId = created
    const row = await ctx.knex('resident').where({ id: created }).first('name', 'community_code', 'kind', 'birth_date')
    expect(row).to.deep.include({ name: '登记测试', community_code: community, kind: 'floating' })
    await page.click('.registers-back')
    expect((await rowIds())[0]).to.equal(created)
  })

  it('hides the tab from an external system\'s account and offers the analyst only the registers the server lists for him', async () => {
    for (const user of ['system', 'analyst']) {
      const w = await openWatchedPage(browser, { timezoneId: 'UTC', viewport: { width: 1920, height: 1080 } })
      try {
        await w.page.goto(app.base)
        await signIn(w.page, user, DEMO_PASSWORD)
        await waitForMap(w.page)
        const tab = w.page.locator('.dock-tab[data-tab="registers"]')
        const offered = await client.get('/api/v1/registers', await loginAs(client, user))
        if (user === 'system') {
          expect(offered.statusCode).to.equal(403)
          expect(await tab.isVisible()).to.equal(false)
          continue
        }
        await tab.click()
        await w.page.waitForSelector('.registers[data-register]')
        const names = await w.page.locator('.registers-picker option').evaluateAll((os) => os.map((o) => o.getAttribute('value')))
        expect(names).to.deep.equal((offered.json().items as { name: string }[]).map((r) => r.name))
        expect(names).to.not.include('residents')
        expect(w.problems.filter((x) => !/status of 40[34]/.test(x)), 'console errors').to.deep.equal([])
      } finally {
        await w.close()
      }
    }
    expect(watched.external, 'requests outside the server').to.deep.equal([])
  })
})
