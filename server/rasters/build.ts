// Builds the served files from a source raster: a cloud-optimised GeoTIFF in EPSG:3857 aligned to
// the GoogleMapsCompatible tile grid (so a raster tile at the COG's zoom is one block, and every
// overview is a zoom level), and for a DEM a hillshade made by gdaldem from the DEM in its own CRS
// (true metres), then built the same way. Everything is written into a scratch directory; the
// caller moves the files into place only when the register rows commit.
import fs from 'node:fs'
import path from 'node:path'
import yauzl from 'yauzl'
import { badRequest } from '../http/errors.ts'
import { gdalInfo, runGdal } from './gdal.ts'
import type { Inspected, RasterKind } from './inspect.ts'

export interface BuiltFile {
  /** Absolute path of the COG in the scratch directory. */
  path: string
  bytes: number
  width: number
  height: number
  bands: number
  min?: number | undefined
  max?: number | undefined
}

/** Elevations never reach this: the DEM's nodata when the source names none. */
const DEM_NODATA = -32768
const RASTER_EXTENSIONS = /\.(tif|tiff|img|asc|dem|dt[012]|hgt)$/i
const ZIP_MAX_ENTRIES = 200

function cogOptions(resampling: string): string[] {
  return ['-of', 'COG', '-co', 'TILING_SCHEME=GoogleMapsCompatible', '-co', 'ZOOM_LEVEL_STRATEGY=UPPER',
    '-co', 'COMPRESS=DEFLATE', '-co', 'BLOCKSIZE=256', '-co', `RESAMPLING=${resampling}`,
    '-co', `OVERVIEW_RESAMPLING=${resampling === 'NEAREST' ? 'NEAREST' : 'AVERAGE'}`, '-co', 'NUM_THREADS=2']
}

/** The GDAL path of the raster to read: the file itself, or the raster inside a zip (sidecars beside it). */
export async function sourcePath(file: string): Promise<string> {
  const head = Buffer.alloc(4)
  const fd = fs.openSync(file, 'r')
  try {
    fs.readSync(fd, head, 0, 4, 0)
  } finally {
    fs.closeSync(fd)
  }
  if (head.readUInt32LE(0) !== 0x04034b50) return file
  const names = await zipNames(file)
  const rasters = names.filter((n) => RASTER_EXTENSIONS.test(n) && !n.startsWith('__MACOSX/') && !n.split('/').includes('..'))
  if (rasters.length !== 1) {
    throw badRequest(`the zip must hold exactly one raster (.tif, .img, .asc, .dem, .dt0-2, .hgt) with its sidecar files; it holds ${rasters.length}`)
      .coded('rasters.zip_contents', { count: rasters.length })
  }
  // braces: the archive has no .zip extension (an upload), so GDAL must be told where its path ends
  return `/vsizip/{${path.resolve(file)}}/${rasters[0]}`
}

function zipNames(file: string): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const bad = (err: Error) => reject(badRequest(`not a readable zip file: ${err.message}`).coded('rasters.unreadable', { reason: err.message }))
    yauzl.open(file, { lazyEntries: false, strictFileNames: false }, (err, zip) => {
      if (err || !zip) return bad(err ?? new Error('no zip'))
      if (zip.entryCount > ZIP_MAX_ENTRIES) {
        zip.close()
        return reject(badRequest(`the zip has ${zip.entryCount} entries (at most ${ZIP_MAX_ENTRIES})`).coded('rasters.zip_contents', { count: zip.entryCount }))
      }
      const names: string[] = []
      zip.on('entry', (e: yauzl.Entry) => names.push(e.fileName))
      zip.on('end', () => resolve(names))
      zip.on('error', bad)
    })
  })
}

/** The served COG of a source: imagery expanded to RGB(A) bytes; a DEM kept as Float32 with a nodata value. */
export async function buildCog(source: string, found: Inspected, kind: RasterKind | 'hillshade', out: string): Promise<BuiltFile> {
  const args = ['-q']
  let resampling = 'BILINEAR'
  if (kind === 'dem') {
    args.push('-ot', 'Float32')
    if (found.info.bands[0]?.noDataValue === undefined) args.push('-a_nodata', String(DEM_NODATA))
  } else if (kind === 'hillshade') {
    resampling = 'BILINEAR'
  } else if (found.palette) {
    args.push('-expand', 'rgba')
  } else if (found.dataType !== 'Byte') {
    // 16-bit or float imagery: stretched to bytes between its own minimum and maximum
    args.push('-ot', 'Byte', '-scale')
  }
  await runGdal('gdal_translate', [...args, ...cogOptions(resampling), source, out])
  const info = await gdalInfo(out)
  if (info.metadata?.IMAGE_STRUCTURE?.LAYOUT !== 'COG') throw new Error(`gdal_translate did not write a COG: ${out}`)
  // the elevation range of the source itself (the warped copy's is smoothed by resampling)
  const band = kind === 'dem' ? (await gdalInfo(source, ['-mm'])).bands[0] : undefined
  return {
    path: out, bytes: fs.statSync(out).size, width: info.size[0], height: info.size[1], bands: info.bands.length,
    min: kind === 'dem' ? band?.computedMin : undefined, max: kind === 'dem' ? band?.computedMax : undefined,
  }
}

/**
 * The hillshade of a DEM, computed in the DEM's own CRS (gdaldem needs equal horizontal and
 * vertical units: a geographic DEM is scaled by 111120 m per degree, gdaldem's documented value).
 */
export async function buildHillshade(source: string, found: Inspected, scratch: string, out: string): Promise<BuiltFile> {
  const plain = path.join(scratch, 'hillshade.tif')
  await runGdal('gdaldem', ['hillshade', '-q', '-compute_edges', ...(found.geographic ? ['-s', '111120'] : []), source, plain])
  const shaded = { ...found, bands: 1, dataType: 'Byte', palette: false }
  return buildCog(plain, shaded, 'hillshade', out)
}
