// Precomputed cluster cells (point_cluster, migration 0015) against counting the points per
// request: the same clusters on every cluster zoom, kept current by writes, and cut to the
// caller's jurisdiction.
import { expect } from 'chai'
import type { Knex } from 'knex'
import type pg from 'pg'
import { getTestDb } from '../support/db.ts'
import { loadCatalogue, type LayerDef } from '../../tiles/catalogue.ts'
import { buildLayerStatement } from '../../tiles/layersql.ts'
import { tileAt } from './support.ts'
import { pointIn, uniq } from '../events/helpers.ts'
import { loginAs, testClient } from '../support/http.ts'
import { openStatuses, statuses } from '../../server/events/workflow.ts'

interface Cluster { point_count: number; geom: string }

describe('tiles: precomputed clusters', function () {
  let knex: Knex
  let layers: LayerDef[]

  /** Runs a layer's cluster rows statement (the Node encoder's form: it runs on both engines). */
  async function clusters(layer: LayerDef, t: { z: number; x: number; y: number }, patterns: string[], fresh: boolean): Promise<Cluster[]> {
    const st = buildLayerStatement(layer, 'node', 'clusters', fresh)
    const conn = await knex.client.acquireConnection() as pg.Client
    try {
      const { rows } = await conn.query(st.text, [t.z, t.x, t.y, patterns])
      return (rows as Cluster[]).map((r) => ({ point_count: Number(r.point_count), geom: r.geom }))
        .sort((a, b) => a.geom.localeCompare(b.geom) || a.point_count - b.point_count)
    } finally {
      await knex.client.releaseConnection(conn)
    }
  }
  const pixel = (c: Cluster) => JSON.parse(c.geom).coordinates as [number, number]

  /** Precomputed and fresh clusters of a tile agree: same counts per cell, points within a pixel. */
  async function expectParity(layer: LayerDef, t: { z: number; x: number; y: number }, patterns: string[]) {
    const [pre, fresh] = await Promise.all([clusters(layer, t, patterns, false), clusters(layer, t, patterns, true)])
    expect(pre.length, `${layer.id} ${t.z}/${t.x}/${t.y}`).to.equal(fresh.length)
    const cell = (c: Cluster) => pixel(c).map((v) => Math.floor(v / 256)).join('/')
    const byCell = new Map(fresh.map((c) => [cell(c), c]))
    for (const c of pre) {
      const f = byCell.get(cell(c))
      expect(f, `${layer.id} cell ${cell(c)}`).to.not.equal(undefined)
      expect(c.point_count).to.equal(f!.point_count)
      const [a, b] = [pixel(c), pixel(f!)]
      expect(Math.hypot(a[0] - b[0], a[1] - b[1])).to.be.at.most(1.5)
    }
    return pre.reduce((n, c) => n + c.point_count, 0)
  }

  before(async () => {
    knex = await getTestDb()
    layers = (await loadCatalogue(knex)).layers.filter((l) => l.precomputedClusters)
  })

  it('the migration keeps exactly the catalogue\'s precomputed layers, on their cluster zooms', async () => {
    const rows = await knex('point_cluster_layer').orderBy('layer').select('layer', 'zmin', 'zmax')
    expect(rows).to.deep.equal(layers.map((l) => ({ layer: l.id, zmin: l.clusterMinZoom, zmax: l.minZoom - 1 }))
      .sort((a, b) => a.layer.localeCompare(b.layer)))
    for (const l of layers) expect(l.where, `${l.id}: the migration's source view repeats this filter`).to.be.oneOf(['true', 't.level = 50', 'event_is_open(t.status)'])
  })

  it('event_is_open() is the workflow\'s list of open statuses', async () => {
    const { rows } = await knex.raw('SELECT s, event_is_open(s) AS open FROM unnest(?::text[]) s', [[...statuses]])
    expect(rows.filter((r: { open: boolean }) => r.open).map((r: { s: string }) => r.s)).to.deep.equal([...openStatuses])
  })

  it('gives the same clusters as counting the points, on every cluster zoom, city-wide and per street', async () => {
    const centre = await pointIn(knex, '990102001001')
    let checked = 0
    for (const layer of layers) {
      for (let z = layer.clusterMinZoom!; z < layer.minZoom; z++) {
        const t = tileAt(centre.lon, centre.lat, z)
        for (const tile of [t, { z, x: t.x + 1, y: t.y }, { z, x: t.x, y: t.y + 1 }]) {
          const total = await expectParity(layer, tile, ['9901%'])
          await expectParity(layer, tile, ['990102001%'])
          if (tile === t && layer.id !== 'events') expect(total, `${layer.id} z${z}`).to.be.greaterThan(0)
          checked++
        }
      }
    }
    expect(checked).to.be.greaterThan(20)
  })

  it('follows writes: a bulk insert, an update moving points, a delete; and events as they are reported', async () => {
    const layer = layers.find((l) => l.id === 'components')!
    const p = await pointIn(knex, '990102001001', 3)
    const t = tileAt(p.lon, p.lat, 10)
    const before = await expectParity(layer, t, ['9901%'])
    const grid = p.grid
    const { rows: cls } = await knex.raw('SELECT code FROM component_class ORDER BY code LIMIT 1')
    // 16-digit ids: district (6) + class (4) + sequence (6), far above the demo's own
    const ids = Array.from({ length: 5 }, (_, i) => `990102${cls[0].code}${String(990_000 + i)}`)
    await knex('component').insert(ids.map((id, i) => ({ id, class_code: cls[0].code, name: uniq('测试井盖'), state: '完好', grid_code: grid,
      community_code: '990102001001', city_code: '990100', geom: knex.raw('ST_SetSRID(ST_MakePoint(?, ?), 4490)', [p.lon + i * 1e-5, p.lat]) })))
    try {
      expect(await expectParity(layer, t, ['9901%'])).to.equal(before + 5)
      await knex('component').whereIn('id', ids).update({ geom: knex.raw('ST_SetSRID(ST_MakePoint(?, ?), 4490)', [p.lon + 0.3, p.lat + 0.3]) })
      expect(await expectParity(layer, t, ['9901%'])).to.equal(before)
    } finally {
      await knex('component').whereIn('id', ids).delete()
    }
    expect(await expectParity(layer, t, ['9901%'])).to.equal(before)

    const events = layers.find((l) => l.id === 'events')!
    const client = await testClient()
    const command = await loginAs(client, 'command')
    const et = tileAt(p.lon, p.lat, 9)
    const n0 = await expectParity(events, et, ['9901%'])
    for (let i = 0; i < 3; i++) {
      const res = await client.post('/api/v1/events', { channel: 'superior', demandType: '投诉举报', classCode: '0102',
        description: uniq('聚合测试'), location: { x: p.lon, y: p.lat } }, command)
      expect(res.statusCode, res.body).to.equal(201)
    }
    expect(await expectParity(events, et, ['9901%'])).to.equal(n0 + 3)
    // a transition between open statuses changes no count; voiding one (no longer in progress) does
    const [one, two] = await knex('event').orderBy('id', 'desc').limit(2).pluck('number')
    const sign = await client.post(`/api/v1/events/${one}/transitions`, { action: 'sign' }, await loginAs(client, 'department'))
    expect(sign.statusCode, sign.body).to.equal(200)
    expect(await expectParity(events, et, ['9901%'])).to.equal(n0 + 3)
    const voided = await client.post(`/api/v1/events/${one}/transitions`, { action: 'void', duplicateOf: two }, command)
    expect(voided.statusCode, voided.body).to.equal(200)
    expect(await expectParity(events, et, ['9901%'])).to.equal(n0 + 2)
  })

  it('counts only what the caller may see', async () => {
    const layer = layers.find((l) => l.id === 'components')!
    const { rows } = await knex.raw(`SELECT ST_X(ST_Centroid(geom)) AS lon, ST_Y(ST_Centroid(geom)) AS lat FROM admin_division WHERE code = '990102000000'`)
    const t = tileAt(rows[0].lon, rows[0].lat, 10)
    const all = await expectParity(layer, t, ['9901%'])
    const street1 = await expectParity(layer, t, ['990102001%'])
    const street2 = await expectParity(layer, t, ['990102002%'])
    expect(street1).to.be.greaterThan(0)
    expect(street1 + street2).to.be.at.most(all)
    expect(await expectParity(layer, t, ['nothing'])).to.equal(0)
  })
})
