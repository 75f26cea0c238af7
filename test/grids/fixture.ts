// Test communities for the grid tests, away from the demo city (which lies west of 116.02°E) so
// that nothing here touches the demo grids other tests read:
//   A 990102001190 (street 永安街道, inside the demo user street1's jurisdiction)
//     116.100-116.110°E × 36.500-36.510°N
//   B 990102003190 (street 崇文街道, outside street1's jurisdiction), east of A, sharing its edge
//     116.110-116.120°E × 36.500-36.510°N
// setUp() creates them, tearDown() removes them with every grid, assignment and member made in
// them, so each test file starts from empty communities.
import type { Knex } from 'knex'
import type { Position } from 'geojson'

export const A = '990102001190'
export const B = '990102003190'
export const CHENGGUAN = '110100'
export const ZONGZHI = '120100'

/** A closed counter-clockwise rectangle ring. */
export function rect(x0: number, y0: number, x1: number, y1: number): Position[] {
  return [[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]
}

export function polygon(x0: number, y0: number, x1: number, y1: number) {
  return { type: 'Polygon' as const, coordinates: [rect(x0, y0, x1, y1)] }
}

export function gridFeature(properties: Record<string, unknown>, geometry: unknown) {
  return { type: 'Feature', properties, geometry }
}

const divisions = [
  { code: A, name: '测试甲社区', parent_code: '990102001000', box: [116.1, 36.5, 116.11, 36.51] },
  { code: B, name: '测试乙社区', parent_code: '990102003000', box: [116.11, 36.5, 116.12, 36.51] },
]

export async function setUp(knex: Knex): Promise<void> {
  await tearDown(knex)
  for (const d of divisions) {
    const [x0, y0, x1, y1] = d.box as [number, number, number, number]
    await knex('admin_division').insert({
      code: d.code, level: 'community', name: d.name, parent_code: d.parent_code, city_code: '990100',
      geom: knex.raw('ST_Multi(ST_SetSRID(ST_GeomFromGeoJSON(?), 4490))', [JSON.stringify(polygon(x0, y0, x1, y1))]),
    })
  }
}

export async function tearDown(knex: Knex): Promise<void> {
  const codes = divisions.map((d) => d.code)
  const gridCodes = knex('grid').whereIn('community_code', codes).select('code')
  await knex('grid_assignment').whereIn('grid_code', gridCodes).delete()
  await knex('grid_member').whereIn('community_code', codes).delete()
  await knex('grid').whereIn('community_code', codes).delete()
  await knex('component').whereIn('community_code', codes).delete()
  await knex('admin_division').whereIn('code', codes).delete()
}

/** Inserts a grid directly (test set-up), bypassing the API. */
export async function insertGrid(knex: Knex, g: { code: string; kind?: string; industryType?: string | null; community: string; box: [number, number, number, number] }) {
  await knex('grid').insert({
    code: g.code, kind: g.kind ?? 'base', industry_type: g.industryType ?? null, name: `测试网格${g.code.slice(-3)}`,
    community_code: g.community, city_code: '990100',
    geom: knex.raw('ST_Multi(ST_SetSRID(ST_GeomFromGeoJSON(?), 4490))', [JSON.stringify(polygon(...g.box))]),
  })
}
