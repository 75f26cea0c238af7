// The residents' page at /public/ (H5) on a phone: Debian chromium at 390×844 (isMobile, touch,
// deviceScaleFactor 2, zh-CN, geolocation granted at a point inside the demo city). A real flow
// against the real endpoints: a code requested on the page goes through the outbox to a local SMS
// receiver (the real SMS adapter); a report with a photo gets its number; the number is followed
// from this browser (localStorage token) and from a fresh one (number + code); a notice and an
// article published through the staff APIs are read; nothing scrolls sideways at 360-430 px.
// SCREENSHOT=1 (or always when docs/screenshots/public-*.png are missing) saves the phone shots.
import { expect } from 'chai'
import sharp from 'sharp'
import type { Browser } from 'playwright-core'
import type { AppContext } from '../../server/context.ts'
import { phoneHash } from '../../server/public/codes.ts'
import { PAGE_CSP } from '../../tiles/webmap.ts'
import { browserSuite } from '../support/browserSuite.ts'
import { loginAs, testClient, type Client } from '../support/http.ts'
import { startReceiver, type Receiver } from '../integrations/receiver.ts'
import type { RunningApp } from './browser.ts'
import { openPhone as open, PHONE, ready, requestCode as askCode, shoot, type Phone } from './publicPhone.ts'


describe('residents\' page /public/ on a phone (Debian chromium)', function () {
  this.timeout(240_000)
  let ctx: AppContext
  let app: RunningApp
  let browser: Browser
  let client: Client
  let sms: Receiver
  let here: { lon: number; lat: number }
  const phones: Phone[] = []
  const savedEnv = process.env.GRIDGOV_SMS_ENDPOINT
  const phoneNumber = `139${String(Date.now()).slice(-8)}`
  let reported: { number: string; token: string } | undefined
  /** the notice and the article this file published, withdrawn after it (the public lists are shared) */
  const planted: { notice?: number; article?: number } = {}
  const openPhone = async (viewport = PHONE, located = true) => {
    const phone = await open(browser, located ? here : null, viewport)
    phones.push(phone)
    return phone
  }
  const requestCode = (page: Phone['page'], phone: string) => askCode(page, ctx.knex, sms, phone)

  browserSuite({
    prepare: async (suite) => {
      ctx = suite.ctx
      sms = await startReceiver([], { kind: 'status', status: 200, body: '{"Code":"OK","BizId":"test"}', headers: { 'content-type': 'application/json' } })
      process.env.GRIDGOV_SMS_ENDPOINT = sms.url
      // a point well inside a base grid of the demo district (PostGIS's, not the page's)
      const { rows } = await ctx.knex.raw(`SELECT ST_X(p) AS lon, ST_Y(p) AS lat FROM (SELECT ST_PointOnSurface(geom) AS p FROM grid
        WHERE kind = 'base' AND valid_to IS NULL AND community_code LIKE '990102001%' ORDER BY code LIMIT 1) g`)
      here = { lon: Number(rows[0].lon), lat: Number(rows[0].lat) }
      client = await testClient(ctx)
    },
    ready: (suite) => { ({ app, browser } = suite) },
    closing: async () => {
      if (planted.notice || planted.article) {
        const command = await loginAs(client, 'command')
        // best effort: a test that failed before publishing leaves a draft, which no resident sees anyway
        if (planted.notice) await client.post(`/api/v1/notices/${planted.notice}/withdraw`, {}, command)
        if (planted.article) await client.post(`/api/v1/knowledge/${planted.article}/withdraw`, { reason: '页面测试结束' }, command)
      }
      for (const p of phones) await p.context.close().catch(() => undefined)
    },
    closed: async () => {
      await sms?.close()
      if (savedEnv === undefined) delete process.env.GRIDGOV_SMS_ENDPOINT
      else process.env.GRIDGOV_SMS_ENDPOINT = savedEnv
    },
  })

  afterEach(function () {
    for (const p of phones) {
      expect(p.external, 'requests that left the machine').to.deep.equal([])
      expect(p.problems, 'console errors and CSP violations').to.deep.equal([])
    }
  })

  it('is served at /public/ and at its deep links with the page CSP; a missing file stays a 404', async () => {
    const page = await client.get('/public/')
    expect(page.statusCode).to.equal(200)
    expect(page.headers['content-type']).to.match(/^text\/html/)
    expect(page.headers['content-security-policy']).to.equal(PAGE_CSP)
    expect(page.body).to.include('lang="zh-CN"').and.include('我要反映').and.include('进度查询')
    for (const url of ['/public/report', '/public/follow/E202612030001', '/public/knowledge/12', '/public/notices']) {
      const res = await client.get(url)
      expect(res.statusCode, url).to.equal(200)
      expect(res.body, url).to.equal(page.body)
      expect(res.headers['content-security-policy'], url).to.equal(PAGE_CSP)
    }
    const bare = await client.get('/public')
    expect(bare.statusCode).to.equal(301)
    expect(bare.headers.location).to.equal('/public/')
    for (const url of ['/public/x.js', '/public/assets/a.css', '/public/../package.json', '/public-page/index.html', '/public/%2e%2e/package.json']) {
      expect((await client.get(url)).statusCode, url).to.equal(404)
    }
    // a light page: its scripts and styles (no OpenLayers) against the map page's
    const assets = (html: string) => [...html.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)].map((m) => m[1]!)
    let bytes = 0
    for (const a of assets(page.body)) bytes += (await client.get(a)).body.length
    let mapBytes = 0
    for (const a of assets((await client.get('/')).body)) mapBytes += (await client.get(a)).body.length
    expect(bytes).to.be.greaterThan(5_000).and.lessThan(100_000)
    expect(mapBytes, 'the map page, a positive control').to.be.greaterThan(300_000)
  })

  it('reports a problem with a photo and the phone\'s position, and shows the number', async () => {
    const { page } = await openPhone()
    await page.goto(`${app.base}/public/`)
    await ready(page)
    await page.click('.home-card[href="/public/report"]')
    await ready(page)
    // refused on the page before anything is sent: the description is too short
    await page.fill('textarea[name=description]', '井盖')
    await page.click('button.submit')
    await page.locator('.msg-error', { hasText: '至少 5 个字' }).waitFor()
    expect(await page.getAttribute('textarea[name=description]', 'aria-invalid')).to.equal('true')

    const description = `小区门口人行道井盖缺失，夜间有行人跌倒风险 ${Date.now().toString(36)}`
    await page.fill('textarea[name=description]', description)
    const jpeg = await sharp({ create: { width: 64, height: 48, channels: 3, background: { r: 200, g: 120, b: 40 } } }).jpeg().toBuffer()
    await page.setInputFiles('input[name=album]', { name: 'manhole.jpg', mimeType: 'image/jpeg', buffer: jpeg })
    await page.waitForSelector('.thumbs[data-count="1"] img')
    // a file that is not an image is refused on the page, in Chinese
    await page.setInputFiles('input[name=album]', { name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('hello') })
    await page.locator('.msg-error', { hasText: '不是 JPEG、PNG 或 WebP 图片' }).waitFor()
    expect(await page.getAttribute('.thumbs', 'data-count')).to.equal('1')

    await page.click('button.locate')
    await page.waitForSelector('.place-text[data-state="gps"]')
    await page.waitForSelector('.minimap:not([hidden]) svg .mm-pin')
    expect(Number(await page.getAttribute('.minimap', 'data-lon'))).to.be.closeTo(here.lon, 1e-6)
    expect(Number(await page.getAttribute('.minimap', 'data-lat'))).to.be.closeTo(here.lat, 1e-6)
    // the district the pin is in, as PostGIS finds it (positive control: the text names one)
    const { rows: [district] } = await ctx.knex.raw(`SELECT name FROM admin_division WHERE level = 'district'
      AND ST_Contains(geom, ST_SetSRID(ST_MakePoint(?, ?), 4490))`, [here.lon, here.lat])
    expect(district?.name).to.be.a('string')
    expect(await page.textContent('.place-text')).to.include(district.name)

    // a wrong code: the server's Chinese sentence is shown as it is
    await page.fill('input[name=phone]', phoneNumber)
    await page.fill('input[name=code]', '000000')
    const refused = page.waitForResponse((r) => r.url().endsWith('/api/v1/public/reports'))
    await page.click('button.submit')
    const problem = await (await refused).json() as { detail: string; status: number }
    expect(problem.status).to.equal(400)
    expect(problem.detail).to.match(/[\u4e00-\u9fff]/)
    await page.locator('.msg-error', { hasText: problem.detail }).waitFor()
    expect(await ctx.knex('event').where('description', description).count({ n: '*' }).first()).to.deep.equal({ n: 0 })

    const code = await requestCode(page, phoneNumber)
    await page.fill('input[name=code]', code)
    await page.fill('input[name=address]', '幸福路 12 号小区南门')
    await shoot(page, 'report', '.report .field-photos')
    const created = page.waitForResponse((r) => r.url().endsWith('/api/v1/public/reports'))
    await page.click('button.submit')
    const answer = await (await created).json() as { number: string; followToken: string; statusName: string }
    expect((await created).status()).to.equal(201)
    await page.waitForSelector('.done .report-number')
    expect(await page.textContent('.done .report-number')).to.equal(answer.number)
    expect(await page.textContent('.done .badge')).to.equal(answer.statusName)
    await ready(page)
    // the token is kept for this number
    const kept = await page.evaluate('JSON.parse(localStorage.getItem("gridgov.public.follow"))') as { number: string; token: string }[]
    expect(kept.map((k) => k.number)).to.deep.equal([answer.number])
    expect(kept[0]!.token).to.equal(answer.followToken)
    reported = { number: answer.number, token: answer.followToken }

    // what was stored: the resident's event at the phone's point (PostGIS: within a metre), one photo
    const { rows: [e] } = await ctx.knex.raw(`SELECT e.id, e.channel, e.description,
        ST_Distance(e.geom::geography, ST_SetSRID(ST_MakePoint(?, ?), 4490)::geography) AS metres
      FROM event e WHERE e.number = ?`, [here.lon, here.lat, answer.number])
    expect(e.channel).to.equal('resident')
    expect(e.description).to.equal(description)
    expect(Number(e.metres)).to.be.lessThan(1)
    const photos = await ctx.knex('event_attachment').where('event_id', e.id).count({ n: '*' }).first()
    expect(Number(photos!.n)).to.equal(1)
  })

  it('follows the number from this phone, and from another one with the number and an SMS code', async () => {
    expect(reported, 'the report of the previous test').to.not.equal(undefined)
    const { number, token } = reported!
    const api = (await client.get(`/api/v1/public/reports/${number}`, { 'x-follow-token': token })).json() as { steps: { name: string }[]; photos: unknown[]; statusName: string }
    expect(api.steps.length).to.be.greaterThan(0)

    // this phone: the token in localStorage opens it without a code
    const [mine] = phones
    const page = mine!.page
    await page.click('.done button.btn-primary')
    await page.waitForSelector('.detail .timeline')
    await ready(page)
    expect(await page.textContent('.detail .report-number')).to.equal(number)
    expect(await page.locator('.timeline li .step-name').allTextContents()).to.deep.equal(api.steps.map((s) => s.name))
    // the photo is the stripped copy, loaded with the token (an <img> sends no header)
    // (a function, not a string: the page's CSP has no unsafe-eval for playwright's string predicates)
    await page.waitForFunction(() => Array.from((globalThis as unknown as { document: { querySelectorAll(s: string): ArrayLike<{ complete: boolean; naturalWidth: number }> } })
      .document.querySelectorAll('.photos img')).every((i) => i.complete && i.naturalWidth > 0))
    expect(await page.locator('.photos img').count()).to.equal(api.photos.length).and.equal(1)
    // not closed yet: no evaluation, no appeal offered
    expect(await page.locator('form.evaluate').count()).to.equal(0)
    expect(await page.locator('form.appeal').count()).to.equal(0)
    // the list of this phone's numbers
    await page.click('.tabs a[data-tab="follow"]')
    await ready(page)
    expect(await page.locator('.my-reports a').allTextContents()).to.have.length(1)

    // another phone: the deep link without a token asks for the code, the number filled in
    const other = (await openPhone({ width: 360, height: 740 })).page
    await other.goto(`${app.base}/public/follow/${number}`)
    await ready(other)
    expect(await other.inputValue('input[name=number]')).to.equal(number)
    // a wrong code is refused in the server's words
    await other.fill('input[name=phone]', phoneNumber)
    await other.fill('input[name=code]', '123456')
    const refused = other.waitForResponse((r) => r.url().endsWith(`/reports/${number}/follow`))
    await other.click('form button[type=submit]')
    const problem = await (await refused).json() as { detail: string; status: number }
    expect(problem.status).to.be.oneOf([400, 401])
    await other.locator('.msg-error', { hasText: problem.detail }).waitFor()
    // a second code within the resend interval is refused (429) in the server's words
    const throttled = other.waitForResponse((r) => r.url().endsWith('/api/v1/public/codes'))
    await other.click('.send-code')
    const tooSoon = await throttled
    expect(tooSoon.status()).to.equal(429)
    await other.locator('.msg-error', { hasText: (await tooSoon.json() as { detail: string }).detail }).waitFor()
    // the interval passed (the codes' clock moved back, not waited for)
    await ctx.knex('public_code').where('phone_hash', phoneHash(phoneNumber)).update({ created_at: ctx.knex.raw("created_at - interval '2 minutes'") })
    const code = await requestCode(other, phoneNumber)
    await other.fill('input[name=code]', code)
    await other.click('form button[type=submit]')
    await other.waitForSelector('.detail .timeline')
    await ready(other)
    expect(await other.textContent('.detail .report-number')).to.equal(number)
    expect(await other.locator('.timeline li').count()).to.equal(api.steps.length)

  })

  it('evaluates and appeals once, after the street office closed the report', async () => {
    const { number, token } = reported!
    const auth = { command: await loginAs(client, 'command'), street1: await loginAs(client, 'street1'), street2: await loginAs(client, 'street2') }
    const e = await ctx.knex('event').where('number', number).first('community_code')
    const street = String(e.community_code).slice(0, 9)
    const who = street === '990102002' ? 'street2' : 'street1'
    const fire = async (as: keyof typeof auth, body: Record<string, unknown>) => {
      const res = await client.post(`/api/v1/events/${number}/transitions`, body, auth[as])
      expect(res.statusCode, `${String(body.action)}: ${res.body}`).to.equal(200)
    }
    await fire('command', { action: 'accept' })
    await fire('command', { action: 'dispatch', departmentCode: `JD-${street}000` })
    for (const action of ['sign', 'handle']) await fire(who, { action })
    await fire(who, { action: 'feedback', comment: '井盖已补装' })
    for (const action of ['verify', 'close']) await fire(who, { action })

    const page = phones[0]!.page
    await page.goto(`${app.base}/public/follow/${number}`)
    await page.waitForSelector('form.evaluate')
    await ready(page)
    // nothing chosen: refused on the page
    await page.click('form.evaluate button[type=submit]')
    await page.locator('form.evaluate .msg-error', { hasText: '请选择' }).waitFor()
    await page.click('.choice[data-value="basic"]')
    await page.fill('form.evaluate textarea[name=comment]', '处理及时，但等了两天')
    await page.click('form.evaluate button[type=submit]')
    await page.waitForSelector('.evaluated')
    expect(await page.textContent('.evaluated .badge')).to.equal('基本满意')
    const row = await ctx.knex('event').where('number', number).first('satisfaction', 'status')
    expect(row.status).to.equal('evaluated')
    expect(row.satisfaction).to.be.a('string')

    // the appeal: too short on the page, then sent once; its number is shown and the form is gone
    await page.waitForSelector('form.appeal')
    await page.fill('form.appeal textarea[name=reason]', '不行')
    await page.click('form.appeal button[type=submit]')
    await page.locator('form.appeal .msg-error', { hasText: '至少 5 个字' }).waitFor()
    await page.fill('form.appeal textarea[name=reason]', '井盖补装后仍有松动，夜间踩上去会响')
    await page.click('form.appeal button[type=submit]')
    await page.waitForSelector('.appealed')
    await ready(page)
    const view = (await client.get(`/api/v1/public/reports/${number}`, { 'x-follow-token': token })).json() as { appeal: { number: string }; canAppeal: boolean; canEvaluate: boolean }
    expect(view.canAppeal).to.equal(false)
    expect(view.canEvaluate).to.equal(false)
    expect(await page.textContent('.appealed')).to.include(view.appeal.number)
    expect(await page.locator('form.appeal, form.evaluate').count()).to.equal(0)
    await page.evaluate('window.scrollTo(0, 0)')
    await shoot(page, 'detail')
  })

  it('reads the public notices and a published article, and searches the knowledge', async () => {
    const command = await loginAs(client, 'command')
    const district = await loginAs(client, 'district')
    const stamp = Date.now().toString(36)
    // a notice published through the staff API, with a script the server must have removed
    const n = await client.post('/api/v1/notices', { title: `停水通知 ${stamp}`, category: 'notice',
      bodyHtml: '<p>因管网检修，<strong>本周六 8:00-18:00</strong> 停水。</p><script>window.pwned = 1</script><table><tr><td>影响范围</td><td>第一街道全部小区及周边商户（详见附表）</td></tr></table>' }, command)
    expect(n.statusCode, n.body).to.equal(201)
    const nid = n.json().id as number
    planted.notice = nid
    expect((await client.post(`/api/v1/notices/${nid}/publish`, {}, command)).statusCode).to.equal(200)
    // an article: written, submitted, approved and published (author and reviewer differ)
    const a = await client.post('/api/v1/knowledge', { title: `窨井盖缺失怎样报修 ${stamp}`, summary: '发现井盖缺失或破损时的反映渠道和处置时限',
      bodyHtml: '<h1>井盖缺失</h1><p>请通过“我要反映”拍照上报，<a href="javascript:alert(1)">点此</a>处置部门 24 小时内到场。</p>',
      category: '设施管理', tags: ['井盖'], visibility: 'public', submit: true }, district)
    expect(a.statusCode, a.body).to.equal(201)
    const aid = a.json().id as number
    planted.article = aid
    const review = await client.post(`/api/v1/knowledge/${aid}/review`, { decision: 'approve' }, command)
    expect(review.statusCode, review.body).to.equal(200)
    const published = await client.post(`/api/v1/knowledge/${aid}/publish`, {}, command)
    expect(published.statusCode, published.body).to.equal(200)

    const { page } = await openPhone({ width: 430, height: 932 })
    await page.goto(`${app.base}/public/notices`)
    await page.waitForSelector('.notices .paged[data-state="ready"]')
    await ready(page)
    const listed = (await client.get('/api/v1/public/notices?limit=20')).json() as { items: { id: number; title: string }[] }
    expect(await page.locator('.notices .list-title').allTextContents()).to.deep.equal(listed.items.map((i) => i.title))
    await page.click(`a[href="/public/notices/${nid}"]`)
    await page.waitForSelector('.notice .rich p')
    await ready(page)
    expect(await page.textContent('.notice h1')).to.equal(`停水通知 ${stamp}`)
    expect(await page.textContent('.notice .rich strong')).to.equal('本周六 8:00-18:00')
    expect(await page.locator('.notice .rich script').count()).to.equal(0)
    expect(await page.evaluate('window.pwned')).to.equal(undefined)
    expect(await page.locator('.notice .table-box table').count()).to.equal(1)

    await page.click('.tabs a[data-tab="knowledge"]')
    await ready(page)
    await page.fill('input[name=q]', '井盖')
    await page.click('form.search button')
    await page.waitForSelector('.knowledge .paged[data-state="ready"]')
    await ready(page)
    expect(page.url()).to.match(/\/public\/knowledge\?q=/)
    const found = (await client.get(`/api/v1/public/knowledge?q=${encodeURIComponent('井盖')}&limit=20`)).json() as { items: { id: number; title: string }[] }
    expect(found.items.map((i) => i.id)).to.include(aid)
    expect(await page.locator('.knowledge .list-title').allTextContents()).to.deep.equal(found.items.map((i) => i.title))
    await page.click(`a[href="/public/knowledge/${aid}"]`)
    await page.waitForSelector('.article .rich p')
    await ready(page)
    expect(await page.textContent('.article h1')).to.equal(`窨井盖缺失怎样报修 ${stamp}`)
    // the page has one h1 (an h1 of the article becomes a section heading), and no javascript: link survives
    expect(await page.locator('.article .rich h1').count()).to.equal(0)
    expect(await page.textContent('.article .rich')).to.include('24 小时内到场')
    expect(await page.locator('.article .rich a[href^="javascript"]').count()).to.equal(0)
    // a search nothing matches says so (the positive control is the search above)
    await page.goto(`${app.base}/public/knowledge?q=${encodeURIComponent('量子纠缠火星车')}`)
    await page.waitForSelector('.knowledge .paged[data-state="ready"]')
    expect(await page.locator('.knowledge .list li').count()).to.equal(0)
    await page.locator('.msg-info', { hasText: '没有找到' }).waitFor()
    await page.goto(`${app.base}/public/`)
    await ready(page)
    await page.locator('.home .list li').first().waitFor()
    await shoot(page, 'home')
  })

  it('keeps every page inside the screen at 360, 390 and 430 px', async () => {
    for (const width of [360, 390, 430]) {
      const { page } = await openPhone({ width, height: 800 })
      for (const path of ['/public/', '/public/report', '/public/follow', '/public/notices', '/public/knowledge', '/public/knowledge?q=井盖']) {
        await page.goto(`${app.base}${path}`)
        await ready(page)
      }
      await page.goto(`${app.base}/public/report`)
      await ready(page)
      await page.click('button.locate')
      await page.waitForSelector('.minimap:not([hidden]) .mm-pin')
      const jpeg = await sharp({ create: { width: 40, height: 30, channels: 3, background: { r: 90, g: 140, b: 200 } } }).jpeg().toBuffer()
      await page.setInputFiles('input[name=album]', [1, 2].map((i) => ({ name: `p${i}.jpg`, mimeType: 'image/jpeg', buffer: jpeg })))
      await page.waitForSelector('.thumbs[data-count="2"] .thumb-remove')
      await ready(page)
      // touch targets: every button and tab at least 44 px high
      const low = await page.evaluate(`[...document.querySelectorAll('button, .tabs a, .btn')].filter((b) => b.offsetParent && b.getBoundingClientRect().height < 44).map((b) => b.textContent)`) as string[]
      expect(low, `small touch targets at ${width} px`).to.deep.equal([])
    }
  })

  it('places the pin by a tap where location is refused, at the point the map shows', async () => {
    const { page } = await openPhone(PHONE, false)
    await page.goto(`${app.base}/public/report`)
    await ready(page)
    await page.click('button.locate')
    await page.locator('.msg-error', { hasText: '未获得定位权限' }).waitFor()
    await page.waitForSelector('.minimap:not([hidden]) svg path.mm-city')
    expect(await page.locator('.minimap .mm-pin').count()).to.equal(0)
    // a tap on a district's name: its label point comes from the server (ST_PointOnSurface)
    const outline = (await client.get('/api/v1/public/outline')).json() as { features: { properties: { level: string; name: string; label: [number, number] } }[] }
    const d = outline.features.find((f) => f.properties.level === 'district')!.properties
    const label = page.locator('.minimap text.mm-label', { hasText: d.name })
    // the label's anchor is its middle at the baseline: tap there
    const x = Number(await label.getAttribute('x'))
    const y = Number(await label.getAttribute('y'))
    const svg = (await page.locator('.minimap svg').boundingBox())!
    const k = svg.width / 360
    await page.touchscreen.tap(svg.x + x * k, svg.y + y * k)
    await page.waitForSelector('.place-text[data-state="map"]')
    const picked = [Number(await page.getAttribute('.minimap', 'data-lon')), Number(await page.getAttribute('.minimap', 'data-lat'))] as const
    // within two screen pixels of the label point, in metres on the ground (PostGIS), of a city drawn ~300 px wide
    const { rows: [m] } = await ctx.knex.raw(`SELECT ST_Distance(ST_SetSRID(ST_MakePoint(?, ?), 4490)::geography, ST_SetSRID(ST_MakePoint(?, ?), 4490)::geography) AS metres,
        (SELECT sqrt(ST_Area(geom::geography)) FROM admin_division WHERE level = 'city' ORDER BY code LIMIT 1) AS side,
        (SELECT name FROM admin_division WHERE level = 'district' AND ST_Contains(geom, ST_SetSRID(ST_MakePoint(?, ?), 4490))) AS district`,
    [picked[0], picked[1], d.label[0], d.label[1], picked[0], picked[1]])
    expect(Number(m.metres)).to.be.lessThan(Number(m.side) / 100)
    expect(m.district).to.equal(d.name)
    expect(await page.textContent('.place-text')).to.include(`地图选点：${d.name}`)
  })
})

