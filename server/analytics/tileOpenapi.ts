// OpenAPI paths of the analysis tile layers heatmap and hotspots (tiles/analysisTiles.ts), spread
// into server/openapi/document.ts `paths`. Query parameters come from the zod schema that checks them.
import { queryParameters } from '../openapi/zod.ts'
import { TTL_MS, tileLayerQuery } from './tileLayers.ts'

const problem = { $ref: '#/components/responses/Problem' }
const zxy = ['z', 'x', 'y'].map((name) => ({ name, in: 'path', required: true, schema: { type: 'integer', minimum: 0 } }))
const common = 'The H3 resolution follows the zoom (hexagons about 12-30 px wide on 256-px tiles): z≤7 → 5, z8-9 → 6, z10 → 7, z11 → 8, ' +
  'z12-13 → 9, z14 → 10, z≥15 → 11; tiles from z6 (204 below). Filters as for /api/v1/analytics/heatmap (no `resolution`: 400 naming it); ' +
  'without from/to the last 30 days, ending at the next whole minute. Always inside the caller\'s jurisdiction. The cells of the whole study area ' +
  `are computed once per (jurisdiction, filter, resolution) and kept ${TTL_MS / 1000} s in the serving process; answers are Cache-Control: private, ` +
  `max-age=${TTL_MS / 2000} with an ETag. Served one layer per tile (not part of \`all\` or a comma list).`

function tile(summary: string, description: string) {
  return {
    get: {
      summary, description: `${description} ${common}`,
      parameters: [...zxy, ...queryParameters(tileLayerQuery)],
      responses: {
        200: { description: 'Mapbox Vector Tile 2.1 (extent 4096, buffer 64)', content: { 'application/vnd.mapbox-vector-tile': { schema: { type: 'string', format: 'binary' } } } },
        204: { description: 'zoom below 6: nothing to draw' }, 304: { description: 'not modified (If-None-Match)' },
        400: problem, 401: problem, 403: problem,
      },
    },
  }
}

function tileJson(layer: string) {
  return {
    get: {
      summary: `TileJSON 3.0.0 of the ${layer} layer: its tile URL (carrying the given filter), zoom range, the caller's bounds and fields`,
      parameters: queryParameters(tileLayerQuery),
      responses: { 200: { description: 'TileJSON 3.0.0', content: { 'application/json': { schema: { type: 'object' } } } }, 400: problem, 401: problem, 403: problem },
    },
  }
}

export const analysisTilePaths = {
  '/tiles/heatmap/{z}/{x}/{y}.mvt': tile('热力图 tile layer: events per H3 cell (hexagons clipped to the tile)',
    'Layer `heatmap`, one polygon per non-empty cell: { h3, count, share (count / all events of the study area), level (1-6 colour class, ' +
    'log scale of count against the densest cell), resolution }.'),
  '/tiles/hotspots/{z}/{x}/{y}.mvt': tile('热点分析 tile layer: Getis-Ord Gi* (k = 1) per H3 cell of the study area',
    'Layer `hotspots`, one polygon per study cell, as /api/v1/analytics/hotspots with k=1 at the zoom\'s resolution (Gi* over every cell of the ' +
    'study area, not just the tile\'s): { h3, count, z, p, p_fdr, class (hot99 … cold99 or none), resolution }. Where the study area would exceed ' +
    'the API\'s cell limit at that resolution, the next coarser resolution is used (the `resolution` attribute says which).'),
  '/tiles/heatmap.json': tileJson('heatmap'),
  '/tiles/hotspots.json': tileJson('hotspots'),
}
