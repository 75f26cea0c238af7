// A layer of the catalogue per form (form_<id>): the accepted returns of its tasks, drawn by
// the form's geometry question, the form's questions as attributes (typed for WFS). A new form
// reaches this instance's catalogue before its upload is answered, other instances' on the map
// change channel (migration 0060's trigger); the layer's tiles follow collection_return writes.
import type { Knex } from 'knex'
import { onCatalogueLoad, type Catalogue, type LayerAttribute, type LayerDef } from '../../tiles/catalogue.ts'
import { onMapChanges } from '../../tiles/changes.ts'
import type { Role } from '../auth/roles.ts'
import { allForms, formLayerId } from './store.ts'
import type { FormDef, FormField } from './xform.ts'

export const FORM_LAYER_ROLES: Role[] = ['command_center', 'district_staff', 'street_staff', 'community_staff', 'grid_inspector', 'gis_analyst', 'department']

const literal = (s: string) => `'${s.replace(/'/g, "''")}'`
const attr = (name: string, sql: string, type: LayerAttribute['type'], title: string): LayerAttribute => ({ name, sql, type, title })

function fieldAttribute(f: FormField): LayerAttribute {
  // answers were typed on the way in (values.ts), so the casts cannot fail
  const value = `(t.data ->> ${literal(f.name)})`
  switch (f.type) {
    case 'int': return attr(f.attribute, `${value}::bigint`, 'integer', f.label)
    case 'decimal': return attr(f.attribute, `${value}::double precision`, 'number', f.label)
    case 'date': return attr(f.attribute, `${value}::date`, 'date', f.label)
    case 'dateTime': return attr(f.attribute, `${value}::timestamptz`, 'datetime', f.label)
    case 'select_multiple':
      return attr(f.attribute, `(SELECT string_agg(v, ' ') FROM jsonb_array_elements_text(t.data -> ${literal(f.name)}) v)`, 'string', f.label)
    default: return attr(f.attribute, value, 'string', f.label)
  }
}

const geometryTypes = { geopoint: 'Point', geotrace: 'MultiLineString', geoshape: 'MultiPolygon' } as const

export function formLayer(id: string, d: FormDef): LayerDef {
  const point = d.geometry.type === 'geopoint'
  return {
    id: formLayerId(id), title: d.title, abstract: `采集任务成果：${d.title}（已采纳的回收表单，表单 ${d.xformId}）`,
    table: 'collection_return', geometryType: geometryTypes[d.geometry.type], key: 'id', adminColumn: 'community_code',
    // the id is a bigint from our own table: safe as a literal
    where: `t.form_id = ${Number(id)} AND t.status = 'accepted'`,
    attributes: [
      attr('return_id', 't.id', 'integer', '回收编号'), attr('task_id', 't.task_id', 'integer', '采集任务'),
      ...d.fields.filter((f) => f.name !== d.geometry.name).map(fieldAttribute),
      attr('grid_code', 't.grid_code', 'string', '所在网格'), attr('community_code', 't.community_code', 'string', '所属社区'),
      attr('submitted_at', 't.submitted_at', 'datetime', '提交时间'),
    ],
    minZoom: point ? 12 : 10, maxZoom: 22, queryable: true, readRoles: FORM_LAYER_ROLES,
    styles: [{ name: 'default', title: d.title, colours: { '*': point ? ['#3a86ff', '#ffffff'] : ['rgba(58,134,255,0.25)', '#3a86ff'] } }],
  }
}

/** Adds the layers of forms the catalogue does not have yet (forms are never changed in place). */
export async function addFormLayers(knex: Knex, catalogue: Catalogue): Promise<void> {
  for (const f of await allForms(knex)) {
    if (!catalogue.get(formLayerId(f.id))) catalogue.register(formLayer(f.id, f.definition))
  }
}

const followed = new Map<WeakRef<Catalogue>, Knex>()

onCatalogueLoad(async (knex, catalogue) => {
  followed.set(new WeakRef(catalogue), knex)
  await addFormLayers(knex, catalogue)
})

onMapChanges({
  changed(table) {
    if (table === 'collection_form') refreshAll()
    return 0
  },
  missed() {
    refreshAll()
    return 0
  },
})

function refreshAll(): void {
  for (const [ref, knex] of followed) {
    const catalogue = ref.deref()
    if (!catalogue || !(knex.client as { pool?: unknown }).pool) { followed.delete(ref); continue }
    // unreachable now: the next notification (or reconnect) tries again
    addFormLayers(knex, catalogue).catch(() => undefined)
  }
}
