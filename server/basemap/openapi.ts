// The OpenAPI paths of the base map: its config, tiles, TileJSON and the optional raster proxy.
import { BASEMAP_MAX_ZOOM, BASEMAP_MIN_ZOOM, BASEMAP_TILE_SIZE } from './generalise.ts'

export const BASEMAP_CACHE_SECONDS = 60

const tileParams = ['z', 'x', 'y'].map((name) => ({ name, in: 'path', required: true, schema: { type: 'integer', minimum: 0 } }))
const bad = { description: 'z, x or y out of range (problem JSON naming the parameter)' }

export const basemapPaths = {
  '/api/v1/basemap': {
    get: {
      summary: 'Base map configuration for the page, before sign-in (no authentication)',
      description: `{ tiles, tilejson, minzoom (${BASEMAP_MIN_ZOOM}), maxzoom (${BASEMAP_MAX_ZOOM}), tileSize (${BASEMAP_TILE_SIZE}), ` +
        'styles [{id, title}] (dark 暗色, light 浅色), defaultStyle, raster: null | {tiles, title, maxzoom} }. ' +
        'raster is null unless GRIDGOV_BASEMAP_WMTS is set on the server; its URL is the server\'s proxy, never the upstream service.',
      security: [],
      responses: { 200: { description: 'configuration' } },
    },
  },
  '/tiles/basemap/{z}/{x}/{y}.mvt': {
    get: {
      summary: 'Base map vector tile (no authentication): layers water, waterway, roads, places in one tile',
      description: 'Public base geography from water_area, water_line, road and place_name (every city of the database, no jurisdiction). ' +
        'Generalised by zoom: roads trunk/main up to z11, streets from z12, lanes and paths from z14; waterways: rivers, canals from z12; ' +
        'water areas below 4×4 pixels left out; places by rank (z≤9 rank 1, z10 2 … z13 5, z14+ all). Roads merged per name and kind. ' +
        `204 below z${BASEMAP_MIN_ZOOM}. Cache-Control: public, max-age=${BASEMAP_CACHE_SECONDS}; ETag → 304.`,
      security: [],
      parameters: tileParams,
      responses: { 200: { description: 'application/vnd.mapbox-vector-tile' }, 204: { description: 'below the minimum zoom' }, 304: { description: 'not modified' }, 400: bad },
    },
  },
  '/tiles/basemap.json': {
    get: {
      summary: 'TileJSON 3.0.0 of the base map tiles (no authentication)', security: [],
      responses: { 200: { description: 'TileJSON' } },
    },
  },
  '/tiles/basemap/raster/{z}/{x}/{y}': {
    get: {
      summary: 'The configured raster base map (GRIDGOV_BASEMAP_WMTS), fetched by the server (no authentication)',
      description: '404 when no raster base map is configured (the default); 502 when the configured service fails.',
      security: [],
      parameters: tileParams,
      responses: { 200: { description: 'image/png or image/jpeg' }, 400: bad, 404: { description: 'not configured' }, 502: { description: 'upstream failure' } },
    },
  },
}
