// MapInfo (MIF/MID, TAB), DXF and GeoPackage through GDAL's command-line tools (Debian gdal-bin):
// no maintained JavaScript reader covers them. The files are written to a private temporary
// directory under fixed names, `ogrinfo` says how many layers there are and which CRS the file
// declares, and `ogr2ogr` writes the one layer as GeoJSON in EPSG:4490 (longitude first, Z
// dropped) to its standard output, which then takes the same path as an uploaded GeoJSON.
// Tools are spawned with an argument array (no shell), a time limit and an output limit.
// A file without a CRS follows the Shapefile rule: the caller names it (crs=…) or gets a 400.
import { spawn } from 'node:child_process'
import fs from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { AppError } from '../http/errors.ts'
import { parseCrs, type Crs } from '../geo/crs.ts'
import type { InputFeature } from '../grids/candidates.ts'
import { parseGeoJson } from './geojsonReader.ts'

export const GDAL_TIMEOUT_MS = 120_000
export const GDAL_MAX_OUTPUT = 512 * 1024 * 1024

export type GdalFormat = 'mif' | 'tab' | 'dxf' | 'gpkg'
const FORMAT_TITLES: Record<GdalFormat, string> = { mif: 'MapInfo MIF/MID', tab: 'MapInfo TAB', dxf: 'DXF', gpkg: 'GeoPackage' }
// The driver that must have opened the file: a file of another format under this name is refused
// (GDAL 3.6's ogrinfo has no -if to pin the driver).
const DRIVERS: Record<GdalFormat, string> = { mif: 'MapInfo File', tab: 'MapInfo File', dxf: 'DXF', gpkg: 'GPKG' }

/** Where gdal-bin's tools are: GRIDGOV_GDAL_DIR, else the PATH. */
const tool = (name: 'ogr2ogr' | 'ogrinfo') => (process.env.GRIDGOV_GDAL_DIR ? path.join(process.env.GRIDGOV_GDAL_DIR, name) : name)

/** A 400 for an unusable file; the caller codes it. */
const refuse = (detail: string) => new AppError(400, 'bad_import_file', detail)

interface Run { code: number | null; stdout: Buffer; stderr: string }

class ToolMissing extends Error {}

function run(cmd: string, args: string[], cwd: string): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, CPL_LOG: 'OFF' } })
    const out: Buffer[] = []
    let size = 0
    let stderr = ''
    let failure: Error | undefined
    const timer = setTimeout(() => {
      failure = new AppError(400, 'bad_import_file', `the file took longer than ${GDAL_TIMEOUT_MS / 1000} s to read`).coded('vector_import.too_slow', { seconds: GDAL_TIMEOUT_MS / 1000 })
      child.kill('SIGKILL')
    }, GDAL_TIMEOUT_MS)
    child.stdout.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (size > GDAL_MAX_OUTPUT) {
        failure ??= new AppError(413, 'payload_too_large', `the file expands beyond ${GDAL_MAX_OUTPUT} bytes of features`).coded('vector_import.too_large', { max: GDAL_MAX_OUTPUT })
        child.kill('SIGKILL')
        return
      }
      out.push(chunk)
    })
    child.stderr.on('data', (chunk: Buffer) => { if (stderr.length < 4000) stderr += chunk.toString('utf8') })
    child.on('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer)
      reject(err.code === 'ENOENT' ? new ToolMissing(cmd) : err)
    })
    child.on('close', (code) => {
      clearTimeout(timer)
      if (failure) reject(failure)
      else resolve({ code, stdout: Buffer.concat(out), stderr })
    })
  })
}

/** The refusal when gdal-bin is not installed: the format cannot be read here. */
export function needsGdal(format: GdalFormat): AppError {
  return new AppError(415, 'unsupported_media_type',
    `${FORMAT_TITLES[format]} files are read through GDAL (Debian package gdal-bin), which is not installed on this server; send a GeoJSON, KML or zipped Shapefile instead`)
    .coded('vector_import.needs_gdal', { format: FORMAT_TITLES[format] })
}

const firstError = (stderr: string) => (/(?:ERROR \d+|FAILURE):\s*(.*)/.exec(stderr)?.[1] ?? stderr.trim().split('\n')[0] ?? '').slice(0, 200)

export interface LayerInfo { driver: string | undefined; names: string[]; hasCrs: boolean }

/** ogrinfo -so: the layers of the dataset and whether the first declares a CRS. */
function parseInfo(text: string): LayerInfo {
  const names = [...text.matchAll(/^Layer name: (.*)$/gm)].map((m) => m[1]!.trim())
  const srs = /^Layer SRS WKT:\s*\n(.*)$/m.exec(text)
  return { driver: /using driver `([^']+)'/.exec(text)?.[1], names, hasCrs: !!srs && srs[1]!.trim() !== '(unknown)' }
}

export interface GdalLayer { features: InputFeature[]; crs: Crs; note: string }

/**
 * Reads the one layer of `main` (a file among `files`, all written to a temporary directory)
 * through GDAL; `explicitCrs` overrides the CRS the file declares.
 */
export async function readWithGdal(format: GdalFormat, files: Map<string, Buffer>, main: string, explicitCrs: string | undefined): Promise<GdalLayer> {
  const source = explicitCrs ? parseCrs(explicitCrs) : undefined
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'gridgov-ogr-'))
  try {
    for (const [name, data] of files) await fs.writeFile(path.join(dir, name), data)
    const info = await run(tool('ogrinfo'), ['-ro', '-so', '-al', main], dir)
    if (info.code !== 0) {
      throw refuse(`not a readable ${FORMAT_TITLES[format]} file: ${firstError(info.stderr) || 'GDAL cannot open it'}`).coded('vector_import.unreadable', { format: FORMAT_TITLES[format] })
    }
    const layers = parseInfo(info.stdout.toString('utf8'))
    if (layers.driver !== DRIVERS[format]) {
      throw refuse(`not a ${FORMAT_TITLES[format]} file (GDAL reads it as ${layers.driver ?? 'nothing it knows'})`).coded('vector_import.unreadable', { format: FORMAT_TITLES[format] })
    }
    if (layers.names.length === 0) throw refuse(`the ${FORMAT_TITLES[format]} file holds no vector layer`).coded('vector_import.unreadable', { format: FORMAT_TITLES[format] })
    if (layers.names.length > 1) {
      throw refuse(`the file holds ${layers.names.length} layers (${layers.names.slice(0, 10).join(', ')}): import one layer per file`).coded('vector_import.many_layers', { count: layers.names.length })
    }
    if (!layers.hasCrs && !source) {
      throw refuse(`the ${FORMAT_TITLES[format]} file declares no coordinate system; pass crs explicitly (e.g. crs=EPSG:4490)`).coded('vector_import.missing_crs', { format: FORMAT_TITLES[format] })
    }
    // A declared CRS: GDAL reprojects to EPSG:4490. A CRS given by the caller (it may be GCJ-02,
    // which GDAL does not know): the file's own x,y come out untouched and the import converts
    // them, as for a Shapefile with crs=…. GeoJSON output is x (longitude/easting) first.
    const args = ['-f', 'GeoJSON', '/vsistdout/', main, '-dim', 'XY', '-lco', 'RFC7946=NO', '-lco', 'WRITE_NAME=NO']
    if (!source) args.push('-t_srs', 'EPSG:4490')
    const out = await run(tool('ogr2ogr'), args, dir)
    if (out.code !== 0) throw refuse(`the ${FORMAT_TITLES[format]} file cannot be converted: ${firstError(out.stderr)}`).coded('vector_import.unreadable', { format: FORMAT_TITLES[format] })
    const doc = parseGeoJson(out.stdout)
    const crs: Crs = { ...(source ?? parseCrs('EPSG:4490')), latFirst: false }
    const how = source ? `CRS ${crs.id} as given` : 'CRS declared by the file, reprojected by GDAL to EPSG:4490'
    return { features: doc.features, crs, note: `${FORMAT_TITLES[format]} layer ${layers.names[0]}, ${how}` }
  } catch (err) {
    if (err instanceof ToolMissing) throw needsGdal(format)
    throw err
  } finally {
    await fs.rm(dir, { recursive: true, force: true })
  }
}
