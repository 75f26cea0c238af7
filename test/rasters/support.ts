// Small rasters made with GDAL for the raster tests, and GDAL's own answers to compare against.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { execFileSync, spawnSync } from 'node:child_process'
import type { Client } from '../support/http.ts'

export const hasGdal = (): boolean => spawnSync('gdalinfo', ['--version']).status === 0

export const gdal = (tool: string, args: string[]): string => execFileSync(tool, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })

export function scratchDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'gridgov-raster-test-'))
}

/** RGB test pattern: red ramps with x (0..255), green with y, blue a 2×2 checker of 0/255. */
export const PATTERN = { width: 256, height: 192 }
export function patternAt(x: number, y: number): [number, number, number] {
  const { width, height } = PATTERN
  return [Math.floor((x * 256) / width), Math.floor((y * 256) / height), (x < width / 2) !== (y < height / 2) ? 255 : 0]
}

/**
 * A 3-band Byte GeoTIFF of the pattern in `srs` with its upper-left corner at (ulx, uly) and square
 * pixels of `pixel` CRS units (x,y in GIS order: lon/easting first).
 */
export function rgbTiff(dir: string, name: string, srs: string, ulx: number, uly: number, pixel: number): string {
  const { width, height } = PATTERN
  const body = Buffer.alloc(width * height * 3)
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) body.set(patternAt(x, y), (y * width + x) * 3)
  const ppm = path.join(dir, `${name}.ppm`)
  fs.writeFileSync(ppm, Buffer.concat([Buffer.from(`P6\n${width} ${height}\n255\n`), body]))
  const out = path.join(dir, `${name}.tif`)
  gdal('gdal_translate', ['-q', '-a_srs', srs, '-a_ullr', String(ulx), String(uly), String(ulx + width * pixel), String(uly - height * pixel), ppm, out])
  return out
}

/** A smooth 60×60 DEM as an Arc/Info ASCII grid (30 m cells), no CRS: lower-left corner (xll, yll). */
export function demAsc(dir: string, name: string, xll: number, yll: number): string {
  const n = 60
  const rows: string[] = []
  for (let j = 0; j < n; j++) {
    rows.push(Array.from({ length: n }, (_, i) => (100 + 50 * Math.sin(i / 9) * Math.cos(j / 7) + 0.5 * i).toFixed(2)).join(' '))
  }
  const file = path.join(dir, `${name}.asc`)
  fs.writeFileSync(file, `ncols ${n}\nnrows ${n}\nxllcorner ${xll}\nyllcorner ${yll}\ncellsize 30\n${rows.join('\n')}\n`)
  return file
}

/** A zip of files (python3's zipfile: the machine has no zip command). */
export function zipOf(dir: string, name: string, files: string[]): string {
  const out = path.join(dir, `${name}.zip`)
  execFileSync('python3', ['-c', 'import sys,zipfile,os\nz=zipfile.ZipFile(sys.argv[1],"w")\nfor f in sys.argv[2:]: z.write(f, os.path.basename(f))\nz.close()', out, ...files])
  return out
}

/** GDAL's value of band `band` at pixel (col,row) of a file. */
export function valueAt(file: string, col: number, row: number, band = 1): number {
  return Number(gdal('gdallocationinfo', ['-valonly', '-b', String(band), file, String(col), String(row)]).trim())
}

/** GDAL's own rendering of a window: gdalwarp into `srs` over `te` at `size`, bilinear, as RGBA PNG bytes. */
export function gdalWindow(dir: string, source: string, srs: string, te: number[], size: [number, number]): Buffer {
  const vrt = path.join(dir, `w-${Date.now()}-${Math.random().toString(36).slice(2)}.vrt`)
  gdal('gdalwarp', ['-q', '-of', 'VRT', '-t_srs', srs, '-te', ...te.map(String), '-ts', String(size[0]), String(size[1]), '-r', 'bilinear', '-dstalpha', source, vrt])
  const png = vrt.replace(/\.vrt$/, '.png')
  gdal('gdal_translate', ['-q', '-of', 'PNG', vrt, png])
  return fs.readFileSync(png)
}

export function upload(client: Client, auth: Record<string, string>, query: string, body: Buffer, type = 'application/octet-stream') {
  return client.request({ method: 'POST', url: `/api/v1/rasters?${query}`, headers: { ...auth, 'content-type': type }, payload: body })
}

/** The files under the data directory's raster folder (scratch directories included). */
export function rasterFiles(dataDir: string): string[] {
  const dir = path.join(dataDir, 'rasters')
  return fs.existsSync(dir) ? fs.readdirSync(dir).sort() : []
}
