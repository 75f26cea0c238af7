// OpenAPI paths of /api/v1/fields (spread into server/openapi/document.ts `paths`).
const problem = { $ref: '#/components/responses/Problem' }
const layer = { name: 'layer', in: 'path', required: true, schema: { type: 'string', enum: ['grids', 'components'] }, description: 'the layer whose rows carry the field' }
const name = { name: 'name', in: 'path', required: true, schema: { type: 'string', pattern: '^[a-z][a-z0-9_]{0,30}$' } }
const value = { oneOf: [{ type: 'string', maxLength: 1000 }, { type: 'number' }, { type: 'boolean' }, { type: 'null' }] }
const common = {
  label: { type: 'string', minLength: 1, maxLength: 50, description: 'Chinese label (shown as the attribute title in WFS, OGC API and the map)' },
  choices: { type: 'array', items: { type: 'string', minLength: 1, maxLength: 100 }, minItems: 1, maxItems: 200, uniqueItems: true, description: 'the allowed values (choice fields only)' },
  required: { type: 'boolean', default: false, description: 'a create must give a value (or the field has a default)' },
  default: { ...value, description: 'the value a create that leaves the field out gets; of the field\'s type' },
  position: { type: 'integer', minimum: 0, maximum: 10000, description: 'display order' },
}
const definition = {
  type: 'object', required: ['name', 'label', 'type'], additionalProperties: false,
  properties: {
    name: { type: 'string', pattern: '^[a-z][a-z0-9_]{0,30}$', description: 'property name in REST, WFS, OGC API Features and tiles; never a built-in property or one of its import aliases' },
    type: { type: 'string', enum: ['text', 'integer', 'number', 'boolean', 'date', 'choice'], description: 'WFS types: xsd:string, xsd:long, xsd:double, xsd:boolean, xsd:date, xsd:string' },
    ...common,
  },
}
const body = (schema: Record<string, unknown>) => ({ required: true, content: { 'application/json': { schema } } })
const one = { description: '{ layer, name, label, type, choices, required, default, position }' }

export const fieldPaths = {
  '/api/v1/fields/{layer}': {
    get: { summary: 'User-defined attribute fields (自定义属性) of grids or components (staff)', parameters: [layer], responses: { 200: { description: '{ layer, items }' }, 400: problem, 401: problem, 403: problem } },
    post: {
      summary: 'Define a field (command centre, district staff, GIS analysts); the map services show it at once',
      parameters: [layer], requestBody: body(definition),
      responses: { 201: one, 400: { ...problem, description: 'fields.reserved_name, fields.duplicate_name, fields.bad_definition, http.validation_failed' }, 401: problem, 403: problem },
    },
  },
  '/api/v1/fields/{layer}/{name}': {
    get: { summary: 'One field definition', parameters: [layer, name], responses: { 200: one, 400: problem, 401: problem, 403: problem, 404: problem } },
    patch: {
      summary: 'Change a field\'s label, choices, required flag, default or position (name and type are fixed)',
      parameters: [layer, name], requestBody: body({ type: 'object', additionalProperties: false, properties: common }),
      responses: { 200: one, 400: problem, 401: problem, 403: problem, 404: problem },
    },
    delete: { summary: 'Remove a field and its values from every row', parameters: [layer, name], responses: { 204: { description: 'removed' }, 400: problem, 401: problem, 403: problem, 404: problem } },
  },
} as const
