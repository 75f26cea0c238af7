// OpenAPI paths of /api/v1/opinion and /api/v1/utility-usage (spread into server/openapi/document.ts).
import { queryParameters, schemaOf } from '../openapi/zod.ts'
import { PEOPLE_ROLES, REGISTER_WRITE_ROLES } from '../registers/access.ts'
import { acceptBody, feedBody, postsQuery, rejectBody, topicsQuery } from './schemas.ts'
import { flagsQuery } from '../utility-usage/routes.ts'

const problem = { $ref: '#/components/responses/Problem' }
const id = { name: 'id', in: 'path', required: true, schema: { type: 'integer', minimum: 1 } }
const json = (schema: Record<string, unknown>) => ({ required: true, content: { 'application/json': { schema } } })
const refusals = { 400: problem, 401: problem, 403: problem, 404: problem }
const ok = (description: string, extra: Record<string, unknown> = {}) => ({ 200: { description }, ...refusals, ...extra })
const readers = 'Roles: command_center, district_staff, street_staff (others 403).'
const post = 'A post: id, feedId, feedName, title, content, link, author, publishedAt, keywords (topic words jieba found), places (place names of the city found), ' +
  'relevant, status (candidate|unlocated|irrelevant|accepted|rejected), address (the text the geocoder placed), geocoded {id, matched, score, level}, communityCode, ' +
  'location {lon, lat, crs}, reason, eventNumber, decidedAt.'

export const opinionPaths = {
  '/api/v1/opinion/feeds': {
    get: { summary: '舆情源: the feeds of the caller\'s city (command_center)', responses: ok('{items: [{id, name, url, active, lastPulledAt, lastError, createdAt}]}') },
    post: {
      summary: 'Configure a feed (RSS 2.0, Atom or JSON Feed, told apart by content); command_center',
      description: 'A URL whose host is or resolves to a loopback, private, link-local or other internal address is a 400 naming url (opinion.feed_internal), unless OPINION_FEED_ALLOWED_NETWORKS allows it; every read and redirect is checked again.',
      requestBody: json(schemaOf(feedBody)),
      responses: { 201: { description: 'the feed' }, ...refusals, 409: problem },
    },
  },
  '/api/v1/opinion/feeds/{id}/pull': {
    post: {
      summary: 'Read a feed now: new items are assessed and stored, items already stored skipped (never doubled)', parameters: [id],
      responses: ok('{feedId, fetched, added, relevant, candidates, error}: a feed that fails answers 200 with error set (also kept as the feed\'s lastError)'),
    },
  },
  '/api/v1/opinion/posts': {
    get: { summary: 'Posts by status (candidates by default), newest first', description: `${post} ${readers} Candidates inside the caller's jurisdiction; unlocated and irrelevant posts to city-wide callers only.`, parameters: queryParameters(postsQuery), responses: ok('{items, next: {before} | null}') },
  },
  '/api/v1/opinion/posts/{id}': { get: { summary: 'One post', description: `${post} ${readers}`, parameters: [id], responses: ok('a post') } },
  '/api/v1/opinion/posts/{id}/accept': {
    post: {
      summary: 'Accept a candidate: an event of the public_opinion channel through intake at the post\'s place (repeating it answers the same event)',
      parameters: [id], requestBody: json(schemaOf(acceptBody)),
      responses: { 201: { description: '{post, eventNumber, replayed}' }, 200: { description: 'repeated: the same event' }, ...refusals, 409: problem, 422: problem },
    },
  },
  '/api/v1/opinion/posts/{id}/reject': {
    post: { summary: 'Reject a candidate with a reason', parameters: [id], requestBody: json(schemaOf(rejectBody)), responses: ok('the post', { 409: problem }) },
  },
  '/api/v1/opinion/topics': {
    get: {
      summary: 'Topics over time: relevant posts per keyword per day or week (Beijing time) in the caller\'s city',
      parameters: queryParameters(topicsQuery), responses: ok('{from, to, interval, timeZone, topics: [{keyword, total, series: [{period, posts}]}]}'),
    },
  },
  '/api/v1/utility-usage/imports': {
    post: {
      summary: '水煤气用量: import a month of usage per household (xlsx or CSV: 户号, 类型 水/电/气, 月份 YYYY-MM, 用量); all or nothing',
      description: `Roles: ${REGISTER_WRITE_ROLES.join(', ')}. A re-imported month replaces its amount. Flags (a lone elderly resident's drop, a spike) notify the grid's inspectors once.`,
      requestBody: { required: true, content: { 'text/csv': { schema: { type: 'string' } }, 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': { schema: { type: 'string', format: 'binary' } } } },
      responses: ok('{format, rule, rows, flagged: [{householdNumber, utility, month, kind}], notified}', { 413: problem, 415: problem }),
    },
  },
  '/api/v1/utility-usage/flags': {
    get: {
      summary: 'Flagged months inside the caller\'s jurisdiction', description: `Roles: ${PEOPLE_ROLES.join(', ')}.`,
      parameters: queryParameters(flagsQuery), responses: ok('{rule, items: [{id, householdNumber, communityCode, gridCode, utility, month, kind, amount, baseline, loneElderly, notified, flaggedAt}]}'),
    },
  },
}
