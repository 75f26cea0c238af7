// For test files that change configuration in the shared test database (PUT /api/v1/sla writes a
// time-limits version): puts the versions of a kind back as they were, so the files after them
// read what the migration seeded.
import type { Knex } from 'knex'
import { configChanged } from '../../server/events/reference.ts'

export async function configSnapshot(knex: Knex, kind: string): Promise<() => Promise<void>> {
  const before = await knex('config_version').where('kind', kind).select('id', 'effective_to') as { id: string; effective_to: Date | null }[]
  const last = before.reduce((m, r) => Math.max(m, Number(r.id)), 0)
  return async () => {
    await knex('config_version').where('kind', kind).where('id', '>', last).delete()
    // the versions a new one closed are open again
    for (const r of before) await knex('config_version').where('id', r.id).update({ effective_to: r.effective_to })
    configChanged()
  }
}
