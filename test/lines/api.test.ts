// /api/v1/lines (护路护线): the demo lines along the roads, lengths against a haversine sum, the
// community holding most of the length, the components within 5 m against a planar distance in
// Node, recomputed on every geometry and tolerance write and when a component moves, records that
// change a component's state, jurisdiction, masking of the contact, the layer, and bad input.
import { expect } from 'chai'
import type { Knex } from 'knex'
import { testClient, type Client } from '../support/http.ts'
import { expectRefusal, problemFields } from '../support/problem.ts'
import { demoLoaded, distanceToLine, haversineLength, roadPieces, signIn } from './support.ts'

type Parts = [number, number][][]

describe('lines (护路护线): REST', function () {
  this.timeout(120_000)
  let client: Client
  let knex: Knex
  let auth: Record<string, Record<string, string>>
  let loaded: Record<string, number>
  const tag = Date.now().toString(36).slice(-5).toUpperCase()
  const patch = (id: number, body: unknown, who = 'command') => client.request({ method: 'PATCH', url: `/api/v1/lines/${id}`, headers: { ...auth[who], 'content-type': 'application/json' }, payload: JSON.stringify(body) })
  const create = (body: Record<string, unknown>, who = 'command') => client.post('/api/v1/lines', body, auth[who])

  before(async () => {
    client = await testClient()
    knex = client.context.knex
    loaded = await demoLoaded(knex)
    auth = await signIn(client)
  })

  it('loads demo lines along the roads with components and records', async () => {
    const [n] = await knex('line').where({ city_code: '990100' }).count<{ n: number }[]>({ n: '*' })
    expect(Number(n!.n)).to.be.greaterThan(5)
    const kinds = await knex('line').distinct('kind').pluck('kind')
    expect(kinds).to.include.members(['power', 'road'])
    expect(await knex('line_component').count<{ n: number }[]>({ n: '*' }).then((r) => Number(r[0]!.n))).to.be.greaterThan(0)
    expect(await knex('line_record').count<{ n: number }[]>({ n: '*' }).then((r) => Number(r[0]!.n))).to.be.greaterThan(0)
    if (loaded.line) expect(loaded.line).to.equal(Number(n!.n))
  })

  it('gives each line its length as the haversine sum of its geometry (within 0.5 %)', async () => {
    const res = await client.get('/api/v1/lines?limit=20', auth.command)
    expect(res.statusCode, res.body).to.equal(200)
    const items = res.json().items as { id: number; lengthM: number }[]
    expect(items.length).to.be.greaterThan(3)
    for (const it of items.slice(0, 8)) {
      const detail = (await client.get(`/api/v1/lines/${it.id}`, auth.command)).json()
      const ref = haversineLength(detail.geometry.coordinates as Parts)
      expect(ref).to.be.greaterThan(10)
      expect(Math.abs(detail.lengthM - ref) / ref, `line ${it.id}: ${detail.lengthM} vs ${ref}`).to.be.lessThan(0.005)
      // the communities crossed add up to the whole line, and the line's community is the longest of them
      const sum = (detail.communities as { lengthM: number }[]).reduce((s, c) => s + c.lengthM, 0)
      expect(Math.abs(sum - detail.lengthM)).to.be.lessThan(Math.max(0.5, detail.lengthM * 0.001))
      expect(detail.communityCode).to.equal(detail.communities[0].code)
    }
  })

  it('links exactly the components within 5 m of a line (a planar distance in Node as the reference)', async () => {
    const { rows } = await knex.raw(`SELECT l.id FROM line l WHERE EXISTS (SELECT 1 FROM line_component lc WHERE lc.line_id = l.id)
      ORDER BY (SELECT count(*) FROM line_component lc WHERE lc.line_id = l.id) DESC LIMIT 3`) as { rows: { id: string }[] }
    expect(rows.length).to.be.greaterThan(0)
    for (const { id } of rows) {
      const detail = (await client.get(`/api/v1/lines/${id}`, auth.command)).json()
      const parts = detail.geometry.coordinates as Parts
      const { rows: near } = await knex.raw(`SELECT c.id, ST_X(c.geom) AS lon, ST_Y(c.geom) AS lat FROM component c, line l
        WHERE l.id = ? AND c.geom && ST_Expand(l.geom, 0.0005)`, [id]) as { rows: { id: string; lon: number; lat: number }[] }
      const linked = new Set<string>()
      for (let after: string | null = ''; after !== null;) {
        const page: { items: { componentId: string }[]; next: string | null } = (await client.get(`/api/v1/lines/${id}/components?limit=50${after ? `&after=${after}` : ''}`, auth.command)).json()
        for (const c of page.items as { componentId: string }[]) linked.add(c.componentId)
        after = page.next === null ? null : new URL(page.next, 'http://x').searchParams.get('after')
      }
      expect(linked.size).to.equal(detail.componentCount)
      let inside = 0
      for (const c of near) {
        const d = distanceToLine([c.lon, c.lat], parts)
        if (d < 4.95) { inside++; expect(linked.has(c.id), `component ${c.id} at ${d.toFixed(2)} m`).to.equal(true) }
        if (d > 5.05) expect(linked.has(c.id), `component ${c.id} at ${d.toFixed(2)} m`).to.equal(false)
      }
      expect(inside).to.be.greaterThan(0)
    }
  })

  describe('a line written by hand', () => {
    let id = 0
    let pieces: { coords: Parts; community: string }[] = []
    let other: { coords: Parts; community: string }[] = []

    before(async () => {
      pieces = await roadPieces(knex, '990102001001')
      other = await roadPieces(knex, '990102001002')
      expect(pieces.length).to.be.greaterThan(0)
      expect(other.length).to.be.greaterThan(0)
    })

    it('places it in the community holding most of its length and answers 201', async () => {
      const long = haversineLength(pieces[0]!.coords)
      const short = other.map((o) => ({ o, len: haversineLength(o.coords) })).filter((x) => x.len < long * 0.8).at(-1)
      expect(short, 'a shorter piece in the neighbour community').to.not.equal(undefined)
      const coords = [...pieces[0]!.coords, ...short!.o.coords]
      const res = await create({ code: `T-${tag}`, name: '测试电力线路', kind: 'power', ownerUnit: '测试供电所', contactName: '欧阳娜娜', contactPhone: '13912345678',
        geometry: { type: 'MultiLineString', coordinates: coords } })
      expect(res.statusCode, res.body).to.equal(201)
      const b = res.json()
      id = b.id
      expect(b.communityCode).to.equal('990102001001')
      expect(b.communities.map((c: { code: string }) => c.code)).to.include('990102001002')
      expect(Math.abs(b.lengthM - (long + short!.len)) / (long + short!.len)).to.be.lessThan(0.005)
      expect(b.toleranceM).to.equal(5)
      expect(b.version).to.equal(1)
      expect(b.contactName).to.equal('欧阳娜娜') // command centre: full
      expect(b.stale).to.equal(true)
    })

    it('recomputes the components on a tolerance and a geometry write, and follows a component moved onto it', async () => {
      const before = (await client.get(`/api/v1/lines/${id}`, auth.command)).json()
      const wider = await patch(id, { version: before.version, toleranceM: 12 })
      expect(wider.statusCode, wider.body).to.equal(200)
      expect(wider.json().componentCount).to.be.at.least(before.componentCount)
      const parts = wider.json().geometry.coordinates as Parts
      const { rows: near } = await knex.raw(`SELECT c.id, ST_X(c.geom) AS lon, ST_Y(c.geom) AS lat FROM component c, line l
        WHERE l.id = ? AND c.geom && ST_Expand(l.geom, 0.0005)`, [id]) as { rows: { id: string; lon: number; lat: number }[] }
      const expected = near.filter((c) => distanceToLine([c.lon, c.lat], parts) < 11.9).length
      expect(wider.json().componentCount).to.be.at.least(expected)
      expect(wider.json().componentCount).to.be.greaterThan(0)
      // the geometry moves to the other piece only: what it crosses and links follows
      const moved = await patch(id, { version: wider.json().version, geometry: `MULTILINESTRING(${other[0]!.coords.map((p) => `(${p.map((q) => q.join(' ')).join(', ')})`).join(', ')})` })
      expect(moved.statusCode, moved.body).to.equal(200)
      expect(moved.json().communityCode).to.equal('990102001002')
      expect(moved.json().version).to.equal(3)
      const onMoved = await knex('line_component').where({ line_id: id }).pluck('component_id') as string[]
      const wrong = near.filter((c) => !onMoved.includes(c.id) ? false : distanceToLine([c.lon, c.lat], moved.json().geometry.coordinates) > 12.1)
      expect(wrong).to.deep.equal([])
      // a component moved onto the line is linked by the trigger
      const stray = await knex('component').whereNotIn('id', onMoved).where('community_code', '990102001002').first('id')
      const p0 = other[0]!.coords[0]![0]!
      await knex('component').where({ id: stray.id }).update({ geom: knex.raw('ST_SetSRID(ST_MakePoint(?, ?), 4490)', p0) })
      expect(await knex('line_component').where({ line_id: id, component_id: stray.id }).first()).to.not.equal(undefined)
      // and a component added on it (an import) too, 3 m off its first vertex; one 40 m off is not
      const cls = (await knex('component_class').orderBy('code').first('code')).code as string
      const p1 = other[0]!.coords[0]![1]!
      const close = `990102${cls}9${tag.replace(/[^0-9]/g, '').padStart(5, '7').slice(-5)}`
      const far = `990102${cls}8${tag.replace(/[^0-9]/g, '').padStart(5, '7').slice(-5)}`
      await knex('component').insert([close, far].map((cid, k) => ({ id: cid, class_code: cls, name: '测试部件', community_code: '990102001002', city_code: '990100',
        geom: knex.raw('ST_SetSRID(ST_MakePoint(?, ?), 4490)', [p1[0] + (k ? 40 : 3) / (111_320 * Math.cos((p1[1] * Math.PI) / 180)), p1[1]]) })))
      const linked = await knex('line_component').where({ line_id: id }).whereIn('component_id', [close, far]).pluck('component_id') as string[]
      expect(linked).to.deep.equal([close])
    })

    it('records an inspection, a replacement that leaves the component 完好 (state before kept), and refuses a component off the line', async () => {
      const comp = await knex('line_component').where({ line_id: id }).first('component_id')
      await knex('component').where({ id: comp.component_id }).update({ state: '破损' })
      const insp = await client.post(`/api/v1/lines/${id}/records`, { kind: 'inspection', result: 'defect', doneAt: new Date(Date.now() - 3600_000).toISOString(),
        componentId: comp.component_id, findings: '灯杆倾斜' }, auth.street1)
      expect(insp.statusCode, insp.body).to.equal(201)
      expect(insp.json()).to.deep.include({ kind: 'inspection', stateBefore: '破损', stateAfter: null, recordedByName: '第一街道网格站' })
      const repl = await client.post(`/api/v1/lines/${id}/records`, { kind: 'replacement', result: 'replaced', doneAt: new Date().toISOString(), componentId: comp.component_id }, auth.command)
      expect(repl.statusCode, repl.body).to.equal(201)
      expect(repl.json()).to.deep.include({ stateBefore: '破损', stateAfter: '完好' })
      expect((await knex('component').where({ id: comp.component_id }).first('state')).state).to.equal('完好')
      const list = await client.get(`/api/v1/lines/${id}/records?componentId=${comp.component_id}`, auth.command)
      expect(list.json().items.map((r: { kind: string }) => r.kind)).to.deep.equal(['replacement', 'inspection'])
      const off = await knex('component').whereNotIn('id', knex('line_component').where({ line_id: id }).select('component_id')).first('id')
      expectRefusal(await client.post(`/api/v1/lines/${id}/records`, { kind: 'repair', result: 'fixed', doneAt: new Date().toISOString(), componentId: off.id }, auth.command), 'componentId')
      expectRefusal(await client.post(`/api/v1/lines/${id}/records`, { kind: 'inspection', result: 'replaced', doneAt: new Date().toISOString() }, auth.command), 'result')
      expectRefusal(await client.post(`/api/v1/lines/${id}/records`, { kind: 'inspection', result: 'normal', doneAt: '2999-01-01T00:00:00Z' }, auth.command), 'doneAt')
      expectRefusal(await client.post(`/api/v1/lines/${id}/records`, { kind: 'inspection', result: 'normal', doneAt: new Date().toISOString(), componentState: '完好' }, auth.command), 'componentState')
      expect((await client.post(`/api/v1/lines/${id}/records`, { kind: 'inspection', result: 'normal', doneAt: new Date().toISOString() }, auth.analyst)).statusCode).to.equal(403)
    })

    it('masks the contact for staff who do not hold the line, unmasks it with a reason (audited), and never for an analyst', async () => {
      const res = await client.get(`/api/v1/lines/${id}`, auth.district)
      expect(res.json()).to.deep.include({ contactName: '欧***', contactPhone: '139****5678' })
      const analyst = (await client.get(`/api/v1/lines/${id}`, auth.analyst)).json()
      expect(analyst.contactPhone).to.equal('139****5678')
      expect((await client.post(`/api/v1/lines/${id}/unmask`, { reason: '联系权属单位处置' }, auth.analyst)).statusCode).to.equal(403)
      const un = await client.post(`/api/v1/lines/${id}/unmask`, { reason: '联系权属单位处置' }, auth.district)
      expect(un.statusCode, un.body).to.equal(200)
      expect(un.json()).to.deep.include({ contactName: '欧阳娜娜', contactPhone: '13912345678' })
      const row = await knex('access_audit').where({ action: 'unmask', resource_type: 'lines', resource_id: String(id) }).first()
      expect(row).to.deep.include({ username: 'district', reason: '联系权属单位处置' })
      expectRefusal(await client.post(`/api/v1/lines/${id}/unmask`, { reason: 'x' }, auth.district), 'reason')
    })

    it('answers 409 to a stale version and to a code in use, 404 outside the jurisdiction, 403 for a write placed outside', async () => {
      const cur = (await client.get(`/api/v1/lines/${id}`, auth.command)).json()
      const stale = await patch(id, { version: cur.version - 1, name: '旧版本' })
      expect(stale.statusCode).to.equal(409)
      expect(stale.json().code).to.equal('registers.version_conflict')
      const dup = await create({ code: `T-${tag}`, name: '重复', kind: 'gas', geometry: { type: 'LineString', coordinates: pieces[0]!.coords[0] } })
      expect(dup.statusCode, dup.body).to.equal(409)
      expect((await client.get(`/api/v1/lines/${id}`, auth.street2)).statusCode).to.equal(404)
      expect((await client.get(`/api/v1/lines/${id}`, auth.street1)).statusCode).to.equal(200)
      const inStreet2 = await knex('line').where('community_code', 'like', '990102002%').first('id')
      expect((await client.get(`/api/v1/lines/${inStreet2.id}`, auth.street1)).statusCode).to.equal(404)
      expect((await client.get(`/api/v1/lines/${inStreet2.id}`, auth.street2)).statusCode).to.equal(200)
      const outside = await create({ code: `U-${tag}`, name: '辖区外', kind: 'gas', geometry: { type: 'MultiLineString', coordinates: other[0]!.coords } }, 'community')
      expect(outside.statusCode, outside.body).to.equal(403)
      expect(problemFields(outside)).to.include('geometry')
      expect(await knex('line').where({ code: `U-${tag}` }).first()).to.equal(undefined)
      expect((await client.get('/api/v1/lines', auth.system)).statusCode).to.equal(403)
    })

    it('finds lines crossing a community or grid, and pages with the cursor', async () => {
      const grid = (await knex('line_grid').where({ line_id: id }).first('grid_code')).grid_code
      const byGrid = (await client.get(`/api/v1/lines?grid=${grid}`, auth.command)).json()
      expect(byGrid.items.map((l: { id: number }) => l.id)).to.include(id)
      const all: number[] = []
      let url: string | null = '/api/v1/lines?limit=3&community=990102000000'
      while (url) {
        const page: { items: { id: number }[]; next: string | null } = (await client.get(url, auth.command)).json()
        all.push(...page.items.map((l: { id: number }) => l.id))
        url = page.next
      }
      const { rows } = await knex.raw(`SELECT count(DISTINCT line_id)::int AS n FROM line_community WHERE community_code LIKE '990102%'`)
      expect(all.length).to.equal(rows[0].n)
      expect(new Set(all).size).to.equal(all.length)
    })
  })

  it('imports a CSV through the registers engine (all or nothing, row and field named) and exports WKT with the contact masked', async () => {
    const [piece] = await roadPieces(knex, '990102001003')
    const wkt = `MULTILINESTRING(${piece!.coords.map((p) => `(${p.map((q) => q.join(' ')).join(', ')})`).join(', ')})`
    const csv = (rows: string[]) => ['code,name,kind,contactName,geometry', ...rows].join('\n')
    const post = (body: string) => client.request({ method: 'POST', url: '/api/v1/registers/lines/import', headers: { ...auth.street1, 'content-type': 'text/csv; charset=utf-8' }, payload: body })
    const bad = await post(csv([`I-${tag},导入通信线,telecom,张三,"${wkt}"`, `J-${tag},坏几何,telecom,李四,"LINESTRING(1 2)"`]))
    expect(bad.statusCode, bad.body).to.equal(422)
    expect(bad.json().problems[0]).to.deep.include({ row: 3, field: 'geometry' })
    expect(await knex('line').where({ code: `I-${tag}` }).first()).to.equal(undefined)
    const ok = await post(csv([`I-${tag},导入通信线,telecom,张三,"${wkt}"`]))
    expect(ok.statusCode, ok.body).to.equal(200)
    const row = await knex('line').where({ code: `I-${tag}` }).first()
    expect(row).to.deep.include({ community_code: '990102001003', kind: 'telecom', tolerance_m: 5 })
    expect(Math.abs(Number(row.length_m) - haversineLength(piece!.coords)) / Number(row.length_m)).to.be.lessThan(0.005)
    const exp = await client.get(`/api/v1/registers/lines/export?format=csv&community=990102001003`, auth.district)
    expect(exp.statusCode, exp.body).to.equal(200)
    const line = exp.body.split(/\r?\n/).find((l) => l.includes(`I-${tag}`))!
    expect(line).to.include('MULTILINESTRING').and.to.include('张*')
    expect(line).to.not.include('张三')
  })

  it('refuses broken, hostile and oversized input naming the field', async () => {
    const line = { type: 'LineString', coordinates: [[116.3, 39.9], [116.31, 39.91]] }
    const base = { code: `X-${tag}`, name: '坏输入', kind: 'power', geometry: line }
    expectRefusal(await create({ ...base, geometry: { type: 'LineString', coordinates: [[39.9, 116.3], [39.91, 116.31]] } }), 'geometry')
    expectRefusal(await create({ ...base, geometry: { type: 'Polygon', coordinates: [] } }), 'geometry')
    expectRefusal(await create({ ...base, geometry: { type: 'LineString', coordinates: [[116.3, 39.9]] } }), 'geometry')
    expectRefusal(await create({ ...base, geometry: { type: 'LineString', coordinates: [[500, 39.9], [116.31, 39.91]] } }), 'geometry')
    expectRefusal(await create({ ...base, geometry: 'LINESTRING(116.3 39.9, 116.31)' }), 'geometry')
    expectRefusal(await create({ ...base, geometry: 'SRID=3857;LINESTRING(1 2, 3 4)' }), 'geometry')
    expectRefusal(await create({ ...base, geometry: { type: 'LineString', coordinates: Array.from({ length: 20_001 }, (_, i) => [116 + i * 1e-6, 39.9]) } }), 'geometry')
    expectRefusal(await create({ ...base, geometry: undefined }), 'geometry')
    expectRefusal(await create({ ...base, kind: 'laser' }), 'kind')
    expectRefusal(await create({ ...base, code: "1'; DROP TABLE line; --" }), 'code')
    expectRefusal(await create({ ...base, name: '长'.repeat(101) }), 'name')
    expectRefusal(await create({ ...base, toleranceM: 500 }), 'toleranceM')
    expectRefusal(await create({ ...base, contactPhone: '12345' }), 'contactPhone')
    expectRefusal(await create({ ...base, extra: 1 }), '(root)')
    const outsideCity = await create({ ...base, geometry: line })
    expect(outsideCity.statusCode).to.equal(400)
    expect(outsideCity.json().code).to.equal('lines.outside_city')
    expectRefusal(await client.get('/api/v1/lines?limit=5000', auth.command), 'limit')
    expectRefusal(await client.get('/api/v1/lines?cursor=bm9wZQ', auth.command), 'cursor')
    expectRefusal(await client.get('/api/v1/lines?community=99&community=98', auth.command), 'community')
    expectRefusal(await client.get('/api/v1/lines/abc', auth.command), 'id')
    expect((await client.get('/api/v1/lines/99999999', auth.command)).statusCode).to.equal(404)
  })

  it('is the catalogue layer `lines` without a personal attribute, for the roles that read the register', async () => {
    const layer = client.context.catalogue.get('lines')
    expect(layer?.geometryType).to.equal('MultiLineString')
    const sql = layer!.attributes.map((a) => a.sql).join(' ')
    expect(sql).to.not.match(/contact_name|contact_phone/)
    const res = await client.get('/ogc/features/collections/lines/items?limit=5&f=json', auth.command)
    expect(res.statusCode, res.body).to.equal(200)
    const f = res.json().features[0]
    expect(f.geometry.type).to.equal('MultiLineString')
    expect(Object.keys(f.properties)).to.not.include('contact_name')
    expect(f.properties.length_m).to.be.greaterThan(0)
  })
})
