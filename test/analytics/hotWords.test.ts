// Keyword hot words: counts checked against an independent document count (SQL `description LIKE
// '%word%'` over the same rows), the previous window, stop words, filters, jurisdiction, the
// deterministic sample (recomputed in JS from the event ids) and bad input (a 4xx naming the field).
import { expect } from 'chai'
import type { Knex } from 'knex'
import { getTestDb } from '../support/db.ts'
import { testClient, loginAs, type Client } from '../support/http.ts'
import { Jurisdiction } from '../../server/db/jurisdiction.ts'
import { hotWordsAnswer } from '../../server/analytics/hotWords.ts'
import { pointsIn, r12 } from './heatmapSupport.ts'

// a window of ten days no other test writes to, and the ten days before it
const FROM = '2033-05-01T00:00:00+08:00'
const TO = '2033-05-11T00:00:00+08:00'
const BEFORE = '2033-04-21T00:00:00+08:00'
const C1 = '990102001001' // street 1
const C2 = '990102002001' // street 2

// phrases an event text is made of: governance terms that must stay whole, boilerplate, numbers
const TOPICS = ['幸福路暴露垃圾', '井盖松动', '商户占道经营', '工地施工扰民', '机动车乱停放']
const FILLER = ['，请尽快处理', '，群众反映较强烈', '。附近居民多次投诉', '，现场有照片', '，12号楼下', '！！', '']

interface Spec { community: string; at: string; classCode: string; channel: string; description: string }

let serial = Math.floor(Math.random() * 1e9)
async function insert(knex: Knex, specs: Spec[]): Promise<void> {
  const spots = new Map<string, { lon: number; lat: number }>()
  for (const c of new Set(specs.map((s) => s.community))) spots.set(c, (await pointsIn(knex, c, 1, 7))[0]!)
  const rows = specs.map((s) => {
    const p = spots.get(s.community)!
    return { n: `E9${String(serial++).padStart(14, '0')}`, c: s.community, t: s.at, x: p.lon, y: p.lat, h: r12(p.lon, p.lat),
      k: s.classCode, ch: s.channel, d: s.description }
  })
  await knex.raw(`INSERT INTO event (number, city_code, channel, demand_type, class_code, description, geom, source_position,
      community_code, street_code, district_code, h3_r12, status, created_at, updated_at)
    SELECT r.n, substr(r.c, 1, 4) || '00', r.ch, '投诉举报', r.k, r.d, ST_SetSRID(ST_MakePoint(r.x, r.y), 4490),
      '{"crs":"EPSG:4490"}'::jsonb, r.c, substr(r.c, 1, 9) || '000', substr(r.c, 1, 6) || '000000', r.h::bigint, 'dispatched',
      r.t::timestamptz, r.t::timestamptz
    FROM json_to_recordset(?::json) AS r(n text, c text, t text, x float8, y float8, h text, k text, ch text, d text)`, [JSON.stringify(rows)])
}

/** A reproducible mix: each event mentions one or two topics (sometimes twice), with filler. */
function specs(n: number, from: string, seed: number): Spec[] {
  let s = seed
  const rnd = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648)
  const pick = <T>(a: readonly T[]) => a[Math.floor(rnd() * a.length)]!
  const start = new Date(from).getTime()
  return Array.from({ length: n }, (_, i) => {
    const topic = pick(TOPICS)
    const second = rnd() < 0.3 ? pick(TOPICS) : ''
    const again = rnd() < 0.2 ? `，${topic}` : ''
    return {
      community: rnd() < 0.6 ? C1 : C2, at: new Date(start + Math.floor(rnd() * 10 * 86_400_000)).toISOString(),
      classCode: topic === '幸福路暴露垃圾' ? '0102' : '0505', channel: rnd() < 0.5 ? 'inspector_app' : 'hotline_12345',
      description: `${topic}${pick(FILLER)}${second}${again}${pick(FILLER)}${i % 7 === 0 ? '，第3次反映' : ''}`,
    }
  })
}

describe('analytics hot words', () => {
  let knex: Knex
  let client: Client
  let analyst: Record<string, string>
  let street1: Record<string, string>
  const get = (q: string, h: Record<string, string> = analyst) => client.get(`/api/v1/analytics/hot-words?${q}`, h)

  interface Where { where?: Record<string, string>; prefix?: string }
  /** Events of a window (whose description contains `word`), counted by the database. */
  const eventCount = async (from: string, to: string, o: Where = {}, word?: string) => {
    const q = knex('event').where('created_at', '>=', from).andWhere('created_at', '<', to)
      .andWhere('community_code', 'like', `${o.prefix ?? '990102'}%`).andWhere(o.where ?? {})
    if (word !== undefined) q.andWhere('description', 'like', `%${word}%`)
    const [row] = await q.count({ n: '*' }) as { n: string | number }[]
    return Number(row!.n)
  }
  const likeCount = (word: string, from: string, to: string, o: Where = {}) => eventCount(from, to, o, word)

  before(async () => {
    knex = await getTestDb()
    client = await testClient()
    analyst = await loginAs(client, 'analyst')
    street1 = await loginAs(client, 'street1')
    await insert(knex, specs(240, FROM, 11))
    await insert(knex, specs(150, BEFORE, 29))
    // a term only street 2 reports
    await insert(knex, Array.from({ length: 6 }, (_, i) => ({
      community: C2, at: `2033-05-0${i + 2}T09:00:00+08:00`, classCode: '0510', channel: 'resident', description: '广场露天烧烤，油烟很大',
    })))
  })

  interface Word { word: string; count: number; share: number; previous: number; change: number | null }

  it('counts each word as the number of events mentioning it, like a LIKE count, for this and the previous window', async () => {
    const r = await get(`from=${encodeURIComponent(FROM)}&to=${encodeURIComponent(TO)}&limit=200`)
    expect(r.statusCode, r.body).to.equal(200)
    const body = r.json()
    const events = await eventCount(FROM, TO)
    expect(body).to.include({ events, analysed: events, sampled: false })
    expect(body.previousWindow).to.include({ events: await eventCount(BEFORE, FROM), sampled: false })
    const words = new Map((body.words as Word[]).map((w) => [w.word, w]))
    for (const word of ['暴露垃圾', '井盖', '占道经营', '施工扰民', '机动车乱停放', '露天烧烤']) {
      const w = words.get(word)
      expect(w, `${word} in ${[...words.keys()].join(' ')}`).to.not.equal(undefined)
      const count = await likeCount(word, FROM, TO)
      const previous = await likeCount(word, BEFORE, FROM)
      expect(w, word).to.deep.equal({ word, count, share: count / events, previous, change: previous === 0 ? null : (count - previous) / previous })
    }
    // ranked by count, then word
    const list = body.words as Word[]
    for (let i = 1; i < list.length; i++) {
      expect(list[i - 1]!.count > list[i]!.count || (list[i - 1]!.count === list[i]!.count && list[i - 1]!.word < list[i]!.word)).to.equal(true)
    }
  })

  it('drops stop words, boilerplate, single characters, numbers and punctuation', async () => {
    const r = await get(`from=${encodeURIComponent(FROM)}&to=${encodeURIComponent(TO)}&limit=200`)
    const words = (r.json().words as Word[]).map((w) => w.word)
    for (const w of ['请', '尽快', '处理', '群众反映', '较强烈', '附近居民', '多次', '投诉', '现场', '照片', '12', '12号', '第3次', '号楼', '！', '，', '的'])
      expect(words, w).to.not.include(w)
    for (const w of words) {
      expect([...w].length, w).to.be.at.least(2)
      expect(w, w).to.match(/\p{L}/u)
    }
    // the terms stay whole: no 暴露 / 占道 pieces (each only ever occurs inside the whole term here)
    expect(words).to.not.include.members(['暴露'])
    expect(words).to.not.include('占道')
  })

  it('applies class, channel and area filters', async () => {
    const q = `from=${encodeURIComponent(FROM)}&to=${encodeURIComponent(TO)}&limit=200`
    const byClass = (await get(`${q}&class=0102`)).json()
    expect(byClass.events).to.equal(await eventCount(FROM, TO, { where: { class_code: '0102' } }))
    const w = (byClass.words as Word[]).find((x) => x.word === '暴露垃圾')!
    expect(w.count).to.equal(await likeCount('暴露垃圾', FROM, TO, { where: { class_code: '0102' } }))
    expect(w.previous).to.equal(await likeCount('暴露垃圾', BEFORE, FROM, { where: { class_code: '0102' } }))
    const byChannel = (await get(`${q}&channel=hotline_12345`)).json()
    const jg = (byChannel.words as Word[]).find((x) => x.word === '井盖')!
    expect(jg.count).to.equal(await likeCount('井盖', FROM, TO, { where: { channel: 'hotline_12345' } }))
    const byArea = (await get(`${q}&area=${C2}`)).json()
    expect(byArea.events).to.equal(await eventCount(FROM, TO, { where: { community_code: C2 } }))
    const kj = (byArea.words as Word[]).find((x) => x.word === '井盖')!
    expect(kj.count).to.equal(await likeCount('井盖', FROM, TO, { where: { community_code: C2 } }))
  })

  it('keeps to the jurisdiction: street 1 sees its own events only', async () => {
    const r = await get(`from=${encodeURIComponent(FROM)}&to=${encodeURIComponent(TO)}&limit=200`, street1)
    expect(r.statusCode).to.equal(200)
    const body = r.json()
    expect(body.events).to.equal(await eventCount(FROM, TO, { prefix: '990102001' }))
    const words = (body.words as Word[]).map((w) => w.word)
    expect(words).to.not.include('露天烧烤')
    const jg = (body.words as Word[]).find((x) => x.word === '井盖')!
    expect(jg.count).to.equal(await likeCount('井盖', FROM, TO, { prefix: '990102001' }))
    expect((await get(`from=${encodeURIComponent(FROM)}&to=${encodeURIComponent(TO)}&area=${C2}`, street1)).statusCode).to.equal(403)
  })

  it('honours limit and answers an empty window with no words', async () => {
    const r = await get(`from=${encodeURIComponent(FROM)}&to=${encodeURIComponent(TO)}&limit=3`)
    expect(r.json().words).to.have.length(3)
    const empty = (await get('from=2033-01-01&to=2033-01-02')).json()
    expect(empty).to.include({ events: 0, analysed: 0, sampled: false })
    expect(empty.words).to.deep.equal([])
  })

  it('samples a large window deterministically (ids whose Fibonacci hash is below the threshold) and says so', async () => {
    const scope = Jurisdiction.of(['990100000000'])
    const f = { from: new Date(FROM), to: new Date(TO) }
    const a = await hotWordsAnswer(knex, scope, f, 50, 60)
    const events = await eventCount(FROM, TO)
    expect(a).to.include({ events, sampled: true, maxDocuments: 60 })
    // the same sample in JS: keep = floor(60 / events × 65536), id × 40503 mod 65536 < keep
    const keep = BigInt(Math.floor((60 / events) * 65536))
    const ids = (await knex.raw(`SELECT id::text AS id, description FROM event WHERE created_at >= ? AND created_at < ?
      AND community_code LIKE '990102%'`, [FROM, TO])).rows as { id: string; description: string }[]
    const kept = ids.filter((r) => (BigInt(r.id) * 40503n) % 65536n < keep)
    expect(a.analysed).to.equal(kept.length)
    const inSample = kept.filter((r) => r.description.includes('井盖')).length
    const w = a.words.find((x) => x.word === '井盖')!
    expect(w.share).to.equal(inSample / kept.length)
    expect(w.count).to.equal(Math.round((inSample / kept.length) * events))
    expect(await hotWordsAnswer(knex, scope, f, 50, 60)).to.deep.equal(a)
  })

  describe('bad input: a 4xx naming the parameter', () => {
    const bad = async (q: string, field: string, status = 400) => {
      const r = await get(q)
      expect(r.statusCode, `${q}: ${r.body}`).to.equal(status)
      expect(r.headers['content-type']).to.match(/problem\+json/)
      expect(r.json().detail, q).to.include(field)
    }
    it('limit out of 1-200, not a number, repeated', async () => {
      await bad('limit=0', 'limit')
      await bad('limit=201', 'limit')
      await bad('limit=abc', 'limit')
      await bad('limit=1e2', 'limit')
      await bad('limit=-5', 'limit')
      await bad(`limit=${'9'.repeat(1000)}`, 'limit')
      await bad('limit=5&limit=6', 'limit')
    })
    it('dates, class, area, unknown and hostile parameters', async () => {
      await bad('from=2033-02-30', 'from')
      await bad('from=2033-05-02&to=2033-05-01', 'to')
      await bad('from=2010-01-01&to=2021-01-01', 'to')
      await bad('class=0777', 'class')
      await bad(`channel=${encodeURIComponent("x');DROP TABLE event;--")}`, 'channel')
      await bad(`area=${encodeURIComponent('9901%')}`, 'area')
      await bad('word=井盖', 'word')
    })
    it('401 without a login, 403 for a grid inspector', async () => {
      expect((await client.get('/api/v1/analytics/hot-words')).statusCode).to.equal(401)
      const inspector = await loginAs(client, 'inspector')
      expect((await get('', inspector)).statusCode).to.equal(403)
    })
  })
})
