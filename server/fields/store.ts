// Writes of user field values and of definitions. Values are set after the row itself is
// written, in the caller's transaction, so a write is still all or nothing.
import type { Knex } from 'knex'
import { sqlFile } from '../db/sql.ts'
import { badRequest, notFound } from '../http/errors.ts'
import { FIELD_TABLE, getField, isReserved, listFields, toRow, type FieldDef, type FieldLayer } from './definitions.ts'
import { typedValue, type Extra } from './validate.ts'

/** Sets `extra` of current grids by code. */
export async function writeGridExtra(trx: Knex.Transaction, rows: { code: string; extra: Extra }[]): Promise<void> {
  if (rows.length) await trx.raw(sqlFile('fields/grid_extra'), { rows: JSON.stringify(rows) })
}

/** Sets `extra` of components by id. */
export async function writeComponentExtra(trx: Knex.Transaction, rows: { id: string; extra: Extra }[]): Promise<void> {
  for (let i = 0; i < rows.length; i += 5000) {
    await trx.raw(sqlFile('fields/component_extra'), { rows: JSON.stringify(rows.slice(i, i + 5000)) })
  }
}

export interface FieldInput {
  name?: string; label?: string; type?: FieldDef['type']; choices?: string[] | undefined
  required?: boolean | undefined; default?: unknown; position?: number | undefined
}

/** A definition is consistent: choices only for a choice field, a default of the field's type. */
function checkDefinition(f: FieldDef): void {
  if (f.type === 'choice' && !f.choices) throw badRequest(`field ${f.name}: a choice field needs its choices`).coded('fields.bad_definition', { field: f.name })
  if (f.type !== 'choice' && f.choices) throw badRequest(`field ${f.name}: only a choice field has choices`).coded('fields.bad_definition', { field: f.name })
  if (f.default !== null && f.default !== undefined && typedValue(f, f.default) === undefined) {
    throw badRequest(`field ${f.name}: the default ${JSON.stringify(f.default).slice(0, 60)} is not a valid ${f.type}`).coded('fields.bad_definition', { field: f.name })
  }
}

/** `taken`: the names of the map layers' built-in attributes (the catalogue's), besides isReserved's. */
export async function createField(trx: Knex.Transaction, layer: FieldLayer, input: Required<Pick<FieldInput, 'name' | 'label' | 'type'>> & FieldInput,
  taken: readonly string[] = []): Promise<FieldDef> {
  if (isReserved(layer, input.name) || taken.includes(input.name)) {
    throw badRequest(`field name ${input.name} is taken by a built-in property of ${layer}`).coded('fields.reserved_name', { field: input.name })
  }
  // the definitions of a layer are judged together: one at a time
  await trx.raw('SELECT pg_advisory_xact_lock(hashtext(?))', [`user_field:${layer}`])
  if (await getField(trx, layer, input.name)) {
    throw badRequest(`field ${input.name} already exists on ${layer}`).coded('fields.duplicate_name', { field: input.name })
  }
  const existing = await listFields(trx, layer)
  if (existing.length >= 50) throw badRequest(`${layer} has 50 fields already (the limit)`).coded('fields.too_many', { max: 50 })
  const def: FieldDef = {
    layer, name: input.name, label: input.label, type: input.type, choices: input.choices ?? null,
    required: input.required ?? false, default: input.default ?? null,
    position: input.position ?? (existing.reduce((m, f) => Math.max(m, f.position), -1) + 1),
  }
  checkDefinition(def)
  await trx('user_field').insert(toRow(def))
  return def
}

export async function updateField(trx: Knex.Transaction, layer: FieldLayer, name: string, patch: FieldInput): Promise<FieldDef> {
  const current = await getField(trx, layer, name)
  if (!current) throw notFound(`no field ${name} on ${layer}`).coded('fields.not_found', { field: name })
  const def: FieldDef = {
    ...current,
    ...(patch.label !== undefined ? { label: patch.label } : {}),
    ...(patch.choices !== undefined ? { choices: patch.choices } : {}),
    ...(patch.required !== undefined ? { required: patch.required } : {}),
    ...(patch.default !== undefined ? { default: patch.default } : {}),
    ...(patch.position !== undefined ? { position: patch.position } : {}),
  }
  checkDefinition(def)
  await trx('user_field').where({ layer, name }).update({ ...toRow(def), updated_at: trx.fn.now() })
  return def
}

/** Removes a field and its values from every row of the layer's table. */
export async function deleteField(trx: Knex.Transaction, layer: FieldLayer, name: string): Promise<void> {
  const n = await trx('user_field').where({ layer, name }).delete()
  if (!n) throw notFound(`no field ${name} on ${layer}`).coded('fields.not_found', { field: name })
  await trx.raw(sqlFile(`fields/${FIELD_TABLE[layer]}_strip`), { name })
}
