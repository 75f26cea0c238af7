// Migration 0037: the register tables the enforcement capability draws spot checks from.
import { expect } from 'chai'
import { getTestDb } from '../support/db.ts'

describe('places schema (0037)', () => {
  it('has place, unit, organisation and register_inspection with the contract columns', async () => {
    const knex = await getTestDb()
    for (const table of ['place', 'unit', 'organisation']) {
      const { rows } = await knex.raw('SELECT column_name FROM information_schema.columns WHERE table_name = ?', [table]) as { rows: { column_name: string }[] }
      const names = rows.map((r) => r.column_name)
      expect(names, table).to.include.members(['id', 'name', 'kind', 'city_code', 'community_code', 'grid_code', 'geom', 'verified_at', 'version', 'created_at', 'updated_at'])
    }
    const { rows } = await knex.raw("SELECT count(*)::int AS n FROM information_schema.tables WHERE table_name = 'register_inspection'") as { rows: { n: number }[] }
    expect(rows[0]?.n).to.equal(1)
  })
})
