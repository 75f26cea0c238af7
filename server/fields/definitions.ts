// User-defined field definitions (自定义属性): per layer (grids, components) a typed field an
// administrator adds. A name must not shadow a built-in property under any spelling the API,
// the imports (DBF and pinyin aliases) or the map services read, or a write could set a grid's
// name by way of a "custom" field, and WFS would show two properties of one name.
import type { Knex } from 'knex'
import { z } from 'zod'
import { GRID_PROPERTY_ALIASES } from '../grids/properties.ts'
import { COMMUNITY_ALIASES, COMPONENT_ALIASES } from '../import/convert.ts'

export const FIELD_LAYERS = ['grids', 'components'] as const
export type FieldLayer = (typeof FIELD_LAYERS)[number]
export const FIELD_TYPES = ['text', 'integer', 'number', 'boolean', 'date', 'choice'] as const
export type FieldType = (typeof FIELD_TYPES)[number]

/** The table whose `extra` column holds the values of a layer's fields. */
export const FIELD_TABLE: Record<FieldLayer, 'grid' | 'component'> = { grids: 'grid', components: 'component' }

export interface FieldDef {
  layer: FieldLayer
  name: string
  label: string
  type: FieldType
  choices: string[] | null
  required: boolean
  default: unknown
  position: number
}

export const FIELD_NAME = /^[a-z][a-z0-9_]{0,30}$/

const builtIn: Record<FieldLayer, string[]> = {
  grids: [
    ...Object.values(GRID_PROPERTY_ALIASES).flat(),
    'version', 'validfrom', 'valid_from', 'validto', 'valid_to', 'aream2', 'area_m2', 'changedby', 'changed_by', 'changed_by_name',
    'city_code', 'created_at', 'updated_at',
  ],
  components: [
    ...Object.values(COMPONENT_ALIASES).flat(), ...Object.values(COMMUNITY_ALIASES).flat(), ...GRID_PROPERTY_ALIASES.communityCode!,
    'class_code', 'classcode', 'grid_code', 'gridcode', 'owner_department_id', 'maintain_department_id', 'city_code',
    'data_source', 'installed_on', 'updated_at', 'version', 'lon', 'lat', 'x', 'y',
  ],
}
// Names of the feature itself in GeoJSON, GML, tiles and filters.
const everywhere = ['id', 'fid', 'gml_id', 'geom', 'geometry', 'the_geom', 'type', 'properties', 'extra', 'bbox', 'point_count', 'layer']

/** Whether `name` is taken by a built-in property of the layer (any spelling, case-insensitive). */
export function isReserved(layer: FieldLayer, name: string): boolean {
  const n = name.toLowerCase()
  return everywhere.includes(n) || builtIn[layer].some((b) => b.toLowerCase() === n)
}

const label = z.string().trim().min(1).max(50)
const choices = z.array(z.string().trim().min(1).max(100)).min(1).max(200)
  .refine((c) => new Set(c).size === c.length, 'choices must be distinct')

export const createSchema = z.object({
  name: z.string().regex(FIELD_NAME, 'name: a lower-case letter, then up to 30 lower-case letters, digits or _'),
  label,
  type: z.enum(FIELD_TYPES),
  choices: choices.optional(),
  required: z.boolean().optional(),
  default: z.union([z.string().max(1000), z.number(), z.boolean(), z.null()]).optional(),
  position: z.number().int().min(0).max(10_000).optional(),
}).strict()

/** What may change: the type and the name may not (stored values are typed by them). */
export const patchSchema = z.object({
  label: label.optional(),
  choices: choices.optional(),
  required: z.boolean().optional(),
  default: z.union([z.string().max(1000), z.number(), z.boolean(), z.null()]).optional(),
  position: z.number().int().min(0).max(10_000).optional(),
}).strict()

export const layerParam = z.enum(FIELD_LAYERS)
export const nameParam = z.string().regex(FIELD_NAME)

interface FieldRow {
  layer: FieldLayer; name: string; label: string; type: FieldType; choices: string[] | null
  required: boolean; default_value: unknown; position: number
}

const fromRow = (r: FieldRow): FieldDef => ({
  layer: r.layer, name: r.name, label: r.label, type: r.type, choices: r.choices, required: r.required,
  default: r.default_value ?? null, position: r.position,
})

/** The fields of a layer in display order (position, then name). */
export async function listFields(knex: Knex | Knex.Transaction, layer: FieldLayer): Promise<FieldDef[]> {
  const rows = await knex('user_field').where({ layer }).orderBy([{ column: 'position' }, { column: 'name' }]) as FieldRow[]
  return rows.map(fromRow)
}

export async function allFields(knex: Knex | Knex.Transaction): Promise<FieldDef[]> {
  const rows = await knex('user_field').orderBy([{ column: 'layer' }, { column: 'position' }, { column: 'name' }]) as FieldRow[]
  return rows.map(fromRow)
}

export async function getField(knex: Knex | Knex.Transaction, layer: FieldLayer, name: string): Promise<FieldDef | undefined> {
  const row = await knex('user_field').where({ layer, name }).first() as FieldRow | undefined
  return row ? fromRow(row) : undefined
}

/** The public view of a definition (REST). */
export const fieldView = (f: FieldDef) => ({
  layer: f.layer, name: f.name, label: f.label, type: f.type, choices: f.choices, required: f.required, default: f.default, position: f.position,
})

export const toRow = (f: FieldDef) => ({
  layer: f.layer, name: f.name, label: f.label, type: f.type,
  choices: f.choices === null ? null : JSON.stringify(f.choices), required: f.required,
  default_value: f.default === null || f.default === undefined ? null : JSON.stringify(f.default), position: f.position,
})
