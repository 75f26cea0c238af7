// User fields in the layer catalogue: every layer drawn from the grid or component table gains
// one attribute per field, read from the row's `extra` object and typed for WFS
// (DescribeFeatureType), OGC API Features and the vector tiles. A changed definition replaces
// those layers with new definitions (what was compiled from the old ones is not reused) and
// drops their cached tiles; other API instances learn of it on the map change channel.
import type { Knex } from 'knex'
import { onCatalogueLoad, type Catalogue, type LayerAttribute, type LayerDef } from '../../tiles/catalogue.ts'
import { onMapChanges } from '../../tiles/changes.ts'
import { invalidateFeature } from '../../tiles/service.ts'
import { allFields, FIELD_TABLE, type FieldDef, type FieldLayer } from './definitions.ts'

const userAttributes = new WeakSet<LayerAttribute>()

const literal = (s: string) => `'${s.replace(/'/g, "''")}'`

/** The attribute of a field: its value in `extra`, cast to its type (values are validated on write). */
export function fieldAttribute(f: FieldDef): LayerAttribute {
  // names match ^[a-z][a-z0-9_]{0,30}$ (definition and table check): safe, and quoted anyway
  const value = `(t.extra ->> ${literal(f.name)})`
  const typed: Record<FieldDef['type'], [string, LayerAttribute['type']]> = {
    text: [value, 'string'], choice: [value, 'string'], date: [value, 'date'],
    integer: [`${value}::bigint`, 'integer'], number: [`${value}::double precision`, 'number'], boolean: [`${value}::boolean`, 'boolean'],
  }
  const [sql, type] = typed[f.type]
  const a: LayerAttribute = { name: f.name, sql, type, title: f.label }
  userAttributes.add(a)
  return a
}

const tableLayers = (catalogue: Catalogue, table: string) => catalogue.layers.filter((l) => l.table === table)

/** The built-in attribute names of the layers drawn from a field layer's table (taken for fields). */
export function builtInAttributes(catalogue: Catalogue, layer: FieldLayer): string[] {
  return tableLayers(catalogue, FIELD_TABLE[layer]).flatMap((l) => l.attributes.filter((a) => !userAttributes.has(a)).map((a) => a.name))
}

/** Gives the grid and component layers of a catalogue the attributes of these definitions. */
export function applyFields(catalogue: Catalogue, defs: FieldDef[]): LayerDef[] {
  const changed: LayerDef[] = []
  for (const [layer, table] of Object.entries(FIELD_TABLE)) {
    const attrs = defs.filter((d) => d.layer === layer).map(fieldAttribute)
    for (const l of tableLayers(catalogue, table)) {
      const base = l.attributes.filter((a) => !userAttributes.has(a))
      // a built-in attribute added after a field of its name was defined keeps the name
      const own = attrs.filter((a) => !base.some((b) => b.name === a.name))
      const before = l.attributes.filter((a) => userAttributes.has(a))
      const same = before.length === own.length && before.every((a, i) => a.name === own[i]!.name && a.sql === own[i]!.sql && a.title === own[i]!.title)
      if (same) continue
      const next = { ...l, attributes: [...base, ...own] }
      catalogue.replace(next)
      changed.push(next)
    }
  }
  return changed
}

const WORLD: [number, number, number, number] = [-180, -90, 180, 90]

// Catalogues to keep current, with the database each reads its definitions from.
const followed = new Map<WeakRef<Catalogue>, Knex>()

/** Re-reads the definitions into every followed catalogue and drops the tiles of changed layers. */
export async function refreshCatalogues(): Promise<void> {
  for (const [ref, knex] of followed) {
    const catalogue = ref.deref()
    // a catalogue gone, or its database closed (an app stopped in this process): no longer followed
    if (!catalogue || !(knex.client as { pool?: unknown }).pool) { followed.delete(ref); continue }
    let defs: FieldDef[]
    try {
      defs = await allFields(knex)
    } catch {
      continue // this database is unreachable now: the next notification (or reconnect) tries again
    }
    for (const l of applyFields(catalogue, defs)) invalidateFeature(l.id, WORLD)
  }
}

onCatalogueLoad(async (knex, catalogue) => {
  followed.set(new WeakRef(catalogue), knex)
  applyFields(catalogue, await allFields(knex))
})

onMapChanges({
  changed(table) {
    if (table !== 'user_field') return 0
    refreshCatalogues().catch(() => undefined)
    return 0
  },
  // a lost notification may have been a definition change
  missed() {
    refreshCatalogues().catch(() => undefined)
    return 0
  },
})
