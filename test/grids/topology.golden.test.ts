// Golden topology verdicts: every test/grids/in/<case>.json is sent to POST /api/v1/grids/check
// (with its optional crs) against a fixed state of test community A (a base grid on its west
// half, a chengguan industry grid over all of it), and the answer must equal
// test/grids/out/<case>.json. UPDATE_GOLDEN=1 rewrites the expected files.
// Locations are compared in a canonical form (rings start at their smallest vertex, parts
// sorted, 6 decimals) so that GEOS versions that order vertices differently agree.
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { expect } from 'chai'
import type { Knex } from 'knex'
import { testClient, loginAs, type Client } from '../support/http.ts'
import { RULE_NAMES } from '../../server/grids/topology.ts'
import { A, CHENGGUAN, insertGrid, setUp, tearDown } from './fixture.ts'

const here = path.dirname(fileURLToPath(import.meta.url))
const inDir = path.join(here, 'in')
const outDir = path.join(here, 'out')
const update = process.env.UPDATE_GOLDEN === '1'

type Json = unknown

function canonicalRing(ring: number[][]): number[][] {
  const pts = ring.slice(0, -1).map((p) => p.map((v) => Math.round(v * 1e6) / 1e6))
  let best = 0
  pts.forEach((p, i) => { if (p[0]! < pts[best]![0]! || (p[0] === pts[best]![0] && p[1]! < pts[best]![1]!)) best = i })
  const rotated = [...pts.slice(best), ...pts.slice(0, best)]
  return [...rotated, rotated[0]!]
}

/** A canonical form of a GeoJSON geometry: polygons as sorted lists of rotated rings. */
function canonical(g: Json): Json {
  const geom = g as { type: string; coordinates: unknown } | null
  if (!geom) return null
  if (geom.type === 'Point') return { type: 'Point', coordinates: (geom.coordinates as number[]).map((v) => Math.round(v * 1e6) / 1e6) }
  const polys = geom.type === 'Polygon' ? [geom.coordinates as number[][][]] : geom.type === 'MultiPolygon' ? geom.coordinates as number[][][][] : null
  if (!polys) return geom
  const parts = polys.map((rings) => rings.map(canonicalRing)).sort((a, b) => JSON.stringify(a) < JSON.stringify(b) ? -1 : 1)
  return { type: 'MultiPolygon', coordinates: parts }
}

function normalise(status: number, body: Record<string, unknown>): Json {
  if (status !== 200) {
    return { status, type: body.type, detail: body.detail, ...(body.problems ? { problems: body.problems } : {}), ...(body.errors ? { errors: body.errors } : {}) }
  }
  const violations = (body.violations as Record<string, unknown>[]).map((v) => ({ ...v, location: canonical(v.location) }))
  return { status, valid: body.valid, violations }
}

describe('grid topology golden verdicts', () => {
  let client: Client
  let knex: Knex
  let auth: Record<string, string>
  const seenRules = new Set<string>()
  const cases = fs.readdirSync(inDir).filter((f) => f.endsWith('.json')).sort()

  before(async () => {
    client = await testClient()
    knex = client.context.knex
    await setUp(knex)
    await insertGrid(knex, { code: `${A}001`, community: A, box: [116.1, 36.5, 116.105, 36.51] })
    await insertGrid(knex, { code: `${CHENGGUAN}${A}01`, kind: 'industry', industryType: 'chengguan', community: A, box: [116.1, 36.5, 116.11, 36.51] })
    auth = await loginAs(client, 'analyst')
    if (update) fs.mkdirSync(outDir, { recursive: true })
  })
  after(async () => tearDown(knex))

  for (const file of cases) {
    it(file.replace(/\.json$/, ''), async () => {
      const input = JSON.parse(fs.readFileSync(path.join(inDir, file), 'utf8')) as { crs?: string; body: unknown }
      const url = `/api/v1/grids/check${input.crs ? `?crs=${encodeURIComponent(input.crs)}` : ''}`
      const res = await client.post(url, input.body, auth)
      const actual = normalise(res.statusCode, res.json())
      for (const v of (res.json().violations ?? []) as { rule: string }[]) seenRules.add(v.rule)
      const outFile = path.join(outDir, file)
      if (update) fs.writeFileSync(outFile, `${JSON.stringify(actual, null, 1)}\n`)
      expect(actual).to.deep.equal(JSON.parse(fs.readFileSync(outFile, 'utf8')))
    })
  }

  it('the golden cases violate every rule at least once', () => {
    expect([...seenRules].sort()).to.deep.equal([...RULE_NAMES].sort())
  })

  it('nothing was written by the checks', async () => {
    const rows = await knex('grid').where('community_code', A).count<{ count: number }[]>('* as count')
    expect(Number(rows[0]!.count)).to.equal(2)
  })
})
