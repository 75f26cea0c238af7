// OpenAPI path of /api/v1/audit (spread into server/openapi/document.ts `paths`).
import { ACTIONS } from './rows.ts'

const problem = { $ref: '#/components/responses/Problem' }
const q = (name: string, description: string, schema: Record<string, unknown>) => ({ name, in: 'query', required: false, description, schema })

export const auditPaths = {
  '/api/v1/audit': {
    get: {
      summary: '访问日志: the access audit, for the auditor (审计员) only',
      description: 'Who read or changed what, when, from where, with the request id: one row per change request (non-GET under /api, OGC ' +
        'transactions, Open311 submissions), per sign-in and sign-out, per record whose personal fields were delivered in full, and per ' +
        'unmask with its reason. Rows of the auditor\'s city and of no city (failed sign-ins), newest first with a keyset cursor. ' +
        'Append-only: no API writes or deletes rows. Every other role answers 403.',
      parameters: [
        q('user', 'login name', { type: 'string', pattern: '^[A-Za-z0-9_.-]{2,64}$' }),
        q('action', 'what was done', { type: 'string', enum: [...ACTIONS] }),
        q('resourceType', 'the API collection (events, grids, auth …)', { type: 'string', pattern: '^[a-z][a-z0-9_:-]{0,63}$' }),
        q('resourceId', 'the public id (an event number) or the route key', { type: 'string', maxLength: 128 }),
        q('requestId', 'the X-Request-Id of the request', { type: 'string', pattern: '^[A-Za-z0-9._-]{1,64}$' }),
        q('from', 'from this instant (yyyy-mm-dd: Asia/Shanghai midnight)', { type: 'string' }),
        q('to', 'before this instant', { type: 'string' }),
        q('personal', 'only rows that delivered personal fields in full (true) or none (false)', { type: 'string', enum: ['true', 'false'] }),
        q('limit', '1–1000, default 100', { type: 'string', pattern: '^[0-9]{1,4}$' }),
        q('cursor', 'the `next` of the previous page', { type: 'string' }),
        q('format', 'json (default) or csv (the next cursor in X-Next-Cursor)', { type: 'string', enum: ['json', 'csv'] }),
      ],
      responses: {
        200: { description: '{ items: [{ id, at, requestId, user, clientAddress, method, path, action, resource, personal, fields, status, cityCode, reason }], next }',
          content: { 'application/json': { schema: { type: 'object' } }, 'text/csv': { schema: { type: 'string' } } } },
        400: problem, 401: problem, 403: problem,
      },
    },
  },
}
