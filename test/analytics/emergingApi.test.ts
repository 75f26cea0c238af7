// GET /api/v1/analytics/emerging-hotspots: counts per cell and step against h3-js binning of the
// event points read back, the cube's z-scores against the dense textbook reference, a cluster
// that appears in the final week found as a new hot spot, jurisdiction and bad input.
import { expect } from 'chai'
import type { Knex } from 'knex'
import { cellToParent, latLngToCell } from 'h3-js'
import { testClient, loginAs, type Client } from '../support/http.ts'
import { insertEvents, placeEvents, type PlacedEvent } from './heatmapSupport.ts'
import { denseWeights, reference } from './gistarSupport.ts'

const C1 = '990102001001' // street1, the new cluster
const C2 = '990102002001' // street2, a steady background
const STREET1 = '990102001000'
// a window of its own (other analytics tests use 2019-2021): six weeks ending 2018-03-05
const FROM = '2018-01-22T00:00:00+08:00'
const TO = '2018-03-05T00:00:00+08:00'
const WINDOW = `from=${encodeURIComponent(FROM)}&to=${encodeURIComponent(TO)}`
const WEEK = 7 * 86_400_000

interface Props { h3: string; category: string; code: number; label: string; trendZ: number; trendP: number; trendS: number; hotSteps: number; coldSteps: number; counts: number[]; z: number[]; bin: number[] }
interface Fc { type: string; resolution: number; k: number; step: string; timeWindow: number; from: string; to: string; steps: { from: string; to: string }[]; cells: number; total: number; constant: boolean; summary: Record<string, number>; features: { id: string; geometry: { type: string }; properties: Props }[] }

describe('analytics emerging hot spots API', () => {
  let client: Client
  let knex: Knex
  let analyst: Record<string, string>
  let street1: Record<string, string>
  const get = (q: string, h: Record<string, string>) => client.get(`/api/v1/analytics/emerging-hotspots?${q}`, h)

  /** Event points of the window read back, binned with h3-js and by week in Node: "cell step" → count. */
  async function binned(res: number, prefix = ''): Promise<Map<string, number>> {
    const { rows } = await knex.raw(`SELECT ST_X(geom) AS lon, ST_Y(geom) AS lat, created_at FROM event
      WHERE created_at >= ? AND created_at < ? AND community_code LIKE ?`, [FROM, TO, `${prefix}%`])
    const m = new Map<string, number>()
    for (const r of rows as { lon: number; lat: number; created_at: Date }[]) {
      const c = cellToParent(latLngToCell(Number(r.lat), Number(r.lon), 12), res)
      const step = Math.floor((new Date(r.created_at).getTime() - Date.parse(FROM)) / WEEK)
      m.set(`${c} ${step}`, (m.get(`${c} ${step}`) ?? 0) + 1)
    }
    return m
  }

  before(async () => {
    client = await testClient()
    knex = client.context.knex
    ;[analyst, street1] = [await loginAs(client, 'analyst'), await loginAs(client, 'street1')]
    const events: PlacedEvent[] = []
    for (let w = 0; w < 6; w++) {
      const at = new Date(Date.parse(FROM) + w * WEEK + 3 * 86_400_000)
      events.push(...await placeEvents(knex, { community: C2, at }, 12, 40 + w))
    }
    // the cluster: only in the final week
    events.push(...await placeEvents(knex, { community: C1, at: new Date(Date.parse(TO) - 2 * 86_400_000) }, 300, 50))
    // just outside the window on both sides: not counted
    events.push(...await placeEvents(knex, { community: C1, at: new Date(TO) }, 5, 51))
    events.push(...await placeEvents(knex, { community: C1, at: new Date(Date.parse(FROM) - 1000) }, 5, 52))
    await insertEvents(knex, events)
  })

  after(async () => {
    await knex.raw("DELETE FROM event WHERE description = 'analytics test' AND created_at >= ? AND created_at <= ?", ['2018-01-01', '2018-04-01'])
  })

  it('counts each cell and week like h3-js, z-scores equal the dense reference, the new cluster is a new hot spot', async () => {
    const r = await get(`resolution=8&k=1&step=week&${WINDOW}`, analyst)
    expect(r.statusCode, r.body.slice(0, 300)).to.equal(200)
    expect(r.headers['content-type']).to.match(/application\/geo\+json/)
    const fc = r.json() as Fc
    expect(fc).to.include({ type: 'FeatureCollection', resolution: 8, k: 1, step: 'week', timeWindow: 1, constant: false })
    expect(fc.steps.length).to.equal(6)
    expect(fc.from).to.equal(new Date(FROM).toISOString())
    expect(fc.to).to.equal(new Date(TO).toISOString())
    expect(fc.total).to.equal(6 * 12 + 300)
    const ref = await binned(8)
    const cells = fc.features.map((f) => f.id)
    expect(new Set(cells).size).to.equal(cells.length)
    for (const key of ref.keys()) expect(cells).to.include(key.split(' ')[0])
    for (const f of fc.features) {
      expect(f.properties.counts.length).to.equal(6)
      f.properties.counts.forEach((n, t) => expect(n, `${f.id} ${t}`).to.equal(ref.get(`${f.id} ${t}`) ?? 0))
    }
    // the cube's Gi* against the dense reference: disk k = 1 in the same and the previous week
    const n = cells.length, steps = 6
    const w = denseWeights(cells, 1)
    const dense = Array.from({ length: n * steps }, (_, b) => Uint8Array.from({ length: n * steps }, (_, c) => {
      const t = Math.floor(b / n), i = b % n, s = Math.floor(c / n), j = c % n
      return s <= t && t - s <= 1 && w[i]![j] ? 1 : 0
    }))
    const flat: number[] = []
    for (let t = 0; t < steps; t++) for (const f of fc.features) flat.push(f.properties.counts[t]!)
    const want = reference(flat, dense)
    fc.features.forEach((f, i) => f.properties.z.forEach((z, t) => expect(Math.abs(z - want.z[t * n + i]!), `${f.id} ${t}`).to.be.below(1e-9)))
    // the cluster: the cell with the most events in the final week is hot only there
    const top = fc.features.reduce((a, b) => (b.properties.counts[5]! > a.properties.counts[5]! ? b : a))
    expect(top.properties).to.include({ category: 'new_hot', code: 1, label: '新增热点', hotSteps: 1 })
    expect(top.properties.bin[5]).to.be.above(0)
    expect(fc.summary.new_hot).to.be.above(0)
    expect(Object.values(fc.summary).reduce((a, b) => a + b, 0)).to.equal(fc.cells)
  })

  it('keeps to the caller\'s jurisdiction; an area outside it is 403 naming area', async () => {
    const r = await get(`resolution=8&${WINDOW}`, street1)
    expect(r.statusCode, r.body.slice(0, 300)).to.equal(200)
    const fc = r.json() as Fc
    expect(fc.total).to.equal(300)
    const ref = await binned(8, STREET1.slice(0, 9))
    for (const f of fc.features) f.properties.counts.forEach((n, t) => expect(n).to.equal(ref.get(`${f.id} ${t}`) ?? 0))
    const out = await get(`area=${C2}&${WINDOW}`, street1)
    expect(out.statusCode).to.equal(403)
    expect(out.json().errors[0].field).to.equal('area')
  })

  it('months: whole calendar months ending at `to`; without from, twelve steps', async () => {
    const r = await get('resolution=7&step=month&from=2017-12-01&to=2018-04-01', analyst)
    expect(r.statusCode, r.body.slice(0, 300)).to.equal(200)
    const fc = r.json() as Fc
    expect(fc.steps.map((s) => s.from)).to.deep.equal(['2017-12-01', '2018-01-01', '2018-02-01', '2018-03-01']
      .map((d) => new Date(`${d}T00:00:00+08:00`).toISOString()))
    // weekly background on Jan 25, Feb 1, 8, 15, 22, Mar 1; 5 events on Jan 21; the cluster on Mar 3; 5 on Mar 5
    const perMonth = [0, 1, 2, 3].map((t) => fc.features.reduce((a, f) => a + f.properties.counts[t]!, 0))
    expect(perMonth).to.deep.equal([0, 12 + 5, 4 * 12, 12 + 300 + 5])
    const d = await get('resolution=7&step=month&to=2018-04-01', analyst)
    expect(d.statusCode, d.body.slice(0, 300)).to.equal(200)
    expect((d.json() as Fc).steps.length).to.equal(12)
  })

  it('refuses bad input with a 400 naming the parameter', async () => {
    const cases: [string, string][] = [
      ['step=day', 'step'], ['step=', 'step'], ['step=week&step=month', 'step'],
      ['from=2018-01-01&to=2018-01-15', 'from'], ['from=2018-01-01&to=2018-01-15', 'to'],
      ['step=month&from=2018-01-01&to=2018-02-15', 'from'], ['from=2016-01-01&to=2018-01-01', 'to'],
      ['k=0', 'k'], ['k=6', 'k'], ['k=abc', 'k'], ['timeWindow=11', 'timeWindow'], ['timeWindow=-1', 'timeWindow'],
      [`timeWindow=3&${'from=2018-01-01&to=2018-01-22'}`, 'timeWindow'],
      ['resolution=4', 'resolution'], ['resolution=12', 'resolution'], ['class=0777', 'class'],
      ['area=12', 'area'], ['nonsense=1', '(root)'], [`k=${'9'.repeat(5000)}`, 'k'],
    ]
    for (const [q, field] of cases) {
      const r = await get(q, analyst)
      expect(r.statusCode, `${q}: ${r.body.slice(0, 300)}`).to.equal(400)
      expect(r.headers['content-type']).to.match(/problem\+json/)
      expect(r.json().errors.map((e: { field: string }) => e.field), q).to.include(field)
    }
    expect((await client.get(`/api/v1/analytics/emerging-hotspots?${WINDOW}`)).statusCode).to.equal(401)
  })

  it('is described in the OpenAPI document', async () => {
    const doc = (await client.get('/api/v1/openapi.json', analyst)).json()
    const op = doc.paths['/api/v1/analytics/emerging-hotspots'].get
    const names = op.parameters.map((p: { name: string }) => p.name)
    expect(names).to.include.members(['resolution', 'k', 'from', 'to', 'step', 'timeWindow', 'class', 'channel', 'area'])
  })
})
