// A minimal OGC GeoPackage 1.3 writer and reader over better-sqlite3 (the file on disk, never the
// whole database in memory). Only what the offline package needs: feature tables in one CRS,
// the standard geometry blob (GP header + ISO WKB, little-endian), gpkg_contents extents and the
// RTree spatial index extension (gpkg_rtree_index). Why not @ngageoint/geopackage: on Node 20 its
// SQLite adapter needs better-sqlite3 ≥ 13 (Node ≥ 22 only), so it falls back to sql.js and holds
// the whole file in memory; the format is small and well specified (OGC 12-128r18 §2.1.3).
import Database from 'better-sqlite3'

export type SqliteDb = Database.Database

/** 'GPKG' (OGC 12-128r18 §1.1.1.1.1). */
export const GPKG_APPLICATION_ID = 0x47504b47
/** GeoPackage 1.3.0 */
export const GPKG_USER_VERSION = 10300
export const SQLITE_MAGIC = Buffer.from('SQLite format 3\0', 'latin1')

export type ColumnType = 'TEXT' | 'INTEGER' | 'DOUBLE' | 'BOOLEAN' | 'DATETIME' | 'DATE'
export interface Column { name: string; type: ColumnType }
export type GeometryTypeName = 'POINT' | 'MULTILINESTRING' | 'MULTIPOLYGON'

export interface FeatureTable {
  name: string
  identifier: string
  description: string
  geometryType: GeometryTypeName
  columns: Column[]
}

const quote = (name: string) => `"${name.replaceAll('"', '""')}"`

/** Opens a new file for writing; speed settings are safe because a failed build is deleted. */
export function createGeoPackage(file: string, srs: { id: number; name: string; wkt: string; description: string }): SqliteDb {
  const db = new Database(file)
  db.pragma('journal_mode = OFF')
  db.pragma('synchronous = OFF')
  db.pragma(`application_id = ${GPKG_APPLICATION_ID}`)
  db.pragma(`user_version = ${GPKG_USER_VERSION}`)
  db.exec(`
    CREATE TABLE gpkg_spatial_ref_sys (srs_name TEXT NOT NULL, srs_id INTEGER PRIMARY KEY, organization TEXT NOT NULL,
      organization_coordsys_id INTEGER NOT NULL, definition TEXT NOT NULL, description TEXT);
    CREATE TABLE gpkg_contents (table_name TEXT NOT NULL PRIMARY KEY, data_type TEXT NOT NULL, identifier TEXT UNIQUE,
      description TEXT DEFAULT '', last_change DATETIME NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
      min_x DOUBLE, min_y DOUBLE, max_x DOUBLE, max_y DOUBLE, srs_id INTEGER,
      CONSTRAINT fk_gc_r_srs_id FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys(srs_id));
    CREATE TABLE gpkg_geometry_columns (table_name TEXT NOT NULL, column_name TEXT NOT NULL, geometry_type_name TEXT NOT NULL,
      srs_id INTEGER NOT NULL, z TINYINT NOT NULL, m TINYINT NOT NULL,
      CONSTRAINT pk_geom_cols PRIMARY KEY (table_name, column_name),
      CONSTRAINT fk_gc_tn FOREIGN KEY (table_name) REFERENCES gpkg_contents(table_name),
      CONSTRAINT fk_gc_srs FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys (srs_id));
    CREATE TABLE gpkg_extensions (table_name TEXT, column_name TEXT, extension_name TEXT NOT NULL, definition TEXT NOT NULL,
      scope TEXT NOT NULL, CONSTRAINT ge_tce UNIQUE (table_name, column_name, extension_name));
  `)
  const srsRow = db.prepare('INSERT INTO gpkg_spatial_ref_sys VALUES (?, ?, ?, ?, ?, ?)')
  // the three rows every GeoPackage has (§1.1.2.1.2), then ours
  srsRow.run('Undefined cartesian SRS', -1, 'NONE', -1, 'undefined', 'undefined cartesian coordinate reference system')
  srsRow.run('Undefined geographic SRS', 0, 'NONE', 0, 'undefined', 'undefined geographic coordinate reference system')
  srsRow.run('WGS 84 geodetic', 4326, 'EPSG', 4326, WGS84_WKT, 'longitude/latitude coordinates in decimal degrees on the WGS 84 spheroid')
  if (srs.id !== 4326) srsRow.run(srs.name, srs.id, 'EPSG', srs.id, srs.wkt, srs.description)
  return db
}

const WGS84_WKT = 'GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563,AUTHORITY["EPSG","7030"]],' +
  'AUTHORITY["EPSG","6326"]],PRIMEM["Greenwich",0,AUTHORITY["EPSG","8901"]],UNIT["degree",0.0174532925199433,' +
  'AUTHORITY["EPSG","9122"]],AXIS["Latitude",NORTH],AXIS["Longitude",EAST],AUTHORITY["EPSG","4326"]]'

/** Creates a feature table (fid + geom + columns) and registers it in gpkg_contents. */
export function addFeatureTable(db: SqliteDb, t: FeatureTable, srsId: number): void {
  const cols = t.columns.map((c) => `${quote(c.name)} ${c.type}`).join(', ')
  db.exec(`CREATE TABLE ${quote(t.name)} (fid INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, geom ${t.geometryType}${cols ? `, ${cols}` : ''})`)
  db.prepare('INSERT INTO gpkg_contents (table_name, data_type, identifier, description, srs_id) VALUES (?, \'features\', ?, ?, ?)')
    .run(t.name, t.identifier, t.description, srsId)
  db.prepare('INSERT INTO gpkg_geometry_columns VALUES (?, \'geom\', ?, ?, 0, 0)').run(t.name, t.geometryType, srsId)
}

/** Attribute (non-spatial) tables: the DDL registers them in gpkg_contents itself. */
export function addPrivateTable(db: SqliteDb, ddl: string): void {
  db.exec(ddl)
}

export type Envelope = [number, number, number, number]

/** The GeoPackage binary geometry: header (little-endian, envelope [minx,maxx,miny,maxy] unless a point) + WKB. */
export function geometryBlob(wkb: Buffer, srsId: number, env: Envelope | null): Buffer {
  const withEnv = env !== null
  const head = Buffer.alloc(8 + (withEnv ? 32 : 0))
  head.write('GP', 0, 'latin1')
  head[2] = 0
  head[3] = (withEnv ? 1 << 1 : 0) | 1
  head.writeInt32LE(srsId, 4)
  if (env) {
    head.writeDoubleLE(env[0], 8); head.writeDoubleLE(env[2], 16); head.writeDoubleLE(env[1], 24); head.writeDoubleLE(env[3], 32)
  }
  return Buffer.concat([head, wkb])
}

export interface ParsedGeometry { srsId: number; empty: boolean; wkbType: number; wkb: Buffer }

const ENVELOPE_BYTES = [0, 32, 48, 48, 64]

/** Reads a GeoPackage geometry blob's header; throws a plain Error naming what is malformed. */
export function parseGeometryBlob(blob: unknown): ParsedGeometry {
  if (!Buffer.isBuffer(blob) || blob.length < 8) throw new Error('geometry is not a GeoPackage geometry blob')
  if (blob.toString('latin1', 0, 2) !== 'GP') throw new Error('geometry blob does not start with "GP"')
  const flags = blob[3]!
  const le = (flags & 1) === 1
  const envKind = (flags >> 1) & 7
  if (envKind > 4) throw new Error(`geometry blob has an invalid envelope indicator ${envKind}`)
  const srsId = le ? blob.readInt32LE(4) : blob.readInt32BE(4)
  const start = 8 + ENVELOPE_BYTES[envKind]!
  const wkb = blob.subarray(start)
  if (wkb.length < 5) throw new Error('geometry blob has no WKB')
  const wle = wkb[0] === 1
  const wkbType = wle ? wkb.readUInt32LE(1) : wkb.readUInt32BE(1)
  return { srsId, empty: (flags & 0x10) !== 0, wkbType, wkb }
}

/** The point of a 2D WKB Point (any byte order); undefined for another type. */
export function wkbPoint(wkb: Buffer): { x: number; y: number } | undefined {
  const le = wkb[0] === 1
  const type = le ? wkb.readUInt32LE(1) : wkb.readUInt32BE(1)
  if (type !== 1 || wkb.length < 21) return undefined
  return le ? { x: wkb.readDoubleLE(5), y: wkb.readDoubleLE(13) } : { x: wkb.readDoubleBE(5), y: wkb.readDoubleBE(13) }
}

/**
 * The RTree index of a table (extension gpkg_rtree_index), filled from the envelopes already
 * known, then its triggers: created last because they call ST_* functions that GDAL, QGIS and
 * other GeoPackage readers provide and plain SQLite does not.
 */
export function addRtree(db: SqliteDb, table: string, boxes: Iterable<[number, Envelope]>): void {
  const rt = `rtree_${table}_geom`
  db.exec(`CREATE VIRTUAL TABLE ${quote(rt)} USING rtree(id, minx, maxx, miny, maxy)`)
  const ins = db.prepare(`INSERT INTO ${quote(rt)} VALUES (?, ?, ?, ?, ?)`)
  for (const [fid, e] of boxes) ins.run(fid, e[0], e[2], e[1], e[3])
  db.prepare("INSERT INTO gpkg_extensions VALUES (?, 'geom', 'gpkg_rtree_index', 'http://www.geopackage.org/spec120/#extension_rtree', 'write-only')").run(table)
  const t = quote(table), r = quote(rt)
  const box = (row: string) => `${row}.fid, ST_MinX(${row}.geom), ST_MaxX(${row}.geom), ST_MinY(${row}.geom), ST_MaxY(${row}.geom)`
  db.exec(`
    CREATE TRIGGER ${quote(`${rt}_insert`)} AFTER INSERT ON ${t} WHEN (new.geom NOT NULL AND NOT ST_IsEmpty(NEW.geom))
    BEGIN INSERT OR REPLACE INTO ${r} VALUES (${box('NEW')}); END;
    CREATE TRIGGER ${quote(`${rt}_update1`)} AFTER UPDATE OF geom ON ${t} WHEN OLD.fid = NEW.fid AND (NEW.geom NOTNULL AND NOT ST_IsEmpty(NEW.geom))
    BEGIN INSERT OR REPLACE INTO ${r} VALUES (${box('NEW')}); END;
    CREATE TRIGGER ${quote(`${rt}_update2`)} AFTER UPDATE OF geom ON ${t} WHEN OLD.fid = NEW.fid AND (NEW.geom ISNULL OR ST_IsEmpty(NEW.geom))
    BEGIN DELETE FROM ${r} WHERE id = OLD.fid; END;
    CREATE TRIGGER ${quote(`${rt}_update3`)} AFTER UPDATE ON ${t} WHEN OLD.fid != NEW.fid AND (NEW.geom NOTNULL AND NOT ST_IsEmpty(NEW.geom))
    BEGIN DELETE FROM ${r} WHERE id = OLD.fid; INSERT OR REPLACE INTO ${r} VALUES (${box('NEW')}); END;
    CREATE TRIGGER ${quote(`${rt}_update4`)} AFTER UPDATE ON ${t} WHEN OLD.fid != NEW.fid AND (NEW.geom ISNULL OR ST_IsEmpty(NEW.geom))
    BEGIN DELETE FROM ${r} WHERE id IN (OLD.fid, NEW.fid); END;
    CREATE TRIGGER ${quote(`${rt}_delete`)} AFTER DELETE ON ${t} WHEN old.geom NOT NULL
    BEGIN DELETE FROM ${r} WHERE id = OLD.fid; END;
  `)
}

/** Records a table's extent (null when it has no rows: an empty table has no extent). */
export function setExtent(db: SqliteDb, table: string, e: Envelope | null): void {
  db.prepare('UPDATE gpkg_contents SET min_x = ?, min_y = ?, max_x = ?, max_y = ? WHERE table_name = ?')
    .run(e?.[0] ?? null, e?.[1] ?? null, e?.[2] ?? null, e?.[3] ?? null, table)
}

/** Opens an uploaded file read-only (the caller checked the magic header first). */
export function openReadOnly(file: string): SqliteDb {
  return new Database(file, { readonly: true, fileMustExist: true })
}
