// What an offline package holds: catalogue layers (the same attributes WFS and the tiles give,
// so no column leaves here that those channels do not already give the role) written as
// GeoPackage feature tables, and the empty `reports` table a crew fills with new events.
import type { AttributeType, LayerDef } from '../../tiles/catalogue.ts'
import type { Column, ColumnType, FeatureTable, GeometryTypeName } from './gpkg.ts'

export interface PackageLayer {
  /** catalogue layer id; the GeoPackage table has the same name */
  id: 'base_grids' | 'components' | 'addresses' | 'roads' | 'events'
  /** SQL over alias t for the baseline's version (NULL: the table has none) */
  versionSql: string
  /** SQL over alias t for the baseline's updated_at, as exact text (NULL: none) */
  updatedSql: string
  /** extra columns beyond the catalogue's, SQL over alias t: only fields the sync may change */
  extra: { name: string; sql: string; type: AttributeType }[]
}

export const PACKAGE_LAYERS: readonly PackageLayer[] = [
  { id: 'base_grids', versionSql: 't.version', updatedSql: 't.updated_at::text', extra: [] },
  { id: 'components', versionSql: 't.version', updatedSql: 't.updated_at::text', extra: [{ name: 'material', sql: 't.material', type: 'string' }] },
  { id: 'addresses', versionSql: 'NULL::int', updatedSql: 'NULL::text', extra: [] },
  { id: 'roads', versionSql: 'NULL::int', updatedSql: 'NULL::text', extra: [] },
  // description: free text, masked for the role by privacy/freeText.ts (export.ts)
  { id: 'events', versionSql: 't.version', updatedSql: 't.updated_at::text', extra: [{ name: 'description', sql: 't.description', type: 'string' }] },
]

const COLUMN_TYPES: Record<string, ColumnType> = {
  string: 'TEXT', integer: 'INTEGER', number: 'DOUBLE', boolean: 'BOOLEAN', datetime: 'DATETIME', date: 'DATE',
}
const GEOMETRY: Record<LayerDef['geometryType'], GeometryTypeName> = { Point: 'POINT', MultiLineString: 'MULTILINESTRING', MultiPolygon: 'MULTIPOLYGON' }

export const columnType = (t: AttributeType): ColumnType => COLUMN_TYPES[t] ?? 'TEXT'

/** Every attribute written for a layer: the catalogue's, then the package's extras. */
export function attributesOf(p: PackageLayer, layer: LayerDef): { name: string; sql: string; type: AttributeType }[] {
  const names = new Set(layer.attributes.map((a) => a.name))
  return [...layer.attributes, ...p.extra.filter((e) => !names.has(e.name))]
}

export function featureTableOf(p: PackageLayer, layer: LayerDef): FeatureTable {
  return {
    name: layer.id, identifier: layer.title, description: layer.abstract, geometryType: GEOMETRY[layer.geometryType],
    columns: attributesOf(p, layer).map((a): Column => ({ name: a.name, type: columnType(a.type) })),
  }
}

/** Where a crew reports new events: one row a report; `number` is filled by nobody (the server numbers events). */
export const REPORTS_TABLE: FeatureTable = {
  name: 'reports', identifier: '外业上报', geometryType: 'POINT',
  description: '外业新上报的事件：每行一件，同步时按事件上报（POST /api/v1/events）同样的规则受理',
  columns: [
    { name: 'class_code', type: 'TEXT' }, { name: 'demand_type', type: 'TEXT' }, { name: 'description', type: 'TEXT' },
    { name: 'address', type: 'TEXT' }, { name: 'priority', type: 'INTEGER' },
  ],
}

/**
 * The sync's bookkeeping, as GeoPackage attribute tables (registered in gpkg_contents, with a
 * rowid: GDAL copies them with the features, so a copy made by ogr2ogr still syncs).
 */
export const PACKAGE_DDL = `
  CREATE TABLE gridgov_package (fid INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, key TEXT NOT NULL UNIQUE, value TEXT NOT NULL);
  CREATE TABLE gridgov_baseline (fid INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, layer TEXT NOT NULL, feature_id TEXT NOT NULL,
    version INTEGER, updated_at TEXT, hash TEXT, UNIQUE (layer, feature_id));
  INSERT INTO gpkg_contents (table_name, data_type, identifier, description) VALUES
    ('gridgov_package', 'attributes', '离线包信息', 'package id, area and export time: the sync reads them'),
    ('gridgov_baseline', 'attributes', '同步基线', 'each exported feature with its version at export: the sync compares it');`

/** The component fields a sync may change, normalised so a server row and a package row compare. */
export interface ComponentFields { id: string; name: string; state: string; material: string | null; x: number; y: number }

/** Seven decimals of a degree (~1 cm) decide whether a point moved. */
export const round7 = (v: number) => Math.round(v * 1e7) / 1e7

export function componentHash(c: ComponentFields): string {
  return JSON.stringify([c.id, c.name, c.state, c.material ?? null, round7(c.x), round7(c.y)])
}
