// Geometry output in SQL: PostGIS writes GML (ST_AsGML) and GeoJSON (ST_AsGeoJSON) itself, so no
// geometry is touched in JavaScript. Storage is EPSG:4490 lon/lat; the output CRS decides the
// transform and the axis order (urn/URI identifiers of geographic and Gauss-Krüger CRSs are
// lat/northing first), and the client's own srsName is echoed on every geometry.
import { AppError } from '../../http/errors.ts'
import { parseCrs, STORAGE_SRID, type Crs } from '../../geo/crs.ts'
import { escapeXml } from './xml.ts'
import type { Sql } from './sql.ts'

export interface OutputCrs {
  crs: Crs & { srid: number }
  /** The identifier to print (as the client wrote it). */
  srsName: string
  /** Decimal digits: ~1 mm in degrees or metres. */
  decimals: number
}

/**
 * The output CRS for a client identifier; GCJ-02 / BD-09 (no SRID, no PostGIS transform) and
 * unknown identifiers are refused with InvalidParameterValue at `locator`.
 */
export function outputCrs(identifier: string, locator: string): OutputCrs {
  let crs: Crs
  try {
    crs = parseCrs(identifier)
  } catch (err) {
    throw relocate(err, locator)
  }
  if (crs.srid === null) {
    throw new AppError(400, 'unsupported_crs', `${crs.id} is offered by the REST API only; OGC services use EPSG codes`,
      {}, { code: 'InvalidParameterValue', locator })
  }
  return { crs: crs as Crs & { srid: number }, srsName: identifier.trim(), decimals: crs.geographic ? 8 : 3 }
}

/** Re-throws a CRS error from server/geo/crs.ts with this service's parameter name as locator. */
export function relocate(err: unknown, locator: string): unknown {
  if (err instanceof AppError && err.ogc) {
    return new AppError(err.status, err.type, err.detail, err.extra, { ...err.ogc, locator })
  }
  return err
}

/** The storage geometry expression transformed to the output CRS and axis order. */
export function outputGeometrySql(geom: string, out: OutputCrs): string {
  const srid = out.crs.srid
  // WGS84 ≡ CGCS2000 at this scale (see geo/crs.ts): relabel instead of running PROJ.
  let g = srid === STORAGE_SRID ? geom : srid === 4326 ? `ST_SetSRID(${geom}, 4326)` : `ST_Transform(${geom}, ${Math.trunc(srid)})`
  if (out.crs.latFirst) g = `ST_FlipCoordinates(${g})`
  return g
}

/**
 * GML 3 geometry text (valid as GML 3.2 and 3.1.1: PostGIS writes gml:MultiSurface, gml:MultiCurve
 * of gml:LineString (option 4, rather than gml:Curve segments) and gml:Point with posList/pos)
 * with the client's srsName; `idSql` adds gml:id (required in GML 3.2).
 */
export function gmlGeometrySql(geom: string, out: OutputCrs, idSql: string | null, single = false): Sql {
  const g = outputGeometrySql(geom, out)
  // options 1 | 4: long srsName form (then replaced by the identifier the client used), LineString
  const withId = `ST_AsGML(3, ${g}, ${out.decimals}, 5, 'gml', ${idSql})`
  // `single`: the layer holds single geometries (points): no members to number, and no
  // per-feature subquery (a third of the page's database time for 1,000 components)
  const call = idSql === null ? `ST_AsGML(3, ${g}, ${out.decimals}, 5, 'gml')` : single ? withId : uniqueMemberIds(withId, idSql)
  return {
    text: `replace(${call}, ?, ?)`,
    values: [`srsName="urn:ogc:def:crs:EPSG::${out.crs.srid}"`, `srsName="${escapeXml(out.srsName)}"`],
  }
}

/**
 * PostGIS gives every member of a multi-geometry the gml:id of the whole (a MultiCurve and its
 * LineStrings all "roads.7.geom"), which breaks the uniqueness of XML IDs in the document: the
 * text is cut at each occurrence and the members numbered "<id>.1", "<id>.2" … in order.
 */
function uniqueMemberIds(gml: string, idSql: string): string {
  const attr = `'gml:id="' || (${idSql})`
  return `(SELECT string_agg(CASE WHEN u.n = 1 THEN u.s ELSE ${attr} || CASE WHEN u.n = 2 THEN '' ELSE '.' || (u.n - 2) END || '"' || u.s END, '' ORDER BY u.n)
    FROM unnest(string_to_array(${gml}, ${attr} || '"')) WITH ORDINALITY AS u(s, n))`
}

/** GeoJSON geometry (no "crs" member: the document says the CRS once). */
export function geoJsonGeometrySql(geom: string, out: OutputCrs, as: 'json' | 'text' = 'json'): string {
  const text = `ST_AsGeoJSON(${outputGeometrySql(geom, out)}, ${out.decimals}, 0)`
  return as === 'json' ? `${text}::json` : text
}
