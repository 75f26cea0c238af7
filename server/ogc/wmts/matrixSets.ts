// The two tile matrix sets of the WMTS, and the arithmetic from a tile address to the box it shows.
//
// GoogleMapsCompatible: EPSG:3857 in the OGC well-known scale set of that name (WMTS 1.0.0
// annex E.4): level z has 2^z × 2^z tiles of 256 px from the top-left corner (-πR, πR). Its tile
// addresses are the XYZ addresses of every web map (TileRow = y, TileCol = x).
//
// CGCS2000: EPSG:4490 longitude/latitude in the grid of tianditu's 'c' set (天地图经纬度瓦片):
// top-left (-180°, 90°), 256-px tiles, level 1 = 2 × 1 tiles of 180°, each level halving, the
// levels numbered from 1 as tianditu numbers them, so a tile address here is the same tile there.
// Two choices differ from tianditu's document, on purpose:
// - ScaleDenominator follows the OGC's 0.28 mm pixel (level 1: 279541132.01…), not tianditu's
//   96-dpi figures (2.9582935545…E8). GDAL, OWSLib, QGIS and OpenLayers derive the pixel size from
//   ScaleDenominator × 0.28 mm ÷ metres per degree; tianditu's figures would make them place our
//   tiles about 6 % off. Clients that hard-code tianditu's resolutions (0.703125° at level 1)
//   agree with ours: the grid is the same.
// - The identifier is `CGCS2000` rather than tianditu's `c`: a name that says what it is, which
//   no other set of ours will claim.
// SupportedCRS is the URN form, whose axis order is EPSG's (latitude first for 4490), so the
// TopLeftCorner is written "90 -180", as tianditu writes it and as GDAL reads it (GDAL swaps
// for URN lat/lon CRSs and leaves the short `EPSG:4490` form unswapped).
import { parseCrs, type Crs } from '../../geo/crs.ts'

/** The OGC standardised rendering pixel, metres. */
export const PIXEL_M = 0.00028
/** Metres per degree at the equator, the WMTS convention for geographic scale denominators. */
export const METRES_PER_DEGREE = (6378137 * 2 * Math.PI) / 360
const HALF_WORLD = Math.PI * 6378137
export const TILE_SIZE = 256

export interface TileMatrix {
  id: string
  scaleDenominator: number
  matrixWidth: number
  matrixHeight: number
  /** Width (= height) of one tile in CRS units (metres or degrees). */
  span: number
}

export interface TileMatrixSet {
  id: string
  title: string
  abstract: string
  /** What the renderer draws in: EPSG:3857 or EPSG:4490 (x = easting / longitude). */
  crs: Crs
  /** ows:SupportedCRS as written in the capabilities. */
  supportedCrs: string
  /** TopLeftCorner as written (EPSG axis order of supportedCrs). */
  topLeftText: string
  /** Top-left corner as x (easting/longitude), y. */
  topLeft: [number, number]
  wellKnownScaleSet?: string
  /** The set's extent as lower/upper corners in the EPSG axis order of supportedCrs. */
  boundingBox: [string, string]
  matrices: TileMatrix[]
}

/** Levels offered: enough for a doorplate (z20 ≈ 0.15 m per pixel at the equator). */
const MAX_LEVEL = 20

function googleMaps(): TileMatrixSet {
  const matrices: TileMatrix[] = []
  for (let z = 0; z <= MAX_LEVEL; z++) {
    const span = (2 * HALF_WORLD) / 2 ** z
    matrices.push({ id: String(z), scaleDenominator: span / TILE_SIZE / PIXEL_M, matrixWidth: 2 ** z, matrixHeight: 2 ** z, span })
  }
  const edge = HALF_WORLD.toFixed(7)
  return {
    id: 'GoogleMapsCompatible', title: 'Web 墨卡托 (EPSG:3857, GoogleMapsCompatible)',
    abstract: 'OGC 公认比例尺集 GoogleMapsCompatible，与常见互联网地图的 XYZ 瓦片编号一致。',
    crs: parseCrs('EPSG:3857'), supportedCrs: 'urn:ogc:def:crs:EPSG::3857',
    topLeftText: `-${edge} ${edge}`, topLeft: [-HALF_WORLD, HALF_WORLD],
    wellKnownScaleSet: 'urn:ogc:def:wkss:OGC:1.0:GoogleMapsCompatible',
    boundingBox: [`-${edge} -${edge}`, `${edge} ${edge}`], matrices,
  }
}

function cgcs2000(): TileMatrixSet {
  const matrices: TileMatrix[] = []
  for (let level = 1; level <= MAX_LEVEL; level++) {
    const span = 180 / 2 ** (level - 1)
    matrices.push({
      id: String(level), scaleDenominator: (span / TILE_SIZE) * METRES_PER_DEGREE / PIXEL_M,
      matrixWidth: 2 ** level, matrixHeight: 2 ** (level - 1), span,
    })
  }
  return {
    id: 'CGCS2000', title: 'CGCS2000 经纬度 (EPSG:4490，天地图 c 格网)',
    abstract: '2000 国家大地坐标系经纬度瓦片：左上角 (-180, 90)，256 像素，第 1 级 2×1 块，与天地图经纬度瓦片 (c) 编号相同；比例尺分母按 OGC 0.28 mm 像素计算。',
    crs: parseCrs('EPSG:4490'), supportedCrs: 'urn:ogc:def:crs:EPSG::4490',
    topLeftText: '90 -180', topLeft: [-180, 90],
    boundingBox: ['-90 -180', '90 180'], matrices,
  }
}

export const MATRIX_SETS: readonly TileMatrixSet[] = [googleMaps(), cgcs2000()]

export function matrixSet(id: string): TileMatrixSet | undefined {
  return MATRIX_SETS.find((s) => s.id === id)
}

/** The tile's box in the set's CRS, x (easting/longitude) first: minx, miny, maxx, maxy. */
export function tileBox(set: TileMatrixSet, m: TileMatrix, row: number, col: number): [number, number, number, number] {
  const minx = set.topLeft[0] + col * m.span
  const maxy = set.topLeft[1] - row * m.span
  return [minx, maxy - m.span, minx + m.span, maxy]
}

/** The same box in CGCS2000 longitude/latitude (Web Mercator's inverse is exact on a box's corners). */
export function tileLonLat(set: TileMatrixSet, box: [number, number, number, number]): [number, number, number, number] {
  if (set.crs.geographic) return box
  const lon = (x: number) => (x / 6378137) * (180 / Math.PI)
  const lat = (y: number) => Math.atan(Math.sinh(y / 6378137)) * (180 / Math.PI)
  return [lon(box[0]), lat(box[1]), lon(box[2]), lat(box[3])]
}

/**
 * The RESTful GetTile URL of a GoogleMapsCompatible tile at XYZ address z/x/y (for the bench and
 * for clients that template XYZ URLs). `origin` is scheme://host[:port], without a trailing slash.
 */
export function googleTileUrl(origin: string, layer: string, z: number, x: number, y: number, style = 'default', ext: 'png' | 'jpg' = 'png'): string {
  return `${origin}/ogc/wmts/1.0.0/${encodeURIComponent(layer)}/${encodeURIComponent(style)}/GoogleMapsCompatible/${z}/${y}/${x}.${ext}`
}
