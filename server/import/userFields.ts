// User-defined field values of imported grids and components (server/fields): read from each
// feature's properties by the field's name, typed leniently (file columns have no JSON types:
// a KML or MIF value "12" is an integer), all problems listed per feature before anything is
// written, and set in the import's transaction after the rows are inserted.
import type { Knex } from 'knex'
import { inputProblemsError, type InputFeature } from '../grids/candidates.ts'
import type { InputProblem } from '../grids/geometryInput.ts'
import { listFields } from '../fields/definitions.ts'
import { checkValues, type Extra } from '../fields/validate.ts'
import { writeComponentExtra, writeGridExtra } from '../fields/store.ts'
import type { StagedRows } from './convert.ts'

/** Per staged row, its `extra` (grids: by code; components: by id); communities have none. */
export type StagedExtras = Map<string, Extra>

export async function userFieldValues(knex: Knex, staged: StagedRows, features: InputFeature[]): Promise<StagedExtras> {
  const extras: StagedExtras = new Map()
  if (staged.kind === 'community') return extras
  const defs = await listFields(knex, staged.kind === 'grid' ? 'grids' : 'components')
  if (!defs.length) return extras
  const problems: InputProblem[] = []
  const rows = staged.kind === 'grid'
    ? staged.rows.map((c, feature) => ({ key: c.code, feature }))
    : staged.rows.map((r) => ({ key: r.id, feature: r.idx }))
  for (const { key, feature } of rows) {
    const { extra, problems: p } = checkValues(defs, features[feature]?.properties, { fromFile: true })
    for (const x of p) problems.push({ feature, message: x.message })
    extras.set(key, extra)
  }
  if (problems.length) throw inputProblemsError(problems)
  return extras
}

export async function writeUserFieldValues(trx: Knex.Transaction, staged: StagedRows, extras: StagedExtras): Promise<void> {
  if (!extras.size) return
  const rows = [...extras].map(([key, extra]) => ({ key, extra }))
  if (staged.kind === 'grid') await writeGridExtra(trx, rows.map((r) => ({ code: r.key, extra: r.extra })))
  else await writeComponentExtra(trx, rows.map((r) => ({ id: r.key, extra: r.extra })))
}
