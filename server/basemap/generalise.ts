// What the base map tile holds at each zoom. Zooms are TILE zooms; the page asks for 512-pixel
// tiles (one request covers four 256-pixel ones), so a tile of zoom z is drawn at view zoom z + 1.
// A low-zoom tile covers a whole city: it keeps the structure (trunk and main roads, the river,
// district and street names) and drops what a reader cannot tell apart at that scale.

/** No tiles below this zoom (a city is a few pixels); the TileJSON's range is MIN..MAX. */
export const BASEMAP_MIN_ZOOM = 8
/** Deepest zoom with more detail; clients overzoom beyond it (the server still answers to 22). */
export const BASEMAP_MAX_ZOOM = 16
/** The tile size the page uses and the config endpoint announces. */
export const BASEMAP_TILE_SIZE = 512

export const BASEMAP_LAYERS = ['water', 'waterway', 'roads', 'places'] as const
export type BasemapLayer = (typeof BASEMAP_LAYERS)[number]

/** Label priority by kind of place (1 most important): the demo generator's and an import's default. */
export const PLACE_RANKS = { city: 1, district: 2, street: 3, landmark: 4, community: 5, estate: 6 } as const
export type PlaceKind = keyof typeof PLACE_RANKS

export interface Generalisation {
  /** Water areas smaller than this (square degrees) are left out. */
  minWaterArea: number
  waterwayKinds: string[]
  roadKinds: string[]
  /** Place names of this rank or more important (smaller) only. */
  maxPlaceRank: number
}

/** Road kinds by zoom: arterials first, streets from 12, lanes and paths from 14. */
export function roadKindsAt(z: number): string[] {
  if (z <= 11) return ['trunk', 'main']
  if (z <= 13) return ['trunk', 'main', 'street']
  return ['trunk', 'main', 'street', 'lane', 'path']
}

/** Place ranks by zoom: 1 city, 2 district, 3 street, 4 landmark, 5 community, 6+ estates. */
export function maxPlaceRankAt(z: number): number {
  if (z <= 9) return 1
  if (z <= 13) return z - 8 // 10 → 2 … 13 → 5
  return 9
}

export function generalisationAt(z: number): Generalisation {
  // a lake smaller than 4 × 4 pixels of a 512-pixel tile is a speck: left out
  const pixel = 360 / (BASEMAP_TILE_SIZE * 2 ** z)
  return {
    minWaterArea: (4 * pixel) ** 2,
    waterwayKinds: z <= 11 ? ['river'] : z <= 12 ? ['river', 'canal'] : ['river', 'canal', 'stream', 'ditch'],
    roadKinds: roadKindsAt(z),
    maxPlaceRank: maxPlaceRankAt(z),
  }
}
