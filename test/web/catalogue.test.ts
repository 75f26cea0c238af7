// 数据目录 and 资源申请 end to end (Debian chromium, one launch): the catalogue searched in Chinese
// and filtered, compared with the whole catalogue filtered here by other code; an entry's fields
// against its register; an edit by the command centre stored; applications reviewed in the panel:
// 驳回 needs a reason, 授权 shows the key once with 复制 (the key then works), its use listed as the
// access audit holds it, 撤销 stops the key. An external system sees neither edits nor reviews,
// applies from the catalogue and reads the refusal naming the field (which roles see the tabs at
// all: test/auth/capabilities.test.ts).
import fs from 'node:fs'
import { fileURLToPath } from 'node:url'
import { expect } from 'chai'
import type { Browser, Locator } from 'playwright-core'
import type { Knex } from 'knex'
import type { AppContext } from '../../server/context.ts'
import { allRegisters } from '../../server/registers/registry.ts'
import { loginAs, testClient, type Client } from '../support/http.ts'
import { uniq } from '../events/helpers.ts'
import { type RunningApp, type WatchedPage } from './browser.ts'
import { browserSuite, signedIn } from '../support/browserSuite.ts'

/** Polls an asynchronous condition (the page's CSP forbids waitForFunction's eval). */
async function until(check: () => Promise<boolean>, ms = 15_000): Promise<boolean> {
  for (const end = Date.now() + ms; Date.now() < end; await new Promise((r) => setTimeout(r, 100))) if (await check()) return true
  return check()
}

interface Entry { id: string; kind: string; title: string; description: string; owner: string; fields: { name: string; title?: string; personal?: boolean }[] }
const CITY = '990100'
const STREET = '990102001000'
/** The data-id of each element matched, in order. */
async function dataIds(l: Locator): Promise<(string | null)[]> {
  return Promise.all((await l.all()).map((x) => x.getAttribute('data-id')))
}
/** An entry no other test reads: its edit is undone after the suite. */
const EDITED = 'api:GET /api/v1/catalogue/applications/{id}/usage'

describe('数据目录 and 资源申请 panels in a browser', function () {
  this.timeout(180_000)
  let ctx: AppContext
  let app: RunningApp
  let browser: Browser
  let watched: WatchedPage | undefined
  let knex: Knex
  let client: Client
  const auth: Record<string, Record<string, string>> = {}
  const all: Entry[] = []
  const apps: Record<'toReject' | 'toApprove', number> = { toReject: 0, toApprove: 0 }

  browserSuite({
    ready: async (s) => {
      ({ ctx, app, browser } = s)
      client = await testClient(ctx)
      knex = ctx.knex
      for (const u of ['command', 'system']) auth[u] = await loginAs(client, u)
      // the whole catalogue, page by page, for the search compared below
      for (let offset = 0; ; offset += 500) {
        const page = (await client.get(`/api/v1/catalogue?limit=500&offset=${offset}`, auth.command)).json() as { items: Entry[]; total: number }
        all.push(...page.items)
        if (all.length >= page.total || !page.items.length) break
      }
      for (const k of ['toReject', 'toApprove'] as const) {
        const r = await client.post('/api/v1/catalogue/applications', {
          systemName: uniq('区应急平台'), purpose: '应急联动：查看辖区在办事件', resources: ['layer:events', 'api:GET /api/v1/events/{number}'], areas: [STREET], validDays: 30,
        }, auth.system)
        expect(r.statusCode, r.body).to.equal(201)
        apps[k] = r.json().id
      }
    },
    closed: async () => { await knex?.('catalogue_entry_meta').where({ city_code: CITY, entry_id: EDITED }).delete() },
  })

  afterEach(async () => {
    await watched?.close()
    watched = undefined
  })

  it('the command centre searches, filters, reads and edits entries, and reviews applications with the key shown once', async () => {
    watched = await signedIn(browser, app.base, 'command')
    const page = watched.page
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: app.base })
    await page.click('.dock-tab[data-tab="catalogue"]')
    const panel = page.locator('.catalogue-panel:not(.applications-panel)')
    await page.waitForSelector('.catalogue-panel[data-state="ready"]', { timeout: 30_000 })
    expect(await panel.locator('.catalogue-message').innerText()).to.equal(`共 ${all.length} 项，已显示 50 项`)
    await panel.locator('.catalogue-more').click()
    expect(await until(async () => await panel.locator('.catalogue-entry').count() === 100)).to.equal(true)

    // 在办 事件 among the layers: every word somewhere in the entry, as filtered here over the whole catalogue
    const words = ['在办', '事件']
    const expected = all.filter((e) => e.kind === 'layer' && words.every((w) => [e.id, e.title, e.description, e.owner, ...e.fields.flatMap((f) => [f.name, f.title ?? ''])]
      .some((t) => t.includes(w)))).map((e) => e.id)
    expect(expected).to.include('layer:events')
    await panel.locator('.catalogue-kind').selectOption('layer')
    await panel.locator('.catalogue-q').fill(words.join(' '))
    await panel.locator('.catalogue-q').press('Enter')
    expect(await until(async () => await panel.locator('.catalogue-message').innerText() === `共 ${expected.length} 项，已显示 ${expected.length} 项`)).to.equal(true)
    expect(await dataIds(panel.locator('.catalogue-entry'))).to.have.members(expected)

    // 不予共享 datasets: the people registers among them; one opened shows its columns, the personal ones marked
    await panel.locator('.catalogue-q').fill('')
    await panel.locator('.catalogue-q').press('Enter')
    await panel.locator('.catalogue-kind').selectOption('dataset')
    await panel.locator('.catalogue-sharing').selectOption('none')
    const unshared = all.filter((e) => e.kind === 'dataset' && (e as Entry & { sharing: string }).sharing === 'none').map((e) => e.id)
    expect(await until(async () => (await panel.locator('.catalogue-entry').count()) === unshared.length)).to.equal(true)
    const residents = allRegisters().find((r) => r.name === 'residents')!
    await panel.locator('.catalogue-entry[data-id="dataset:residents"]').click()
    await page.waitForSelector('.catalogue-detail[data-id="dataset:residents"][data-state="ready"]')
    expect(await panel.locator('.catalogue-detail .catalogue-fields tbody tr').count()).to.equal(residents.columns.length)
    expect(await panel.locator('.catalogue-detail .catalogue-fields tbody tr.personal').count()).to.equal(residents.columns.filter((c) => c.personal).length)
    expect(await panel.locator('.catalogue-d-sharing').innerText()).to.equal('不予共享')
    // the README's picture of the panel (SCREENSHOT=1, or when missing)
    const shot = fileURLToPath(new URL('../../docs/screenshots/catalogue.png', import.meta.url))
    if (process.env.SCREENSHOT || !fs.existsSync(shot)) await page.screenshot({ path: shot })

    // an edit: the owner and sharing condition of one entry, stored for the city with who made it
    await panel.locator('.catalogue-sharing').selectOption('')
    await panel.locator('.catalogue-kind').selectOption('api')
    await panel.locator('.catalogue-q').fill('catalogue/applications/{id}/usage')
    await panel.locator('.catalogue-q').press('Enter')
    await panel.locator(`.catalogue-entry[data-id="${EDITED}"]`).click()
    await page.waitForSelector(`.catalogue-detail[data-id="${EDITED}"][data-state="ready"]`)
    await panel.locator('.catalogue-save').click()
    expect(await panel.locator('.catalogue-edit .catalogue-error').innerText()).to.equal('没有修改')
    await panel.locator('.catalogue-e-owner').fill('市大数据局')
    await panel.locator('.catalogue-save').click()
    await page.waitForSelector(`.catalogue-detail[data-saved="${EDITED}"]`)
    const meta = await knex('catalogue_entry_meta as m').join('app_user as u', 'u.id', 'm.updated_by').where({ 'm.city_code': CITY, 'm.entry_id': EDITED }).first('m.owner', 'm.sharing', 'u.username')
    expect(meta).to.deep.equal({ owner: '市大数据局', sharing: null, username: 'command' })
    expect(await panel.locator('.catalogue-d-owner').innerText()).to.equal('市大数据局')

    // 资源申请: 驳回 needs a reason of four characters
    await page.click('.dock-tab[data-tab="applications"]')
    const ap = page.locator('.applications-panel')
    await page.waitForSelector('.applications-panel[data-state="ready"]', { timeout: 30_000 })
    const listed = (await client.get('/api/v1/catalogue/applications?limit=100', auth.command)).json().items as { state: string }[]
    expect(await ap.locator('.catalogue-message').innerText()).to.equal(`全部 ${listed.length} 件，待审核 ${listed.filter((a) => a.state === 'submitted').length} 件`)
    await ap.locator(`.catalogue-application[data-id="${apps.toReject}"]`).click()
    await page.waitForSelector(`.applications-detail[data-id="${apps.toReject}"][data-state="ready"]`)
    expect(await dataIds(ap.locator('.application-resource'))).to.deep.equal(['layer:events', 'api:GET /api/v1/events/{number}'])
    expect(await ap.locator('.application-resource[data-id="layer:events"]').innerText()).to.contain(all.find((e) => e.id === 'layer:events')!.title)
    await ap.locator('.application-comment').fill('不明')
    await ap.locator('.application-reject').click()
    expect(await ap.locator('.application-actions .catalogue-error').innerText()).to.equal('请填写驳回原因（至少 4 个字）')
    await ap.locator('.application-comment').fill('用途与所申请资源不符')
    await ap.locator('.application-reject').click()
    await page.waitForSelector(`.applications-detail[data-id="${apps.toReject}"][data-app-state="rejected"]`)
    expect(await knex('catalogue_application').where('id', apps.toReject).first('state', 'review_comment')).to.deep.equal({ state: 'rejected', review_comment: '用途与所申请资源不符' })
    expect(await ap.locator('.application-approve').count()).to.equal(0)

    // 授权: the key shown once with a warning; 复制 puts it on the clipboard; it works as the applicant, within its grant
    await ap.locator(`.catalogue-application[data-id="${apps.toApprove}"]`).click()
    await page.waitForSelector(`.applications-detail[data-id="${apps.toApprove}"][data-state="ready"]`)
    await ap.locator('.application-approve').click()
    await page.waitForSelector('.catalogue-key .catalogue-key-value')
    expect(await ap.locator('.catalogue-key-warning').innerText()).to.contain('只显示这一次')
    const key = await ap.locator('.catalogue-key-value').innerText()
    await ap.locator('.catalogue-key-copy').click()
    expect(await until(async () => await ap.locator('.catalogue-key-status').innerText() === '已复制到剪贴板')).to.equal(true)
    expect(await page.evaluate('navigator.clipboard.readText()')).to.equal(key)
    const [issued] = await knex('api_key').where('application_id', apps.toApprove).pluck('id') as number[]
    const asKey = { 'x-api-key': key }
    const me = await fetch(`${app.base}/api/v1/auth/me`, { headers: asKey })
    expect(me.status).to.equal(200)
    expect((await me.json() as { username: string }).username).to.equal('system')
    expect((await fetch(`${app.base}/api/v1/grids?limit=1`, { headers: asKey })).status).to.equal(403)
    expect((await fetch(`${app.base}/api/v1/events/E209901010001`, { headers: asKey })).status).to.equal(404)
    // the use, as the access audit holds it (counted here, not through the usage query)
    const audited = async () => await knex('access_audit').where('api_key_id', issued).orderBy('id', 'desc').select('status', 'path') as { status: number; path: string }[]
    expect(await until(async () => (await audited()).length === 3)).to.equal(true)
    await ap.locator(`.catalogue-application[data-id="${apps.toApprove}"]`).click()
    await page.waitForSelector(`.applications-detail[data-id="${apps.toApprove}"][data-app-state="approved"][data-state="ready"] .application-usage`)
    expect(await ap.locator('.application-usage h4').innerText()).to.equal('使用记录（3 次）')
    const shown = await ap.locator('.application-use td:nth-child(2)').allInnerTexts()
    const statuses = await ap.locator('.application-use td:nth-child(3)').allInnerTexts()
    expect(shown.map((t, i) => [t, statuses[i]])).to.deep.equal((await audited()).map((a) => [`GET ${a.path}`, String(a.status)]))
    // the key stays on screen until closed, even as the list reloads
    expect(await ap.locator('.catalogue-key').count()).to.equal(1)
    await ap.locator('.catalogue-key-close').click()
    expect(await ap.locator('.catalogue-key').count()).to.equal(0)

    // 撤销 with a reason: the key stops at once
    await ap.locator('.application-comment').fill('合作项目已结束')
    await ap.locator('.application-revoke').click()
    await page.waitForSelector(`.applications-detail[data-id="${apps.toApprove}"][data-app-state="revoked"]`)
    expect((await fetch(`${app.base}/api/v1/auth/me`, { headers: asKey })).status).to.equal(401)
    expect(watched.problems.filter((p) => !/status of 40[34]/.test(p)), 'page errors').to.deep.equal([])
  })

  it('an external system browses and applies, with no edit or review', async () => {
    watched = await signedIn(browser, app.base, 'system', { map: true })
    const page = watched.page
    await page.click('.dock-tab[data-tab="catalogue"]')
    const panel = page.locator('.catalogue-panel:not(.applications-panel)')
    await page.waitForSelector('.catalogue-panel[data-state="ready"]', { timeout: 30_000 })
    await panel.locator('.catalogue-q').fill('layer:events')
    await panel.locator('.catalogue-q').press('Enter')
    await panel.locator('.catalogue-entry[data-id="layer:events"]').click()
    await page.waitForSelector('.catalogue-detail[data-id="layer:events"][data-state="ready"]')
    expect(await panel.locator('.catalogue-edit').count()).to.equal(0)
    await panel.locator('.catalogue-apply').click()
    expect(await until(async () => (await page.locator('.dock').getAttribute('data-shown')) === 'applications')).to.equal(true)
    const ap = page.locator('.applications-panel')
    await page.waitForSelector('.applications-panel[data-state="ready"]')
    expect(await dataIds(ap.locator('.catalogue-a-resource'))).to.deep.equal(['layer:events'])
    // its own applications only, and no review buttons on them
    const own = (await client.get('/api/v1/catalogue/applications?limit=100', auth.system)).json().items as unknown[]
    expect(await ap.locator('.catalogue-application').count()).to.equal(own.length)
    await ap.locator(`.catalogue-application[data-id="${apps.toReject}"]`).click()
    await page.waitForSelector(`.applications-detail[data-id="${apps.toReject}"][data-state="ready"]`)
    expect(await ap.locator('.application-actions').count()).to.equal(0)

    const name = uniq('区城管平台')
    await ap.locator('.catalogue-a-system').fill(name)
    await ap.locator('.catalogue-a-purpose').fill('查看辖区在办事件分布')
    // an area outside the jurisdiction: refused naming the field, nothing stored
    await ap.locator('.catalogue-a-areas').fill('110101001001')
    await ap.locator('.catalogue-a-submit').click()
    expect(await until(async () => (await ap.locator('.catalogue-apply-form .catalogue-error').innerText()).includes('areas.0'))).to.equal(true)
    expect(Number((await knex('catalogue_application').where('system_name', name).count({ n: '*' }).first())!.n)).to.equal(0)
    await ap.locator('.catalogue-a-areas').fill(STREET)
    await ap.locator('.catalogue-a-submit').click()
    expect(await until(async () => Boolean(await knex('catalogue_application').where('system_name', name).first('id')))).to.equal(true)
    const made = await knex('catalogue_application as a').join('app_user as u', 'u.id', 'a.applicant_id').where('a.system_name', name).first('a.state', 'a.resources', 'a.areas', 'u.username')
    expect(made).to.deep.equal({ state: 'submitted', resources: ['layer:events'], areas: [STREET], username: 'system' })
  })
})
