// No map layer reads a personal column (server/privacy/fields.ts): tiles, WMS, WFS and OGC API
// Features deliver layer attributes unmasked to every reader of the layer, so a name, phone, ID
// number or address of a person must never be one. Which columns an attribute reads is asked of
// PostgreSQL itself, not guessed from the text: each layer's attributes (and key) become a
// temporary view, and the view's column dependencies (information_schema.view_column_usage,
// followed through views such as inspector_live) are compared with PERSONAL_FIELDS by table and
// column, so a register's `name` is not confused with a component's.
import { expect } from 'chai'
import type { Knex } from 'knex'
import type { LayerDef } from '../../tiles/catalogue.ts'
import { PERSONAL_FIELDS } from '../../server/privacy/fields.ts'
import { testClient } from '../support/http.ts'

const NAME = /^[a-z_][a-z0-9_]*$/

/** Every table.column the layer's key and attributes read, through views too. */
async function columnsRead(trx: Knex.Transaction, layer: LayerDef, n: number): Promise<Set<string>> {
  if (!NAME.test(layer.table) || !NAME.test(layer.key)) throw new Error(`layer ${layer.id}: unexpected identifiers`)
  const view = `layer_probe_${n}`
  const selects = [`t."${layer.key}" AS "key"`, ...layer.attributes.map((a, i) => `(${a.sql}) AS "a${i}"`)]
  // the catalogue's own SQL text (never a request's), as the map services run it
  const create = `CREATE TEMP VIEW ${view} AS SELECT ${selects.join(', ')} FROM "${layer.table}" AS t`
  await trx.raw(create)
  const { rows } = await trx.raw(`WITH RECURSIVE used(tbl, col) AS (
      SELECT table_name::text, column_name::text FROM information_schema.view_column_usage WHERE view_name = ?
      UNION
      SELECT v.table_name::text, v.column_name::text FROM information_schema.view_column_usage v JOIN used u ON v.view_name = u.tbl
    ) SELECT DISTINCT tbl, col FROM used`, [view]) as { rows: { tbl: string; col: string }[] }
  return new Set(rows.map((r) => `${r.tbl}.${r.col}`))
}

/** The personal columns among those the layers read, as `layer.attribute-list → table.column`. */
async function personalReads(knex: Knex, layers: LayerDef[], personal: readonly string[]): Promise<{ found: string[]; read: number }> {
  const found: string[] = []
  let read = 0
  await knex.transaction(async (trx) => {
    for (const [i, layer] of layers.entries()) {
      const columns = await columnsRead(trx, layer, i)
      read += columns.size
      for (const c of personal) if (columns.has(c)) found.push(`${layer.id} → ${c}`)
    }
    // temporary views go with the transaction
    await trx.rollback()
  }).catch((err: unknown) => {
    if (!(err instanceof Error && /rollback/i.test(err.message)) && err !== undefined) throw err
  })
  return { found, read }
}

describe('map layers read no personal column', function () {
  this.timeout(120_000)

  it('finds a personal column read directly, in a subquery of another table, and through a view (the controls)', async () => {
    const { context } = await testClient()
    const base = context.catalogue.get('events')!
    const probes: LayerDef[] = [
      { ...base, id: 'probe_direct', attributes: [{ name: 'who', sql: 't.reporter_name', type: 'string', title: '' }] },
      { ...context.catalogue.get('components')!, id: 'probe_sub', attributes: [{ name: 'phone', type: 'string', title: '',
        sql: '(SELECT e.reporter_phone FROM event e WHERE e.grid_code = t.grid_code LIMIT 1)' }] },
      { ...context.catalogue.get('inspectors')!, id: 'probe_view' },
      // the same column name on another table is not the personal one
      { ...context.catalogue.get('components')!, id: 'probe_other', attributes: [{ name: 'name', sql: 't.name', type: 'string', title: '' }] },
    ]
    const { found } = await personalReads(context.knex, probes, ['event.reporter_name', 'event.reporter_phone', 'grid_member.name', 'resident.name'])
    expect(found).to.deep.equal(['probe_direct → event.reporter_name', 'probe_sub → event.reporter_phone', 'probe_view → grid_member.name'])
  })

  it('no layer of the catalogue (the registers\' included) reads a column of PERSONAL_FIELDS', async () => {
    // the app registers the other capabilities' layers (events, inspectors, fences, registers …)
    const { context } = await testClient()
    const layers = context.catalogue.layers
    expect(layers.map((l) => l.id)).to.include.members(['components', 'events', 'inspectors'])
    const personal = PERSONAL_FIELDS.map((f) => f.column)
    expect(personal).to.include.members(['event.reporter_name', 'event.reporter_phone', 'grid_member.phone'])
    const { found, read } = await personalReads(context.knex, layers, personal)
    expect(read, 'columns the layers read').to.be.greaterThan(layers.length * 2)
    expect(found).to.deep.equal([])
  })
})
