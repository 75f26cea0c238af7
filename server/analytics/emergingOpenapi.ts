// OpenAPI path of /api/v1/analytics/emerging-hotspots (spread into server/openapi/document.ts `paths`).
// Query parameters come from the zod schema that validates them.
import { queryParameters } from '../openapi/zod.ts'
import { DEFAULT_STEPS, MAX_BINS, MAX_NEIGHBOURS, MAX_STEPS, MIN_STEPS, TREND_ALPHA, emergingQuery } from './emerging.ts'

const problem = { $ref: '#/components/responses/Problem' }

export const emergingPaths = {
  '/api/v1/analytics/emerging-hotspots': {
    get: {
      summary: '时空热点分析 (Emerging Hot Spot Analysis): the space-time pattern category of each H3 cell with the Mann-Kendall trend, as GeoJSON',
      description: 'A space-time cube of event counts: every H3 cell at `resolution` of the study area (as for /analytics/hotspots) × time steps ' +
        '(step=week: 7 days; step=month: calendar months in Asia/Shanghai), aligned to end at `to` (a leading remainder shorter than one step is left out; ' +
        `the answer's from/to and steps say what was counted). ${MIN_STEPS}-${MAX_STEPS} steps (400 naming from and to otherwise); without from: ${DEFAULT_STEPS} steps. ` +
        'Gi* over all bins of the cube (n = cells × steps), binary weights over the H3 disk of radius k in the same step and the previous timeWindow steps; ' +
        `Benjamini-Hochberg FDR over all bins; a bin is a hot/cold spot at ≥ 90 % confidence. Per cell, the Mann-Kendall test of its z-scores (significant at p ≤ ${TREND_ALPHA}) ` +
        'and ArcGIS Pro\'s pattern categories: none, new_hot, consecutive_hot, intensifying_hot, persistent_hot, diminishing_hot, sporadic_hot, oscillating_hot, ' +
        'historical_hot and the *_cold twins (code: ArcGIS CATEGORY 1..8, negative for cold, 0 none; label in Chinese). Each feature: the hexagon and ' +
        '{ h3, category, code, label, trendZ, trendP, trendS, trendTau, hotSteps, coldSteps, counts[], z[], bin[] (per step, FDR Gi_Bin −3..3) }; ' +
        `the collection: resolution, k, step, timeWindow, from, to, steps[], cells, total, mean, s, constant, trendAlpha, summary (cells per category). At most ${MAX_BINS.toLocaleString('en')} bins and ` +
        `${MAX_NEIGHBOURS.toLocaleString('en')} space-time neighbour entries (cells × (3k(k+1)+1) × Σ over steps of min(step, timeWindow)+1): a larger cube is ` +
        'a 400 naming resolution and from, checked before counting, whose detail says how many steps would fit at that resolution.',
      parameters: queryParameters(emergingQuery),
      responses: {
        200: { description: 'GeoJSON FeatureCollection of the study cells', content: { 'application/geo+json': { schema: { type: 'object' } } } },
        400: problem, 401: problem, 403: problem,
      },
    },
  },
}
