// GET /api/v1/events/{number}/similar-cases: the pinned cases offered beside a new event. The
// order is checked against an independent recomputation of every score (distances by PostGIS
// ST_Distance(geography) between the events' stored points, class match from the codes, text from
// the returned parts); the text of one fixed pair is counted by hand. A case merely near is not
// offered, one of another class with close text is; withdrawn and other streets' cases are not;
// each offered case carries how it was handled.
import { expect } from 'chai'
import type { Knex } from 'knex'
import { getTestDb } from '../support/db.ts'
import { loginAs, testClient, type Client } from '../support/http.ts'
import { closedEvent, pin, report, type Auth, type Reported } from './support.ts'

interface Item {
  id: number; title: string; event: { number: string; class: { code: string } }
  timing: { onTime: boolean | null }; handling: { steps: { action: string }[] }
  score: {
    total: number
    class: { value: number; weight: number; match: string }
    distance: { value: number; weight: number; metres: number }
    text: { value: number; weight: number; words: { shared: string[]; event: number; case: number; dice: number }; characters: { dice: number } }
  }
}
interface Answer { items: Item[]; weights: { class: number; distance: number; text: number }; considered: number }

// The new event and the cases, fixed texts (the pair N–A is counted by hand below).
const N_TEXT = '小区门口暴露垃圾堆放，居民反映气味难闻'
const A_TEXT = '小区门口暴露垃圾堆放无人清理'
const A_TITLE = '暴露垃圾两小时清运'

describe('exemplary cases: similar cases of an event', function () {
  let client: Client
  let knex: Knex
  const auth: Auth = {}
  let n: Reported
  const cases: Record<string, { id: number; number: string }> = {}

  const similar = async (who: string, num = n.number, query = '') => {
    const res = await client.get(`/api/v1/events/${num}/similar-cases${query}`, auth[who])
    expect(res.statusCode, res.body).to.equal(200)
    return res.json() as Answer
  }

  before(async () => {
    client = await testClient()
    knex = await getTestDb()
    for (const u of ['command', 'district', 'street1', 'street2', 'community', 'inspector', 'system']) auth[u] = await loginAs(client, u)
    const scene: [string, string, number, string, string, Record<string, unknown>][] = [
      // key, community, nth grid, class, description, pin body
      ['A', '990102001001', 1, '0102', A_TEXT, { title: A_TITLE, tags: ['清运'] }],
      ['B', '990102001003', 2, '0102', '路边暴露垃圾', {}],
      ['C', '990102001001', 2, '0103', '工地渣土积存', {}],
      ['D', '990102001001', 1, '0301', '夜间施工噪声扰民', {}],
      ['G', '990102001002', 3, '0501', '小区门口暴露垃圾堆放，气味难闻', {}],
      ['E', '990102002001', 1, '0102', '小区门口暴露垃圾堆放', {}],
      ['F', '990102001001', 3, '0102', '小区门口暴露垃圾', {}],
    ]
    for (const [key, community, nth, cls, text, body] of scene) {
      const e = await closedEvent(client, knex, auth, community, nth, cls, text)
      cases[key] = { id: await pin(client, auth, e.number, { title: `案例${key}`, ...body }), number: e.number }
    }
    const f = await client.request({ method: 'DELETE', url: `/api/v1/exemplary-cases/${cases.F!.id}`, headers: auth.command })
    expect(f.statusCode, f.body).to.equal(200)
    n = await report(client, knex, auth, '990102001001', 0, '0102', N_TEXT)
  })

  it('ranks by the weighted class, distance and text parts, as recomputed independently (PostGIS distances)', async () => {
    const r = await similar('command', n.number, '?limit=20')
    const ids = r.items.map((x) => x.id)
    expect(r.weights).to.deep.equal({ class: 0.5, distance: 0.2, text: 0.3 })
    const { rows } = await knex.raw(`SELECT x.id, c.class_code, ST_Distance(c.geom::geography, ne.geom::geography) AS metres
      FROM exemplary_case x JOIN event c ON c.id = x.event_id, event ne WHERE ne.number = ? AND x.id = ANY(?::bigint[])`, [n.number, ids])
    const ref = new Map((rows as { id: string; class_code: string; metres: number }[]).map((x) => [Number(x.id), x]))
    const recomputed = r.items.map((x) => {
      const db = ref.get(x.id)!
      const cls = db.class_code === '0102' ? 1 : db.class_code.startsWith('01') ? 0.5 : 0
      const dist = Math.pow(2, -Number(db.metres) / 1000)
      const text = (x.score.text.words.dice + x.score.text.characters.dice) / 2
      expect(x.score.distance.metres, `case ${x.id} metres`).to.be.closeTo(Number(db.metres), 0.06)
      expect(x.score.class.value, `case ${x.id} class`).to.equal(cls)
      expect(x.score.distance.value).to.be.closeTo(dist, 1e-4)
      expect(x.score.text.value).to.be.closeTo(text, 1e-4)
      const total = 0.5 * cls + 0.2 * dist + 0.3 * text
      expect(x.score.total, `case ${x.id} total`).to.be.closeTo(total, 2e-4)
      return { id: x.id, total, metres: Number(db.metres) }
    })
    const order = [...recomputed].sort((p, q) => q.total - p.total || p.metres - q.metres || p.id - q.id).map((x) => x.id)
    expect(ids).to.deep.equal(order)
    // the scene: the other street's E (same small class, closest text) leads for the centre; for
    // the street, which does not see E, A (same small class, near, close text)
    // (of this scene's cases: other test files may have pinned cases of their own)
    const scene = (list: number[]) => list.filter((id) => Object.values(cases).some((c) => c.id === id))
    expect(scene(ids).slice(0, 2)).to.deep.equal([cases.E!.id, cases.A!.id])
    expect(ids).to.include.members([cases.B!.id, cases.C!.id, cases.G!.id])
    expect(scene((await similar('street1', n.number, '?limit=20')).items.map((x) => x.id))[0]).to.equal(cases.A!.id)
  })

  it('counts the text overlap of a fixed pair as by hand', async () => {
    // N 小区门口暴露垃圾堆放，居民反映气味难闻 → words 小区 暴露垃圾 堆放 气味 难闻 (门口, 居民, 反映 are stop words): 5
    // A 小区门口暴露垃圾堆放无人清理 + title 暴露垃圾两小时清运 + tag 清运 → 小区 暴露垃圾 堆放 无人 清理 小时 清运: 7
    // shared 小区 暴露垃圾 堆放: 3 → Dice 2·3 / (5 + 7) = 0.5
    // bigrams: N 18 characters (punctuation dropped) → 17, A 14 → 13; shared 小区 区门 门口 口暴 暴露 露垃 垃圾 圾堆 堆放: 9 → 18/30 = 0.6
    const a = (await similar('street1', n.number, '?limit=20')).items.find((x) => x.id === cases.A!.id)!
    expect(a.score.text.words).to.deep.equal({ shared: ['堆放', '小区', '暴露垃圾'].sort(), event: 5, case: 7, dice: 0.5 })
    expect(a.score.text.characters.dice).to.equal(0.6)
    expect(a.score.text.value).to.equal(0.55)
    expect(a.score.class).to.deep.include({ value: 1, match: 'small' })
  })

  it('offers a case of another class only for close text, never one merely near; not withdrawn ones', async () => {
    const r = await similar('command', n.number, '?limit=20')
    const byId = new Map(r.items.map((x) => [x.id, x]))
    expect(byId.has(cases.D!.id), 'near but another class and other words').to.equal(false)
    expect(byId.has(cases.F!.id), 'withdrawn').to.equal(false)
    const g = byId.get(cases.G!.id)!
    expect(g.score.class).to.deep.include({ value: 0, match: 'none' })
    expect(g.score.text.value).to.be.at.least(0.25)
    expect(byId.get(cases.C!.id)!.score.class).to.deep.include({ value: 0.5, match: 'big' })
  })

  it('carries how each offered case was handled', async () => {
    const a = (await similar('street1', n.number, '?limit=20')).items.find((x) => x.id === cases.A!.id)!
    expect(a.handling.steps.map((s) => s.action)).to.include.members(['feedback', 'verify', 'close'])
    expect(a.timing.onTime).to.be.a('boolean')
    expect(a.title).to.equal(A_TITLE)
  })

  it('keeps to the jurisdiction: a street is not offered another street\'s case; an event outside it is 404', async () => {
    expect((await similar('street1', n.number, '?limit=20')).items.map((x) => x.id)).to.not.include(cases.E!.id)
    expect((await similar('district', n.number, '?limit=20')).items.map((x) => x.id)).to.include(cases.E!.id)
    const community = (await similar('community', n.number, '?limit=20')).items
    expect(community.map((x) => x.id)).to.include(cases.A!.id).and.not.include(cases.B!.id)
    const res = await client.get(`/api/v1/events/${n.number}/similar-cases`, auth.street2)
    expect(res.statusCode).to.equal(404)
    // the event itself, once pinned, is not offered to itself
    const self = await similar('command', cases.A!.number, '?limit=20')
    expect(self.items.map((x) => x.id)).to.not.include(cases.A!.id)
  })

  it('refuses roles that do not read cases, bad numbers and bad limits', async () => {
    expect((await client.get(`/api/v1/events/${n.number}/similar-cases`, auth.system)).statusCode).to.equal(403)
    expect((await client.get(`/api/v1/events/${n.number}/similar-cases`)).statusCode).to.equal(401)
    expect((await client.get('/api/v1/events/E1/similar-cases', auth.command)).statusCode).to.equal(404)
    expect((await client.get(`/api/v1/events/${encodeURIComponent("E1' OR 1=1 --")}/similar-cases`, auth.command)).statusCode).to.equal(404)
    for (const q of ['limit=0', 'limit=21', 'limit=x', 'limit=1&limit=2']) {
      const res = await client.get(`/api/v1/events/${n.number}/similar-cases?${q}`, auth.command)
      expect(res.statusCode, q).to.equal(400)
      expect(res.json().errors.map((e: { field: string }) => e.field)).to.include('limit')
    }
    const other = await client.get(`/api/v1/events/${n.number}/similar-cases?near=1`, auth.command)
    expect(other.statusCode).to.equal(400)
    expect((await similar('command', n.number, '?limit=1')).items).to.have.length(1)
  })
})
