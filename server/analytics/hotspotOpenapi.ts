// OpenAPI path of /api/v1/analytics/hotspots (spread into server/openapi/document.ts `paths`).
// Query parameters come from the zod schema that validates them.
import { queryParameters } from '../openapi/zod.ts'
import { hotspotQuery, MAX_CELLS } from './hotspots.ts'

const problem = { $ref: '#/components/responses/Problem' }

export const hotspotPaths = {
  '/api/v1/analytics/hotspots': {
    get: {
      summary: '热点分析: Getis-Ord Gi* per H3 cell (or base grid) of the study area, with p-values, FDR correction and hot/cold classes, as GeoJSON',
      description: 'unit=h3 (default): the study area is every H3 cell at `resolution` whose centre lies in `area` (default: the caller\'s jurisdiction), plus any cell ' +
        'holding a counted event; cells without events count 0. Weights are binary over the H3 disk of radius k, the cell itself included (Gi*). ' +
        'unit=grid: every current base grid of the area, counted by the grid stored at intake, weights by first-order queen contiguity (grids sharing an edge or a corner, ' +
        'the grid itself included; k must be 1; resolution is not used). ' +
        'Each feature: the hexagon or grid outline (lon/lat EPSG:4490) and { h3 or grid, count, z (Gi* z-score, ArcGIS GiZScore), p (two-sided normal, GiPValue), ' +
        'pFdr (Benjamini-Hochberg over all cells), bin (ArcGIS Gi_Bin after FDR: ±3 at 99 %, ±2 at 95 %, ±1 at 90 %), class (hot99 … cold99 or none), ' +
        'pPerm (with permutations: conditional randomisation, two-sided, twice esda\'s folded p_sim) }. The collection carries resolution, k, from, to, ' +
        'cells, total, mean, s (population standard deviation), constant (every count equal: Gi* is 0/0 and every z is reported as 0, p as 1). ' +
        `Filters as for /analytics/heatmap. At most ${MAX_CELLS.toLocaleString('en')} cells (400 naming resolution beyond). ` +
        'Statistics match PySAL esda G_Local(star=True, transform=\'B\') z-scores and ArcGIS Pro Hot Spot Analysis (fixed H3 neighbourhoods, FDR).',
      parameters: queryParameters(hotspotQuery),
      responses: {
        200: { description: 'GeoJSON FeatureCollection of the study cells or grids', content: { 'application/geo+json': { schema: { type: 'object' } } } },
        400: problem, 401: problem, 403: problem,
      },
    },
  },
}
