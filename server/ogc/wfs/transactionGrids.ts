// WFS-T on grid layers (base_grids and every <type>_grids): the REST write functions of
// server/grids (createGrid, updateAttributes, updateGeometry, retireGrid), called on the WFS
// transaction, so every rule of POST / PATCH / DELETE /api/v1/grids holds: input checks,
// the topology rules (overlap, outside the community, code format and uniqueness), versioning
// (a boundary change opens version n + 1), jurisdiction (403) and the editing roles.
// Each REST function runs as a savepoint inside the one WFS transaction.
import type { Knex } from 'knex'
import type { LayerDef } from '../../../tiles/catalogue.ts'
import type { Principal } from '../../auth/users.ts'
import { validate } from '../../http/validate.ts'
import { GRID_WRITERS } from '../../grids/routes.ts'
import { inputProblemsError, toCandidates } from '../../grids/candidates.ts'
import { polygonFromInput } from '../../grids/geometryInput.ts'
import { lockScopes } from '../../grids/topology.ts'
import { patchBody } from '../../grids/schemas.ts'
import { createGrid, retireGrid, updateAttributes, updateGeometry, type GridAttributes } from '../../grids/versioning.ts'
import type { GeometryValue, InsertFeature, Values } from './transactionParse.ts'
import { refusal, typedValues } from './transactionParse.ts'
import { named, type LayerWriter, type Target } from './transactionWriters.ts'

export const isGridLayer = (layer: LayerDef) => layer.table === 'grid'

/** Properties the service assigns: a client may not set them. */
const SERVER_SET = ['version', 'valid_from']
/** Properties that name the grid and its place: fixed once it exists (split / merge change them over REST). */
const IDENTITY = ['code', 'community_code']

/** The kind and industry type a layer stands for (layer ids from tiles/catalogue.ts). */
function kindOf(layer: LayerDef): { kind: 'base' | 'industry'; industry_type?: string } {
  return layer.id === 'base_grids' ? { kind: 'base' } : { kind: 'industry', industry_type: layer.id.replace(/_grids$/, '') }
}

// The write functions stage candidates in a temporary table that lives until commit; a WFS
// transaction runs several writes, so the previous write's staging table goes first.
const freshStaging = (trx: Knex.Transaction) => trx.raw('DROP TABLE IF EXISTS grid_candidate')

/** GeoJSON positions are x,y whatever the CRS: the geometry reader already put them so. */
const xy = (g: GeometryValue) => ({ ...g.crs, latFirst: false })

async function insert(trx: Knex.Transaction, principal: Principal, layer: LayerDef, features: InsertFeature[]): Promise<string[]> {
  const codes: string[] = []
  for (const f of features) {
    const geometry = f.geometry
    if (!geometry) throw refusal(400, 'InvalidValue', f.locator, 'a grid needs its geom (a Polygon or MultiPolygon)').coded('wfst.geometry_required')
    const props: Record<string, unknown> = Object.fromEntries(Object.entries(typedValues(layer, f.properties)).filter(([k, v]) => v !== null && !SERVER_SET.includes(k)))
    const feature = await named({ key: '', locator: f.locator }, async () => {
      const { candidates, problems } = toCandidates([{ geometry: geometry.geometry, properties: { ...props, ...kindOf(layer) } }], xy(geometry))
      if (problems.length) throw inputProblemsError(problems)
      const c = candidates[0]!
      await freshStaging(trx)
      // user-defined fields (server/fields) are judged by createGrid itself, as for POST /grids
      return createGrid(trx, principal, { ...c, code: c.code || undefined }, props)
    })
    codes.push(String(feature.id))
  }
  return codes
}

/** Update values → the PATCH body's properties, validated by the PATCH schema itself (user fields: as PATCH passes them). */
function patchOf(layer: LayerDef, values: Values, where: string): GridAttributes {
  for (const name of Object.keys(values.properties)) {
    if (SERVER_SET.includes(name) || IDENTITY.includes(name)) {
      throw refusal(400, 'InvalidValue', where, `${name} of a grid cannot be changed by an update`).coded('wfst.read_only', { property: name })
    }
  }
  const props = validate(patchBody, { type: 'Feature', properties: typedValues(layer, values.properties) }, 'grid properties').properties
  return { ...props, userValues: props }
}

async function update(trx: Knex.Transaction, principal: Principal, layer: LayerDef, targets: Target[], values: Values): Promise<void> {
  if (values.geometry === null) throw refusal(400, 'InvalidValue', targets[0]?.locator ?? 'geom', 'a grid cannot lose its geom').coded('wfst.geometry_required')
  for (const t of targets) {
    const attrs = patchOf(layer, values, t.locator)
    const geometry = values.geometry
    if (geometry) {
      await named(t, async () => {
        const polygon = polygonFromInput(geometry.geometry, xy(geometry))
        await freshStaging(trx)
        return updateGeometry(trx, principal, t.key, polygon, attrs)
      })
    } else {
      await named(t, () => updateAttributes(trx, principal, t.key, attrs))
    }
  }
}

async function remove(trx: Knex.Transaction, principal: Principal, _layer: LayerDef, targets: Target[]): Promise<void> {
  for (const t of targets) await named(t, () => retireGrid(trx, principal, t.key))
}


/** The advisory locks every grid write takes (server/grids/topology.ts), before the targets are read. */
async function lockPlaces(trx: Knex.Transaction, layer: LayerDef, communities: string[]): Promise<void> {
  const k = kindOf(layer)
  await lockScopes(trx, [...communities.map((c) => `grid:community:${c}`), ...(k.industry_type ? [`grid:industry:${k.industry_type}`] : [])].sort())
}

export const gridWriter: LayerWriter = { roles: GRID_WRITERS, operations: ['Insert', 'Update', 'Delete'], lockPlaces, insert, update, delete: remove }
