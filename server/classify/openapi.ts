// OpenAPI paths of /api/v1/classify (spread into server/openapi/document.ts).
import { schemaOf as bodyOf } from '../openapi/zod.ts'
import { classifySchema, MAX_DESCRIPTION, SUGGESTIONS } from './service.ts'
import { CLASSIFIED_CHANNELS, DEFAULT_APPLY_CONFIDENCE } from './policy.ts'
import { METHOD } from './store.ts'

const problem = { $ref: '#/components/responses/Problem' }

export const classifyPaths = {
  '/api/v1/classify': {
    post: {
      summary: '诉求分类: suggest the event class of a Chinese description — the best and the next two, with demand type, tags and confidence',
      description: `Model: ${METHOD}, trained from the seed lexicon, the classes' own texts, event descriptions and the operators' ` +
        `corrections (npm run classify:train; every instance loads the newest within seconds). Answers {modelId, suggestions: ` +
        `[{classCode, className, demandType, tags, confidence}]} with ${SUGGESTIONS} suggestions, most confident first; confidence is ` +
        `the model's probability (0-1), tags the words that spoke for the class, demandType (咨询/求助/投诉举报/建议感谢) from cue words. ` +
        `A description over ${MAX_DESCRIPTION} characters is a 400 naming description (a body over the server's body limit a 413). ` +
        `location is accepted and not yet used by the model. Intake (POST /api/v1/events) classifies a report without classCode on ` +
        `the channels ${CLASSIFIED_CHANNELS.join(', ')}: at or above GRIDGOV_CLASSIFY_APPLY_CONFIDENCE (default ${DEFAULT_APPLY_CONFIDENCE}) ` +
        'the class is applied, below it the report waits for an operator with the suggestions kept (accept with classCode corrects it).',
      requestBody: { required: true, content: { 'application/json': { schema: bodyOf(classifySchema) } } },
      responses: { 200: { description: '{modelId, suggestions}' }, 400: problem, 401: problem, 403: problem, 413: problem },
    },
  },
  '/api/v1/classify/model': {
    get: {
      summary: 'The classification model in use: id, when trained, samples by source, classes, features, the intake apply confidence',
      responses: { 200: { description: '{id, trainedAt, method, samples, classes, features, applyConfidence, classifiedChannels}' }, 401: problem, 403: problem },
    },
  },
}
