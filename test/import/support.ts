// Builds test Shapefiles the way GIS users make them: GeoJSON → ogr2ogr (gdal-bin) → zip.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { execFileSync } from 'node:child_process'

export function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'gridgov-import-'))
}

export interface ShapefileOptions {
  /** EPSG code to reproject to (and write in the .prj), default keep CRS84. */
  epsg?: number
  /** DBF encoding (writes a .cpg), default UTF-8. */
  encoding?: string
  /** Files to delete after conversion, by extension (e.g. ['prj'], ['cpg']). */
  drop?: string[]
}

/** Writes the FeatureCollection as a Shapefile layer `name` and returns the zip's bytes. */
export function zippedShapefile(collection: unknown, name: string, opts: ShapefileOptions = {}): Buffer {
  const dir = tempDir()
  try {
    const src = path.join(dir, 'src.geojson')
    fs.writeFileSync(src, JSON.stringify(collection))
    const args = ['-f', 'ESRI Shapefile', path.join(dir, `${name}.shp`), src, '-nln', name, '-lco', `ENCODING=${opts.encoding ?? 'UTF-8'}`]
    if (opts.epsg) args.push('-t_srs', `EPSG:${opts.epsg}`)
    execFileSync('ogr2ogr', args, { stdio: 'pipe' })
    for (const ext of opts.drop ?? []) fs.rmSync(path.join(dir, `${name}.${ext}`), { force: true })
    const files = fs.readdirSync(dir).filter((f) => f.startsWith(`${name}.`))
    execFileSync('zip', ['-q', '-j', path.join(dir, 'out.zip'), ...files.map((f) => path.join(dir, f))])
    return fs.readFileSync(path.join(dir, 'out.zip'))
  } finally {
    fs.rmSync(dir, { recursive: true, force: true })
  }
}

/** Concatenates two zips' entries into one zip (for the "two layers" case). */
export function zipOf(files: Record<string, Buffer>): Buffer {
  const dir = tempDir()
  try {
    for (const [name, data] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), data)
    execFileSync('zip', ['-q', '-j', path.join(dir, 'out.zip'), ...Object.keys(files).map((f) => path.join(dir, f))])
    return fs.readFileSync(path.join(dir, 'out.zip'))
  } finally {
    fs.rmSync(dir, { recursive: true, force: true })
  }
}
