// Forms in the database: the XForm as uploaded beside what readXForm made of it.
import type { Knex } from 'knex'
import { AppError } from '../http/errors.ts'
import type { FormDef } from './xform.ts'

export interface FormRow { id: string; city_code: string; xml: string; definition: FormDef; created_at: Date; username: string | null }

const columns = ['f.id', 'f.city_code', 'f.definition', 'f.created_at', 'u.username']

const base = (db: Knex | Knex.Transaction) => db('collection_form as f').leftJoin('app_user as u', 'u.id', 'f.created_by')

export async function insertForm(db: Knex, cityCode: string, xml: string, def: FormDef, userId: number | null): Promise<string> {
  const rows = await db('collection_form').insert({
    city_code: cityCode, xform_id: def.xformId, version: def.version, title: def.title, xml,
    definition: JSON.stringify(def), created_by: userId,
  }).onConflict(['city_code', 'xform_id', 'version']).ignore().returning('id') as { id: string }[]
  if (!rows[0]) {
    throw new AppError(409, 'conflict', `form ${def.xformId} version "${def.version}" exists already: give the new one another version`)
      .coded('forms.duplicate', { field: 'version', form: def.xformId })
  }
  return rows[0].id
}

export const listForms = (db: Knex, cityCode: string): Promise<FormRow[]> =>
  base(db).where('f.city_code', cityCode).orderBy('f.id').select(columns)

export async function getForm(db: Knex | Knex.Transaction, cityCode: string, id: number, withXml = false): Promise<FormRow | undefined> {
  return base(db).where({ 'f.city_code': cityCode, 'f.id': id }).first([...columns, ...(withXml ? ['f.xml'] : [])])
}

/** Every form, all cities (the layers of the catalogue). */
export const allForms = (db: Knex): Promise<{ id: string; definition: FormDef }[]> =>
  db('collection_form').orderBy('id').select('id', 'definition')

export const formLayerId = (id: string | number) => `form_${id}`

export function formView(r: FormRow) {
  const d = r.definition
  return {
    id: Number(r.id), formId: d.xformId, version: d.version, title: d.title, instanceRoot: d.instanceRoot,
    geometry: d.geometry, layer: formLayerId(r.id), createdAt: r.created_at, createdBy: r.username,
    fields: d.fields.map((f) => ({
      name: f.name, path: f.path, type: f.type, label: f.label, required: f.required && !f.conditional,
      constraint: f.constraint, constraintChecked: f.constraintChecked, choices: f.choices, attribute: f.attribute,
    })),
  }
}
