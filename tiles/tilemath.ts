// Web Mercator tile arithmetic (XYZ scheme, y down from the north), done in Node so that
// invalidation and TileJSON need no database round trip. Storage is CGCS2000 lon/lat, which
// the tile pyramid treats like WGS84 (the datums differ by centimetres, far below a pixel).

export const MAX_ZOOM = 22
/** Tile extent in MVT coordinates and the buffer drawn around it (the ST_AsMVTGeom defaults). */
export const EXTENT = 4096
export const BUFFER = 64
/** Web Mercator stops at ±85.0511°, where the square world ends. */
const MAX_LAT = 85.0511287798066

export interface TileCoord { z: number; x: number; y: number }
export interface TileRange { z: number; minX: number; minY: number; maxX: number; maxY: number }
/** [minLon, minLat, maxLon, maxLat] in degrees. */
export type BBox = [number, number, number, number]

export function tileCount(z: number): number {
  return 2 ** z
}

/** Fractional tile x of a longitude at zoom z. */
export function lonToTileX(lon: number, z: number): number {
  return ((lon + 180) / 360) * tileCount(z)
}

/** Fractional tile y of a latitude at zoom z (clamped to the Mercator square). */
export function latToTileY(lat: number, z: number): number {
  const phi = (Math.max(-MAX_LAT, Math.min(MAX_LAT, lat)) * Math.PI) / 180
  return ((1 - Math.log(Math.tan(phi) + 1 / Math.cos(phi)) / Math.PI) / 2) * tileCount(z)
}

export function tileXToLon(x: number, z: number): number {
  return (x / tileCount(z)) * 360 - 180
}

export function tileYToLat(y: number, z: number): number {
  const n = Math.PI - (2 * Math.PI * y) / tileCount(z)
  return (180 / Math.PI) * Math.atan(Math.sinh(n))
}

/** The lon/lat bounds of a tile. */
export function tileBBox({ z, x, y }: TileCoord): BBox {
  return [tileXToLon(x, z), tileYToLat(y + 1, z), tileXToLon(x + 1, z), tileYToLat(y, z)]
}

/**
 * The tiles at zoom z whose buffered extent touches a bbox. A feature near a tile edge is
 * also drawn in the neighbour's buffer (BUFFER/EXTENT of a tile), so those tiles change too.
 */
export function tilesTouching(bbox: BBox, z: number, buffer = BUFFER / EXTENT): TileRange {
  const n = tileCount(z)
  const clamp = (v: number) => Math.max(0, Math.min(n - 1, v))
  return {
    z,
    minX: clamp(Math.floor(lonToTileX(bbox[0], z) - buffer)),
    maxX: clamp(Math.floor(lonToTileX(bbox[2], z) + buffer)),
    minY: clamp(Math.floor(latToTileY(bbox[3], z) - buffer)),
    maxY: clamp(Math.floor(latToTileY(bbox[1], z) + buffer)),
  }
}

export function rangeContains(r: TileRange, t: TileCoord): boolean {
  return t.z === r.z && t.x >= r.minX && t.x <= r.maxX && t.y >= r.minY && t.y <= r.maxY
}

export function rangeSize(r: TileRange): number {
  return (r.maxX - r.minX + 1) * (r.maxY - r.minY + 1)
}

/** Size of one tile pixel (1/EXTENT of a tile) in degrees of longitude at zoom z. */
export function pixelDegrees(z: number): number {
  return 360 / (EXTENT * tileCount(z))
}
