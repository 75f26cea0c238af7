// WFS-T on the registers that have places (重点场所, 单位, 社会组织 …): each register registers
// its REST create and patch functions with their zod schemas (server/places/routesKit.ts), and a
// WFS Insert or Update becomes the very body POST / PATCH /api/v1/<register> validates: snake_case
// properties as the API's camelCase fields, the point as lon/lat (EPSG:4490), the row's current
// version for the PATCH (the optimistic check itself is transactionTargets.ts's). Registers have no
// REST delete, so a WFS Delete is refused too.
import type { Knex } from 'knex'
import type { z } from 'zod'
import type { LayerDef } from '../../../tiles/catalogue.ts'
import type { Principal } from '../../auth/users.ts'
import type { Role } from '../../auth/roles.ts'
import { validate } from '../../http/validate.ts'
import { toStorage } from '../../geo/crs.ts'
import { refusal, type InsertFeature, type Values } from './transactionParse.ts'
import { named, registerWriter, type LayerWriter, type Target } from './transactionWriters.ts'

export interface RowWriterSpec {
  /** The register's catalogue layer id. */
  layer: string
  what: string
  roles: readonly Role[]
  rowSchema: z.ZodType<Record<string, unknown>>
  patchSchema: z.ZodType<Record<string, unknown>>
  create(trx: Knex.Transaction, principal: Principal, input: Record<string, unknown>): Promise<number>
  patch(trx: Knex.Transaction, principal: Principal, id: number, input: Record<string, unknown> & { version: number }): Promise<void>
}

/** Kept by the service: never part of a write body. */
const SERVER_SET = ['id', 'grid_code', 'version']

const camel = (name: string) => name.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase())

/** WFS values → the REST body's fields (typed by the layer's attribute types). */
function body(layer: LayerDef, values: Values, where: string): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const [name, value] of Object.entries(values.properties)) {
    if (SERVER_SET.includes(name)) throw refusal(400, 'InvalidValue', where, `${name} is kept by the service`).coded('wfst.read_only', { property: name })
    const type = layer.attributes.find((a) => a.name === name)?.type
    const numeric = value !== null && (type === 'integer' || type === 'number') && /^\s*-?\d+(\.\d+)?\s*$/.test(value)
    out[camel(name)] = numeric ? Number(value) : type === 'boolean' && value !== null ? value === 'true' || value === '1' : value
  }
  const g = values.geometry
  if (g === null) {
    throw refusal(400, 'InvalidValue', where, 'a place cannot lose its geom over WFS').coded('wfst.geometry_required')
  } else if (g) {
    if (g.geometry.type !== 'Point') throw refusal(400, 'InvalidValue', where, `geom must be a Point, got ${g.geometry.type}`).coded('wfst.geometry_required')
    try {
      const p = toStorage(g.geometry.coordinates[0], g.geometry.coordinates[1], { ...g.crs, latFirst: false })
      Object.assign(out, { lon: p.lon, lat: p.lat })
    } catch (err) {
      throw refusal(400, 'InvalidValue', where, `geom: ${(err as Error).message}`).coded('wfst.bad_geometry')
    }
  }
  return out
}

function writerOf(spec: RowWriterSpec): LayerWriter {
  return {
    roles: spec.roles,
    operations: ['Insert', 'Update'],
    async insert(trx: Knex.Transaction, principal: Principal, layer: LayerDef, features: InsertFeature[]): Promise<string[]> {
      const ids: string[] = []
      for (const f of features) {
        const input = body(layer, { properties: Object.fromEntries(Object.entries(f.properties).filter(([, v]) => v !== null)), geometry: f.geometry }, f.locator)
        ids.push(String(await named({ key: '', locator: f.locator }, () => spec.create(trx, principal, validate(spec.rowSchema, input, spec.what)))))
      }
      return ids
    },
    async update(trx: Knex.Transaction, principal: Principal, layer: LayerDef, targets: Target[], values: Values): Promise<void> {
      for (const t of targets) {
        const input = { ...body(layer, values, t.locator), version: t.version }
        await named(t, () => spec.patch(trx, principal, Number(t.key), validate(spec.patchSchema, input, spec.what) as Record<string, unknown> & { version: number }))
      }
    },
    delete(_trx: Knex.Transaction, _principal: Principal, layer: LayerDef): Promise<void> {
      throw refusal(400, 'OperationProcessingFailed', layer.id, `${spec.what} rows are not deleted (the REST API has no delete either)`)
        .coded('wfst.delete_unsupported', { layer: layer.id })
    },
  }
}

/** Called by each register when its routes are built. */
export function registerRowWriter(spec: RowWriterSpec): void {
  registerWriter((layer) => layer.id === spec.layer, writerOf(spec), spec.layer)
}
