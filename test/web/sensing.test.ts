// 感知, 舆情 and 用量 panels end to end (Debian chromium, one launch): a sensor alarm with the
// readings that crossed its rule; public-opinion candidates rejected (a reason required) and
// accepted (one event of the 舆情 channel); utility-usage flags for the register roles only, the
// tab absent for a GIS analyst. Counts are checked against the API, outcomes in the database.
import { expect } from 'chai'
import type { Browser } from 'playwright-core'
import type { Knex } from 'knex'
import type { AppContext } from '../../server/context.ts'
import { loginAs, testClient, type Client } from '../support/http.ts'
import { pointIn, uniq } from '../events/helpers.ts'
import { type RunningApp, type WatchedPage } from './browser.ts'
import { browserSuite, signedIn } from '../support/browserSuite.ts'

const STA = '/ogc/sta/v1.1'

/** Polls an asynchronous condition (the page's CSP forbids waitForFunction's eval). */
async function until(check: () => Promise<boolean>, ms = 15_000): Promise<boolean> {
  for (const end = Date.now() + ms; Date.now() < end; await new Promise((r) => setTimeout(r, 100))) if (await check()) return true
  return check()
}

describe('感知, 舆情 and 用量 panels in a browser', function () {
  this.timeout(180_000)
  let ctx: AppContext
  let app: RunningApp
  let browser: Browser
  let watched: WatchedPage | undefined
  let knex: Knex
  let client: Client
  const auth: Record<string, Record<string, string>> = {}
  let thingName = ''
  let datastream = 0
  const posts: number[] = []
  let flagId = 0

  browserSuite({
    ready: async (s) => {
      ({ ctx, app, browser } = s)
      client = await testClient(ctx)
      knex = ctx.knex
      for (const u of ['command', 'street1']) auth[u] = await loginAs(client, u)
      const p1 = await pointIn(knex, '990102001001')
      // a water-level gauge over its rule's 2.5 m: one incident, readings kept as evidence
      thingName = uniq('水位计')
      const thing = await client.post(`${STA}/Things`, {
        name: thingName, properties: { kind: 'water_level' },
        Locations: [{ name: '位置', encodingType: 'application/geo+json', location: { type: 'Point', coordinates: [p1.lon, p1.lat] } }],
        Datastreams: [{ name: `${thingName} 水位`, observationType: 'http://www.opengis.net/def/observationType/OGC-OM/2.0/OM_Measurement',
          unitOfMeasurement: { name: 'metre', symbol: 'm', definition: 'http://unitsofmeasure.org/ucum.html#m' },
          Sensor: { name: '水位传感器', encodingType: 'application/pdf', metadata: 'https://example.invalid/spec.pdf' },
          ObservedProperty: { name: 'water_level', definition: 'https://gridgov.invalid/kinds/water_level' } }],
      }, auth.street1)
      expect(thing.statusCode, thing.body).to.equal(201)
      datastream = (await client.get(`${STA}/Things(${thing.json()['@iot.id']})/Datastreams`, auth.street1)).json().value[0]['@iot.id']
      const rule = await client.post('/api/v1/sensor-rules', { name: uniq('积水超限'), kind: 'water_level', rule: 'threshold', high: 2.5, classCode: '0404' }, auth.command)
      expect(rule.statusCode, rule.body).to.equal(201)
      const t0 = Date.now() - 120_000
      for (const [i, v] of [1.2, 2.75, 3.1].entries()) {
        const r = await client.post(`${STA}/Datastreams(${datastream})/Observations`, { phenomenonTime: new Date(t0 + i * 30_000).toISOString(), result: v }, auth.command)
        expect(r.statusCode, r.body).to.equal(201)
      }
      // two candidates of the 舆情 channel at the gauge's place (the feed pipeline has its own tests)
      const [feed] = await knex('opinion_feed').insert({ city_code: '990100', name: uniq('面板测试源'), url: `https://example.invalid/${uniq('f')}.xml` }).returning('id')
      for (const title of [uniq('桃源路积水严重'), uniq('桃源路井盖缺失')]) {
        const [row] = await knex('opinion_post').insert({
          feed_id: feed.id, city_code: '990100', item_key: title, title, content: `${title}，请尽快处理`, published_at: new Date(), keywords: ['积水'],
          places: ['桃源路'], relevant: true, address: '桃源路', status: 'candidate', community_code: '990102001001',
          geom: knex.raw('ST_SetSRID(ST_MakePoint(?, ?), 4490)', [p1.lon, p1.lat]),
        }).returning('id')
        posts.push(Number(row.id))
      }
      const household = await knex('household').where('community_code', 'like', '990102001%').first('id', 'community_code', 'household_number')
      const [flag] = await knex('utility_flag').insert({ city_code: '990100', household_id: household.id, community_code: household.community_code, utility: 'water',
        month: '2026-10-01', kind: 'spike', amount: 42, baseline: 9.5, lone_elderly: false }).onConflict(['household_id', 'utility', 'month']).merge().returning('id')
      flagId = Number(flag.id)
    },
  })

  afterEach(async () => {
    await watched?.close()
    watched = undefined
  })

  it('感知 lists the alarm with its readings against the rule; 舆情 rejects with a reason and accepts once; 用量 lists the flags', async () => {
    watched = await signedIn(browser, app.base, 'command')
    const page = watched.page
    await page.click('.dock-tab[data-tab="sensors"]')
    await page.waitForSelector('.sensors-panel[data-state="ready"]', { timeout: 30_000 })
    const open = (await client.get('/api/v1/sensor-rules/incidents?state=open&limit=100', auth.command)).json().items as { id: number; datastream: { id: number } }[]
    expect(await page.locator('.sensors-panel .sensing-message').innerText()).to.equal(`告警中 ${open.length} 起`)
    const incident = open.find((i) => i.datastream.id === datastream)!
    expect(incident, 'the gauge\'s incident').to.not.equal(undefined)
    const row = page.locator(`.sensor-incident[data-id="${incident.id}"]`)
    expect(await row.locator('.sensor-thing').innerText()).to.equal(`${thingName}（水位）`)
    expect(await row.locator('.sensor-rule').innerText()).to.contain('越限 2 次')
    await row.click()
    const readings = await page.locator('.sensors-detail .sensor-value').allInnerTexts()
    expect(readings).to.deep.equal(['2.75 m', '3.1 m'])
    expect(await page.locator('.sensors-detail .sensor-threshold').innerText()).to.contain('上限 2.5 m')

    await page.click('.dock-tab[data-tab="opinion"]')
    await page.waitForSelector('.opinion-panel[data-state="ready"]', { timeout: 30_000 })
    const candidates = (await client.get('/api/v1/opinion/posts?status=candidate&limit=50', auth.command)).json().items as unknown[]
    expect(await page.locator('.opinion-panel .sensing-message').innerText()).to.equal(`待处理 ${candidates.length} 条`)
    const first = page.locator(`.opinion-post[data-id="${posts[0]}"]`)
    await first.locator('.opinion-reject').click()
    expect(await first.locator('.sensing-error').innerText()).to.equal('请填写驳回理由')
    await first.locator('.opinion-text').fill('与本市无关的转载')
    await first.locator('.opinion-reject').click()
    expect(await until(async () => (await knex('opinion_post').where('id', posts[0]).first('status')).status === 'rejected')).to.equal(true)
    expect((await knex('opinion_post').where('id', posts[0]).first('reason')).reason).to.equal('与本市无关的转载')
    await page.locator(`.opinion-post[data-id="${posts[1]}"] .opinion-class`).fill('0404')
    await page.locator(`.opinion-post[data-id="${posts[1]}"] .opinion-accept`).click()
    const acceptedNow = await until(async () => (await knex('opinion_post').where('id', posts[1]).first('status')).status === 'accepted')
    expect(acceptedNow, await page.locator('.opinion-panel').innerText()).to.equal(true)
    const accepted = await knex('opinion_post as p').join('event as e', 'e.id', 'p.event_id').where('p.id', posts[1]).first('e.number', 'e.channel')
    expect(accepted.channel).to.equal('public_opinion')
    // the accepted post's event opens in 事件
    expect(await until(async () => (await page.locator('.dock').getAttribute('data-shown')) === 'events')).to.equal(true)
    expect(await until(async () => (await page.locator('#event-detail').innerText()).includes(accepted.number))).to.equal(true)

    await page.click('.dock-tab[data-tab="usage"]')
    await page.waitForSelector('.usage-panel[data-state="ready"]', { timeout: 30_000 })
    const flags = (await client.get('/api/v1/utility-usage/flags?limit=200', auth.command)).json().items as { kind: string }[]
    expect(await page.locator('.usage-flag').count()).to.equal(flags.length)
    expect(await page.locator('.usage-panel .sensing-message').innerText()).to.equal(`共 ${flags.length} 条，其中独居老人用量骤降 ${flags.filter((f) => f.kind === 'drop').length} 条`)
    expect(await page.locator(`.usage-flag[data-id="${flagId}"] .usage-kind`).innerText()).to.equal('用量激增')
    expect(watched.problems, 'page errors').to.deep.equal([])
  })

  it('a GIS analyst sees 感知 but neither 舆情 nor 用量', async () => {
    watched = await signedIn(browser, app.base, 'analyst')
    const page = watched.page
    // the role menus apply once the user is known: wait for the hidden 用量 tab, then read the rest
    expect(await until(async () => await page.locator('.dock-tab[data-tab="usage"][hidden]').count() === 1)).to.equal(true)
    expect(await page.locator('.dock-tab[data-tab="opinion"][hidden]').count()).to.equal(1)
    expect(await page.locator('.dock-tab[data-tab="sensors"]:not([hidden])').count()).to.equal(1)
    expect((await client.get('/api/v1/utility-usage/flags', await loginAs(client, 'analyst'))).statusCode).to.equal(403)
  })
})
