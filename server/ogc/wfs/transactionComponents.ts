// WFS-T on components (部件). Inserts are an import (server/import/job.ts runImport, kind
// component): the same conversion, jurisdiction check (403), lock and rules (16-digit id of the
// community's county, existing class, new id, point inside its community) as
// POST /api/v1/import?kind=component, run as a savepoint of the WFS transaction. Updates are
// judged by those same rules on the changed rows (staged in the import's table; only "id taken"
// by the row itself is not a fault) and written over them. Deletes remove the rows (line
// records keep their history: ON DELETE SET NULL / CASCADE in 0038). User-defined fields
// (server/fields) are judged by the import on insert and by validateUserFields on update.
import type { Knex } from 'knex'
import type { LayerDef } from '../../../tiles/catalogue.ts'
import type { Principal } from '../../auth/users.ts'
import { AppError, forbidden } from '../../http/errors.ts'
import { parseCrs, toStorage } from '../../geo/crs.ts'
import { sqlFile } from '../../db/sql.ts'
import { GRID_WRITERS } from '../../grids/routes.ts'
import { lockScopes, topologyError, type Violation } from '../../grids/topology.ts'
import { runImport } from '../../import/job.ts'
import { convertComponents } from '../../import/convert.ts'
import type { InputFeature } from '../../grids/candidates.ts'
import { refusal, typedValues, type GeometryValue, type InsertFeature, type Values } from './transactionParse.ts'
import { validateUserFields, type Extra } from '../../fields/validate.ts'
import { writeComponentExtra } from '../../fields/store.ts'
import { LOCATOR, named, type LayerWriter, type Target } from './transactionWriters.ts'

export const isComponentLayer = (layer: LayerDef) => layer.table === 'component'

const STORAGE = parseCrs('EPSG:4490')
/** Derived from the id, the place or the writes themselves: never set by a client. */
const DERIVED = ['class_code', 'grid_code', 'version']

const freshStaging = (trx: Knex.Transaction) => trx.raw('DROP TABLE IF EXISTS component_candidate')

/** A point value in storage lon/lat (a non-point is left for the import's own refusal). */
function storagePoint(g: GeometryValue, locator: string): unknown {
  if (g.geometry.type !== 'Point') return g.geometry
  try {
    const p = toStorage(g.geometry.coordinates[0], g.geometry.coordinates[1], { ...g.crs, latFirst: false })
    return { type: 'Point', coordinates: [p.lon, p.lat] }
  } catch (err) {
    throw refusal(400, 'InvalidValue', locator, `geom: ${(err as Error).message}`).coded('wfst.bad_geometry')
  }
}

function properties(values: Values): Record<string, unknown> {
  return Object.fromEntries(Object.entries(values.properties).filter(([k, v]) => v !== null && !DERIVED.includes(k)))
}

/** The feature an import refusal is about (violations, input problems or places outside), named. */
function locate(err: unknown, locators: string[]): unknown {
  if (!(err instanceof AppError)) return err
  const lists = [err.extra.violations, err.extra.problems, err.extra.outside] as ({ feature?: number }[] | undefined)[]
  const first = lists.flatMap((l) => l ?? []).find((x) => typeof x.feature === 'number')
  if (first && locators[first.feature!]) Object.assign(err, { [LOCATOR]: locators[first.feature!] })
  return err
}

async function insert(trx: Knex.Transaction, principal: Principal, _layer: LayerDef, features: InsertFeature[]): Promise<string[]> {
  const input: InputFeature[] = features.map((f) => {
    if (!f.geometry) throw refusal(400, 'InvalidValue', f.locator, 'a component needs its geom (a Point)').coded('wfst.geometry_required')
    return { geometry: storagePoint(f.geometry, f.locator), properties: properties(f) }
  })
  await freshStaging(trx)
  try {
    await runImport(trx, principal, input, { kind: 'component', dryRun: false, crs: STORAGE })
  } catch (err) {
    throw locate(err, features.map((f) => f.locator))
  }
  return input.map((f) => String(f.properties!.id).trim())
}

interface Current { id: string; name: string; state: string; material: string | null; community_code: string; extra: Extra; lon: number; lat: number }

/** The built-in properties of components; any other is a user-defined field (server/fields). */
const BUILT_IN = ['id', 'class_code', 'name', 'state', 'grid_code', 'community_code', 'version']

/** User field values of an update, judged against each row's current ones and written (as REST writes them). */
async function writeUserFields(trx: Knex.Transaction, layer: LayerDef, rows: Current[], values: Values, locators: string[]): Promise<void> {
  const given = Object.fromEntries(Object.entries(typedValues(layer, values.properties)).filter(([k]) => !BUILT_IN.includes(k)))
  if (!Object.keys(given).length) return
  for (const [i, r] of rows.entries()) {
    const extra = await named({ key: r.id, locator: locators[i]! }, () => validateUserFields(trx, 'components', given, { existing: r.extra ?? {} }))
    await writeComponentExtra(trx, [{ id: r.id, extra }])
  }
}

async function update(trx: Knex.Transaction, principal: Principal, layer: LayerDef, targets: Target[], values: Values): Promise<void> {
  if (!targets.length) return
  const where = targets[0]!.locator
  for (const name of Object.keys(values.properties)) {
    if (DERIVED.includes(name) || name === 'id') {
      throw refusal(400, 'InvalidValue', where, `${name} of a component cannot be changed by an update`).coded('wfst.read_only', { property: name })
    }
  }
  if (values.geometry === null) throw refusal(400, 'InvalidValue', where, 'a component cannot lose its geom').coded('wfst.geometry_required')
  const rows = (await trx.raw(sqlFile('wfst/component_current'), [targets.map((t) => t.key)])).rows as Current[]
  const locators = rows.map((r) => `components.${r.id}`)
  const point = values.geometry ? storagePoint(values.geometry, where) : undefined
  const input: InputFeature[] = rows.map((r) => ({
    geometry: point ?? { type: 'Point', coordinates: [Number(r.lon), Number(r.lat)] },
    properties: { id: r.id, name: r.name, state: r.state, material: r.material, community_code: r.community_code, ...properties(values) },
  }))
  let staged
  try {
    staged = convertComponents(input, STORAGE)
  } catch (err) {
    throw locate(err, locators)
  }
  const outside = staged.places.findIndex((c) => !principal.jurisdiction.covers(c))
  if (outside >= 0) {
    throw named({ key: '', locator: locators[outside]! }, () => Promise.reject(forbidden(`community ${staged.places[outside]} is outside your jurisdiction`)))
  }
  await lockScopes(trx, [...new Set([...staged.places, ...rows.map((r) => r.community_code)])].map((c) => `component:${c}`).sort())
  await freshStaging(trx)
  await trx.raw(sqlFile('grids/component_candidate_table'))
  await trx.raw(sqlFile('grids/component_candidate_insert'), [JSON.stringify(staged.rows)])
  const result = await trx.raw(sqlFile('grids/component_rules'))
  // the rows exist: "id taken" is the row itself
  const violations = (result.rows as { idx: number; code: string; rule: string; message: string; location: string | null }[])
    .filter((r) => r.rule !== 'code_taken')
    .map((r): Violation => ({ feature: r.idx, code: r.code, rule: r.rule, message: r.message, location: r.location ? JSON.parse(r.location) : null }))
  if (violations.length) throw locate(topologyError(violations), locators)
  await trx.raw(sqlFile('wfst/component_update'))
  await writeUserFields(trx, layer, rows, values, locators)
}

async function remove(trx: Knex.Transaction, _principal: Principal, _layer: LayerDef, targets: Target[]): Promise<void> {
  // the targets were selected inside the caller's jurisdiction and are locked
  if (targets.length) await trx('component').whereIn('id', targets.map((t) => t.key)).delete()
}

export const componentWriter: LayerWriter = { roles: GRID_WRITERS, operations: ['Insert', 'Update', 'Delete'], insert, update, delete: remove }
