// OpenAPI paths of /api/v1/auth (spread into server/openapi/document.ts).
const problem = { $ref: '#/components/responses/Problem' }
const json = (required: string[], properties: Record<string, unknown>) => ({
  required: true, content: { 'application/json': { schema: { type: 'object', required, properties } } },
})
const tooMany = { description: 'too many failed sign-ins for the account or the address: Retry-After (seconds), code auth.too_many_failures' }
const keyId = [{ name: 'id', in: 'path', required: true, schema: { type: 'integer', minimum: 1 } }]
const keyAdmins = 'The command centre, for the external_system users of its city.'

export const authPaths = {
  '/api/v1/auth/login': {
    post: {
      summary: 'Sign in with username and password; returns a short-lived bearer token and a refresh token. Throttled per account and per address (429 with Retry-After).', security: [],
      requestBody: json(['username', 'password'], { username: { type: 'string' }, password: { type: 'string' } }),
      responses: { 200: { description: '{token, tokenType, expiresAt, refreshToken, refreshExpiresAt, user}' }, 400: problem, 401: problem, 429: tooMany },
    },
  },
  '/api/v1/auth/refresh': {
    post: {
      summary: 'Spend a refresh token for a new access token and a new refresh token; a refresh token used twice revokes its session; a session idle for SESSION_IDLE_MINUTES is ended (401 auth.session_idle; a refresh is not a use)', security: [],
      requestBody: json(['refreshToken'], { refreshToken: { type: 'string' } }),
      responses: { 200: { description: 'as the login answer' }, 400: problem, 401: problem },
    },
  },
  '/api/v1/auth/me': { get: { summary: 'The signed-in principal, its role, jurisdiction and capabilities (the panels and actions the command screen may offer it)', responses: { 200: { description: 'principal' }, 401: problem } } },
  '/api/v1/auth/logout': { post: { summary: 'End this sign-in session (its access and refresh tokens). HTTP Basic is a password, not a session: it keeps working', responses: { 204: { description: 'revoked' }, 401: problem } } },
  '/api/v1/auth/logout-all': { post: { summary: 'End every session and every token of the signed-in user', responses: { 204: { description: 'revoked' }, 401: problem, 403: problem } } },
  '/api/v1/auth/password': {
    post: {
      summary: 'Change the own password (at least 12 characters, three of upper/lower/digit/symbol, not the username, not common); ends every session and the old password',
      requestBody: json(['currentPassword', 'newPassword'], { currentPassword: { type: 'string' }, newPassword: { type: 'string' } }),
      responses: { 204: { description: 'changed' }, 400: problem, 401: problem, 403: problem, 429: tooMany },
    },
  },
  '/api/v1/auth/api-keys': {
    get: { summary: `API keys (never their secrets) with scopes, expiry and state (active, grace, expired, revoked). ${keyAdmins}`, responses: { 200: { description: '{items}' }, 401: problem, 403: problem } },
    post: {
      summary: `Issue an API key (shown once) with scopes and an expiry (default 365 days, at most 730). ${keyAdmins}`,
      requestBody: json(['username', 'name', 'scopes'], {
        username: { type: 'string' }, name: { type: 'string' }, expiresAt: { type: 'string', format: 'date-time' },
        scopes: { type: 'array', items: { enum: ['events:read', 'events:write', 'positions:read', 'positions:write', 'ogc:read', 'reference:read', 'reference:write'] } },
      }),
      responses: { 201: { description: '{id, key, scopes, expiresAt}' }, 400: problem, 401: problem, 403: problem },
    },
  },
  '/api/v1/auth/api-keys/{id}/rotate': {
    post: {
      summary: `Rotate: a new key (shown once) with the same scopes; the old one stays valid until its grace end (graceHours, default 24, at most 168). ${keyAdmins}`,
      parameters: keyId,
      requestBody: { content: { 'application/json': { schema: { type: 'object', properties: { graceHours: { type: 'integer', minimum: 0, maximum: 168 } } } } } },
      responses: { 201: { description: '{id, key, scopes, replaces, oldKeyValidUntil}' }, 400: problem, 401: problem, 403: problem, 404: problem, 409: problem },
    },
  },
  '/api/v1/auth/api-keys/self/rotate': {
    post: {
      summary: 'An external system rotates its own key: authorised by the key itself (X-API-Key, no scope needed); a new key (shown once) with the same scopes and expiry; the old one stays valid until its grace end (graceHours, default 24, at most 168)',
      requestBody: { content: { 'application/json': { schema: { type: 'object', properties: { graceHours: { type: 'integer', minimum: 0, maximum: 168 } } } } } },
      responses: { 201: { description: '{id, key, scopes, replaces, oldKeyValidUntil}' }, 400: problem, 401: problem, 403: problem, 409: problem },
    },
  },
  '/api/v1/auth/unlock': {
    post: {
      summary: 'End a sign-in lock at once: clear the failures of a login name of the city and/or a client address (audited). The command centre.',
      requestBody: json([], { username: { type: 'string' }, address: { type: 'string', description: 'IPv4 or IPv6 address' } }),
      responses: { 200: { description: '{username, address, cleared: {account, address}}' }, 400: problem, 401: problem, 403: problem, 404: problem },
    },
  },
  '/api/v1/auth/api-keys/{id}': {
    delete: { summary: `Revoke an API key at once. ${keyAdmins}`, parameters: keyId, responses: { 204: { description: 'revoked' }, 401: problem, 403: problem, 404: problem } },
  },
}
