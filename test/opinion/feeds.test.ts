// /api/v1/opinion: feeds in the three formats served by a local HTTP server (never the internet),
// relevance and place from our gazetteer and address geocoder, candidates accepted (→ an event of
// the 舆情 channel, once) or rejected, jurisdiction, duplicates, topics counted against the
// fixtures themselves, and bad input named.
import { expect } from 'chai'
import fs from 'node:fs'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Knex } from 'knex'
import { getTestContext, getTestDb } from '../support/db.ts'
import { loginAs, testClient, type Client } from '../support/http.ts'
import { until } from '../support/wait.ts'
import { startOpinionLoop } from '../../server/opinion/loop.ts'
import { isInternalAddress } from '../../server/http/outbound.ts'

const FIXTURES = new URL('../../fixtures/opinion/', import.meta.url)
const DAY1 = '2026-11-02T01:30:00Z' // Beijing 2026-11-02 09:30
const DAY2 = '2026-11-03T17:30:00Z' // Beijing 2026-11-04 01:30: a UTC day earlier than Beijing's

describe('public opinion: feeds, candidates, decisions and topics', function () {
  this.timeout(60_000)
  let client: Client
  let knex: Knex
  let server: http.Server
  let base = ''
  const auth: Record<string, Record<string, string>> = {}
  const served: Record<string, string> = {}
  let a1: { full_address: string; lon: number; lat: number; community_code: string }
  let a2: typeof a1
  const feeds: Record<string, number> = {}

  before(async () => {
    // the feeds are served on loopback, an internal address: allowed here by configuration (the SSRF guard)
    client = await testClient(await getTestContext({ opinionFeedAllowedNetworks: ['127.0.0.0/8'] }))
    knex = await getTestDb()
    for (const u of ['command', 'street1', 'street2', 'community']) auth[u] = await loginAs(client, u)
    const pick = async (community: string) => (await knex.raw(`SELECT full_address, ST_X(geom) AS lon, ST_Y(geom) AS lat, community_code
      FROM std_address WHERE level = 50 AND road IS NOT NULL AND community_code = ? ORDER BY id OFFSET 2 LIMIT 1`, [community])).rows[0]
    a1 = await pick('990102001001')
    const c2 = (await knex('admin_division').where('code', 'like', '990102002%').where({ level: 'community' }).orderBy('code').first('code')).code
    a2 = await pick(c2)
    const street = (await knex('admin_division').where({ code: '990102001000' }).first('name')).name as string
    const fill = (t: string) => t.replaceAll('{{ADDRESS}}', a1.full_address.replace('示范市桃源区', ''))
      .replaceAll('{{ADDRESS2}}', a2.full_address.replace(/^.*社区/, '')).replaceAll('{{STREET}}', street)
      .replaceAll('{{DAY1}}', DAY1).replaceAll('{{DAY2}}', DAY2)
    for (const f of ['city.rss.xml', 'city.atom.xml', 'city.feed.json']) served[`/${f}`] = fill(fs.readFileSync(new URL(f, FIXTURES), 'utf8'))
    served['/broken.xml'] = '<html><body>维护中</body></html>'
    server = http.createServer((req, res) => {
      if (req.url === '/moved') { res.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data/' }); res.end(); return }
      const body = served[req.url ?? '']
      res.writeHead(body === undefined ? 404 : 200, { 'content-type': 'text/plain; charset=utf-8' }) // wrong on purpose: formats are told by content
      res.end(body ?? 'not here')
    })
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok))
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
    for (const f of ['city.rss.xml', 'city.atom.xml', 'city.feed.json', 'broken.xml']) {
      const res = await client.post('/api/v1/opinion/feeds', { name: f, url: `${base}/${f}` }, auth.command)
      expect(res.statusCode, res.body).to.equal(201)
      feeds[f] = res.json().id
    }
  })
  after(async () => {
    server?.close()
    const ids = Object.values(feeds)
    if (knex && ids.length) {
      await knex('opinion_post').whereIn('feed_id', ids).delete()
      await knex('opinion_feed').whereIn('id', ids).delete()
    }
  })

  const pull = async (f: string) => {
    const res = await client.post(`/api/v1/opinion/feeds/${feeds[f]}/pull`, {}, auth.command)
    expect(res.statusCode, res.body).to.equal(200)
    return res.json()
  }
  const posts = async (feed: string) => knex('opinion_post').where({ feed_id: feeds[feed] }).orderBy('id')

  it('reads RSS, Atom and JSON Feed, keeps relevant posts of the city and places them at the geocoded address', async () => {
    expect(await pull('city.rss.xml')).to.include({ fetched: 3, added: 3, relevant: 2, candidates: 1, error: null })
    expect(await pull('city.atom.xml')).to.include({ fetched: 1, added: 1, relevant: 1, candidates: 1, error: null })
    expect(await pull('city.feed.json')).to.include({ fetched: 1, added: 1, relevant: 1, candidates: 0, error: null })
    const [cover, noise, concert] = await posts('city.rss.xml')
    expect(cover).to.include({ status: 'candidate', item_key: 'news-1001', community_code: a1.community_code, author: '热心市民' })
    expect(cover.keywords).to.include('井盖')
    expect(cover.content).not.to.include('<p>')
    const at = (await knex.raw('SELECT ST_X(geom) AS lon, ST_Y(geom) AS lat FROM opinion_post WHERE id = ?', [cover.id])).rows[0]
    expect([at.lon, at.lat]).to.deep.equal([a1.lon, a1.lat])
    // a street name and a keyword but no address: relevant, not placed
    expect(noise).to.include({ status: 'unlocated', relevant: true })
    expect(concert).to.include({ status: 'irrelevant', relevant: false })
    const [water] = await posts('city.atom.xml')
    expect(water).to.include({ status: 'candidate', community_code: a2.community_code, item_key: 'urn:forum:thread:2001' })
    expect(water.keywords).to.include('积水')
  })

  it('never doubles a post read again, and records a broken feed without failing', async () => {
    expect(await pull('city.rss.xml')).to.include({ fetched: 3, added: 0 })
    expect(await posts('city.rss.xml')).to.have.length(3)
    const broken = await pull('broken.xml')
    expect(broken.added).to.equal(0)
    expect(broken.error).to.match(/RSS|XML/)
    expect((await knex('opinion_feed').where({ id: feeds['broken.xml'] }).first()).last_error).to.equal(broken.error)
  })

  it('lists candidates inside the jurisdiction only; outside answers 404', async () => {
    const [cover] = await posts('city.rss.xml')
    const [water] = await posts('city.atom.xml')
    const street1 = (await client.get('/api/v1/opinion/posts', auth.street1)).json().items.map((p: { id: number }) => p.id)
    expect(street1).to.include(Number(cover.id)).and.not.include(Number(water.id))
    expect((await client.get(`/api/v1/opinion/posts/${water.id}`, auth.street1)).statusCode).to.equal(404)
    expect((await client.get('/api/v1/opinion/posts', auth.community)).statusCode).to.equal(403)
    const unlocated = (await client.get('/api/v1/opinion/posts?status=unlocated', auth.command)).json().items
    expect(unlocated.map((p: { title: string }) => p.title)).to.have.length.greaterThanOrEqual(2)
  })

  it('accepts a candidate as one event of the 舆情 channel at the post\'s place, and rejects with a reason', async () => {
    const [cover] = await posts('city.rss.xml')
    const first = await client.post(`/api/v1/opinion/posts/${cover.id}/accept`, { classCode: '0101' }, auth.street1)
    expect(first.statusCode, first.body).to.equal(201)
    const number = first.json().eventNumber
    const again = await client.post(`/api/v1/opinion/posts/${cover.id}/accept`, { classCode: '0101' }, auth.street1)
    expect(again.statusCode, again.body).to.equal(200)
    expect(again.json().eventNumber).to.equal(number)
    const events = await knex.raw(`SELECT channel, ST_X(geom) AS lon, ST_Y(geom) AS lat FROM event WHERE description LIKE ?`, [`%${cover.title}%`])
    expect(events.rows).to.have.length(1)
    expect(events.rows[0]).to.deep.include({ channel: 'public_opinion', lon: a1.lon, lat: a1.lat })
    const [water] = await posts('city.atom.xml')
    const noReason = await client.post(`/api/v1/opinion/posts/${water.id}/reject`, {}, auth.command)
    expect(noReason.statusCode).to.equal(400)
    expect(noReason.body).to.include('reason')
    const rejected = await client.post(`/api/v1/opinion/posts/${water.id}/reject`, { reason: '已由12345受理' }, auth.command)
    expect(rejected.json()).to.include({ status: 'rejected', reason: '已由12345受理' })
    const late = await client.post(`/api/v1/opinion/posts/${water.id}/accept`, {}, auth.command)
    expect(late.statusCode).to.equal(409)
  })

  it('counts topics per keyword and Beijing day as the fixtures say', async () => {
    const res = await client.get('/api/v1/opinion/topics?from=2026-11-01&to=2026-11-05', auth.command)
    expect(res.statusCode, res.body).to.equal(200)
    // independent: the relevant fixture posts' days in Beijing time and the keywords stored for them
    const rows = await knex('opinion_post').whereIn('feed_id', Object.values(feeds)).where({ relevant: true }).select('keywords', 'published_at')
    const expected = new Map<string, number>()
    for (const r of rows) {
      const day = new Date(r.published_at.getTime() + 8 * 3600_000).toISOString().slice(0, 10)
      for (const k of r.keywords as string[]) expected.set(`${k}@${day}`, (expected.get(`${k}@${day}`) ?? 0) + 1)
    }
    expect([...expected.keys()].some((k) => k.endsWith('2026-11-04'))).to.equal(true)
    for (const [key, n] of expected) {
      const [keyword, day] = key.split('@')
      const t = res.json().topics.find((x: { keyword: string }) => x.keyword === keyword)
      // other tests' posts share the database: at least ours
      expect(t?.series.find((s: { period: string }) => s.period === day)?.posts ?? 0, key).to.be.at.least(n)
    }
    const week = (await client.get('/api/v1/opinion/topics?from=2026-11-01&to=2026-11-05&interval=week&keyword=井盖', auth.command)).json()
    // weeks start on Monday: 2026-11-02 is one, and holds the 井盖 post of that Monday
    expect(week.topics).to.have.length(1)
    for (const s of week.topics[0].series) expect(new Date(`${s.period}T00:00:00Z`).getUTCDay()).to.equal(1)
    expect(week.topics[0].series.find((s: { period: string }) => s.period === '2026-11-02')?.posts).to.be.at.least(1)
  })

  it('reads a configured feed from the background loop, once per period', async () => {
    served['/loop.json'] = served['/city.feed.json']!.replaceAll('photo-3001', 'photo-loop-1')
    const res = await client.post('/api/v1/opinion/feeds', { name: 'loop', url: `${base}/loop.json` }, auth.command)
    feeds['loop.json'] = res.json().id
    // the other feeds of this file were read just now: only the new one is due
    await knex('opinion_feed').whereIn('id', Object.values(feeds)).whereNot({ id: feeds['loop.json'] }).update({ last_pulled_at: knex.fn.now() })
    const loop = startOpinionLoop(client.context, { intervalMs: 3_600_000 })
    let n = 0
    await until(() => { void posts('loop.json').then((r) => { n = r.length }); return n > 0 }, 10_000)
    await loop.stop()
    expect(n).to.equal(1)
    const again = startOpinionLoop(client.context, { intervalMs: 3_600_000 })
    await again.stop()
    expect(await posts('loop.json')).to.have.length(1)
    expect((await knex('opinion_feed').where({ id: feeds['loop.json'] }).first()).last_error).to.equal(null)
  })

  it('refuses feeds at internal addresses unless their network is allowed, on every redirect too', async () => {
    const internal = ['127.0.0.1', '10.1.2.3', '172.20.0.1', '192.168.1.1', '169.254.169.254', '100.64.0.1', '0.0.0.0', '::1', 'fe80::1', 'fd00::1', '::ffff:127.0.0.1']
    const external = ['8.8.8.8', '114.114.114.114', '172.32.0.1', '2400:3200::1', '::ffff:8.8.8.8']
    expect(internal.filter((a) => !isInternalAddress(a))).to.deep.equal([])
    expect(external.filter(isInternalAddress)).to.deep.equal([])
    // the same server without the allowance: loopback by address and by name, and the cloud metadata address
    const strict = await testClient(await getTestContext())
    for (const url of [`${base}/city.rss.xml`, 'http://localhost:1/feed.xml', 'http://[::1]/feed', 'http://169.254.169.254/latest/meta-data/']) {
      const res = await strict.post('/api/v1/opinion/feeds', { name: 'internal', url }, auth.command)
      expect(res.statusCode, url).to.equal(400)
      expect(res.json()).to.deep.include({ code: 'opinion.feed_internal' })
      expect(res.json().errors[0].field).to.equal('url')
    }
    // allowed to reach this test server, not where it redirects: the read is refused and recorded
    const moved = await client.post('/api/v1/opinion/feeds', { name: 'moved', url: `${base}/moved` }, auth.command)
    expect(moved.statusCode, moved.body).to.equal(201)
    feeds['moved'] = moved.json().id
    const r = await pull('moved')
    expect(r.fetched).to.equal(0)
    expect(r.error).to.match(/169\.254\.169\.254, an internal address/)
  })

  it('refuses bad input naming the field', async () => {
    const url = await client.post('/api/v1/opinion/feeds', { name: 'x', url: 'ftp://x' }, auth.command)
    expect(url.statusCode).to.equal(400)
    expect(url.json().errors[0].field).to.equal('url')
    const dup = await client.post('/api/v1/opinion/feeds', { name: 'again', url: `${base}/city.rss.xml` }, auth.command)
    expect(dup.statusCode).to.equal(409)
    const range = await client.get('/api/v1/opinion/topics?from=2026-11-05&to=2026-11-01', auth.command)
    expect(range.statusCode).to.equal(400)
    expect(range.json().errors[0].field).to.equal('to')
    const big = await client.post(`/api/v1/opinion/posts/1/reject`, { reason: 'x'.repeat(1_000_000) }, auth.command)
    expect([400, 413]).to.include(big.statusCode)
    expect((await client.post('/api/v1/opinion/feeds', { name: 'x', url: 'http://x' }, auth.street1)).statusCode).to.equal(403)
  })
})
