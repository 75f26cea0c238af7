// An import file → features and CRS, whatever it is. The format is the caller's (format=…, or a
// Content-Type that names one) or recognised from the bytes: a zip (or a multipart upload of a
// file set) is judged by the names it holds (.shp, .tab + .map/.dat/.id, .mif + .mid, .kml,
// .gpkg, .dxf, .geojson); a single file by its signature (SQLite, <kml, DXF group codes, MIF
// header), else it is read as GeoJSON. Shapefile, GeoJSON and KML are read in JavaScript;
// MapInfo, DXF and GeoPackage through GDAL (./gdal.ts). CRS: the explicit crs wins; else what
// the file declares (.prj, GeoJSON crs member, GDAL's reading of the file; KML is always
// CRS84); a Shapefile or GDAL file that declares none is a 400.
import type { Crs } from '../geo/crs.ts'
import { parseCrs } from '../geo/crs.ts'
import { AppError } from '../http/errors.ts'
import type { InputFeature } from '../grids/candidates.ts'
import { inputCrs } from '../grids/geometryInput.ts'
import { parseGeoJson } from './geojsonReader.ts'
import { readShapefileSet, unzip } from './shapefileReader.ts'
import { shapefileCrs } from './prj.ts'
import { readKml } from './kml.ts'
import { readWithGdal, type GdalFormat } from './gdal.ts'

export const IMPORT_FORMATS = ['shapefile', 'geojson', 'kml', 'kmz', 'mif', 'tab', 'dxf', 'gpkg'] as const
export type ImportFormat = (typeof IMPORT_FORMATS)[number]

export interface ImportSource { format: ImportFormat; features: InputFeature[]; crs: Crs; note: string }

/** A multipart upload: the files by (lower-cased) name. */
export type FileSet = Map<string, Buffer>

/** A 400 for an unusable file; the caller codes it. */
const refuse = (detail: string) => new AppError(400, 'bad_import_file', detail)

const isZip = (b: Buffer) => b.length >= 4 && b[0] === 0x50 && b[1] === 0x4b && (b[2] === 0x03 || b[2] === 0x05)
const SQLITE = Buffer.from('SQLite format 3\0', 'latin1')
const isSqlite = (b: Buffer) => b.length >= 100 && b.subarray(0, 16).equals(SQLITE)

/** The format of a single (not zipped) file from its first bytes, or undefined (GeoJSON then). */
export function sniff(b: Buffer): ImportFormat | undefined {
  if (isZip(b)) return undefined
  if (isSqlite(b)) return 'gpkg'
  const head = b.subarray(0, 4096).toString('latin1').replace(/^\uFEFF|^\xEF\xBB\xBF/, '')
  if (/^\s*</.test(head) && /<kml[\s>]/.test(head)) return 'kml'
  if (/^AutoCAD Binary DXF/.test(head) || /^\s*(0\s*\r?\n\s*SECTION|999\s*\r?\n)/.test(head)) return 'dxf'
  if (/^\s*version\s+\d+\s*\r?\n/i.test(head)) return 'mif'
  return undefined
}

const ext = (name: string) => /\.([a-z0-9]+)$/.exec(name)?.[1] ?? ''
const base = (name: string) => name.replace(/\.[a-z0-9]+$/, '')

/** The one layer of a file set, its format and the files that make it up. */
function layerOfSet(files: FileSet): { format: ImportFormat; main: string } {
  const names = [...files.keys()]
  const mains: { format: ImportFormat; main: string }[] = []
  for (const n of names) {
    const e = ext(n)
    if (e === 'shp') mains.push({ format: 'shapefile', main: n })
    else if (e === 'tab') mains.push({ format: 'tab', main: n })
    else if (e === 'mif') mains.push({ format: 'mif', main: n })
    else if (e === 'kml') mains.push({ format: 'kml', main: n })
    else if (e === 'gpkg') mains.push({ format: 'gpkg', main: n })
    else if (e === 'dxf') mains.push({ format: 'dxf', main: n })
    else if (e === 'geojson' || e === 'json') mains.push({ format: 'geojson', main: n })
  }
  if (!mains.length) {
    throw refuse(`the upload holds no .shp, .tab, .mif, .kml, .gpkg, .dxf or .geojson layer (it holds ${names.slice(0, 10).join(', ') || 'no files'})`).coded('vector_import.no_layer')
  }
  // a KMZ's doc.kml is its layer; a KMZ may carry other KML files it links to
  const kmz = mains.filter((m) => m.format === 'kml')
  if (kmz.length > 1 && kmz.length === mains.length && files.has('doc.kml')) return { format: 'kml', main: 'doc.kml' }
  if (mains.length > 1) throw refuse(`the upload holds ${mains.length} layers (${mains.map((m) => m.main).join(', ')}): import one layer per file`).coded('vector_import.many_layers', { count: mains.length })
  const layer = mains[0]!
  const needs: Record<string, string[]> = { tab: ['map', 'dat', 'id'], mif: ['mid'] }
  const missing = (needs[layer.format] ?? []).map((e) => `${base(layer.main)}.${e}`).filter((n) => !files.has(n))
  if (missing.length) {
    throw refuse(`${layer.main} comes with ${missing.join(', ')}, which the upload lacks`).coded('vector_import.incomplete_set', { missing: missing.join(', ') })
  }
  return layer
}

/** The files of a GDAL layer under fixed safe names (layer.tab, layer.map …). */
function gdalFiles(files: FileSet, main: string): { set: FileSet; main: string } {
  const set: FileSet = new Map()
  for (const [name, data] of files) if (base(name) === base(main)) set.set(`layer.${ext(name)}`, data)
  return { set, main: `layer.${ext(main)}` }
}

async function fromSet(files: FileSet, hint: ImportFormat | undefined, explicitCrs: string | undefined): Promise<ImportSource> {
  const layer = layerOfSet(files)
  const same = hint === undefined || hint === layer.format || (hint === 'kmz' && layer.format === 'kml')
  if (!same) throw refuse(`format=${hint} but the upload holds ${layer.main}`).coded('vector_import.format_mismatch', { format: hint })
  switch (layer.format) {
    case 'shapefile': {
      const shp = await readShapefileSet(files)
      const crs = shapefileCrs(shp.prj, explicitCrs)
      const features = shp.features.map((f) => ({ geometry: f.geometry, properties: (f.properties ?? null) as Record<string, unknown> | null }))
      return { format: 'shapefile', features, crs, note: `layer ${shp.name}, DBF encoding ${shp.encoding}, CRS ${crs.id}` }
    }
    case 'kml':
      return kmlSource(files.get(layer.main)!, hint === 'kmz' || files.size > 1 ? 'kmz' : 'kml', explicitCrs)
    case 'geojson':
      return geoJsonSource(files.get(layer.main)!, explicitCrs)
    default: {
      const g = gdalFiles(files, layer.main)
      const read = await readWithGdal(layer.format as GdalFormat, g.set, g.main, explicitCrs)
      return { format: layer.format, ...read }
    }
  }
}

function kmlSource(data: Buffer, format: 'kml' | 'kmz', explicitCrs: string | undefined): ImportSource {
  const features = readKml(data)
  const crs = explicitCrs ? { ...parseCrs(explicitCrs), latFirst: false } : parseCrs('CRS:84')
  return { format, features, crs, note: `${features.length} Placemark(s), CRS ${crs.id}` }
}

function geoJsonSource(data: unknown, explicitCrs: string | undefined): ImportSource {
  const doc = parseGeoJson(data)
  const crs = inputCrs(explicitCrs, doc.crs)
  return { format: 'geojson', features: doc.features, crs, note: `CRS ${crs.id}` }
}

/**
 * Reads an import body: a file set (multipart), bytes (zip or a single file), or an already
 * parsed JSON body (GeoJSON).
 */
export async function readSource(data: FileSet | Buffer | unknown, explicitCrs: string | undefined, hint?: ImportFormat): Promise<ImportSource> {
  if (data instanceof Map) return fromSet(data as FileSet, hint, explicitCrs)
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data
  if (!Buffer.isBuffer(bytes)) {
    if (hint && hint !== 'geojson') throw refuse(`format=${hint} needs the file's bytes (send it as application/octet-stream or a zip)`).coded('vector_import.format_mismatch', { format: hint })
    return geoJsonSource(data, explicitCrs)
  }
  if (isZip(bytes)) return fromSet(await unzip(bytes), hint, explicitCrs)
  const format = hint ?? sniff(bytes) ?? 'geojson'
  switch (format) {
    case 'geojson': return geoJsonSource(bytes, explicitCrs)
    case 'kml': return kmlSource(bytes, 'kml', explicitCrs)
    case 'gpkg':
      if (!isSqlite(bytes)) throw refuse('not a GeoPackage: the file is not an SQLite database').coded('vector_import.not_geopackage')
      return { format, ...await readWithGdal('gpkg', new Map([['layer.gpkg', bytes]]), 'layer.gpkg', explicitCrs) }
    case 'dxf':
    case 'mif':
      // a MIF without its MID has no attributes: GDAL reads it when it declares no columns
      return { format, ...await readWithGdal(format, new Map([[`layer.${format}`, bytes]]), `layer.${format}`, explicitCrs) }
    default:
      throw refuse(`format=${format} is a set of files: send them zipped or as a multipart upload`).coded('vector_import.format_mismatch', { format })
  }
}
