// Builds the offline GeoPackage of an admin area for a principal (or the operator's CLI): the
// area's base grids, components, addresses, roads and open events, in CGCS2000, cut to what the
// caller may read (layer roles, jurisdiction, the masking rule), with a baseline of every
// feature's version for the sync. Rows are read page by page (keyset on the layer key) and
// written straight to the file, so a large district never sits in memory whole.
import crypto from 'node:crypto'
import type { Knex } from 'knex'
import type { AppContext } from '../context.ts'
import type { Principal } from '../auth/users.ts'
import { Jurisdiction } from '../db/jurisdiction.ts'
import { badRequest, notFound } from '../http/errors.ts'
import { sqlFile } from '../db/sql.ts'
import { accessTo, type Access } from '../privacy/rule.ts'
import { shownText } from '../privacy/freeText.ts'
import { mayReadLayer, noteLayerRead } from '../../tiles/layerAccess.ts'
import { compileLayer } from '../ogc/common/featureSource.ts'
import type { LayerDef } from '../../tiles/catalogue.ts'
import { addFeatureTable, addPrivateTable, addRtree, createGeoPackage, geometryBlob, setExtent, type Envelope, type SqliteDb } from './gpkg.ts'
import { attributesOf, componentHash, featureTableOf, PACKAGE_DDL, PACKAGE_LAYERS, REPORTS_TABLE, type PackageLayer } from './layers.ts'

export const STORAGE_SRID = 4490
const PAGE = 5000

export interface AdminArea { code: string; name: string; level: string }

export interface PackageResult {
  packageId: string
  area: AdminArea
  /** features written per table */
  layers: Record<string, number>
  features: number
}

/**
 * The area a caller may take offline: one they see whole (a district, street or community of
 * their jurisdiction). Another area answers 404 as for an unknown code, as the events do, so
 * codes cannot be probed; a city is too large for a field copy (400).
 */
export async function findArea(knex: Knex, code: string, principal: Principal | null): Promise<AdminArea> {
  if (!/^[0-9]{12}$/.test(code)) throw badRequest(`area must be a 12-digit admin code, got "${code.slice(0, 40)}"`).coded('offline.area_code', { area: code.slice(0, 40) })
  const row = await knex('admin_division').where({ code }).first('code', 'name', 'level') as AdminArea | undefined
  if (!row || (principal && !principal.jurisdiction.covers(code))) {
    throw notFound(`no admin area ${code} in your jurisdiction`).coded('offline.area_not_found', { area: code })
  }
  if (row.level === 'city') {
    throw badRequest(`${code} (${row.name}) is a city: take one of its districts, streets or communities offline`).coded('offline.area_city', { area: code })
  }
  return row
}

/** Writes the package to `file` (a new file; the caller deletes it on failure). */
export async function buildPackage(app: AppContext, file: string, area: AdminArea, principal: Principal | null): Promise<PackageResult> {
  const jurisdiction = Jurisdiction.of([area.code])
  const { rows } = await app.knex.raw(sqlFile('offline/srs'), [STORAGE_SRID]) as { rows: { srtext: string }[] }
  if (!rows[0]) throw new Error(`spatial_ref_sys has no row for EPSG:${STORAGE_SRID}`)
  const db = createGeoPackage(file, { id: STORAGE_SRID, name: 'China Geodetic Coordinate System 2000', wkt: rows[0].srtext, description: 'CGCS2000 (EPSG:4490), longitude/latitude in degrees' })
  const packageId = crypto.randomUUID()
  const counts: Record<string, number> = {}
  try {
    addPrivateTable(db, PACKAGE_DDL)
    for (const p of PACKAGE_LAYERS) {
      const layer = app.catalogue.get(p.id)
      if (!layer || (principal && !mayReadLayer(layer, principal))) continue
      if (principal) noteLayerRead(layer)
      counts[p.id] = await writeLayer(app.knex, db, p, layer, jurisdiction, principal)
    }
    addFeatureTable(db, REPORTS_TABLE, STORAGE_SRID)
    addRtree(db, REPORTS_TABLE.name, [])
    const features = Object.values(counts).reduce((a, b) => a + b, 0)
    const meta: Record<string, string> = {
      package_id: packageId, area_code: area.code, area_name: area.name, area_level: area.level,
      exported_at: new Date().toISOString(), exported_by: principal?.username ?? 'cli', role: principal?.role ?? 'operator',
      srs: `EPSG:${STORAGE_SRID}`, format: 'gridgov-offline/1',
    }
    const put = db.prepare('INSERT INTO gridgov_package (key, value) VALUES (?, ?)')
    for (const [k, v] of Object.entries(meta)) put.run(k, v)
    db.close()
    await app.knex('offline_package').insert({ id: packageId, area_code: area.code, user_id: principal?.userId ?? null, role: principal?.role ?? null, features })
    return { packageId, area, layers: counts, features }
  } catch (err) {
    if (db.open) db.close()
    throw err
  }
}

interface Row { k: string | number; wkb: Buffer; x0: number; y0: number; x1: number; y1: number; v: number | null; u: string | null; [a: string]: unknown }

/** One layer, page by page; returns the rows written. */
async function writeLayer(knex: Knex, db: SqliteDb, p: PackageLayer, layer: LayerDef, j: Jurisdiction, principal: Principal | null): Promise<number> {
  const table = featureTableOf(p, layer)
  addFeatureTable(db, table, STORAGE_SRID)
  const attrs = attributesOf(p, layer)
  const c = compileLayer(layer)
  // identifiers and expressions come from the catalogue and layers.ts; values are bound
  const select = `SELECT ${c.key} AS k, ${attrs.map((a, i) => `${a.sql} AS a${i}`).join(', ')}, ST_AsBinary(t.geom, 'NDR') AS wkb, ` +
    `ST_XMin(t.geom) AS x0, ST_YMin(t.geom) AS y0, ST_XMax(t.geom) AS x1, ST_YMax(t.geom) AS y1, ${p.versionSql} AS v, ${p.updatedSql} AS u ` +
    `FROM ${c.from} WHERE ${c.where}`
  const insert = db.prepare(`INSERT INTO "${layer.id}" (geom, ${table.columns.map((col) => `"${col.name}"`).join(', ')}) VALUES (?${', ?'.repeat(table.columns.length)})`)
  const baseline = db.prepare('INSERT INTO gridgov_baseline (layer, feature_id, version, updated_at, hash) VALUES (?, ?, ?, ?, ?)')
  const boxes: [number, Envelope][] = []
  let extent: Envelope | null = null
  let last: string | number | undefined
  const point = layer.geometryType === 'Point'
  const descIdx = attrs.findIndex((a) => a.name === 'description')
  const communityIdx = attrs.findIndex((a) => a.name === 'community_code')
  for (;;) {
    const text = `${select}${last === undefined ? '' : ` AND ${c.key} > ?`} ORDER BY ${c.key} LIMIT ?`
    const values = last === undefined ? [j.patterns, PAGE] : [j.patterns, last, PAGE]
    const { rows } = await knex.raw(text, values) as { rows: Row[] }
    db.transaction(() => {
      for (const r of rows) {
        const env: Envelope = [r.x0, r.y0, r.x1, r.y1]
        const vals = attrs.map((a, i) => sqliteValue(r[`a${i}`]))
        if (descIdx >= 0 && layer.id === 'events') {
          vals[descIdx] = shownText(accessOf(principal, String(r[`a${communityIdx}`] ?? '')), vals[descIdx] as string | null)
        }
        const fid = Number(insert.run(geometryBlob(r.wkb, STORAGE_SRID, point ? null : env), ...vals).lastInsertRowid)
        boxes.push([fid, env])
        extent = extent ? [Math.min(extent[0], env[0]), Math.min(extent[1], env[1]), Math.max(extent[2], env[2]), Math.max(extent[3], env[3])] : env
        const hash = layer.id === 'components' ? componentHash({
          id: String(r.k), name: String(vals[attrs.findIndex((a) => a.name === 'name')] ?? ''), state: String(vals[attrs.findIndex((a) => a.name === 'state')] ?? ''),
          material: (vals[attrs.findIndex((a) => a.name === 'material')] ?? null) as string | null, x: r.x0, y: r.y0,
        }) : null
        baseline.run(layer.id, String(r.k), r.v === null ? null : Number(r.v), r.u, hash)
      }
    })()
    if (rows.length < PAGE) break
    last = rows[rows.length - 1]!.k
  }
  addRtree(db, layer.id, boxes)
  setExtent(db, layer.id, extent)
  return boxes.length
}

/** The access of the masking rule (privacy/rule.ts); the CLI's file is masked for everyone. */
function accessOf(principal: Principal | null, communityCode: string): Access {
  return principal ? accessTo(principal, { communityCode, heldByPrincipal: false }) : 'masked'
}

function sqliteValue(v: unknown): string | number | null {
  if (v === null || v === undefined) return null
  if (v instanceof Date) return v.toISOString()
  if (typeof v === 'boolean') return v ? 1 : 0
  if (typeof v === 'number' || typeof v === 'string') return v
  if (typeof v === 'bigint') return Number(v)
  return JSON.stringify(v)
}
