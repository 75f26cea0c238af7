// Test data for the enforcement tests: units and places of the demo city (the places helper's
// demo rows when loaded, otherwise a few made here in two streets), then the enforcement demo.
import type { Knex } from 'knex'
import { loadDemoEnforcement } from '../../fixtures/registers/enforcement.ts'

export const CITY = '990100'
const KINDS = ['enterprise', 'shop', 'individual']
const PLACE_KINDS = ['school', 'market', 'hazardous']

/** A credit code of the right alphabet and length (the CHECK's; these tests do not need the check character). */
const credit = (i: number) => `91990100MA${String(i).padStart(7, '0')}X`.slice(0, 18)

let ready: Promise<Record<string, number>> | undefined

export function enforcementReady(knex: Knex): Promise<Record<string, number>> {
  ready ??= (async () => {
    const have = await knex('unit').where({ city_code: CITY }).count<{ n: number }[]>({ n: '*' })
    if (Number(have[0]!.n) < 40) {
      const communities = await knex('admin_division').where({ city_code: CITY, level: 'community' }).orderBy('code').pluck('code') as string[]
      const grids = await knex('grid').where({ kind: 'base' }).whereNull('valid_to').orderBy('code').select('code', 'community_code') as { code: string; community_code: string }[]
      const gridOf = (c: string) => grids.find((g) => g.community_code === c)?.code ?? null
      const units = Array.from({ length: 90 }, (_, i) => {
        const c = communities[i % communities.length]!
        return { city_code: CITY, community_code: c, grid_code: gridOf(c), name: `测试单位${i + 1}号`, kind: KINDS[i % 3], credit_code: credit(900000 + i) }
      })
      await knex('unit').insert(units)
      const places = Array.from({ length: 30 }, (_, i) => {
        const c = communities[i % communities.length]!
        return { city_code: CITY, community_code: c, grid_code: gridOf(c), name: `测试场所${i + 1}号`, kind: PLACE_KINDS[i % 3] }
      })
      await knex('place').insert(places).onConflict(['community_code', 'name']).ignore()
    }
    return loadDemoEnforcement(knex, { scale: 'small', seed: 7, cityCode: CITY })
  })()
  return ready
}
