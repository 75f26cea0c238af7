// 知识库 articles: the lifecycle (上报 → 审核 → 上架 → 下架, expiry), versions on edit, sanitised
// HTML stored clean, search with segmentation, synonyms and title-above-body ranking, the public
// view (published public articles only), roles, and broken, hostile and oversized input.
import { expect } from 'chai'
import type { Knex } from 'knex'
import { getTestDb } from '../support/db.ts'
import { loginAs, testClient, type Client } from '../support/http.ts'
import { DEMO_API_KEY } from '../../fixtures/users.ts'
import { draft, expectCode, expectField, published, send, tag, type Auth } from './support.ts'

describe('knowledge articles (知识库): lifecycle, versions, sanitising, search, public view', function () {
  let client: Client
  let knex: Knex
  const auth: Auth = {}
  const search = async (q: string, who = 'street1', extra = '') => {
    const res = await client.get(`/api/v1/knowledge?q=${encodeURIComponent(q)}${extra}`, auth[who])
    expect(res.statusCode, res.body).to.equal(200)
    return res.json() as { items: { id: number; title: string; status: string; rank: number }[]; next: string | null }
  }
  const publicSearch = async (q: string) => {
    const res = await client.get(`/api/v1/public/knowledge?q=${encodeURIComponent(q)}`)
    expect(res.statusCode, res.body).to.equal(200)
    return res.json() as { items: Record<string, unknown>[] }
  }

  before(async () => {
    client = await testClient()
    knex = await getTestDb()
    for (const u of ['command', 'district', 'street1', 'street2', 'inspector', 'auditor']) auth[u] = await loginAs(client, u)
    auth.system = { 'x-api-key': DEMO_API_KEY }
  })

  it('holds the demo knowledge base: 25 topics × 8 kinds, public and internal, most on the shelf', async () => {
    const rows = await knex('knowledge_article').where({ city_code: '990100' }).whereRaw("summary LIKE '%：%'").whereNull('source_event_id')
      .select('visibility', 'status') as { visibility: string; status: string }[]
    expect(rows.length).to.be.at.least(200)
    expect(rows.filter((r) => r.visibility === 'public').length).to.be.at.least(80)
    expect(rows.filter((r) => r.status === 'published').length).to.be.at.least(190)
    const faq = (await client.get(`/api/v1/public/knowledge?q=${encodeURIComponent('楼上往下扔东西砸到车')}`)).json().items as { title: string }[]
    expect(faq[0]?.title).to.match(/高空抛物/)
  })

  it('walks the lifecycle: draft → pending → rejected (with reason) → pending → approved → published → withdrawn', async () => {
    const t = tag()
    const id = await draft(client, auth, { title: `井盖缺失的报修流程 ${t}`, bodyHtml: '<p>发现井盖缺失先设置警示</p>' })
    const reject = (body: unknown) => client.post(`/api/v1/knowledge/${id}/review`, body, auth.command)
    expectCode(await reject({ decision: 'reject', reason: '尚未上报' }), 409, 'knowledge.invalid_state')
    const sub = await client.post(`/api/v1/knowledge/${id}/submit`, {}, auth.street1)
    expect(sub.json()).to.deep.include({ status: 'pending', statusTitle: '待审核' })
    expectField(await reject({ decision: 'reject' }), 400, 'reason')
    expectCode(await client.post(`/api/v1/knowledge/${id}/review`, { decision: 'approve' }, auth.street1), 403, 'knowledge.reviewers_only')
    const rej = await reject({ decision: 'reject', reason: '请补充处置时限' })
    expect(rej.json()).to.deep.include({ status: 'rejected' })
    expect(rej.json().review.reason).to.equal('请补充处置时限')
    expect((await client.post(`/api/v1/knowledge/${id}/submit`, {}, auth.street1)).json().status).to.equal('pending')
    expect((await client.post(`/api/v1/knowledge/${id}/review`, { decision: 'approve' }, auth.district)).json().status).to.equal('approved')
    expect((await search(t)).items.map((i) => i.id), 'not on the shelf before publishing').to.not.include(id)
    expect((await client.post(`/api/v1/knowledge/${id}/publish`, {}, auth.command)).json().status).to.equal('published')
    expect((await search(t)).items.map((i) => i.id)).to.include(id)
    const w = await client.post(`/api/v1/knowledge/${id}/withdraw`, { reason: '规定已更新' }, auth.command)
    expect(w.json()).to.deep.include({ status: 'withdrawn' })
    expect(w.json().withdrawn.reason).to.equal('规定已更新')
    expect((await search(t)).items.map((i) => i.id), 'withdrawn leaves search').to.not.include(id)
    expect((await client.post(`/api/v1/knowledge/${id}/publish`, {}, auth.command)).json().status, 'back on the shelf').to.equal('published')
  })

  it('refuses to withdraw a draft (409 coded, nothing changed) and keeps other staff off someone else\'s draft (404)', async () => {
    const id = await draft(client, auth, { title: `草稿 ${tag()}`, bodyHtml: '<p>草稿内容</p>' })
    const res = await client.post(`/api/v1/knowledge/${id}/withdraw`, {}, auth.command)
    expectCode(res, 409, 'knowledge.invalid_state')
    expect(res.json().params).to.deep.include({ status: 'draft', statusTitle: '草稿' })
    const row = await knex('knowledge_article').where({ id }).first('status', 'withdrawn_at')
    expect(row).to.deep.equal({ status: 'draft', withdrawn_at: null })
    expectCode(await client.get(`/api/v1/knowledge/${id}`, auth.street2), 404, 'knowledge.not_found')
    expect((await client.get(`/api/v1/knowledge/${id}`, auth.district)).statusCode, 'reviewers read drafts').to.equal(200)
  })

  it('stores the body sanitised: no script, no event handler, no javascript: URL; a plain-text copy for search', async () => {
    const hostile = '<p onclick="steal()">路灯报修<script>alert(1)</script></p><img src="https://x.test/a.png" onerror="alert(2)">' +
      '<a href="javascript:alert(3)">点我</a><a href="https://12345.gov.cn/">热线</a><style>p{}</style><iframe src="https://evil.test"></iframe>'
    const id = await draft(client, auth, { title: `路灯报修 ${tag()}`, bodyHtml: hostile })
    const row = await knex('knowledge_article').where({ id }).first('body_html', 'body_text')
    for (const bad of ['<script', 'alert(1)', 'onclick', 'onerror', 'javascript:', '<iframe', '<style']) expect(row.body_html).to.not.include(bad)
    expect(row.body_html, 'positive control: the safe parts are kept').to.include('路灯报修').and.include('href="https://12345.gov.cn/"').and.include('<img src="https://x.test/a.png"')
    expect(row.body_text).to.include('路灯报修').and.include('热线').and.not.include('<')
    const version = await knex('knowledge_article_version').where({ article_id: id, version: 1 }).first('body_html')
    expect(version.body_html).to.equal(row.body_html)
  })

  it('keeps every version on edit and refuses a stale version (409)', async () => {
    const id = await draft(client, auth, { title: `垃圾清运时间 ${tag()}`, bodyHtml: '<p>每日两次</p>' })
    const edit = await send(client, 'PATCH', `/api/v1/knowledge/${id}`, { version: 1, bodyHtml: '<p>每日三次</p>', tags: ['清运'] }, auth.street1)
    expect(edit.statusCode, edit.body).to.equal(200)
    expect(edit.json()).to.deep.include({ version: 2, tags: ['清运'] })
    expectCode(await send(client, 'PATCH', `/api/v1/knowledge/${id}`, { version: 1, title: '旧版本上的修改' }, auth.street1), 409, 'knowledge.version_conflict')
    const versions = (await client.get(`/api/v1/knowledge/${id}/versions`, auth.street1)).json().items as { version: number; bodyHtml: string }[]
    expect(versions.map((v) => [v.version, v.bodyHtml])).to.deep.equal([[2, '<p>每日三次</p>'], [1, '<p>每日两次</p>']])
    expectCode(await send(client, 'PATCH', `/api/v1/knowledge/${id}`, { version: 2, title: '他人修改' }, auth.street2), 404, 'knowledge.not_found')
  })

  it('finds articles by reworded questions: segmentation and synonyms; title words rank above body words', async () => {
    const t = tag()
    const inTitle = await published(client, auth, { title: `路灯不亮怎么报修 ${t}`, bodyHtml: '<p>拨打热线，说明位置和灯杆编号。</p>', tags: [t] })
    const inBody = await published(client, auth, { title: `市政设施维护须知 ${t}`, bodyHtml: '<p>路灯、井盖、护栏等设施的维护由市政所负责。</p>', tags: [t] })
    const other = await published(client, auth, { title: `养犬登记办法 ${t}`, bodyHtml: '<p>犬只须办理犬证。</p>', tags: [t] })
    const hits = (await search(`街灯坏了晚上很黑 ${t}`)).items.filter((i) => [inTitle, inBody, other].includes(i.id))
    // the tag matches all three; 街灯 (a synonym of 路灯) is the second concept of two of them, in the title of the first;
    // the third holds one concept of the question only and is not offered while others hold two
    expect(hits.map((i) => i.id)).to.deep.equal([inTitle, inBody])
    const fallback = (await search(`犬只 ${t} 黑乎乎`)).items.map((i) => i.id)
    expect(fallback, 'no article holds two concepts: one will do').to.include(other)
    const only = (await search('街灯坏了')).items.map((i) => i.id)
    expect(only, 'synonym alone').to.include(inTitle).and.include(inBody).and.not.include(other)
    expect((await search('照明灯')).items.map((i) => i.id), '照明灯 is in the group too').to.include(inTitle)
    const none = await search('的了吗')
    expect(none.items, 'a question without a search word finds nothing').to.deep.equal([])
  })

  it('takes an expired article off the shelf and out of search (on read), and the public view with it', async () => {
    const t = tag()
    const id = await published(client, auth, { title: `噪音扰民投诉渠道 ${t}`, bodyHtml: '<p>夜间施工噪音可向生态环境部门反映。</p>', visibility: 'public' })
    expect((await search(t)).items.map((i) => i.id), 'positive control').to.include(id)
    expect((await publicSearch(t)).items.map((i) => i.id)).to.include(id)
    await knex('knowledge_article').where({ id }).update({ expires_at: new Date(Date.now() - 1000) })
    expect((await search(t)).items.map((i) => i.id)).to.not.include(id)
    expect((await publicSearch(t)).items.map((i) => i.id)).to.not.include(id)
    expect((await client.get(`/api/v1/public/knowledge/${id}`)).statusCode).to.equal(404)
    const one = (await client.get(`/api/v1/knowledge/${id}`, auth.street1)).json()
    expect(one).to.deep.include({ status: 'expired', statusTitle: '已过期' })
    expect((await search(t, 'command', '&status=expired')).items.map((i) => i.id)).to.include(id)
    expectCode(await send(client, 'PUT', `/api/v1/knowledge/${id}/rating`, { score: 4 }, auth.street1!), 409, 'knowledge.not_on_shelf')
    expect((await client.post(`/api/v1/knowledge/${id}/withdraw`, {}, auth.command)).json().status, 'an expired one may be withdrawn').to.equal('withdrawn')
  })

  it('shows anonymous callers published public articles only, without internal fields', async () => {
    const t = tag()
    const pub = await published(client, auth, { title: `办理居住证需要什么材料 ${t}`, bodyHtml: '<p>身份证、租房合同。</p>', visibility: 'public', category: '证照办理' })
    const internal = await published(client, auth, { title: `居住证内部审核口径 ${t}`, bodyHtml: '<p>内部口径。</p>', visibility: 'internal' })
    const unpublished = await draft(client, auth, { title: `居住证草稿 ${t}`, bodyHtml: '<p>草稿</p>', visibility: 'public' })
    const items = (await publicSearch(t)).items
    expect(items.map((i) => i.id)).to.deep.equal([pub])
    expect(Object.keys(items[0]!).sort()).to.deep.equal(['category', 'excerpt', 'id', 'publishedAt', 'rank', 'rating', 'summary', 'tags', 'title', 'updatedAt'])
    const one = await client.get(`/api/v1/public/knowledge/${pub}`)
    expect(one.statusCode).to.equal(200)
    expect(one.json()).to.not.have.any.keys('status', 'author', 'visibility', 'review', 'version')
    expect(one.json().bodyHtml).to.include('租房合同')
    for (const id of [internal, unpublished]) expect((await client.get(`/api/v1/public/knowledge/${id}`)).statusCode).to.equal(404)
    expect((await search(t)).items.map((i) => i.id), 'staff positive control').to.include(internal)
    const list = (await client.get('/api/v1/public/knowledge?limit=100')).json().items as { id: number }[]
    expect(list.map((i) => i.id)).to.include(pub).and.not.include(internal)
  })

  it('pages search results and lists with cursors; a forged cursor is a 400 naming cursor', async () => {
    const t = tag()
    const ids = []
    for (let i = 0; i < 3; i++) ids.push(await published(client, auth, { title: `物业费收费标准 ${t} ${i}`, bodyHtml: '<p>物业服务收费</p>', tags: [t] }))
    const first = await search(t, 'street1', '&limit=2')
    expect(first.items).to.have.length(2)
    const second = await search(t, 'street1', `&limit=2&cursor=${first.next}`)
    expect([...first.items, ...second.items].map((i) => i.id).sort()).to.deep.equal([...ids].sort())
    expect(second.next).to.equal(null)
    expectField(await client.get(`/api/v1/knowledge?q=${t}&cursor=abc`, auth.street1), 400, 'cursor')
    expectField(await client.get('/api/v1/knowledge?cursor=abc', auth.street1), 400, 'cursor')
  })

  it('lets staff in and keeps the auditor, external systems and anonymous callers out', async () => {
    for (const who of ['command', 'district', 'street1', 'inspector']) expect((await client.get('/api/v1/knowledge', auth[who])).statusCode, who).to.equal(200)
    for (const who of ['auditor', 'system']) expect((await client.get('/api/v1/knowledge', auth[who])).statusCode, who).to.equal(403)
    expect((await client.get('/api/v1/knowledge')).statusCode).to.equal(401)
    expect((await client.post('/api/v1/knowledge', { title: 'x', bodyHtml: 'x', category: '其他', visibility: 'public' }, auth.system)).statusCode).to.equal(403)
  })

  it('refuses broken, hostile and oversized input with a 400 or 413 naming the field, writing nothing', async () => {
    const before = Number((await knex('knowledge_article').count('* as n'))[0]!.n)
    const post = (body: unknown) => client.post('/api/v1/knowledge', body, auth.street1)
    const ok = { title: '标题', bodyHtml: '<p>正文</p>', category: '其他', visibility: 'internal' }
    expectField(await post({ ...ok, bodyHtml: 'x'.repeat(100_001) }), 400, 'bodyHtml')
    expectField(await post({ ...ok, title: '长'.repeat(201) }), 400, 'title')
    expectField(await post({ ...ok, title: '  ' }), 400, 'title')
    expectField(await post({ ...ok, category: '火星' }), 400, 'category')
    expectField(await post({ ...ok, visibility: 'secret' }), 400, 'visibility')
    expectField(await post({ ...ok, tags: Array.from({ length: 11 }, (_, i) => `词${i}`) }), 400, 'tags')
    expectField(await post({ ...ok, tags: ['a b'] }), 400, 'tags.0')
    expectField(await post({ ...ok, expiresAt: 'tomorrow' }), 400, 'expiresAt')
    expectField(await post({ ...ok, status: 'published' }), 400, '(root)')
    expectField(await post({ ...ok, bodyHtml: { $gt: '' } }), 400, 'bodyHtml')
    const huge = await client.post('/api/v1/knowledge', { ...ok, bodyHtml: 'x'.repeat(3 * 1024 * 1024) }, auth.street1)
    expect(huge.statusCode, 'beyond the body limit').to.be.oneOf([400, 413])
    expectField(await client.get('/api/v1/knowledge?q=' + 'x'.repeat(201), auth.street1), 400, 'q')
    expectField(await client.get('/api/v1/knowledge?limit=1000', auth.street1), 400, 'limit')
    expectField(await client.get('/api/v1/knowledge?status=gone', auth.street1), 400, 'status')
    expectField(await client.get('/api/v1/knowledge?q=a&q=b', auth.street1), 400, 'q')
    expectField(await client.get('/api/v1/knowledge/0', auth.street1), 400, 'id')
    expectField(await client.get('/api/v1/knowledge/99999999999999999999', auth.street1), 400, 'id')
    expectCode(await client.get('/api/v1/knowledge/987654321', auth.street1), 404, 'knowledge.not_found')
    expectField(await client.get('/api/v1/public/knowledge?status=draft'), 400, '(root)')
    // quotes, backslashes and tsquery operators in a question are words or nothing, never a 5xx
    for (const q of ["路灯' | '井盖", '!&|():*', '\\', "'", '路灯 & !井盖']) expect((await client.get(`/api/v1/knowledge?q=${encodeURIComponent(q)}`, auth.street1)).statusCode, q).to.equal(200)
    const after = Number((await knex('knowledge_article').count('* as n'))[0]!.n)
    expect(after).to.equal(before)
  })
})
