// OpenAPI paths of the grid, coverage, admin tree and import API (spread into
// server/openapi/document.ts `paths`).
const problem = { $ref: '#/components/responses/Problem' }
const geojson = (description: string) => ({ description, content: { 'application/geo+json': { schema: { type: 'object' } } } })
const code = { name: 'code', in: 'path', required: true, schema: { type: 'string', pattern: '^[0-9]{15}([0-9]{5})?$' }, description: '15-digit base or 20-digit industry grid code' }
const crs = { name: 'crs', in: 'query', schema: { type: 'string' }, description: 'CRS of the input (EPSG:4490, EPSG:4326, CRS:84, EPSG:3857, EPSG:4513-4554); default the GeoJSON crs member, else CRS84. Positions are always easting/longitude first.' }
const violations = {
  description: 'topology violations: { violations: [{ feature, code, rule, message, location (GeoJSON), otherCode?, areaM2? }] }; rules: invalid_geometry, unknown_community, code_format, unknown_industry_type, code_taken, outside_community, industry_community, base_overlap, industry_overlap, split_line, split_parts, merge_not_adjacent',
  content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
}
const filters = [
  { name: 'bbox', in: 'query', schema: { type: 'string' }, description: 'minLon,minLat,maxLon,maxLat (EPSG:4490)' },
  { name: 'community', in: 'query', schema: { $ref: '#/components/schemas/AdminCode' } },
  { name: 'kind', in: 'query', schema: { enum: ['base', 'industry'] } },
  { name: 'industryType', in: 'query', schema: { type: 'string' } },
  { name: 'at', in: 'query', schema: { type: 'string', format: 'date-time' }, description: 'validity date: the versions valid then (default: current)' },
]
const feature = { required: true, content: { 'application/json': { schema: { type: 'object', description: 'GeoJSON Feature (Polygon/MultiPolygon); properties: code?, name, kind?, industryType?, communityCode?, households?, population?' } } } }
const write = { 400: problem, 401: problem, 403: problem, 404: problem, 409: problem, 422: violations }

export const gridPaths = {
  '/api/v1/admin-divisions/tree': {
    get: {
      summary: 'Admin division tree inside the jurisdiction, with base/industry grid counts',
      parameters: [{ name: 'root', in: 'query', schema: { $ref: '#/components/schemas/AdminCode' } }, { name: 'depth', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 4 } }],
      responses: { 200: { description: '{ items: [{ code, level, name, baseGrids, industryGrids, children }] }' }, 400: problem, 401: problem },
    },
  },
  '/api/v1/grids': {
    get: {
      summary: 'Grids as a GeoJSON FeatureCollection',
      parameters: [...filters, { name: 'limit', in: 'query', schema: { type: 'integer', maximum: 10000, default: 1000 } }, { name: 'offset', in: 'query', schema: { type: 'integer', default: 0 } }],
      responses: { 200: geojson('FeatureCollection'), 400: problem, 401: problem },
    },
    post: { summary: 'Create a grid (code optional: next free sequence of the community)', parameters: [crs], requestBody: feature, responses: { 201: geojson('the grid, version 1'), ...write } },
  },
  '/api/v1/grids/export': { get: { summary: 'Export grids as a GeoJSON file', parameters: filters, responses: { 200: geojson('FeatureCollection (attachment)'), 400: problem, 401: problem } } },
  '/api/v1/grids/sizing': {
    get: {
      summary: 'Grid sizing (网格规模): base grids outside 300-500 households or with a workload per member beyond 2× (or under ½) the city median, with split candidates along their roads and merge candidates with neighbours, each with the households and workload of the result and the request that applies it',
      parameters: [
        { name: 'area', in: 'query', schema: { $ref: '#/components/schemas/AdminCode' }, description: 'district, street or community (default: the caller\'s city); outside the jurisdiction: 404' },
        { name: 'days', in: 'query', schema: { type: 'integer', minimum: 7, maximum: 365, default: 90 }, description: 'window of reported events for the workload' },
        { name: 'all', in: 'query', schema: { type: 'boolean', default: false }, description: 'list every grid, not only the flagged' },
      ],
      responses: {
        200: { description: '{ area, since, rules: { households, workloadFactor, medianWorkload }, counts: { grids, flagged }, grids: [{ code, households, householdsBasis, registeredHouseholds, members, events, workload, workloadRatio, flags, splits?: [{ road, basis, sides, apply }], merges?: [{ with, households, events, sharedEdgeM, apply }] }] }' },
        400: problem, 401: problem, 403: problem, 404: problem,
      },
    },
  },
  '/api/v1/grids/check': {
    post: {
      summary: 'Dry run: judge a Feature or FeatureCollection against every topology rule, write nothing; warnings are the gaps and slivers left to neighbouring grids',
      parameters: [crs,
        { name: 'replaces', in: 'query', description: 'comma-separated codes of current grids the write would replace (judged as closed)', schema: { type: 'string' } },
        { name: 'assignCodes', in: 'query', description: 'base grids without a code get the next free codes, as a create would', schema: { type: 'boolean' } }],
      requestBody: feature, responses: { 200: { description: '{ valid, violations, warnings }' }, 400: problem, 401: problem, 404: problem },
    },
  },
  '/api/v1/grids/merge': {
    post: {
      summary: 'Merge neighbouring base grids of one community into one new grid (inputs retired)',
      requestBody: { required: true, content: { 'application/json': { schema: { type: 'object', required: ['codes'], properties: { codes: { type: 'array', items: { type: 'string' }, minItems: 2 }, name: { type: 'string' }, households: { type: 'integer' }, population: { type: 'integer' } } } } } },
      responses: { 200: { description: '{ grids, retired, closedAssignments }' }, ...write },
    },
  },
  '/api/v1/grids/{code}': {
    get: { summary: 'One grid (current version, or ?version=n)', parameters: [code, { name: 'version', in: 'query', schema: { type: 'integer' } }], responses: { 200: geojson('Feature'), 400: problem, 401: problem, 404: problem } },
    patch: { summary: 'With a geometry: boundary change (closes version n, opens n+1). Without: name/households/population in place', parameters: [code, crs], requestBody: feature, responses: { 200: geojson('the current version'), ...write } },
    delete: { summary: 'Retire a grid (closes its version and its member assignments)', parameters: [code], responses: { 200: { description: '{ grids, retired, closedAssignments }' }, ...write } },
  },
  '/api/v1/grids/{code}/versions': { get: { summary: 'Every version of a grid', parameters: [code], responses: { 200: geojson('FeatureCollection'), 401: problem, 404: problem } } },
  '/api/v1/grids/{code}/split': {
    post: {
      summary: 'Split a grid into two new grids by a cutting LineString or two polygons (old code retired)', parameters: [code, crs],
      requestBody: { required: true, content: { 'application/json': { schema: { type: 'object', properties: { line: { type: 'object' }, parts: { type: 'array', minItems: 2, maxItems: 2 }, names: { type: 'array', items: { type: 'string' } } } } } } },
      responses: { 200: { description: '{ grids, retired, closedAssignments }' }, ...write },
    },
  },
  '/api/v1/grids/{code}/members': {
    get: { summary: 'Current member assignments', parameters: [code], responses: { 200: { description: '{ items }' }, 401: problem, 404: problem } },
    put: {
      summary: 'Replace the member assignments (at most one primary)', parameters: [code],
      requestBody: { required: true, content: { 'application/json': { schema: { type: 'object', properties: { members: { type: 'array', items: { type: 'object', properties: { memberId: { type: 'integer' }, isPrimary: { type: 'boolean' } } } } } } } } },
      responses: { 200: { description: '{ items }' }, 400: problem, 401: problem, 403: problem, 404: problem },
    },
  },
  '/api/v1/grids/{code}/members/{memberId}': {
    delete: { summary: 'End one member assignment', parameters: [code, { name: 'memberId', in: 'path', required: true, schema: { type: 'integer' } }], responses: { 204: { description: 'ended' }, 401: problem, 403: problem, 404: problem } },
  },
  '/api/v1/communities/{code}/coverage': {
    get: {
      summary: 'Coverage of a community by its current base grids: gaps and overlaps (GeoJSON, areas in m²)',
      parameters: [{ name: 'code', in: 'path', required: true, schema: { $ref: '#/components/schemas/AdminCode' } }],
      responses: { 200: { description: '{ communityM2, coveredM2, coveredShare, gaps, overlaps }' }, 400: problem, 401: problem, 404: problem },
    },
  },
  '/api/v1/import': {
    post: {
      summary: 'Import a layer (all or nothing; dryRun reports every violation): GeoJSON, zipped Shapefile, KML/KMZ, and through GDAL (gdal-bin) MapInfo MIF/MID and TAB, DXF and GeoPackage',
      description: 'The body is a GeoJSON FeatureCollection; a zip holding one layer (.shp set, .tab + .map/.dat/.id, .mif + .mid, doc.kml, or one .gpkg/.dxf/.geojson); a single KML, DXF, MIF or GeoPackage file; or a multipart/form-data upload of a file set. ' +
        'The format is taken from format=, else the Content-Type, else recognised from the bytes. CRS: crs= wins, else the one the file declares (.prj, GeoJSON crs, the GDAL formats\' own; KML is CRS84); a Shapefile, DXF or other GDAL file without one needs crs=. ' +
        'Properties named like a user-defined field of the layer (/api/v1/fields) set its value. Refusal codes: vector_import.needs_gdal (415), vector_import.unreadable, vector_import.missing_crs, vector_import.incomplete_set, vector_import.many_layers, vector_import.no_layer, vector_import.not_geopackage, vector_import.bad_kml, vector_import.format_mismatch, fields.required, fields.wrong_type, fields.not_a_choice.',
      parameters: [
        { name: 'kind', in: 'query', required: true, schema: { enum: ['base', 'industry', 'grid', 'community', 'component', 'water', 'place'] } },
        { name: 'dryRun', in: 'query', schema: { type: 'boolean' } }, crs,
        { name: 'format', in: 'query', schema: { enum: ['shapefile', 'geojson', 'kml', 'kmz', 'mif', 'tab', 'dxf', 'gpkg'] }, description: 'the file format (default: from the Content-Type or the bytes); mif, tab, dxf and gpkg need GDAL' },
      ],
      requestBody: { required: true, content: {
        'application/geo+json': { schema: { type: 'object' } }, 'application/json': { schema: { type: 'object' } }, 'application/zip': { schema: { type: 'string', format: 'binary' } },
        'application/vnd.google-earth.kml+xml': { schema: { type: 'string', format: 'binary' } }, 'application/vnd.google-earth.kmz': { schema: { type: 'string', format: 'binary' } },
        'application/geopackage+sqlite3': { schema: { type: 'string', format: 'binary' } }, 'image/vnd.dxf': { schema: { type: 'string', format: 'binary' } }, 'application/octet-stream': { schema: { type: 'string', format: 'binary' } },
        'multipart/form-data': { schema: { type: 'object', properties: { file: { type: 'array', items: { type: 'string', format: 'binary' } } } } },
      } },
      responses: { 200: { description: '{ kind, dryRun, features, written, valid, violations, format, source }' }, 400: problem, 401: problem, 403: problem, 413: problem, 415: problem, 422: violations },
    },
  },
} as const
