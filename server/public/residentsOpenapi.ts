// The OpenAPI paths of the residents' endpoints under /api/v1/public (no sign-in).
const problem = { $ref: '#/components/responses/Problem' }
const json = (schema: Record<string, unknown>) => ({ required: true, content: { 'application/json': { schema } } })
const phone = { type: 'string', pattern: '^1[3-9][0-9]{9}$', example: '13800138000' }
const code = { type: 'string', pattern: '^[0-9]{6}$', example: '123456' }
const number = { name: 'number', in: 'path', required: true, schema: { type: 'string', pattern: '^E[0-9]{12,16}$', example: 'E202612030001' } }
const token = { name: 'X-Follow-Token', in: 'header', required: true, schema: { type: 'string' }, description: 'the followToken of POST /reports or /reports/{number}/follow' }
const followed = { 401: problem, 400: problem }

export const residentPaths = {
  '/api/v1/public/codes': {
    post: {
      summary: 'Send a 6-digit verification code by SMS (5 minutes, single use; no sign-in)',
      description: 'Queued in the outbox for the SMS adapter. purpose follow: sent only when the number\'s reporter phone matches, answered 202 either way. ' +
        'Throttled: one code a minute per phone, 5 an hour per phone, 20 an hour per address (429 public.throttled, Retry-After). 503 public.sms_unavailable without GRIDGOV_SMS_ENDPOINT.',
      security: [],
      requestBody: json({ type: 'object', required: ['phone', 'purpose'], additionalProperties: false,
        properties: { phone, purpose: { type: 'string', enum: ['report', 'follow'] }, number: number.schema } }),
      responses: { 202: { description: '{ expiresIn: 300, resendAfter: 60 }' }, 400: problem, 429: problem, 503: problem },
    },
  },
  '/api/v1/public/reports': {
    post: {
      summary: 'Report a problem with up to 3 photos (multipart/form-data; no sign-in, the SMS code proves the phone)',
      description: 'Fields: description (5-500), lon, lat, crs (GCJ-02 default | EPSG:4326), phone, code, name?, address?; photos: 0-3 files, ' +
        'JPEG/PNG/WebP by their bytes, each ≤ 10 MB (413 naming photos[i]), body ≤ 50 MB (413 public.body_too_large); a file that is not such an image is 415 naming photos[i]. ' +
        'Creates an event of channel resident (待受理). The stored photos are re-encoded without metadata; a photo whose EXIF position is farther than ' +
        'GRIDGOV_PUBLIC_PHOTO_MAX_METRES (300) from the point is flagged in the event history (photo_location_mismatch, with the distance).',
      security: [],
      requestBody: { required: true, content: { 'multipart/form-data': { schema: { type: 'object', required: ['description', 'lon', 'lat', 'phone', 'code'],
        properties: { description: { type: 'string', minLength: 5, maxLength: 500 }, lon: { type: 'string' }, lat: { type: 'string' },
          crs: { type: 'string', enum: ['GCJ-02', 'EPSG:4326'], default: 'GCJ-02' }, phone, code, name: { type: 'string', maxLength: 50 },
          address: { type: 'string', maxLength: 200 }, photos: { type: 'array', maxItems: 3, items: { type: 'string', format: 'binary' } } } } } } },
      responses: { 201: { description: '{ number, followToken, status, statusName }' }, 400: problem, 413: problem, 415: problem, 422: problem, 429: problem },
    },
  },
  '/api/v1/public/reports/{number}/follow': {
    post: {
      summary: 'Exchange an SMS code (purpose follow) for a follow token of the number (30 days)',
      description: '20 wrong codes for a number, a phone or from an address within an hour: 429 public.throttled.',
      security: [], parameters: [number],
      requestBody: json({ type: 'object', required: ['phone', 'code'], additionalProperties: false, properties: { phone, code } }),
      responses: { 200: { description: '{ followToken }' }, 400: problem, 401: problem, 429: problem },
    },
  },
  '/api/v1/public/reports/{number}': {
    get: {
      summary: 'A resident\'s report: status, steps (no staff names or notes), stripped photos, evaluation, appeal, public articles cited',
      security: [], parameters: [number, token],
      responses: { 200: { description: '{ number, status, statusName, description, reportedAt, place: { lon, lat, crs }, steps: [{ at, name }], photos: [{ url }], canEvaluate, canAppeal, evaluation, appeal, answers }' }, ...followed },
    },
  },
  '/api/v1/public/reports/{number}/evaluation': {
    post: {
      summary: 'Evaluate a closed report once (workflow action evaluate; dissatisfied opens a petition as for any event)',
      security: [], parameters: [number, token],
      requestBody: json({ type: 'object', required: ['satisfaction'], additionalProperties: false,
        properties: { satisfaction: { type: 'string', enum: ['satisfied', 'basic', 'dissatisfied'] }, comment: { type: 'string', maxLength: 500 } } }),
      responses: { 200: { description: 'the report' }, 409: problem, ...followed },
    },
  },
  '/api/v1/public/reports/{number}/appeal': {
    post: {
      summary: 'Appeal a closed report once (workflow action appeal: a new linked event)',
      security: [], parameters: [number, token],
      requestBody: json({ type: 'object', required: ['reason'], additionalProperties: false, properties: { reason: { type: 'string', minLength: 5, maxLength: 500 } } }),
      responses: { 201: { description: '{ number } of the appeal' }, 409: problem, ...followed },
    },
  },
  '/api/v1/public/photos/{id}': {
    get: {
      summary: 'A report\'s photo as stored: re-encoded, without EXIF or any metadata',
      security: [],
      parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'integer', minimum: 1 } },
        { name: 'token', in: 'query', required: false, schema: { type: 'string' }, description: 'the follow token (or header X-Follow-Token)' }],
      responses: { 200: { description: 'image/jpeg | image/png | image/webp' }, 401: problem, 404: problem },
    },
  },
  '/api/v1/public/notices': {
    get: {
      summary: 'Published public notices (公告) inside their window, newest first',
      security: [],
      parameters: [{ name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 50, default: 10 } }, { name: 'cursor', in: 'query', schema: { type: 'string' } }],
      responses: { 200: { description: '{ items: [{ id, title, body (sanitised HTML), publishedAt, category, categoryName }], next }' }, 400: problem },
    },
  },
  '/api/v1/public/notices/{id}': {
    get: {
      summary: 'One published public notice', security: [],
      parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'integer', minimum: 1 } }],
      responses: { 200: { description: '{ id, title, body, publishedAt, category, categoryName }' }, 404: problem },
    },
  },
}
