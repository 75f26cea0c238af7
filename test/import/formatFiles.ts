// Builds import files the way GIS users make them: a GeoJSON written by the test → ogr2ogr
// (gdal-bin) → MapInfo MIF/MID or TAB (zipped, or as a file set), DXF or GeoPackage.
import fs from 'node:fs'
import path from 'node:path'
import { execFileSync } from 'node:child_process'
import { tempDir } from './support.ts'

export type GdalOut = 'mif' | 'tab' | 'dxf' | 'gpkg'

const DRIVER: Record<GdalOut, string[]> = {
  mif: ['-f', 'MapInfo File', '-dsco', 'FORMAT=MIF'],
  // bounds around the data: MapInfo stores integer coordinates scaled to the bounds, and the
  // default world bounds round them to ~5e-7°
  tab: ['-f', 'MapInfo File', '-lco', 'BOUNDS=115,35,118,38'],
  dxf: ['-f', 'DXF'],
  gpkg: ['-f', 'GPKG'],
}

export interface MadeFiles {
  /** Every file ogr2ogr wrote, by name. */
  files: Record<string, Buffer>
  /** The files zipped (names as written). */
  zip: Buffer
}

/** Writes the collection in a format with ogr2ogr; `epsg` reprojects (and declares) the CRS. */
export function makeFiles(collection: unknown, format: GdalOut, name: string, opts: { epsg?: number; extra?: string[] } = {}): MadeFiles {
  const dir = tempDir()
  try {
    const src = path.join(dir, 'src.geojson')
    fs.writeFileSync(src, JSON.stringify(collection))
    const out = path.join(dir, 'out')
    fs.mkdirSync(out)
    const args = [...DRIVER[format], path.join(out, `${name}.${format}`), src, ...(opts.epsg ? ['-t_srs', `EPSG:${opts.epsg}`] : []), ...(opts.extra ?? [])]
    execFileSync('ogr2ogr', args, { stdio: 'pipe' })
    const names = fs.readdirSync(out)
    const files = Object.fromEntries(names.map((n) => [n, fs.readFileSync(path.join(out, n))]))
    execFileSync('zip', ['-q', '-j', path.join(dir, 'out.zip'), ...names.map((n) => path.join(out, n))])
    return { files, zip: fs.readFileSync(path.join(dir, 'out.zip')) }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true })
  }
}

/** A multipart/form-data body with each file as a part named "file". */
export function multipart(files: Record<string, Buffer>): { body: Buffer; type: string } {
  const boundary = `----gridgov${Date.now().toString(16)}`
  const parts: Buffer[] = []
  for (const [name, data] of Object.entries(files)) {
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${name}"\r\nContent-Type: application/octet-stream\r\n\r\n`))
    parts.push(data, Buffer.from('\r\n'))
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`))
  return { body: Buffer.concat(parts), type: `multipart/form-data; boundary=${boundary}` }
}

export function haveGdal(): boolean {
  try {
    execFileSync('ogr2ogr', ['--version'], { stdio: 'pipe' })
    return true
  } catch {
    return false
  }
}
