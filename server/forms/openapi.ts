// OpenAPI paths of /api/v1/forms (spread into server/openapi/document.ts `paths`).
const problem = { $ref: '#/components/responses/Problem' }
const id = { name: 'id', in: 'path', required: true, schema: { type: 'integer', minimum: 1 } }
const form = {
  description: '{ id, formId, version, title, instanceRoot, geometry: { name, type }, layer, fields: [{ name, path, type, label, required, constraint, constraintChecked, choices, attribute }], createdAt, createdBy }',
}
const xform = { type: 'string', maxLength: 524288, description: 'an ODK XForm (XForms 1.0 with the ODK extensions, as pyxform, ODK Build or Kobo write it)' }

export const formPaths = {
  '/api/v1/forms': {
    get: { summary: 'Collection forms (采集表单) of the caller\'s city', responses: { 200: { description: '{ items: Form[] }' }, 401: problem, 403: problem } },
    post: {
      summary: 'Upload an ODK XForm (command centre, district staff, GIS analysts); it becomes the layer form_{id}',
      description: 'Question types: string, int, decimal, date, dateTime, time, select_one, select_multiple, image, geopoint, geotrace, geoshape; ' +
        'required, simple constraints (comparisons, regex, string-length, today()) and choices (inline items or itemsets) are read. ' +
        'Refused with 400 naming the question: a leaf without <bind> (forms.missing_bind), another type (forms.unknown_type), a repeat, ' +
        'no geopoint/geotrace/geoshape question (forms.no_geometry). The same form id and version twice: 409.',
      requestBody: { required: true, content: {
        'application/xml': { schema: xform },
        'application/json': { schema: { type: 'object', required: ['xml'], additionalProperties: false, properties: { xml: xform } } },
      } },
      responses: { 201: form, 400: problem, 401: problem, 403: problem, 409: problem, 413: problem },
    },
  },
  '/api/v1/forms/{id}': {
    get: { summary: 'One form, as the server read it', parameters: [id], responses: { 200: form, 401: problem, 403: problem, 404: problem } },
  },
  '/api/v1/forms/{id}/xml': {
    get: { summary: 'The XForm exactly as uploaded (for a form engine such as @getodk/web-forms)', parameters: [id],
      responses: { 200: { description: 'the XForm', content: { 'application/xml': { schema: { type: 'string' } } } }, 401: problem, 403: problem, 404: problem } },
  },
} as const
