// The OpenAPI paths of /api/v1/offline (server/offline/routes.ts).
const problem = { $ref: '#/components/responses/Problem' }
const outcome = { type: 'string', enum: ['applied', 'unchanged', 'conflict', 'refused'] }

export const offlinePaths = {
  '/api/v1/offline/{file}': {
    get: {
      summary: 'The field copy of an admin area: {area}.gpkg (OGC GeoPackage, EPSG:4490: base_grids, components, addresses, roads, events, an empty reports table and the sync baseline) or {area}.mbtiles (vector tiles, MBTiles 1.3)',
      parameters: [{ name: 'file', in: 'path', required: true, description: '12-digit admin code of a district, street or community of your jurisdiction, then .gpkg or .mbtiles',
        schema: { type: 'string', pattern: '^[0-9]{12}\\.(gpkg|mbtiles)$' } }],
      responses: {
        200: { description: 'the file (X-Package-Id names a GeoPackage for its sync)', content: {
          'application/geopackage+sqlite3': { schema: { type: 'string', format: 'binary' } },
          'application/vnd.mapbox-vector-tile+mbtiles': { schema: { type: 'string', format: 'binary' } } } },
        400: problem, 401: problem, 403: problem, 404: problem, 413: problem,
      },
    },
  },
  '/api/v1/offline/{area}/sync': {
    post: {
      summary: 'Send an edited field copy back: new and changed components and new reports (the reports table) are applied with the REST rules, one feature at a time; a feature changed on the server since the export and in the field is a conflict, reported and not applied. Sending the same file twice applies nothing twice.',
      parameters: [{ name: 'area', in: 'path', required: true, schema: { type: 'string', pattern: '^[0-9]{12}$' } }],
      requestBody: { required: true, description: 'the GeoPackage file itself as the body (curl --data-binary @file.gpkg), at most OFFLINE_SYNC_MAX_BYTES',
        content: { 'application/geopackage+sqlite3': { schema: { type: 'string', format: 'binary' } } } },
      responses: {
        200: { description: 'the per-feature report', content: { 'application/json': { schema: { type: 'object', properties: {
          packageId: { type: 'string', format: 'uuid' }, area: { type: 'string' },
          summary: { type: 'object', properties: { applied: { type: 'integer' }, unchanged: { type: 'integer' }, conflict: { type: 'integer' }, refused: { type: 'integer' } } },
          features: { type: 'array', items: { type: 'object', properties: {
            layer: { type: 'string', enum: ['components', 'reports'] }, fid: { type: ['integer', 'null'] }, id: { type: ['string', 'null'] },
            outcome, reason: { type: 'string' }, code: { type: 'string' } } } } } } } } },
        400: problem, 401: problem, 403: problem, 404: problem, 413: problem, 415: problem,
      },
    },
  },
}
