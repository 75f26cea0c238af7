// OpenAPI path of /api/v1/events/{number}/unmask (spread into server/openapi/document.ts `paths`).
const problem = { $ref: '#/components/responses/Problem' }

export const privacyPaths = {
  '/api/v1/events/{number}/unmask': {
    post: {
      summary: '脱敏还原: the reporter\'s name and phone of one event in full, with a reason, recorded',
      description: 'Every channel answering events shows the reporter masked (138****5678, 张*) unless the role holds the right over the ' +
        'record (command centre; the unit or member handling it) and the record is in its jurisdiction. District, street and community ' +
        'staff may unmask one record of their area with a reason; departments and grid inspectors only cases they hold; analysts, external ' +
        'systems and residents never (403). Each unmask is recorded (who, when, which record, which fields, the reason, the request id) in the ' +
        'append-only access audit (GET /api/v1/audit, action unmask). An event outside the jurisdiction answers 404.',
      parameters: [{ name: 'number', in: 'path', required: true, schema: { type: 'string', pattern: '^E[0-9]{12,16}$' } }],
      requestBody: { required: true, content: { 'application/json': { schema: { type: 'object', required: ['reason'], additionalProperties: false,
        properties: { reason: { type: 'string', minLength: 4, maxLength: 500 } } } } } },
      responses: {
        200: { description: '{ number, fields, reporter: { userId, name, phone }, audit: { id, at } }', content: { 'application/json': { schema: { type: 'object' } } } },
        400: problem, 401: problem, 403: problem, 404: problem,
      },
    },
  },
}
