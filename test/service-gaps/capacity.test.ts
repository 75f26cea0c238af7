// Service gaps, round two: the services as versioned configuration (/api/v1/config/service-kinds,
// read as in force at ?at=, the request's reach as an override) and capacity weighed by 2SFCA. The
// city case recomputes every car park's catchment and every community's accessibility with the
// independent walk (independent.ts): residents grouped by their point in Node, each facility's
// walks by a plain Dijkstra, the two steps as loops, at a reach that no home lies within 0.3 m of.
import { expect } from 'chai'
import type { Knex } from 'knex'
import { getTestContext } from '../support/db.ts'
import { testClient, loginAs, type Client } from '../support/http.ts'
import { independentNetwork } from './independent.ts'

const STREET = '990102001000'
const COMMUNITY = '990102001001'
const DAY = 86_400_000

interface Cell { kind: string; served: number; capacity: number; accessPer1000: number | null; capacityShort: boolean }
interface Community { code: string; services: Cell[] }

describe('service gaps: configured services and capacity (2SFCA)', function () {
  let knex: Knex
  let client: Client
  const h: Record<string, Record<string, string>> = {}
  let year: number

  before(async () => {
    const ctx = await getTestContext()
    knex = ctx.knex
    client = await testClient(ctx)
    for (const u of ['command', 'street1']) h[u] = await loginAs(client, u)
    year = new Date(Date.now() + 8 * 3_600_000).getUTCFullYear()
  })

  const get = (q: string, who = 'command') => client.get(`/api/v1/analytics/service-gaps?${q}`, h[who])

  it('weighs each car park\'s capacity against the people within its walk as an independent 2SFCA does', async () => {
    const { rows: lines } = await knex.raw(`SELECT ST_AsGeoJSON(d.geom) AS g, ST_Length(CAST(d.geom AS geography)) AS len
      FROM (SELECT (ST_Dump(ST_Node(ST_Collect(ST_SnapToGrid(p.geom, 0.0000001))))).geom FROM road r CROSS JOIN LATERAL ST_Dump(r.geom) p) AS d`) as { rows: { g: string; len: number }[] }
    // the road lengths on the spheroid, as the check takes them: walks then agree to centimetres, not metres
    const net = independentNetwork(lines.map((l) => (JSON.parse(l.g) as { coordinates: number[][] }).coordinates), lines.map((l) => Number(l.len)))
    const { rows: people } = await knex.raw(`SELECT r.community_code AS c, ST_X(coalesce(h.geom, r.geom)) AS lon, ST_Y(coalesce(h.geom, r.geom)) AS lat
      FROM resident r LEFT JOIN house h ON h.id = r.house_id WHERE r.moved_out_at IS NULL AND coalesce(h.geom, r.geom) IS NOT NULL`) as { rows: { c: string; lon: number; lat: number }[] }
    const homes = new Map<string, { c: string; p: number[]; n: number }>()
    for (const r of people) {
      const k = `${r.c}|${r.lon}|${r.lat}`
      homes.set(k, { c: r.c, p: [r.lon, r.lat], n: (homes.get(k)?.n ?? 0) + 1 })
    }
    const list = [...homes.values()]
    const placed = list.map((x) => net.place(x.p))
    const { rows: parks } = await knex.raw(`SELECT ST_X(geom) AS lon, ST_Y(geom) AS lat, capacity FROM place WHERE kind = 'parking'`) as { rows: { lon: number; lat: number; capacity: number | null }[] }
    expect(parks.length).to.be.greaterThan(3)
    expect(parks.every((p) => p.capacity !== null)).to.equal(true)
    const walks = parks.map((p) => net.walks(net.place([p.lon, p.lat]), placed, 1300))
    // a reach that leaves every home clear of its edge by 0.3 m (the access legs, projected there and by haversine here, differ by less)
    const reach = Array.from({ length: 101 }, (_, i) => 700 + 5 * i).find((r) => walks.every((w) => w.every((d) => Math.abs(d - r) > 0.3)))!
    expect(reach, 'a reach clear of every home').to.be.a('number')
    const catchment = walks.map((w) => w.reduce((s, d, i) => s + (d <= reach ? list[i]!.n : 0), 0))
    const ratio = parks.map((p, j) => (catchment[j]! > 0 ? p.capacity! / catchment[j]! : 0))
    const access = list.map((_, i) => walks.reduce((s, w, j) => s + (w[i]! <= reach ? ratio[j]! : 0), 0))
    const byCommunity = new Map<string, { served: number; weighted: number }>()
    list.forEach((x, i) => {
      const t = byCommunity.get(x.c) ?? { served: 0, weighted: 0 }
      t.served += x.n; t.weighted += x.n * access[i]!
      byCommunity.set(x.c, t)
    })

    const r = await get(`reach=${reach}&kinds=parking&year=${year}`)
    expect(r.statusCode, r.body).to.equal(200)
    const a = r.json()
    expect(a.reach).to.equal(reach)
    const k = a.kinds[0]
    expect(k.capacity).to.equal(parks.reduce((s, p) => s + p.capacity!, 0))
    expect(k.capacityUnit).to.equal('车位')
    let checked = 0, short = 0
    for (const c of a.communities as Community[]) {
      const cell = c.services[0]!
      const want = byCommunity.get(c.code)
      if (!want) { expect(cell.accessPer1000).to.equal(null); continue }
      expect(cell.served, c.code).to.equal(want.served)
      const expected = want.weighted / want.served * 1000
      expect(cell.accessPer1000, c.code).to.be.closeTo(expected, 0.0006)
      expect(cell.capacityShort, c.code).to.equal(expected < k.minAccessPer1000)
      checked++
      if (cell.capacityShort) short++
    }
    expect(checked).to.be.greaterThan(5)
    expect(short, 'some community short, some not').to.be.within(1, checked - 1)
    expect(k.communitiesShort).to.equal(short)
    // the catchments cross the area's edge: a street's communities read the same as in the city's answer
    const street = (await get(`area=${STREET}&reach=${reach}&kinds=parking&year=${year}`)).json()
    for (const c of street.communities as Community[]) {
      expect(c.services[0]!.accessPer1000, c.code).to.equal((a.communities as Community[]).find((x) => x.code === c.code)!.services[0]!.accessPer1000)
    }
    // and the report shows the same figures on its map
    const html = (await client.get(`/api/v1/reports/service-gaps/${year}?area=${STREET}&reach=${reach}`, h.command)).body as string
    expect(html).to.include('每千人可达容量')
    const map = /<svg[^>]*class="gap-map" data-kind="parking"[\s\S]*?<\/svg>/.exec(html)![0]
    const shown = [...map.matchAll(/data-code="(\d+)" data-share="[\d.]*" data-lacking="(?:true|false)" data-access="([\d.]*)" data-short="(true|false)"/g)]
    expect(shown.map((s) => s[1])).to.deep.equal(street.communities.map((c: Community) => c.code))
    shown.forEach((s, i) => {
      const cell = (street.communities as Community[])[i]!.services.find((x) => x.kind === 'parking')!
      expect(s[2] === '' ? null : Number(s[2])).to.equal(cell.accessPer1000)
      expect(s[3]).to.equal(String(cell.capacityShort))
    })
    expect((map.match(/class="gap-short"/g) ?? []).length).to.equal(street.kinds.find((x: { kind: string }) => x.kind === 'parking').communitiesShort)
  })

  it('reads reach and thresholds from the configuration in force at ?at=, the request overriding them', async () => {
    const list = await client.get('/api/v1/config/service-kinds', h.command)
    expect(list.statusCode).to.equal(200)
    const items = list.json().items as { key: string; id: number; value: { reachM: number } }[]
    expect(items.map((i) => i.key).sort()).to.deep.equal(['clinic', 'convenience_store', 'elderly_care', 'parking'])
    const clinic = items.find((i) => i.key === 'clinic')!
    const from = new Date(Date.now() + 2 * DAY)
    const later = await client.post('/api/v1/config/service-kinds/clinic/versions', {
      name: '社区卫生服务站/诊所', serves: 'all', reachM: 400, demandClasses: ['9901'], minShare: 0.5, capacityUnit: '执业医师', minAccessPer1000: 0.6,
      effectiveFrom: from.toISOString(), reason: '测试：按新规划缩短步行范围',
    }, h.command)
    expect(later.statusCode, later.body).to.equal(201)
    const q = `area=${COMMUNITY}&kinds=clinic&year=${year}`
    const now = (await get(q)).json()
    expect(now.kinds[0]).to.include({ reach: clinic.value.reachM, configVersion: clinic.id })
    const then = (await get(`${q}&at=${encodeURIComponent(new Date(from.getTime() + DAY).toISOString())}`)).json()
    expect(then.kinds[0]).to.include({ reach: 400, minShare: 0.5, minAccessPer1000: 0.6, configVersion: later.json().id })
    expect(then.communities[0].services[0].lacking).to.equal(then.communities[0].services[0].servedInReach / then.communities[0].services[0].served < 0.5)
    const overridden = (await get(`${q}&reach=700&at=${encodeURIComponent(new Date(from.getTime() + DAY).toISOString())}`)).json()
    expect(overridden.kinds[0]).to.include({ reach: 700, minShare: 0.5 })
  })

  it('refuses a reach out of range, an unknown kind, a bad moment, naming the field', async () => {
    const body = { name: '游泳馆', serves: 'all', reachM: 1000, minShare: 0.8, capacityUnit: '泳道', reason: '测试' }
    const unknown = await client.post('/api/v1/config/service-kinds', { key: 'swimming_pool', ...body }, h.command)
    expect(unknown.statusCode).to.equal(400)
    expect(unknown.body).to.include('key')
    for (const [patch, field] of [[{ reachM: 50 }, 'reachM'], [{ reachM: 5001 }, 'reachM'], [{ serves: 'children' }, 'serves'], [{ minShare: 1.2 }, 'minShare'],
      [{ demandClasses: ['05'] }, 'demandClasses'], [{ colour: 'red' }, 'colour']] as const) {
      const r = await client.post('/api/v1/config/service-kinds/parking/versions', { ...body, ...patch }, h.command)
      expect(r.statusCode, field).to.equal(400)
      expect(r.body, field).to.include(field)
    }
    expect((await client.post('/api/v1/config/service-kinds/parking/versions', body, h.street1)).statusCode).to.equal(403)
    for (const [qs, field] of [['reach=99', 'reach'], ['at=yesterday', 'at'], ['kinds=school', 'kinds']] as const) {
      const r = await get(qs)
      expect(r.statusCode, qs).to.equal(400)
      expect(r.body, qs).to.include(field)
    }
    // a kind of the places register that is not configured is named as such, in Chinese too
    const zh = await client.get('/api/v1/analytics/service-gaps?kinds=school', { ...h.command, 'accept-language': 'zh-CN' })
    expect(zh.body).to.include('未配置')
  })
})
