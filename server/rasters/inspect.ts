// What an uploaded raster is, read with `gdalinfo -json`, and every reason to refuse it before any
// file is built: not a raster GDAL reads, a format we do not take, no CRS or georeferencing, the
// wrong bands for the kind, or outside the latitudes Web Mercator can show.
import { AppError, badRequest } from '../http/errors.ts'
import { GdalFailure, gdalInfo, lastError, runGdal, type GdalInfo } from './gdal.ts'

export const RASTER_KINDS = ['ortho', 'topo', 'dem'] as const
export type RasterKind = (typeof RASTER_KINDS)[number]

/** GDAL drivers taken: GeoTIFF/COG, ERDAS IMAGINE (HFA) and the usual DEM formats. */
export const DRIVERS: Record<string, string> = {
  GTiff: 'GeoTIFF', COG: 'GeoTIFF', HFA: 'ERDAS IMAGINE (.img)', AAIGrid: 'Arc/Info ASCII Grid (.asc)',
  USGSDEM: 'USGS DEM', DTED: 'DTED', SRTMHGT: 'SRTM HGT',
}

export interface Inspected {
  info: GdalInfo
  driver: string
  format: string
  /** EPSG:n, or the CRS's own name when it has no EPSG code. */
  crs: string
  geographic: boolean
  /** CGCS2000 lon/lat extent (WGS84 and CGCS2000 agree within centimetres). */
  extent: [number, number, number, number]
  /** Ground size of a pixel in metres, x and y averaged (degrees converted at the centre latitude). */
  resolution: number
  palette: boolean
  bands: number
  dataType: string
}

/** Web Mercator stops at ±85.0511°: a raster reaching beyond cannot be tiled. */
const MERCATOR_LAT = 85.0511
const METRES_PER_DEGREE = 6378137 * Math.PI / 180

export async function inspectRaster(file: string, kind: RasterKind): Promise<Inspected> {
  // identified from its header first, then opened with that driver only: a file of another kind
  // (a VRT or a WMS description, which would make GDAL read other files or URLs) is never opened
  const driver = await identify(file)
  const format = DRIVERS[driver]
  if (!format) {
    throw new AppError(415, 'unsupported_media_type', `raster format ${driver} is not imported; send ${[...new Set(Object.values(DRIVERS))].join(', ')}`)
      .coded('rasters.unsupported_format', { format: driver })
  }
  let info: GdalInfo
  try {
    info = await gdalInfo(file, ['-if', driver])
  } catch (err) {
    if (!(err instanceof GdalFailure)) throw err
    throw unreadable(lastError(err.stderr))
  }
  const wkt = info.coordinateSystem?.wkt ?? ''
  if (!wkt.trim()) {
    throw badRequest(`the ${format} file has no coordinate reference system (for an .asc grid, put its .prj beside it in a zip)`)
      .coded('rasters.no_crs', { format })
  }
  const gt = info.geoTransform
  const box = extentOf(info)
  if (!gt || gt.length !== 6 || !box) {
    throw badRequest(`the ${format} file has no georeferencing (no geotransform): nothing says where it lies`).coded('rasters.no_georeference', { format })
  }
  if (box[1] < -MERCATOR_LAT || box[3] > MERCATOR_LAT) {
    throw badRequest(`the raster reaches latitude ${box[1] < -MERCATOR_LAT ? box[1].toFixed(2) : box[3].toFixed(2)}; Web Mercator tiles stop at ±${MERCATOR_LAT}`)
      .coded('rasters.outside_mercator')
  }
  const bands = info.bands.length
  const dataType = info.bands[0]?.type ?? 'Byte'
  const palette = bands === 1 && info.bands[0]!.colorTable !== undefined
  checkBands(kind, bands, dataType, palette)
  const geographic = /^\s*(GEOGCRS|GEOGCS|GEODCRS)\[/.test(wkt)
  const centreLat = (box[1] + box[3]) / 2
  const [px, py] = [Math.abs(gt[1]!), Math.abs(gt[5]!)]
  const resolution = geographic
    ? (px * METRES_PER_DEGREE * Math.cos(centreLat * Math.PI / 180) + py * METRES_PER_DEGREE) / 2
    : (px + py) / 2
  const epsg = info.stac?.['proj:epsg']
  const crs = epsg ? `EPSG:${epsg}` : (/^\s*\w+\["([^"]+)"/.exec(wkt)?.[1] ?? 'unnamed CRS')
  return { info, driver, format, crs, geographic, extent: box, resolution, palette, bands, dataType }
}

const unreadable = (reason: string) => badRequest(`the file is not a raster GDAL can read: ${reason}`).coded('rasters.unreadable', { reason })

/** The GDAL driver that recognises the file's header (`gdalmanage identify`). */
async function identify(file: string): Promise<string> {
  const { stdout } = await runGdal('gdalmanage', ['identify', file])
  const driver = /:\s*([A-Za-z0-9_]+)\s*$/.exec(stdout.trim())?.[1]
  if (!driver) throw unreadable('no GDAL driver recognises its contents')
  return driver
}

function extentOf(info: GdalInfo): [number, number, number, number] | null {
  const ring = info.wgs84Extent?.coordinates?.[0]
  if (!ring?.length) return null
  const xs = ring.map((p) => p[0]!), ys = ring.map((p) => p[1]!)
  return [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)]
}

function checkBands(kind: RasterKind, bands: number, dataType: string, palette: boolean): void {
  if (kind === 'dem') {
    if (bands !== 1 || palette) {
      throw badRequest(`a DEM has one band of elevations; this file has ${bands}${palette ? ' (a colour palette)' : ''}`)
        .coded('rasters.bands', { kind, bands })
    }
    if (/^C/.test(dataType)) throw badRequest(`a DEM of complex numbers (${dataType}) is not elevation`).coded('rasters.bands', { kind, bands })
    return
  }
  if (![1, 3, 4].includes(bands)) {
    throw badRequest(`an ${kind} raster has 1 (grey or palette), 3 (RGB) or 4 (RGBA) bands; this file has ${bands}`)
      .coded('rasters.bands', { kind, bands })
  }
}
