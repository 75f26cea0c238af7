// OpenAPI paths of /api/v1/knowledge and /api/v1/public/knowledge (spread into
// server/openapi/document.ts). Query and body schemas come from the zod schemas that validate them.
import { queryParameters, schemaOf } from '../openapi/zod.ts'
import {
  answerBody, citeBody, correctionBody, createBody, decisionBody, directoryBody, directoryQuery, fromEventBody, listQuery, patchBody,
  publicListQuery, ratingBody, READERS, reasonBody, requestBody, REVIEWERS, reviewBody, simpleListQuery,
} from './schemas.ts'

const problem = { $ref: '#/components/responses/Problem' }
const conflict = { description: 'state conflict (problem JSON with code and params)', content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } } }
const id = { name: 'id', in: 'path', required: true, schema: { type: 'integer', minimum: 1 } }
const cid = { name: 'cid', in: 'path', required: true, schema: { type: 'integer', minimum: 1 } }
const code = { name: 'code', in: 'path', required: true, schema: { type: 'string' } }
const who = `Staff: ${READERS.join(', ')}; reviewing steps: ${REVIEWERS.join(', ')}. auditor, external_system and public: 403.`
const json = (schema: unknown) => ({ required: true, content: { 'application/json': { schema } } })
const errs = { 400: problem, 401: problem, 403: problem, 404: problem }
const itemShape = 'Items: id, title, summary, excerpt (first 160 characters of the plain text), category, tags, publishedAt, updatedAt, ' +
  'rating {mean (2 decimals), count}, rank (when searching: ts_rank_cd, title words weigh above body words); staff items add visibility, ' +
  'status (draft | pending | approved | rejected | published | withdrawn | expired), statusTitle, expiresAt, version, author {id, name}, sourceEvent.'
const searchText = 'q is segmented with jieba in Node (the same words on PostgreSQL and PGlite) and each word is expanded to its synonym group ' +
  '(knowledge_synonym: 路灯/街灯/照明灯, 占道经营/摆摊/流动摊贩 …); an article matches any word, ranked by ts_rank_cd. `words` answers the expanded groups.'
const step = (summary: string, body?: unknown) => ({
  post: {
    summary, description: `Answers the article. 409 knowledge.invalid_state (with status) when the article is not in a state this step starts from. ${who}`,
    parameters: [id], ...(body ? { requestBody: json(body) } : {}),
    responses: { 200: { description: 'the article' }, ...errs, 409: conflict },
  },
})

export const knowledgePaths = {
  '/api/v1/knowledge': {
    get: {
      summary: '知识库: articles the caller may read, searched (q) or newest change first; default the shelf (published, not expired)',
      description: `${searchText} ${itemShape} Other states: reviewers see all; others their own articles. Cursor: the \`next\` of the previous page. ${who}`,
      parameters: queryParameters(listQuery), responses: { 200: { description: '{items, next, words}' }, 400: problem, 401: problem, 403: problem },
    },
    post: {
      summary: 'Write an article (a draft, or pending review with submit: true); the body HTML is sanitised (no script, event handlers, javascript: URLs)',
      description: `Version 1 is kept. ${who}`, requestBody: json(schemaOf(createBody)),
      responses: { 201: { description: 'the article' }, 400: problem, 401: problem, 403: problem, 413: problem },
    },
  },
  '/api/v1/knowledge/from-event': {
    post: {
      summary: '工单转知识: a draft article from a closed or evaluated event (class, description, handling comments; never the reporter or any personal value)',
      description: `404 knowledge.event_not_found outside the caller's jurisdiction; 409 knowledge.event_not_closed. ${who}`,
      requestBody: json(schemaOf(fromEventBody)), responses: { 201: { description: 'the draft' }, ...errs, 409: conflict },
    },
  },
  '/api/v1/knowledge/requests': {
    get: { summary: '索要: requests for missing knowledge (reviewers: the city\'s; others: their own), newest first', parameters: queryParameters(simpleListQuery), responses: { 200: { description: '{items, next}' }, 400: problem, 401: problem, 403: problem } },
    post: { summary: 'Ask for missing knowledge', requestBody: json(schemaOf(requestBody)), responses: { 201: { description: 'the request' }, 400: problem, 401: problem, 403: problem } },
  },
  '/api/v1/knowledge/requests/{id}/answer': {
    post: {
      summary: 'Answer a request with a published article (articleId) or close it (close: true); reviewers only',
      parameters: [id], requestBody: json(schemaOf(answerBody)), responses: { 200: { description: 'the request' }, ...errs, 409: conflict },
    },
  },
  '/api/v1/knowledge/directory': {
    get: {
      summary: '部门通讯录: the departments of the caller\'s city with their office lines, address, hours and responsibilities',
      parameters: queryParameters(directoryQuery), responses: { 200: { description: '{items}' }, 400: problem, 401: problem, 403: problem },
    },
  },
  '/api/v1/knowledge/directory/{code}': {
    get: { summary: 'One department of the directory', parameters: [code], responses: { 200: { description: 'the entry' }, ...errs } },
    put: {
      summary: 'Set a department\'s contact (reviewers only; omitted fields are cleared)', parameters: [code],
      requestBody: json(schemaOf(directoryBody)), responses: { 200: { description: 'the entry' }, ...errs },
    },
  },
  '/api/v1/knowledge/{id}': {
    get: { summary: 'One article with its body (bodyHtml sanitised, bodyText), rating, your rating and favourite, review and withdrawal', parameters: [id], responses: { 200: { description: 'the article' }, ...errs } },
    patch: {
      summary: 'Edit an article (version required; the previous versions are kept): the author a draft or returned one, a reviewer any not under review',
      parameters: [id], requestBody: json(schemaOf(patchBody)), responses: { 200: { description: 'the article' }, ...errs, 409: conflict, 413: problem },
    },
  },
  '/api/v1/knowledge/{id}/versions': { get: { summary: 'Every version of the article, newest first', parameters: [id], responses: { 200: { description: '{id, items}' }, ...errs } } },
  '/api/v1/knowledge/{id}/submit': step('上报: draft or rejected → pending (the author or a reviewer)'),
  '/api/v1/knowledge/{id}/review': step('审核: pending → approved | rejected (a rejection needs a reason)', schemaOf(reviewBody)),
  '/api/v1/knowledge/{id}/publish': step('上架: approved or withdrawn → published'),
  '/api/v1/knowledge/{id}/withdraw': step('下架: published (expired included) → withdrawn, with an optional reason', schemaOf(reasonBody)),
  '/api/v1/knowledge/{id}/rating': {
    put: {
      summary: 'Rate a published article 1-5 (one rating per reader; rating again replaces it)', parameters: [id],
      requestBody: json(schemaOf(ratingBody)), responses: { 200: { description: '{id, myRating, rating {mean, count}}' }, ...errs, 409: conflict },
    },
  },
  '/api/v1/knowledge/{id}/favourite': {
    put: { summary: 'Favour a published article (favourites=true lists them)', parameters: [id], responses: { 200: { description: '{id, favourite}' }, ...errs, 409: conflict } },
    delete: { summary: 'Unfavour an article', parameters: [id], responses: { 200: { description: '{id, favourite}' }, ...errs } },
  },
  '/api/v1/knowledge/{id}/corrections': {
    get: { summary: '纠错 of the article (reviewers: all; others: their own)', parameters: [id], responses: { 200: { description: '{id, items}' }, ...errs } },
    post: { summary: 'Point out an error in a published article', parameters: [id], requestBody: json(schemaOf(correctionBody)), responses: { 201: { description: 'the correction' }, ...errs, 409: conflict } },
  },
  '/api/v1/knowledge/{id}/corrections/{cid}/decision': {
    post: { summary: 'Accept or reject a correction (reviewers only; once)', parameters: [id, cid], requestBody: json(schemaOf(decisionBody)), responses: { 200: { description: 'the correction' }, ...errs, 409: conflict } },
  },
  '/api/v1/knowledge/{id}/citations': {
    get: { summary: 'The events (inside your jurisdiction) whose handling cited the article', parameters: [id], responses: { 200: { description: '{id, items}' }, ...errs } },
    post: {
      summary: '引用: cite a published article in an event\'s handling; the event\'s history gets a note (action cite_knowledge, code knowledge.cited)',
      description: `A public article cited shows on the residents' page of the report. 404 knowledge.event_not_found (an unknown number or outside your jurisdiction); 409 knowledge.already_cited. ${who}`,
      parameters: [id], requestBody: json(schemaOf(citeBody)), responses: { 201: { description: 'the citation' }, ...errs, 409: conflict },
    },
  },
  '/api/v1/public/knowledge': {
    get: {
      summary: 'Published public articles, searched (q) or newest first (no sign-in)',
      description: `${searchText} Items without internal fields (no status, author, review, version).`, security: [],
      parameters: queryParameters(publicListQuery), responses: { 200: { description: '{items, next}' }, 400: problem },
    },
  },
  '/api/v1/public/knowledge/{id}': {
    get: { summary: 'One published public article (404 for any other)', security: [], parameters: [id], responses: { 200: { description: 'the article' }, 400: problem, 404: problem } },
  },
}
