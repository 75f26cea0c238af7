// OpenAPI paths of /api/v1/inbox (spread into server/openapi/document.ts). Query and body schemas
// come from the zod schemas that validate them.
import { queryParameters, schemaOf } from '../openapi/zod.ts'
import { noticeKinds } from './deliver.ts'
import { kindTitles } from './store.ts'
import { listQuery, readBody, settingsBody, subscriptionBody } from './schemas.ts'

const problem = { $ref: '#/components/responses/Problem' }
const kinds = noticeKinds.map((k) => `${k} (${kindTitles[k]})`).join(', ')
const json = (schema: unknown) => ({ required: true, content: { 'application/json': { schema } } })

export const inboxPaths = {
  '/api/v1/inbox': {
    get: {
      summary: '站内消息: the caller\'s own notices, newest first (id), keyset pages (before), with the unread count',
      description: `Kinds: ${kinds}. Each item: id, kind, kindName, title, body, eventId (event number), areaCode, link (command-screen hash such as ` +
        '#event=E…), data, createdAt, deliverAt, held (true while quiet hours hold its pushes), read, readAt. Answer {items, unread, next}. ' +
        'Notices come from to-dos (dispatch, reassign, escalation … to a member or a department), 督办 orders and cards, warnings, stored reports, ' +
        'assessment snapshots, hard cases, meetings and emergencies, and from the caller\'s subscriptions. New ones also reach /api/v1/stream as SSE ' +
        'event "inbox" {userId, seq, id, kind, title, eventId, link, createdAt}; the SSE id is the caller\'s cursor, and a stream reconnecting with ' +
        'Last-Event-ID first replays the notices told after it. Every signed-in account.',
      parameters: queryParameters(listQuery),
      responses: { 200: { description: '{items, unread, next}' }, 400: problem, 401: problem, 403: problem },
    },
  },
  '/api/v1/inbox/read': {
    post: {
      summary: 'Mark the caller\'s notices read: {ids} or {all: true} (optionally of one kind); ids of others are ignored',
      requestBody: json(schemaOf(readBody)),
      responses: { 200: { description: '{marked, unread}' }, 400: problem, 401: problem, 403: problem, 413: problem },
    },
  },
  '/api/v1/inbox/subscriptions': {
    get: {
      summary: 'The caller\'s subscriptions: notices of a kind in an area (inside the caller\'s jurisdiction) beyond those addressed to the caller',
      responses: { 200: { description: '{items: [{id, kind, kindName, areaCode, areaName, external, createdAt}]}' }, 401: problem, 403: problem },
    },
    post: {
      summary: 'Subscribe to a kind in an area (null: the whole jurisdiction); external also sends them, and addressed notices of the kind, through the messaging gateway',
      description: 'An area outside the caller\'s jurisdiction is a 400 naming areaCode; the same kind and area again is a 409.',
      requestBody: json(schemaOf(subscriptionBody)),
      responses: { 201: { description: 'the subscription' }, 400: problem, 401: problem, 403: problem, 409: problem, 413: problem },
    },
  },
  '/api/v1/inbox/subscriptions/{id}': {
    delete: {
      summary: 'Remove one of the caller\'s subscriptions',
      parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'integer', minimum: 1 } }],
      responses: { 204: { description: 'removed' }, 400: problem, 401: problem, 403: problem, 404: problem },
    },
  },
  '/api/v1/inbox/settings': {
    get: {
      summary: 'The caller\'s delivery settings: quiet hours (免打扰), time zone, gateway address',
      responses: { 200: { description: '{quietStart, quietEnd, timeZone, externalAddress, updatedAt}' }, 401: problem, 403: problem },
    },
    put: {
      summary: 'Set quiet hours (HH:MM local; start after end spans midnight; null: none) and the gateway address (null: the account\'s phone)',
      description: 'Inside quiet hours a notice is written to the inbox at once but its pushes (stream, gateway) wait until the quiet hours end; ' +
        'emergencies (重大突发) are never held.',
      requestBody: json(schemaOf(settingsBody)),
      responses: { 200: { description: 'the settings' }, 400: problem, 401: problem, 403: problem, 413: problem },
    },
  },
}
