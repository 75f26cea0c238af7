// An uploaded field copy, checked before anything is applied: the size (streamed to a temp file
// and cut off at the limit), the SQLite magic header, then the GeoPackage structure the sync
// reads: our bookkeeping tables, the components and reports tables in EPSG:4490 and every
// geometry a 2D point in that CRS. Any problem is one 400/413/415 naming it; nothing is applied.
import fs from 'node:fs'
import { pipeline } from 'node:stream/promises'
import { Transform } from 'node:stream'
import type { Context } from 'koa'
import { AppError, badRequest } from '../http/errors.ts'
import { openReadOnly, parseGeometryBlob, SQLITE_MAGIC, wkbPoint, type SqliteDb } from './gpkg.ts'
import { STORAGE_SRID } from './export.ts'

export const SYNC_MEDIA_TYPES = ['application/geopackage+sqlite3', 'application/x-sqlite3', 'application/vnd.sqlite3', 'application/octet-stream']
export const DEFAULT_SYNC_MAX_BYTES = 64 * 1024 * 1024

const bad = (detail: string, code: `offline.${string}`, params: Record<string, string | number> = {}) =>
  badRequest(detail, { field: 'body' }).coded(code, params)

/** Streams the raw body to `file`; 413 past `limit` bytes, 415 for another media type. */
export async function receive(ctx: Context, file: string, limit: number): Promise<number> {
  const type = (ctx.get('content-type').split(';')[0] ?? '').trim().toLowerCase()
  if (!SYNC_MEDIA_TYPES.includes(type)) {
    throw new AppError(415, 'unsupported_media_type', `send the GeoPackage as the raw body with Content-Type application/geopackage+sqlite3, got "${type.slice(0, 80)}"`)
      .coded('offline.media_type', { type: type.slice(0, 80) })
  }
  const declared = Number(ctx.get('content-length') || 0)
  if (declared > limit) throw tooLarge(limit)
  let seen = 0
  const counter = new Transform({
    transform(chunk: Buffer, _enc, done) {
      seen += chunk.length
      done(seen > limit ? tooLarge(limit) : null, chunk)
    },
  })
  try {
    await pipeline(ctx.req, counter, fs.createWriteStream(file))
  } catch (err) {
    if (err instanceof AppError) throw err
    // the client went away or the body broke off: nothing was read, nothing is applied
    throw bad(`the upload did not arrive whole: ${(err as Error).message.slice(0, 100)}`, 'offline.interrupted')
  }
  if (seen === 0) throw bad('the body is empty: send the GeoPackage file', 'offline.empty')
  return seen
}

const tooLarge = (limit: number) => new AppError(413, 'payload_too_large', `the GeoPackage is larger than ${limit} bytes (OFFLINE_SYNC_MAX_BYTES)`)
  .coded('offline.too_large', { limit })

/** The magic header first: a PNG or noise is refused before SQLite opens it. */
export async function checkMagic(file: string): Promise<void> {
  const fh = await fs.promises.open(file, 'r')
  try {
    const head = Buffer.alloc(SQLITE_MAGIC.length)
    await fh.read(head, 0, head.length, 0)
    if (!head.equals(SQLITE_MAGIC)) throw bad('the body is not a SQLite database (no "SQLite format 3" header): send the .gpkg file', 'offline.not_sqlite')
  } finally {
    await fh.close()
  }
}

export interface PackedComponent { fid: number; id: string; name: string; state: string; material: string | null; community: string; x: number; y: number }
export interface PackedReport { fid: number; classCode: string; demandType: string | null; description: string; address: string | null; priority: number | null; x: number; y: number }
export interface Baseline { version: number | null; updatedAt: string | null; hash: string | null }

export interface FieldCopy {
  packageId: string
  areaCode: string
  components: PackedComponent[]
  reports: PackedReport[]
  baseline: Map<string, Baseline>
}

/** Opens and reads the package; a structural problem is one 400 naming it. */
export function readFieldCopy(file: string): FieldCopy {
  let db: SqliteDb
  try {
    db = openReadOnly(file)
    db.pragma('schema_version') // forces the header and schema to be read now
  } catch (err) {
    throw bad(`the file is not a readable SQLite database: ${(err as Error).message.slice(0, 200)}`, 'offline.unreadable')
  }
  try {
    return readOpen(db)
  } catch (err) {
    if (err instanceof AppError) throw err
    throw bad(`the GeoPackage could not be read: ${(err as Error).message.slice(0, 200)}`, 'offline.unreadable')
  } finally {
    db.close()
  }
}

function readOpen(db: SqliteDb): FieldCopy {
  const tables = new Set((db.prepare("SELECT name FROM sqlite_master WHERE type IN ('table', 'view')").all() as { name: string }[]).map((r) => r.name))
  for (const t of ['gpkg_spatial_ref_sys', 'gpkg_contents', 'gpkg_geometry_columns', 'gridgov_package', 'gridgov_baseline', 'components', 'reports']) {
    if (!tables.has(t)) throw bad(`the GeoPackage has no table ${t}: send back the package exported by GET /api/v1/offline/{area}.gpkg`, 'offline.missing_table', { table: t })
  }
  const meta = new Map((db.prepare('SELECT key, value FROM gridgov_package').all() as { key: string; value: string }[]).map((r) => [r.key, r.value]))
  const packageId = meta.get('package_id') ?? ''
  if (!/^[0-9a-f-]{36}$/.test(packageId)) throw bad('gridgov_package has no valid package_id', 'offline.no_package_id')
  for (const t of ['components', 'reports']) checkCrs(db, t)
  const baseline = new Map<string, Baseline>()
  for (const r of db.prepare("SELECT feature_id AS id, version, updated_at AS u, hash FROM gridgov_baseline WHERE layer = 'components'").all() as { id: string; version: number | null; u: string | null; hash: string | null }[]) {
    baseline.set(String(r.id), { version: r.version, updatedAt: r.u, hash: r.hash })
  }
  const components = (db.prepare('SELECT fid, geom, id, name, state, material, community_code FROM components ORDER BY fid').all() as Record<string, unknown>[])
    .map((r) => ({ fid: Number(r.fid), id: text(r.id), name: text(r.name), state: text(r.state), material: r.material === null ? null : text(r.material),
      community: text(r.community_code), ...pointOf(r.geom, 'components', Number(r.fid)) }))
  const reports = (db.prepare('SELECT fid, geom, class_code, demand_type, description, address, priority FROM reports ORDER BY fid').all() as Record<string, unknown>[])
    .map((r) => ({ fid: Number(r.fid), classCode: text(r.class_code), demandType: r.demand_type === null ? null : text(r.demand_type),
      description: text(r.description), address: r.address === null ? null : text(r.address),
      priority: typeof r.priority === 'number' ? r.priority : r.priority === null ? null : Number(r.priority), ...pointOf(r.geom, 'reports', Number(r.fid)) }))
  return { packageId, areaCode: meta.get('area_code') ?? '', components, reports, baseline }
}

const text = (v: unknown): string => (v === null || v === undefined ? '' : typeof v === 'string' ? v : Buffer.isBuffer(v) ? '' : String(v))

/** The table's geometry column must be EPSG:4490 (a copy reprojected to 3857 or 4326 is refused, not guessed). */
function checkCrs(db: SqliteDb, table: string): void {
  const g = db.prepare(`SELECT c.srs_id, s.organization, s.organization_coordsys_id AS code, c.geometry_type_name AS type
    FROM gpkg_geometry_columns c LEFT JOIN gpkg_spatial_ref_sys s ON s.srs_id = c.srs_id WHERE c.table_name = ?`).get(table) as
    { srs_id: number; organization: string | null; code: number | null; type: string } | undefined
  if (!g) throw bad(`table ${table} is not a GeoPackage feature table (no gpkg_geometry_columns row)`, 'offline.not_features', { table })
  if (String(g.organization).toUpperCase() !== 'EPSG' || Number(g.code) !== STORAGE_SRID) {
    throw bad(`table ${table} is in ${g.organization ?? 'an unknown'}:${g.code ?? g.srs_id}, not EPSG:${STORAGE_SRID} (CGCS2000): edit the package in its own CRS`, 'offline.wrong_crs',
      { table, crs: `${g.organization ?? '?'}:${g.code ?? g.srs_id}` })
  }
  if (g.type.toUpperCase() !== 'POINT') throw bad(`table ${table} holds ${g.type}, not POINT`, 'offline.wrong_geometry', { table, type: g.type })
}

/** A row's geometry: a 2D point in the table's CRS, or a 400 naming the row. */
function pointOf(blob: unknown, table: string, fid: number): { x: number; y: number } {
  let p
  try {
    const g = parseGeometryBlob(blob)
    if (g.srsId !== STORAGE_SRID) throw new Error(`its srs_id is ${g.srsId}, not ${STORAGE_SRID}`)
    if (g.empty) throw new Error('it is empty')
    p = wkbPoint(g.wkb)
    if (!p) throw new Error(`it is WKB type ${g.wkbType}, not a 2D Point`)
  } catch (err) {
    throw bad(`${table} feature ${fid}: bad geometry, ${(err as Error).message}`, 'offline.bad_geometry', { table, fid })
  }
  if (!Number.isFinite(p.x) || !Number.isFinite(p.y) || Math.abs(p.x) > 180 || Math.abs(p.y) > 90) {
    throw bad(`${table} feature ${fid}: the point (${p.x}, ${p.y}) is not a longitude/latitude`, 'offline.bad_geometry', { table, fid })
  }
  return p
}
