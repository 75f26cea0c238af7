// OpenAPI paths of /api/v1/config (spread into server/openapi/document.ts `paths`). The bodies
// come from the zod schemas that validate them (server/config/kinds.ts).
import { schemaOf } from '../openapi/zod.ts'
import { bodySchemas, configKinds, keySchemas, kindTitles, segmentOfKind, type ConfigKind } from './kinds.ts'

const problem = { $ref: '#/components/responses/Problem' }
const kind = {
  name: 'kind', in: 'path', required: true, description: configKinds.map((k) => `${segmentOfKind[k]}: ${kindTitles[k]}`).join('; '),
  schema: { type: 'string', enum: configKinds.map((k) => segmentOfKind[k]) },
}
const key = { name: 'key', in: 'path', required: true, schema: { type: 'string', minLength: 1, maxLength: 60 },
  description: 'the item: class code (classes, class-field-rules), demand type, channel code, rule key, city code (time-limits, hard-case-rules; 000000 the national defaults), or a place kind (service-kinds)' }
const at = { name: 'at', in: 'query', required: false, schema: { type: 'string', format: 'date-time' },
  description: 'what was (or will be) in force at this moment; default now' }
const industry = { name: 'industry', in: 'query', required: false, schema: { type: 'string' },
  description: 'classes of one industry grid type only (chengguan, zongzhi, xiaofang …)' }
const meta = {
  effectiveFrom: { type: 'string', format: 'date-time', description: 'when the version starts (default now; never in the past)' },
  effectiveTo: { type: 'string', format: 'date-time', description: 'dispatch and supervision rules only: when the rule stops (default: when its next version starts)' },
  reason: { type: 'string', minLength: 1, maxLength: 500, description: 'why (kept with the version, with who wrote it)' },
}

/** The body of a write: the kind's value with the version's metadata (and, to create, its key). */
function writeBody(k: ConfigKind, withKey: boolean) {
  const value = schemaOf(bodySchemas[k]) as { properties?: Record<string, unknown>; required?: string[] }
  const keyName = k === 'classes' ? 'code' : 'key'
  const keyProp = withKey ? { [keyName]: schemaOf(keySchemas[k]) } : {}
  return {
    title: segmentOfKind[k], type: 'object', additionalProperties: false,
    required: [...(withKey ? [keyName] : []), 'reason', ...(value.required ?? [])],
    properties: { ...keyProp, ...meta, ...value.properties },
  }
}
const body = (withKey: boolean) => ({
  required: true,
  content: { 'application/json': { schema: { oneOf: configKinds.map((k) => writeBody(k, withKey)) } } },
})
const version = { description: '{ id, kind, key, effectiveFrom, effectiveTo, inForce, value, reason, createdBy: { userId, name }, createdAt, href }' }

export const configPaths = {
  '/api/v1/config': {
    get: { summary: 'The kinds of versioned configuration (matters and rules) and their links (staff)', responses: { 200: { description: '{ kinds }' }, 401: problem, 403: problem } },
  },
  '/api/v1/config/{kind}': {
    get: {
      summary: 'The items of a kind in force now, or at ?at= (the past is readable); classes may be filtered by industry grid type',
      parameters: [kind, at, industry], responses: { 200: { description: '{ kind, title, at, items: [version] }' }, 400: problem, 401: problem, 403: problem, 404: problem },
    },
    post: {
      summary: 'Create an item (command centre): its first version, with effective date and reason. A key that exists is a 409 naming code/key.',
      description: 'Channels: `roles` lists the roles that may report through the channel (the role × channel rule; an intake refused by it names ' +
        '/api/v1/config/channels/{code}). Classes: `responsibility` is the responsibility list (权责清单: area prefix → responsible department); ' +
        '`industryType` makes the class a matter of an industry grid type. The big class of a new small class must exist.',
      parameters: [kind], requestBody: body(true),
      responses: { 201: version, 400: { ...problem, description: 'http.validation_failed, config.bad_key, config.effective_in_past, config.unknown_industry, config.no_big_class' },
        401: problem, 403: problem, 404: problem, 409: { ...problem, description: 'config.duplicate_key (field code or key), config.overlap' } },
    },
  },
  '/api/v1/config/{kind}/versions': {
    get: {
      summary: 'Every version of a kind\'s items (or of one item: ?key=), oldest first per item, with who, why and whether in force',
      parameters: [kind, { name: 'key', in: 'query', required: false, schema: { type: 'string', maxLength: 60 } }],
      responses: { 200: { description: '{ kind, items: [version] }' }, 400: problem, 401: problem, 403: problem, 404: problem },
    },
  },
  '/api/v1/config/{kind}/{key}': {
    get: {
      summary: 'One item: the version in force (now or ?at=) and all its versions',
      parameters: [kind, key, at], responses: { 200: { description: '{ kind, key, at, current, versions }' }, 400: problem, 401: problem, 403: problem, 404: problem },
    },
  },
  '/api/v1/config/{kind}/{key}/versions': {
    post: {
      summary: 'A new version of an item (command centre): in force from effectiveFrom (now or later); the open version before it ends there. ' +
        'Dates overlapping another version of the item are a 409 naming effectiveFrom or effectiveTo. Open events keep the versions they were reported under.',
      parameters: [kind, key], requestBody: body(false),
      responses: { 201: version, 400: problem, 401: problem, 403: problem, 404: problem, 409: { ...problem, description: 'config.overlap (field effectiveFrom or effectiveTo)' } },
    },
  },
} as const

/** For the intake's description in the OpenAPI document: the role × channel rule and where it lives. */
export const channelRolesDescription = 'Which roles may report through which channel is configuration: the `roles` of each channel ' +
  'at GET /api/v1/config/channels (changed by POST /api/v1/config/channels/{code}/versions). Seeded: inspector_app — grid_inspector; ' +
  'resident — public, command_center, district_staff, street_staff, community_staff; hotline_12345, sensor_ai, police_110, third_party — ' +
  'external_system, command_center; superior — command_center, district_staff, street_staff. A refusal is a 403 coded config.channel_role ' +
  'that names the channel\'s configuration and version. channel and demandType must be in force (400 naming the field otherwise).'
