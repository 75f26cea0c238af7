// OpenAPI paths of /api/v1/positions (spread into server/openapi/document.ts `paths`).
const problem = { $ref: '#/components/responses/Problem' }

const fix = {
  type: 'object', description: 'One fix. {lon, lat} name their axes; {x, y} follow the CRS\'s axis order. time: ISO 8601 with a zone, or unix seconds / milliseconds.',
  properties: {
    deviceId: { type: 'string', description: 'device identifier (not needed with X-Device-Token)' },
    lon: { type: 'number' }, lat: { type: 'number' }, x: { type: 'number' }, y: { type: 'number' },
    crs: { type: 'string', description: 'EPSG:4326 (default), EPSG:4490, GCJ-02, BD-09, EPSG:3857, Gauss-Krüger EPSG:4513-4554' },
    time: { oneOf: [{ type: 'string', format: 'date-time' }, { type: 'number' }] },
    speed: { type: 'number', description: 'm/s' }, bearing: { type: 'number', minimum: 0, maximum: 360 }, altitude: { type: 'number' },
    accuracy: { type: 'number', description: 'metres' }, battery: { type: 'number', minimum: 0, maximum: 100 }, hdop: { type: 'number' },
    valid: { type: 'boolean', description: 'the device\'s own verdict; false is kept as filtered (invalid)' },
  },
}
const results = {
  description: '{ accepted, filtered, late, duplicate, rejected, results: [{ index, status, reason?, field? }] }. ' +
    'filtered (invalid, zero_island, future, accuracy, jump) and late fixes are stored and marked; duplicates were stored before; rejected ones name the field.',
}
const osmandParameters = ['id', 'deviceid', 'lat', 'lon', 'location', 'timestamp', 'speed', 'bearing', 'heading', 'altitude', 'accuracy', 'batt', 'hdop', 'valid', 'crs', 'token']
  .map((name) => ({ name, in: 'query', required: false, schema: { type: 'string' } }))

export const positionPaths = {
  '/api/v1/positions': {
    post: {
      summary: 'Report a batch of fixes (≤ 5,000): with X-Device-Token (that device only), an API key or a bearer token (devices of the caller\'s city; a grid inspector: the devices they carry)',
      security: [{ bearer: [] }, { apiKey: [] }, { deviceToken: [] }],
      requestBody: { required: true, content: { 'application/json': { schema: { type: 'object', required: ['positions'], properties: {
        deviceId: { type: 'string' }, crs: { type: 'string' }, positions: { type: 'array', maxItems: 5000, items: fix } } } } } },
      responses: { 200: results, 400: problem, 401: problem, 403: problem, 413: problem, 422: { description: 'no fix accepted: problem JSON with the per-fix results' } },
    },
  },
  '/api/v1/positions/osmand': {
    get: {
      summary: 'OsmAnd / Traccar Client protocol: one fix as query parameters (speed in knots); the device is named by id (token when the device requires one)',
      security: [], parameters: osmandParameters,
      responses: { 200: { description: 'stored (X-Position-Status: accepted, filtered, late or duplicate)' }, 400: problem, 401: problem, 404: problem },
    },
    post: {
      summary: 'OsmAnd form post, or Traccar Client\'s JSON body {device_id, location: {timestamp, coords: {latitude, longitude, accuracy, speed (m/s), heading, altitude}, battery: {level}}}',
      security: [], parameters: osmandParameters,
      requestBody: { content: { 'application/x-www-form-urlencoded': { schema: { type: 'object' } }, 'application/json': { schema: { type: 'object' } } } },
      responses: { 200: { description: 'stored' }, 400: problem, 401: problem, 404: problem },
    },
  },
}
