// /api/v1/places, /units, /organisations: the register REST shape, roles, jurisdiction, masking
// through the one rule (and the audited unmask), optimistic edits, broken and hostile input.
import { expect } from 'chai'
import { COMMUNITY, OTHER_STREET_COMMUNITY, getWorld, newCreditCode, pointIn, type World } from './support.ts'
import { PERSONAL_FIELDS } from '../../server/privacy/fields.ts'

let w: World

const post = (url: string, body: unknown, who: string) => w.client.post(url, body, w.as[who])
const patch = (url: string, body: unknown, who: string) => w.client.request({ method: 'PATCH', url, headers: { ...w.as[who], 'content-type': 'application/json' }, payload: JSON.stringify(body) })
const get = (url: string, who: string) => w.client.get(url, w.as[who])
const fieldsOf = (res: { json(): { errors?: { field: string }[] } }) => (res.json().errors ?? []).map((e) => e.field)

describe('places, units, organisations REST', function () {
  this.timeout(120_000)
  let point: { lon: number; lat: number; grid: string }

  before(async () => {
    w = await getWorld()
    point = await pointIn(w.knex, COMMUNITY)
  })

  describe('units', () => {
    let unit: { id: number; version: number }
    const code = newCreditCode()

    before(async () => {
      const res = await post('/api/v1/units', {
        name: '示范市测试科技有限公司', kind: 'enterprise', creditCode: code.toLowerCase(), legalPerson: '王建国', contactName: '李娜',
        contactPhone: '13912345678', employees: 25, lon: point.lon, lat: point.lat,
      }, 'street1')
      expect(res.statusCode, res.body).to.equal(201)
      unit = res.json()
    })

    it('creates a unit in the grid containing its point, credit code upper-cased, community found from the point', async () => {
      const u = (await get(`/api/v1/units/${unit.id}`, 'command')).json()
      expect(u).to.include({ creditCode: code, communityCode: COMMUNITY, kind: 'enterprise', version: 1, legalPerson: '王建国', contactPhone: '13912345678' })
      // the grid, by an independent containment query
      const { rows } = await w.knex.raw(`SELECT code FROM grid WHERE kind = 'base' AND valid_to IS NULL AND ST_Contains(geom, ST_SetSRID(ST_MakePoint(?, ?), 4490))`, [point.lon, point.lat])
      expect(rows.map((r: { code: string }) => r.code)).to.deep.equal([u.gridCode])
      expect(u.lon).to.be.closeTo(point.lon, 1e-9)
      expect(u.stale).to.equal(true)
    })

    it('masks the legal person and contact for staff who do not hold the row, and unmasks with a reason, audited', async () => {
      const byStreet = (await get(`/api/v1/units/${unit.id}`, 'street1')).json()
      expect(byStreet).to.include({ legalPerson: '王**', contactName: '李*', contactPhone: '139****5678', access: 'unmaskable' })
      expect(byStreet.name).to.equal('示范市测试科技有限公司')
      const byAnalyst = (await get(`/api/v1/units/${unit.id}`, 'analyst')).json()
      expect(byAnalyst).to.include({ legalPerson: '王**', access: 'masked' })
      expect((await get(`/api/v1/units/${unit.id}`, 'department')).json()).to.include({ contactPhone: '139****5678' })
      expect((await post(`/api/v1/units/${unit.id}/unmask`, { reason: '核实' }, 'street1')).statusCode).to.equal(400)
      const un = await post(`/api/v1/units/${unit.id}/unmask`, { reason: '联系单位核实消防整改情况' }, 'street1')
      expect(un.statusCode, un.body).to.equal(200)
      expect(un.json().values).to.deep.equal({ legalPerson: '王建国', contactName: '李娜', contactPhone: '13912345678' })
      const audit = await w.knex('access_audit').where({ id: un.json().audit.id }).first()
      expect(audit).to.include({ action: 'unmask', resource_type: 'units', resource_id: String(unit.id), reason: '联系单位核实消防整改情况' })
      expect((await post(`/api/v1/units/${unit.id}/unmask`, { reason: '想看看这个单位' }, 'analyst')).statusCode).to.equal(403)
    })

    it('refuses a credit code whose check character is wrong, naming the field; a duplicate is a 409', async () => {
      const wrong = code.slice(0, 17) + (code[17] === '0' ? '1' : '0')
      const res = await post('/api/v1/units', { name: '错误代码公司', kind: 'shop', creditCode: wrong, communityCode: COMMUNITY }, 'street1')
      expect(res.statusCode).to.equal(400)
      expect(fieldsOf(res)).to.deep.equal(['creditCode'])
      for (const bad of ['91990102', '9199010212345678OI', '9A99O102MA1234567X']) {
        const r = await post('/api/v1/units', { name: '错误代码公司', kind: 'shop', creditCode: bad, communityCode: COMMUNITY }, 'street1')
        expect(r.statusCode, bad).to.equal(400)
        expect(fieldsOf(r), bad).to.deep.equal(['creditCode'])
      }
      const dup = await post('/api/v1/units', { name: '另一家公司', kind: 'shop', creditCode: code, communityCode: COMMUNITY }, 'street1')
      expect(dup.statusCode).to.equal(409)
      expect(dup.json()).to.include({ code: 'places.duplicate' })
      expect(fieldsOf(dup)).to.deep.equal(['creditCode'])
      expect(Number((await w.knex('unit').where({ name: '错误代码公司' }).count<{ n: string }[]>('* as n'))[0]!.n)).to.equal(0)
    })

    it('edits with the version read: a stale version is a 409, a move finds the new grid, verified stamps 核实', async () => {
      const other = await pointIn(w.knex, '990102001002')
      const ok = await patch(`/api/v1/units/${unit.id}`, { version: 1, lon: other.lon, lat: other.lat, verified: true, employees: 30 }, 'street1')
      expect(ok.statusCode, ok.body).to.equal(200)
      expect(ok.json()).to.include({ version: 2, communityCode: '990102001002', gridCode: other.grid, employees: 30, stale: false })
      const stale = await patch(`/api/v1/units/${unit.id}`, { version: 1, employees: 31 }, 'street1')
      expect(stale.statusCode).to.equal(409)
      expect(stale.json()).to.include({ code: 'registers.version_conflict' })
      expect((await get(`/api/v1/units/${unit.id}`, 'command')).json().employees).to.equal(30)
      expect((await patch(`/api/v1/units/${unit.id}`, { employees: 31 }, 'street1')).statusCode).to.equal(400)
      // moving it out of the caller's jurisdiction is a 403 naming communityCode
      const out = await patch(`/api/v1/units/${unit.id}`, { version: 2, communityCode: OTHER_STREET_COMMUNITY }, 'street1')
      expect(out.statusCode).to.equal(403)
      expect(fieldsOf(out)).to.deep.equal(['communityCode'])
    })

    it('keeps rows outside the jurisdiction out: 404 on read, 403 on a write placing a row there', async () => {
      expect((await get(`/api/v1/units/${unit.id}`, 'street2')).statusCode).to.equal(404)
      expect((await patch(`/api/v1/units/${unit.id}`, { version: 2, employees: 1 }, 'street2')).statusCode).to.equal(404)
      const res = await post('/api/v1/units', { name: '越界公司', kind: 'shop', creditCode: newCreditCode(), communityCode: COMMUNITY }, 'street2')
      expect(res.statusCode).to.equal(403)
      expect(fieldsOf(res)).to.deep.equal(['communityCode'])
      const list = (await get('/api/v1/units?limit=500&q=示范市测试科技', 'street2')).json()
      expect(list.items).to.deep.equal([])
      expect((await get('/api/v1/units?q=示范市测试科技', 'district')).json().items.map((i: { id: number }) => i.id)).to.include(unit.id)
    })
  })

  describe('roles', () => {
    it('lets the staff, departments and analysts read, only the staff write, nobody else', async () => {
      for (const who of ['command', 'district', 'street1', 'community', 'inspector', 'department', 'analyst']) {
        expect((await get('/api/v1/places?limit=1', who)).statusCode, who).to.equal(200)
      }
      expect((await get('/api/v1/places', 'auditor')).statusCode).to.equal(403)
      expect((await w.client.get('/api/v1/organisations')).statusCode).to.equal(401)
      for (const who of ['analyst', 'department']) {
        expect((await post('/api/v1/organisations', { name: '测试协会', kind: 'social_group', communityCode: COMMUNITY }, who)).statusCode, who).to.equal(403)
      }
    })
  })

  describe('lists', () => {
    it('pages a community by cursor: every row once, as many as the table holds there', async () => {
      const seen: number[] = []
      let url: string | null = `/api/v1/places?community=${COMMUNITY}&limit=7`
      while (url) {
        const res = await get(url, 'street1')
        expect(res.statusCode, res.body).to.equal(200)
        const body = res.json() as { items: { id: number; communityCode: string }[]; next: string | null }
        seen.push(...body.items.map((i) => i.id))
        expect(body.items.every((i) => i.communityCode === COMMUNITY)).to.equal(true)
        url = body.next ? `/api/v1/places?community=${COMMUNITY}&limit=7&cursor=${body.next}` : null
      }
      const n = Number((await w.knex('place').where({ community_code: COMMUNITY }).count<{ n: string }[]>('* as n'))[0]!.n)
      expect(n).to.be.greaterThan(0)
      expect(seen.length).to.equal(n)
      expect(new Set(seen).size).to.equal(n)
    })

    it('filters by grid, kind and a name search (wildcards are literal)', async () => {
      const [row] = await w.knex('place').whereNotNull('grid_code').where('community_code', 'like', '990102001%').orderBy('id').limit(1)
      const byGrid = (await get(`/api/v1/places?grid=${row.grid_code}&limit=500`, 'street1')).json().items
      const n = Number((await w.knex('place').where({ grid_code: row.grid_code }).count<{ n: string }[]>('* as n'))[0]!.n)
      expect(byGrid).to.have.length(n)
      const schools = (await get('/api/v1/places?kind=school&limit=500', 'command')).json().items
      expect(schools.length).to.be.greaterThan(0)
      expect(schools.every((s: { kind: string }) => s.kind === 'school')).to.equal(true)
      expect((await get(`/api/v1/places?q=${encodeURIComponent('%')}`, 'command')).json().items).to.deep.equal([])
      expect((await get(`/api/v1/places?q=${encodeURIComponent(row.name)}`, 'command')).json().items.map((i: { id: number }) => i.id)).to.include(Number(row.id))
    })
  })

  describe('bad input', () => {
    it('names the field of each broken, hostile or oversized input', async () => {
      const cases: [string, unknown, string][] = [
        ['/api/v1/places', { name: 'x'.repeat(101), kind: 'school', communityCode: COMMUNITY }, 'name'],
        ['/api/v1/places', { name: '某小学', kind: 'castle', communityCode: COMMUNITY }, 'kind'],
        ['/api/v1/places', { name: '某市场', kind: 'market', communityCode: COMMUNITY, surroundingsRadiusM: 200 }, 'surroundingsRadiusM'],
        ['/api/v1/places', { name: '某小学', kind: 'school', communityCode: COMMUNITY, surroundingsRadiusM: 1e9 }, 'surroundingsRadiusM'],
        ['/api/v1/places', { name: '某小学', kind: 'school', communityCode: COMMUNITY, managerPhone: '12345' }, 'managerPhone'],
        ['/api/v1/places', { name: '某小学', kind: 'school', lon: 117 }, 'lat'],
        ['/api/v1/places', { name: '某小学', kind: 'school', lon: 'DROP TABLE place', lat: 36 }, 'lon'],
        ['/api/v1/places', { name: '某小学', kind: 'school', communityCode: "990102001001' OR 1=1" }, 'communityCode'],
        ['/api/v1/places', { name: '某小学', kind: 'school', communityCode: COMMUNITY, isAdmin: true }, '(root)'],
        ['/api/v1/places', { name: '某小学', kind: 'school' }, 'communityCode'],
        ['/api/v1/places', { name: '某小学', kind: 'school', communityCode: '990102001999' }, 'communityCode'],
        ['/api/v1/places', { name: '某小学', kind: 'school', lon: 120.5, lat: 10 }, 'communityCode'],
        ['/api/v1/organisations', { name: '某协会', kind: 'social_group', communityCode: COMMUNITY, creditCode: '51990102MA00000000' }, 'creditCode'],
        ['/api/v1/organisations', { name: '某协会', kind: 'social_group', communityCode: COMMUNITY, members: -1 }, 'members'],
        ['/api/v1/units', { name: '某店', kind: 'shop', communityCode: COMMUNITY, creditCode: null }, 'creditCode'],
      ]
      for (const [url, body, field] of cases) {
        const res = await post(url, body, 'street1')
        expect(res.statusCode, `${JSON.stringify(body).slice(0, 80)} ${res.body}`).to.be.within(400, 404)
        expect(fieldsOf(res), JSON.stringify(body).slice(0, 80)).to.include(field)
      }
      for (const [url, field] of [['/api/v1/places?limit=100000', 'limit'], ['/api/v1/places?cursor=garbage', 'cursor'], ['/api/v1/places?grid=1', 'grid'],
        ['/api/v1/places?limit=1&limit=2', 'limit'], ['/api/v1/places?kind=castle', 'kind'], [`/api/v1/places?q=${'x'.repeat(51)}`, 'q'], ['/api/v1/places?evil=1', '(root)']] as const) {
        const res = await get(url, 'street1')
        expect(res.statusCode, url).to.equal(400)
        expect(fieldsOf(res), url).to.include(field)
      }
      for (const id of ['abc', '0', '-1', '99999999999999999999']) expect((await get(`/api/v1/places/${id}`, 'street1')).statusCode, id).to.equal(400)
      expect((await get('/api/v1/places/999999999', 'street1')).statusCode).to.equal(404)
      // a hostile name is stored and returned verbatim, not executed
      const hostile = "'); DELETE FROM place; -- <script>"
      const res = await post('/api/v1/organisations', { name: hostile, kind: 'community_org', communityCode: COMMUNITY }, 'street1')
      expect(res.statusCode, res.body).to.equal(201)
      expect(res.json().name).to.equal(hostile)
      expect(Number((await w.knex('place').count<{ n: string }[]>('* as n'))[0]!.n)).to.be.greaterThan(0)
      const big = await w.client.request({ method: 'POST', url: '/api/v1/places', headers: { ...w.as.street1, 'content-type': 'application/json' }, payload: JSON.stringify({ name: '某', kind: 'school', note: 'x'.repeat(5_000_000) }) })
      expect(big.statusCode).to.be.within(400, 413)
    })
  })

  describe('layers', () => {
    it('registers places, units and organisations, readable by the register roles, without personal attributes', async () => {
      const cat = w.client.context.catalogue
      const personal = PERSONAL_FIELDS.map((f) => f.column)
      for (const id of ['places', 'units', 'organisations']) {
        const layer = cat.get(id)
        expect(layer, id).to.not.equal(undefined)
        expect(layer!.readRoles).to.include('gis_analyst')
        for (const a of layer!.attributes) {
          for (const col of personal.filter((c) => c.startsWith(`${layer!.table}.`))) expect(a.sql, `${id}.${a.name}`).to.not.include(`t.${col.split('.')[1]}`)
        }
      }
      // positive control: the personal columns of these tables are classified
      expect(personal).to.include.members(['place.manager_phone', 'unit.legal_person', 'unit.contact_phone', 'organisation.legal_person'])
      const res = await w.client.get('/ogc/features/collections/units/items?limit=5', w.as.analyst)
      expect(res.statusCode, res.body.slice(0, 300)).to.equal(200)
      const props = JSON.stringify(res.json().features.map((f: { properties: unknown }) => f.properties))
      expect(props).to.include('credit_code')
      expect(props).to.not.match(/legal_person|contact/)
      // tiles (single features at z15, clusters at z10) and WFS answer for the analyst without a server error
      const { rows } = await w.knex.raw('SELECT ST_X(geom) AS lon, ST_Y(geom) AS lat FROM unit WHERE geom IS NOT NULL ORDER BY id LIMIT 1')
      const tile = (z: number) => {
        const n = 2 ** z
        const x = Math.floor((rows[0].lon + 180) / 360 * n)
        const lat = rows[0].lat * Math.PI / 180
        const y = Math.floor((1 - Math.log(Math.tan(lat) + 1 / Math.cos(lat)) / Math.PI) / 2 * n)
        return `/tiles/units/${z}/${x}/${y}.mvt`
      }
      for (const z of [15, 10]) {
        const t = await w.client.get(tile(z), w.as.analyst)
        expect(t.statusCode, `${tile(z)} ${t.body.slice(0, 200)}`).to.equal(200)
        expect(t.rawPayload.length, tile(z)).to.be.greaterThan(0)
      }
      const wfs = await w.client.get('/ogc/wfs?service=WFS&version=2.0.0&request=GetFeature&typeNames=places&count=3&outputFormat=application/json', w.as.analyst)
      expect(wfs.statusCode, wfs.body.slice(0, 300)).to.equal(200)
      expect(wfs.body).to.not.match(/manager_/)
    })
  })
})
