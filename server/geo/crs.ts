// Coordinate reference systems accepted at the edges of the service (REST, WMS, WFS, OGC API)
// and the conversions to and from the storage CRS, EPSG:4490 (CGCS2000 lon/lat).
//
// Two facts drive this module:
// - Axis order depends on how a CRS is *named*, not only on which CRS it is: `EPSG:4326` means
//   lon,lat (the de-facto web convention) while `urn:ogc:def:crs:EPSG::4326` and the opengis.net
//   URI mean lat,lon (the EPSG definition); the CGCS2000 Gauss-Krüger zones are northing-first in
//   EPSG. A parsed Crs therefore carries `latFirst` for the identifier it was parsed from.
// - WGS84 and CGCS2000 differ by a few centimetres (both are ITRF-aligned); at city-management
//   scale they are treated as identical, and every conversion text says so.
import proj4 from 'proj4'
import * as gcoordModule from 'gcoord'
import { AppError } from '../http/errors.ts'

// gcoord ships CommonJS with an ESM-style `export default` typing: under NodeNext the typed default
// is the module object, at run time it is module.exports. Take `.default` of the namespace: both agree.
// The slice of its API used here is typed locally.
interface Gcoord {
  transform(input: [number, number], from: string, to: string): [number, number]
  WGS84: string
  GCJ02: string
  BD09: string
}
const gcoord: Gcoord = (gcoordModule as unknown as { default: Gcoord }).default

export interface Crs {
  /** Canonical identifier, e.g. 'EPSG:4490', 'CRS:84', 'GCJ-02', 'BD-09'. */
  id: string
  /** PostGIS SRID; null for GCJ-02 / BD-09, which have no EPSG code. */
  srid: number | null
  geographic: boolean
  /** Axis order implied by the identifier: true = lat/northing first. */
  latFirst: boolean
  title: string
  /** OGC http URI of the CRS (null for GCJ-02 / BD-09), for OGC API and capabilities documents. */
  uri: string | null
}

/** Storage CRS: CGCS2000 geographic, stored as lon,lat. */
export const STORAGE_SRID = 4490

const GK_FIRST = 4513
const GK_LAST = 4554
/** 4513-4533 carry the zone number in the false easting (zones 25-45); 4534-4554 do not (CM 75°E-135°E). */
const GK_PREFIXED_LAST = 4533

interface GkZone { zone: number; lon0: number; x0: number; prefixed: boolean }

function gkZone(srid: number): GkZone | null {
  if (srid < GK_FIRST || srid > GK_LAST) return null
  if (srid <= GK_PREFIXED_LAST) {
    const zone = srid - GK_FIRST + 25
    return { zone, lon0: zone * 3, x0: zone * 1e6 + 500000, prefixed: true }
  }
  const zone = srid - (GK_PREFIXED_LAST + 1) + 25
  return { zone, lon0: zone * 3, x0: 500000, prefixed: false }
}

// Explicit definitions (checked against PostGIS spatial_ref_sys; see test/geo/crs.test.ts) so that
// proj4's built-in table, which lacks the CGCS2000 zones, never decides anything.
const DEF_4490 = '+proj=longlat +ellps=GRS80 +no_defs'
const DEF_3857 = '+proj=merc +a=6378137 +b=6378137 +lat_ts=0 +lon_0=0 +x_0=0 +y_0=0 +k=1 +units=m +nadgrids=@null +no_defs'

/** The proj4 definition string of an SRID this module supports (null for 4326/4490 aliases). */
export function proj4Definition(srid: number): string {
  if (srid === 4490 || srid === 4326) return DEF_4490
  if (srid === 3857 || srid === 900913) return DEF_3857
  const z = gkZone(srid)
  if (!z) throw new Error(`no proj4 definition for SRID ${srid}`)
  return `+proj=tmerc +lat_0=0 +lon_0=${z.lon0} +k=1 +x_0=${z.x0} +y_0=0 +ellps=GRS80 +units=m +no_defs`
}

const converters = new Map<number, proj4.Converter>()
/** Cached proj4 converter projected(srid) ↔ EPSG:4490. */
function converter(srid: number): proj4.Converter {
  let c = converters.get(srid)
  if (!c) {
    c = proj4(proj4Definition(srid), DEF_4490)
    converters.set(srid, c)
  }
  return c
}

const SUPPORTED_TEXT = 'supported are CRS:84, EPSG:4326, EPSG:4490, EPSG:3857 (alias EPSG:900913), ' +
  'EPSG:4513-4554 (CGCS2000 3-degree Gauss-Krüger), GCJ-02, BD-09, each also as ' +
  'urn:ogc:def:crs:EPSG::n or http://www.opengis.net/def/crs/EPSG/0/n'

function unsupported(identifier: string): AppError {
  const shown = identifier.length > 80 ? `${identifier.slice(0, 80)}…` : identifier
  return new AppError(400, 'unsupported_crs', `unsupported CRS "${shown}": ${SUPPORTED_TEXT}`, {},
    { code: 'InvalidParameterValue', locator: 'crs' })
}

function epsgUri(code: number): string {
  return `http://www.opengis.net/def/crs/EPSG/0/${code}`
}

/** The CRS for an EPSG code; `epsgOrder` = the identifier form implies EPSG axis order (URN/URI). */
function fromEpsg(code: number, epsgOrder: boolean): Crs | null {
  switch (code) {
    case 4326:
      return { id: 'EPSG:4326', srid: 4326, geographic: true, latFirst: epsgOrder, title: 'WGS 84', uri: epsgUri(4326) }
    case 4490:
      return { id: 'EPSG:4490', srid: 4490, geographic: true, latFirst: epsgOrder, title: 'China Geodetic Coordinate System 2000 (CGCS2000)', uri: epsgUri(4490) }
    case 3857:
    case 900913:
      // Web Mercator is easting-first in every form.
      return { id: 'EPSG:3857', srid: 3857, geographic: false, latFirst: false, title: 'WGS 84 / Pseudo-Mercator', uri: epsgUri(3857) }
  }
  const z = gkZone(code)
  if (!z) return null
  const title = z.prefixed
    ? `CGCS2000 / 3-degree Gauss-Kruger zone ${z.zone}`
    : `CGCS2000 / 3-degree Gauss-Kruger CM ${z.lon0}E`
  // EPSG defines these as northing (X), easting (Y), and so does every form of the identifier.
  return { id: `EPSG:${code}`, srid: code, geographic: false, latFirst: true, title, uri: epsgUri(code) }
}

const CRS84: Crs = { id: 'CRS:84', srid: 4326, geographic: true, latFirst: false, title: 'WGS 84 longitude-latitude (OGC CRS84)', uri: 'http://www.opengis.net/def/crs/OGC/1.3/CRS84' }
const GCJ02: Crs = { id: 'GCJ-02', srid: null, geographic: true, latFirst: false, title: 'GCJ-02 (国测局坐标, Gaode/Tencent), lon,lat', uri: null }
const BD09: Crs = { id: 'BD-09', srid: null, geographic: true, latFirst: false, title: 'BD-09 (百度坐标, Baidu), lon,lat', uri: null }

// Identifier forms, tried in order. The captured group is the EPSG code.
const SHORT_EPSG = /^epsg:(\d{1,6})$/i
const EPSG_URN = /^urn:(?:ogc|x-ogc):def:crs:epsg:(?:[0-9.]*:)?(\d{1,6})$/i
const EPSG_URI = /^https?:\/\/www\.opengis\.net\/def\/crs\/epsg\/[0-9.]+\/(\d{1,6})$/i
const CRS84_FORMS = /^(?:crs:?84|urn:ogc:def:crs:ogc:(?:1\.3)?:crs84|https?:\/\/www\.opengis\.net\/def\/crs\/ogc\/1\.3\/crs84)$/i

/**
 * Parses a CRS identifier in any of the forms OGC clients send. Throws a 400 `unsupported_crs`
 * AppError (OGC InvalidParameterValue, locator `crs`) for anything else; callers may re-wrap.
 */
export function parseCrs(identifier: string): Crs {
  if (typeof identifier !== 'string') throw unsupported(String(identifier))
  const s = identifier.trim()
  if (s.length === 0 || s.length > 200) throw unsupported(s)
  if (CRS84_FORMS.test(s)) return { ...CRS84 }
  if (/^gcj-?02$/i.test(s)) return { ...GCJ02 }
  if (/^bd-?09(?:ll)?$/i.test(s)) return { ...BD09 }
  const short = SHORT_EPSG.exec(s)
  const long = short ? null : (EPSG_URN.exec(s) ?? EPSG_URI.exec(s))
  const code = Number((short ?? long)?.[1])
  const crs = Number.isInteger(code) ? fromEpsg(code, long !== null) : null
  if (!crs) throw unsupported(s)
  return crs
}

/** Every supported CRS once, in its canonical (short-identifier) form, for capabilities documents. */
export function supportedCrs(): Crs[] {
  const list: Crs[] = [{ ...CRS84 }]
  for (const code of [4326, 4490, 3857]) list.push(fromEpsg(code, false)!)
  for (let code = GK_FIRST; code <= GK_LAST; code++) list.push(fromEpsg(code, false)!)
  list.push({ ...GCJ02 }, { ...BD09 })
  return list
}

/** The error for a coordinate that is impossible in its CRS (callers may re-wrap with a locator). */
export function outOfRange(detail: string): AppError {
  return new AppError(400, 'coordinate_out_of_range', detail, {}, { code: 'InvalidParameterValue' })
}

const SAME_DATUM = 'WGS84 ≡ CGCS2000 (sub-metre, no datum shift applied)'
const MERCATOR_MAX = 20037508.342789244

function checkFinite(a: number, b: number): void {
  if (!Number.isFinite(a) || !Number.isFinite(b)) {
    throw outOfRange(`coordinates must be finite numbers, got ${String(a)}, ${String(b)}`)
  }
}

function checkLonLat(lon: number, lat: number, crs: Crs): void {
  if (lon < -180 || lon > 180 || lat < -90 || lat > 90) {
    const order = crs.latFirst ? 'lat,lon' : 'lon,lat'
    throw outOfRange(`coordinates out of range for ${crs.id} (${order}): longitude must be within ±180 and latitude within ±90, got lon ${lon}, lat ${lat}`)
  }
}

/** Rejects Gauss-Krüger eastings that belong to another zone or lack / carry the zone prefix. */
function checkGk(northing: number, easting: number, srid: number, id: string): void {
  const z = gkZone(srid)!
  if (northing < 0 || northing > 10_000_000) {
    throw outOfRange(`northing ${northing} out of range for ${id} (0..10000000 m; EPSG axis order is northing,easting)`)
  }
  const lo = z.x0 - 500000
  if (easting < lo || easting >= lo + 1e6) {
    const hint = z.prefixed
      ? `eastings of ${id} carry the zone number ${z.zone} (${lo}..${lo + 1e6} m); for eastings without it use EPSG:${srid + 21}`
      : `eastings of ${id} have no zone prefix (0..1000000 m); for zone-prefixed eastings use EPSG:${srid - 21}`
    throw outOfRange(`easting ${easting} out of range for ${id}: ${hint} (EPSG axis order is northing,easting)`)
  }
}

export interface StoragePoint {
  lon: number
  lat: number
  /** What was applied, in words, e.g. 'EPSG:4527 → EPSG:4490 (proj4, inverse Gauss-Krüger)'. */
  conversion: string
}

/**
 * Converts a coordinate pair given in `crs` (in the axis order of that identifier: when latFirst,
 * `a` is latitude/northing) to storage EPSG:4490 lon/lat. Throws 400 coordinate_out_of_range for
 * impossible input.
 */
export function toStorage(a: number, b: number, crs: Crs): StoragePoint {
  checkFinite(a, b)
  const [x, y] = crs.latFirst ? [b, a] : [a, b]
  const swapNote = crs.latFirst && crs.geographic ? '; axes lat,lon → lon,lat' : ''
  if (crs.id === 'GCJ-02' || crs.id === 'BD-09') {
    checkLonLat(x, y, crs)
    const from = crs.id === 'GCJ-02' ? gcoord.GCJ02 : gcoord.BD09
    const [lon, lat] = gcoord.transform([x, y], from, gcoord.WGS84)
    return { lon, lat, conversion: `${crs.id} → WGS84 (gcoord, iterative inverse), ${SAME_DATUM}` }
  }
  if (crs.geographic) {
    checkLonLat(x, y, crs)
    const conversion = crs.srid === STORAGE_SRID
      ? `none: EPSG:4490 is the storage CRS${swapNote}`
      : `${crs.id} → EPSG:4490: ${SAME_DATUM}${swapNote}`
    return { lon: x, lat: y, conversion }
  }
  if (crs.srid === 3857) {
    if (Math.abs(x) > MERCATOR_MAX || Math.abs(y) > MERCATOR_MAX) {
      throw outOfRange(`coordinates out of range for EPSG:3857: |x| and |y| must be ≤ ${MERCATOR_MAX} m, got ${x}, ${y}`)
    }
    const [lon, lat] = converter(3857).forward([x, y])
    return { lon: lon!, lat: lat!, conversion: `EPSG:3857 → EPSG:4326 (proj4, inverse spherical Mercator), ${SAME_DATUM}` }
  }
  checkGk(y, x, crs.srid!, crs.id)
  const [lon, lat] = converter(crs.srid!).forward([x, y])
  return { lon: lon!, lat: lat!, conversion: `${crs.id} → EPSG:4490 (proj4, inverse Gauss-Krüger); axes northing,easting → lon,lat` }
}

/** Converts storage EPSG:4490 lon/lat to `crs`, returned in that identifier's axis order. */
export function fromStorage(lon: number, lat: number, crs: Crs): [number, number] {
  let x: number
  let y: number
  if (crs.id === 'GCJ-02' || crs.id === 'BD-09') {
    const to = crs.id === 'GCJ-02' ? gcoord.GCJ02 : gcoord.BD09
    ;[x, y] = gcoord.transform([lon, lat], gcoord.WGS84, to)
  } else if (crs.geographic) {
    ;[x, y] = [lon, lat]
  } else {
    const out = converter(crs.srid!).inverse([lon, lat])
    ;[x, y] = [out[0]!, out[1]!]
  }
  return crs.latFirst ? [y, x] : [x, y]
}

/**
 * Whether a geographic lon,lat pair looks swapped for a point in China: the "longitude" is a
 * Chinese latitude (3..54) and the "latitude" a Chinese longitude (73..136). Such a pair is in
 * range (lat ≤ 90) and would silently land in the Indian Ocean, so callers refuse it.
 */
export function looksSwapped(lon: number, lat: number): boolean {
  return lon >= 3 && lon <= 54 && lat >= 73 && lat <= 136
}
