// Notices (公告): staff write, edit (version), publish and withdraw; the HTML is sanitised on
// write; residents read only published public notices inside their window (counted by hand
// against the table); broken, hostile and oversized input refused naming the field.
import { expect } from 'chai'
import type { Knex } from 'knex'
import { loginAs, testClient, type Client } from '../support/http.ts'

describe('notices: staff write, residents read the published public ones', function () {
  this.timeout(30_000)
  let client: Client
  let knex: Knex
  let street: Record<string, string>
  const created: number[] = []

  before(async () => {
    client = await testClient()
    knex = client.context.knex
    street = await loginAs(client, 'street1')
  })
  after(async () => { await knex('notice').whereIn('id', created).delete() })

  const send = (method: 'POST' | 'PATCH', url: string, body: unknown, headers = street) =>
    client.request({ method, url, headers: { ...headers, 'content-type': 'application/json' }, payload: JSON.stringify(body) })

  async function create(body: Record<string, unknown>) {
    const res = await send('POST', '/api/v1/notices', { category: 'notice', ...body })
    expect(res.statusCode, res.body).to.equal(201)
    created.push(res.json().id)
    return res.json()
  }

  it('sanitises the HTML on write: script, handlers, javascript: and images go, text and links stay', async () => {
    const n = await create({ title: '停水通知', bodyHtml: '<p onclick="steal()">明日停水<script>alert(1)</script><img src=x onerror=alert(2)><a href="javascript:alert(3)">x</a> <a href="https://example.org/a">详情</a></p><style>p{}</style>' })
    expect(n.bodyHtml).not.to.match(/script|onclick|onerror|<img|javascript:|<style/i)
    expect(n.bodyHtml).to.contain('明日停水')
    expect(n.bodyHtml).to.contain('href="https://example.org/a"')
    expect(n.status).to.equal('draft')
    const stored = await knex('notice').where('id', n.id).first('body_html')
    expect(stored.body_html).to.equal(n.bodyHtml)
  })

  it('shows residents only published public notices inside their window; withdraw hides again', async () => {
    const now = Date.now()
    const pub = await create({ title: '公开已发布', bodyHtml: '<p>甲</p>' })
    const internal = await create({ title: '内部已发布', bodyHtml: '<p>乙</p>', audience: 'internal' })
    const future = await create({ title: '尚未开始', bodyHtml: '<p>丙</p>', publishFrom: new Date(now + 86_400_000).toISOString() })
    const ended = await create({ title: '已经结束', bodyHtml: '<p>丁</p>', publishFrom: new Date(now - 2 * 86_400_000).toISOString(), publishUntil: new Date(now - 86_400_000).toISOString() })
    const draft = await create({ title: '草稿', bodyHtml: '<p>戊</p>' })
    for (const n of [pub, internal, future, ended]) {
      const r = await send('POST', `/api/v1/notices/${n.id}/publish`, { version: n.version })
      expect(r.statusCode, r.body).to.equal(200)
    }
    const list = await client.get('/api/v1/public/notices?limit=50')
    expect(list.statusCode).to.equal(200)
    const ids = (list.json().items as { id: number }[]).map((i) => i.id)
    // the hand count: rows that are published, public and inside their window now
    const expected = await knex('notice').where({ status: 'published', audience: 'public' })
      .where((w) => w.whereNull('publish_from').orWhere('publish_from', '<=', new Date()))
      .where((w) => w.whereNull('publish_until').orWhere('publish_until', '>', new Date())).pluck('id')
    expect(ids.length).to.equal(Math.min(50, expected.length))
    expect(ids).to.include(pub.id)
    for (const n of [internal, future, ended, draft]) expect(ids).not.to.include(n.id)
    const item = await client.get(`/api/v1/public/notices/${pub.id}`)
    expect(item.json()).to.include({ id: pub.id, title: '公开已发布', body: '<p>甲</p>', category: 'notice' })
    expect((await client.get(`/api/v1/public/notices/${internal.id}`)).statusCode).to.equal(404)
    const w = await send('POST', `/api/v1/notices/${pub.id}/withdraw`, {})
    expect(w.json().status).to.equal('withdrawn')
    expect((await client.get(`/api/v1/public/notices/${pub.id}`)).statusCode).to.equal(404)
    expect((await send('POST', `/api/v1/notices/${pub.id}/withdraw`, {})).statusCode).to.equal(409)
  })

  it('pages the public list with a cursor, every notice once', async () => {
    const all: number[] = []
    let cursor: string | null = null
    do {
      const res = await client.get(`/api/v1/public/notices?limit=2${cursor ? `&cursor=${cursor}` : ''}`)
      expect(res.statusCode).to.equal(200)
      all.push(...res.json().items.map((i: { id: number }) => i.id))
      cursor = res.json().next
    } while (cursor)
    const whole = (await client.get('/api/v1/public/notices?limit=50')).json().items.map((i: { id: number }) => i.id)
    expect(all).to.deep.equal(whole)
    expect(whole.length).to.be.above(0)
  })

  it('edits with a version (409 when stale); refuses roles, broken, hostile and oversized input naming the field', async () => {
    const n = await create({ title: '原标题', bodyHtml: '<p>正文</p>' })
    const ok = await send('PATCH', `/api/v1/notices/${n.id}`, { version: n.version, title: '新标题' })
    expect(ok.statusCode, ok.body).to.equal(200)
    expect(ok.json()).to.include({ title: '新标题', version: n.version + 1 })
    const window = await send('PATCH', `/api/v1/notices/${n.id}`, { version: n.version + 1, publishFrom: '2026-03-02T00:00:00Z', publishUntil: '2026-03-01T00:00:00Z' })
    expect(window.statusCode).to.equal(400)
    expect(window.json().field ?? JSON.stringify(window.json().errors)).to.contain('publishUntil')
    const stale = await send('PATCH', `/api/v1/notices/${n.id}`, { version: n.version, title: '过期修改' })
    expect(stale.statusCode).to.equal(409)
    expect(stale.json().code).to.equal('notices.version_conflict')
    for (const [body, field] of [
      [{ title: '', bodyHtml: '<p>x</p>', category: 'notice' }, 'title'],
      [{ title: 'x'.repeat(201), bodyHtml: '<p>x</p>', category: 'notice' }, 'title'],
      [{ title: 'a\u0000b', bodyHtml: '<p>x</p>', category: 'notice' }, 'title'],
      [{ title: '只有脚本', bodyHtml: '<script>alert(1)</script>', category: 'notice' }, 'bodyHtml'],
      [{ title: '太长', bodyHtml: `<p>${'长'.repeat(100_001)}</p>`, category: 'notice' }, 'bodyHtml'],
      [{ title: '分类', bodyHtml: '<p>x</p>', category: 'gossip' }, 'category'],
      [{ title: '窗口', bodyHtml: '<p>x</p>', category: 'notice', publishFrom: '2026-02-02T00:00:00Z', publishUntil: '2026-02-01T00:00:00Z' }, 'publishUntil'],
      [{ title: "'; DROP TABLE notice; --", bodyHtml: '<p>x</p>', category: 'notice', extra: 1 }, '(root)'],
    ] as [Record<string, unknown>, string][]) {
      const res = await send('POST', '/api/v1/notices', body)
      expect(res.statusCode, `${field}: ${res.statusCode}`).to.be.oneOf([400, 413])
      if (res.statusCode === 400) expect(JSON.stringify(res.json().errors), field).to.contain(field)
    }
    const inspector = await loginAs(client, 'inspector')
    expect((await send('POST', '/api/v1/notices', { title: 'x', bodyHtml: '<p>x</p>', category: 'notice' }, inspector)).statusCode).to.equal(403)
    expect((await client.get('/api/v1/notices', inspector)).statusCode).to.equal(200)
    expect((await client.get('/api/v1/notices')).statusCode).to.equal(401)
    expect((await client.get('/api/v1/notices/abc', street)).statusCode).to.equal(404)
    expect((await client.get('/api/v1/public/notices?limit=0')).statusCode).to.equal(400)
    expect((await client.get('/api/v1/public/notices?cursor=bogus')).statusCode).to.equal(400)
  })
})
