// OpenAPI path of /api/v1/analytics/hot-words (spread into server/openapi/document.ts `paths`).
// Query parameters come from the zod schema that validates them.
import { queryParameters } from '../openapi/zod.ts'
import { MAX_DOCUMENTS, hotWordsQuery } from './hotWords.ts'

const problem = { $ref: '#/components/responses/Problem' }
const window = {
  type: 'object',
  properties: {
    from: { type: 'string', format: 'date-time' },
    to: { type: 'string', format: 'date-time', description: 'exclusive' },
    events: { type: 'integer', description: 'matching events of the window' },
    analysed: { type: 'integer', description: 'descriptions read and segmented: every event, or the sample' },
    sampled: { type: 'boolean', description: `true when the window held more than ${MAX_DOCUMENTS.toLocaleString('en')} events and was sampled` },
  },
}

export const hotWordsPaths = {
  '/api/v1/analytics/hot-words': {
    get: {
      summary: '热词分析: the words most event descriptions of the window mention, with the window just before (环比)',
      description: 'count: events whose description contains the word (document frequency); share: count / events; previous: the same ' +
        'count in the window of the same length just before `from`; change: (count − previous) / previous, null when previous is 0. ' +
        'Words are segmented with jieba (default dictionary plus the event class names and governance terms such as 暴露垃圾 and ' +
        '占道经营 as user words); one-character tokens, numbers, punctuation and stop words (function words, complaint boilerplate such ' +
        'as 请尽快处理 or 群众反映) are dropped. Ranked by count, then word. A window with more than ' +
        `${MAX_DOCUMENTS.toLocaleString('en')} events is sampled deterministically (about ${MAX_DOCUMENTS.toLocaleString('en')} events ` +
        'chosen by a hash of their id): share comes from the sample, count is share × events rounded, and `sampled` is true. ' +
        'Filters and jurisdiction as for /analytics/heatmap (resolution is accepted and not used); default the last 30 days.',
      parameters: queryParameters(hotWordsQuery),
      responses: {
        200: {
          description: 'hot words',
          content: {
            'application/json': {
              schema: {
                type: 'object',
                properties: {
                  ...window.properties,
                  previousWindow: window,
                  maxDocuments: { type: 'integer' },
                  words: {
                    type: 'array',
                    items: {
                      type: 'object',
                      properties: {
                        word: { type: 'string' }, count: { type: 'integer' }, share: { type: 'number' },
                        previous: { type: 'integer' }, change: { type: ['number', 'null'] },
                      },
                    },
                  },
                },
              },
            },
          },
        },
        400: problem, 401: problem, 403: problem,
      },
    },
  },
}
