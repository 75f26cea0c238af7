// The dry run the 网格 panel runs before saving: gaps and slivers left between a drawn grid and
// its neighbours come back as warnings with their location (areas against PostGIS computed
// independently from the expected strip), an edit is judged with the grid it replaces closed,
// codeless grids get the code a create would give, and every version records who wrote it.
import { expect } from 'chai'
import type { Knex } from 'knex'
import { testClient, loginAs, type Client } from '../support/http.ts'
import { A, B, gridFeature, insertGrid, polygon, setUp, tearDown } from './fixture.ts'

interface Verdict { feature: number; code: string; rule: string; otherCode?: string; areaM2?: number; location: unknown }

describe('grids: dry-run check for the drawing panel', () => {
  let client: Client
  let knex: Knex
  let street1: Record<string, string>
  let analyst: Record<string, string>

  before(async () => {
    client = await testClient()
    knex = client.context.knex
    await setUp(knex)
    await insertGrid(knex, { code: `${A}001`, community: A, box: [116.1, 36.5, 116.105, 36.51] })
    await insertGrid(knex, { code: `${B}001`, community: B, box: [116.11, 36.5, 116.115, 36.51] })
    street1 = await loginAs(client, 'street1')
    analyst = await loginAs(client, 'analyst')
  })
  after(async () => tearDown(knex))

  const check = (query: string, body: unknown, auth = street1) =>
    client.request({ method: 'POST', url: `/api/v1/grids/check${query}`, headers: { 'content-type': 'application/json', ...auth }, payload: JSON.stringify(body) })
  const drawn = (x0: number, x1: number, props: Record<string, unknown> = {}) =>
    gridFeature({ name: '新网格', communityCode: A, ...props }, polygon(x0, 36.5, x1, 36.51))

  /** Area (m², ellipsoid) of a box and of the symmetric difference between a GeoJSON geometry and it, by PostGIS. */
  async function reference(box: [number, number, number, number], geometry: unknown): Promise<{ area: number; diff: number }> {
    const r = await knex.raw(`SELECT ST_Area(e::geography) AS area,
        ST_Area(ST_SymDifference(e, ST_SetSRID(ST_GeomFromGeoJSON(?), 4490))::geography) AS diff
      FROM ST_MakeEnvelope(?, ?, ?, ?, 4490) AS e`, [JSON.stringify(geometry), ...box])
    return { area: Number(r.rows[0].area), diff: Number(r.rows[0].diff) }
  }

  it('reports a thin strip left to the neighbour as a sliver, where it is, with its area', async () => {
    const res = await check('?assignCodes=true', drawn(116.10503, 116.11))
    expect(res.statusCode, res.body).to.equal(200)
    const body = res.json() as { valid: boolean; violations: Verdict[]; warnings: Verdict[] }
    expect(body.valid).to.equal(true)
    expect(body.violations).to.deep.equal([])
    expect(body.warnings).to.have.length(1)
    const w = body.warnings[0]!
    expect(w).to.include({ rule: 'sliver_gap', otherCode: `${A}001`, code: `${A}002`, feature: 0 })
    const ref = await reference([116.105, 36.5, 116.10503, 36.51], w.location)
    expect(w.areaM2).to.be.closeTo(ref.area, 0.2)
    expect(ref.diff, 'the location is the strip').to.be.below(0.5)
  })

  it('calls a wider hole enclosed by grids a gap, not an open remainder; a snapped drawing leaves none', async () => {
    // the drawing has a notch 0.0005° × 0.002° on its west side, closed by grid 001's edge
    const notched = gridFeature({ name: '缺口', communityCode: A }, { type: 'Polygon', coordinates: [[[116.105, 36.5], [116.11, 36.5], [116.11, 36.51],
      [116.105, 36.51], [116.105, 36.506], [116.1055, 36.506], [116.1055, 36.504], [116.105, 36.504], [116.105, 36.5]]] })
    const hole = (await check('?assignCodes=true', notched)).json() as { valid: boolean; warnings: Verdict[] }
    expect(hole.valid).to.equal(true)
    expect(hole.warnings.map((w) => [w.rule, w.otherCode])).to.deep.equal([['gap', `${A}001`]])
    const ref = await reference([116.105, 36.504, 116.1055, 36.506], hole.warnings[0]!.location)
    expect(hole.warnings[0]!.areaM2).to.be.closeTo(ref.area, 0.2)
    expect(ref.diff).to.be.below(0.5)
    // 44 m of open land between the drawing and grid 001, reaching the community edge: not a fault
    const open = (await check('?assignCodes=true', drawn(116.1055, 116.11))).json() as { warnings: Verdict[] }
    expect(open.warnings).to.deep.equal([])
    const snapped = (await check('?assignCodes=true', drawn(116.105, 116.11))).json() as { valid: boolean; warnings: Verdict[] }
    expect(snapped).to.deep.include({ valid: true, warnings: [] })
  })

  it('still reports overlaps with their location, and codes only when asked to assign them', async () => {
    const res = (await check('?assignCodes=true', drawn(116.104, 116.11))).json() as { valid: boolean; violations: Verdict[] }
    expect(res.valid).to.equal(false)
    const overlap = res.violations.find((v) => v.rule === 'base_overlap')!
    expect(overlap.otherCode).to.equal(`${A}001`)
    const ref = await reference([116.104, 36.5, 116.105, 36.51], overlap.location)
    expect(overlap.areaM2).to.be.closeTo(ref.area, 0.2)
    const plain = (await check('', drawn(116.105, 116.11))).json() as { violations: Verdict[] }
    expect(plain.violations.map((v) => v.rule)).to.deep.equal(['code_format'])
  })

  it('judges an edit with the grid it replaces closed', async () => {
    const edit = drawn(116.1, 116.106, { code: `${A}001`, name: '测试网格001' })
    const naive = (await check('', edit)).json() as { violations: Verdict[] }
    expect(naive.violations.map((v) => v.rule).sort()).to.deep.equal(['base_overlap', 'code_taken'])
    const res = await check(`?replaces=${A}001`, edit)
    expect(res.statusCode, res.body).to.equal(200)
    expect(res.json()).to.deep.include({ valid: true, violations: [] })
    // nothing was written: the grid is still current, in its old boundary
    const row = await knex('grid').where({ code: `${A}001` }).whereNull('valid_to').select(knex.raw('ST_XMax(geom) AS x'))
    expect(row.map((r: { x: number }) => Number(r.x))).to.deep.equal([116.105])
  })

  it('answers 404 for a replaced grid outside the jurisdiction, and lets any reader check', async () => {
    const res = await check(`?replaces=${B}001`, gridFeature({ name: '乙', code: `${B}001` }, polygon(116.11, 36.5, 116.116, 36.51)))
    expect(res.statusCode).to.equal(404)
    expect(res.json().detail).to.not.include('116')
    const ok = await check(`?replaces=${B}001`, gridFeature({ name: '乙', code: `${B}001` }, polygon(116.11, 36.5, 116.116, 36.51)), analyst)
    expect(ok.statusCode, ok.body).to.equal(200)
    const inspector = await loginAs(client, 'inspector')
    expect((await check('?assignCodes=true', drawn(116.105, 116.11), inspector)).statusCode).to.equal(200)
  })

  for (const [query, field] of [
    ['?replaces=abc', 'replaces'], ['?replaces=', 'replaces'], ['?assignCodes=yes', 'assignCodes'],
    [`?replaces=${Array.from({ length: 51 }, () => `${A}001`).join(',')}`, 'replaces'],
    [`?replaces=${A}001&replaces=${A}001`, 'replaces'], ['?replaces=%27%3B%20DROP%20TABLE%20grid%3B--', 'replaces'], ['?bogus=1', 'bogus'],
  ] as const) {
    it(`refuses ${query.slice(0, 40)} naming ${field}`, async () => {
      const res = await check(query, drawn(116.105, 116.11))
      expect(res.statusCode, res.body).to.equal(400)
      expect(JSON.stringify(res.json())).to.include(field)
    })
  }

  it('records who wrote each version', async () => {
    const created = await client.request({ method: 'POST', url: '/api/v1/grids', headers: { 'content-type': 'application/json', ...street1 },
      payload: JSON.stringify(drawn(116.105, 116.11)) })
    expect(created.statusCode, created.body).to.equal(201)
    const code = created.json().id as string
    const patched = await client.request({ method: 'PATCH', url: `/api/v1/grids/${code}`, headers: { 'content-type': 'application/json', ...analyst },
      payload: JSON.stringify({ type: 'Feature', geometry: polygon(116.105, 36.5, 116.109, 36.51) }) })
    expect(patched.statusCode, patched.body).to.equal(200)
    const versions = (await client.get(`/api/v1/grids/${code}/versions`, street1)).json().features as { properties: { version: number; changedBy: { username: string; name: string } | null } }[]
    expect(versions.map((v) => [v.properties.version, v.properties.changedBy?.username])).to.deep.equal([[1, 'street1'], [2, 'analyst']])
    const users = await knex('app_user').whereIn('username', ['street1', 'analyst']).orderBy('username', 'desc').pluck('display_name')
    expect(versions.map((v) => v.properties.changedBy?.name)).to.deep.equal(users)
  })
})
