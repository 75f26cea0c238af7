// Request shapes of /api/v1/knowledge (zod: a 400 names each field) and who may do what.
import { z } from 'zod'
import type { Role } from '../auth/roles.ts'

/**
 * Who reads internal articles, submits, rates, favourites, corrects, asks and cites: every staff
 * role. The auditor reads the access audit and nothing of the city, external systems file events
 * and do not read the centre's notes, the public reads published public articles through
 * /api/v1/public/knowledge: all three are refused here (403).
 */
export const READERS: Role[] = ['command_center', 'district_staff', 'street_staff', 'community_staff', 'department', 'grid_inspector', 'gis_analyst']
/**
 * Who reviews, publishes, withdraws, answers requests, decides corrections and keeps the directory:
 * the command centre, and district staff (a district runs its own command desk), as for exemplary cases.
 */
export const REVIEWERS: Role[] = ['command_center', 'district_staff']

export const MAX_LIMIT = 100
export const DEFAULT_LIMIT = 20
export const MAX_BODY = 100_000
export const MAX_TAGS = 10
export const CATEGORIES = ['市容环境', '街面秩序', '设施管理', '物业小区', '社会事务', '证照办理', '安全生产', '矛盾纠纷', '政策法规', '工作规范', '其他'] as const

const text = (max: number) => z.string({ message: 'must be text' }).trim().min(1, 'must not be empty').max(max, `must be at most ${max} characters`)
const tag = z.string({ message: 'must be text' }).trim().min(1, 'must not be empty').max(20, 'must be at most 20 characters')
  .regex(/^[^\s,，]+$/u, 'must be one word (no spaces or commas)')
const when = z.string({ message: 'must be a date-time' }).datetime({ offset: true, message: 'must be an ISO 8601 date-time with offset' })
  .transform((s) => new Date(s))

const articleFields = {
  title: text(200).describe('the title'),
  summary: text(500).nullable().optional().describe('a short summary'),
  bodyHtml: z.string({ message: 'must be text' }).max(MAX_BODY, `must be at most ${MAX_BODY} characters`)
    .describe(`the body as HTML (at most ${MAX_BODY} characters); scripts, event handlers and javascript: links are removed`),
  category: z.enum(CATEGORIES, { message: `must be one of ${CATEGORIES.join(', ')}` }).describe('the category'),
  tags: z.array(tag, { message: 'must be a list of words' }).max(MAX_TAGS, `must be at most ${MAX_TAGS} tags`)
    .transform((t) => [...new Set(t.map((x) => x.toLowerCase()))]).describe('keywords'),
  visibility: z.enum(['public', 'internal'], { message: 'must be public or internal' }).describe('public: residents read it once published; internal: staff only'),
  expiresAt: when.nullable().optional().describe('when the article leaves the shelf by itself (null: never)'),
}

export const createBody = z.object({
  ...articleFields,
  tags: articleFields.tags.default([]),
  submit: z.boolean({ message: 'must be true or false' }).default(false).describe('submit for review at once (上报)'),
}).strict()
export type CreateBody = z.output<typeof createBody>

export const patchBody = z.object({
  version: z.number({ message: 'must be the version you read' }).int().min(1).describe('the version you edited (optimistic)'),
  title: articleFields.title.optional(), summary: articleFields.summary, bodyHtml: articleFields.bodyHtml.optional(),
  category: articleFields.category.optional(), tags: articleFields.tags.optional(), visibility: articleFields.visibility.optional(),
  expiresAt: articleFields.expiresAt,
}).strict()
export type PatchBody = z.output<typeof patchBody>

export const reviewBody = z.object({
  decision: z.enum(['approve', 'reject'], { message: 'must be approve or reject' }),
  reason: text(500).optional().describe('required when rejecting'),
}).strict().refine((b) => b.decision === 'approve' || b.reason !== undefined, { message: 'a rejection needs a reason', path: ['reason'] })

export const reasonBody = z.object({ reason: text(500).optional() }).strict()
export const ratingBody = z.object({
  score: z.number({ message: 'must be a whole number 1-5' }).int('must be a whole number 1-5').min(1, 'must be 1-5').max(5, 'must be 1-5'),
}).strict()
export const correctionBody = z.object({ content: text(2000).describe('what is wrong and what is right') }).strict()
export const decisionBody = z.object({
  decision: z.enum(['accept', 'reject'], { message: 'must be accept or reject' }), answer: text(500).optional(),
}).strict()
export const requestBody = z.object({ question: text(500), detail: text(2000).optional() }).strict()
export const answerBody = z.object({
  articleId: z.number({ message: 'must be an article id' }).int().positive().optional().describe('the article that answers it'),
  close: z.boolean().optional().describe('close without an article'),
  answer: text(500).optional(),
}).strict().refine((b) => (b.articleId === undefined) !== (b.close !== true), { message: 'give either articleId or close: true', path: ['articleId'] })
export const citeBody = z.object({
  event: z.string({ message: 'must be an event number' }).regex(/^E\d{12,16}$/, 'must be an event number like E202612030001'),
  note: text(500).optional(),
}).strict()
export const fromEventBody = z.object({
  event: citeBody.shape.event,
  visibility: articleFields.visibility.default('internal'),
  category: articleFields.category.optional(),
}).strict()

const limit = z.string().regex(/^[0-9]{1,4}$/, 'must be a whole number').transform(Number)
  .pipe(z.number().int().min(1, `must be 1-${MAX_LIMIT}`).max(MAX_LIMIT, `must be 1-${MAX_LIMIT}`)).default(DEFAULT_LIMIT)
export const STATES = ['draft', 'pending', 'approved', 'rejected', 'published', 'withdrawn', 'expired'] as const

export const listQuery = z.object({
  q: z.string().trim().min(1, 'must not be empty').max(200, 'must be at most 200 characters').optional().describe('the question (segmented, synonyms expanded)'),
  category: articleFields.category.optional(),
  status: z.enum(STATES, { message: `must be one of ${STATES.join(', ')}` }).optional()
    .describe('default: published (on the shelf); other states: reviewers, or your own articles'),
  visibility: articleFields.visibility.optional(),
  favourites: z.enum(['true'], { message: 'must be true' }).optional().describe('only the articles you favoured'),
  limit,
  cursor: z.string().max(200, 'must be at most 200 characters').optional(),
}).strict()
export type ListQuery = z.output<typeof listQuery>

export const publicListQuery = listQuery.pick({ q: true, category: true, limit: true, cursor: true }).strict()

export const simpleListQuery = z.object({
  status: z.string().regex(/^[a-z]{1,20}$/, 'must be a status').optional(), limit, cursor: z.string().max(200).optional(),
}).strict()

export const idParam = z.object({
  id: z.string().regex(/^[1-9][0-9]{0,15}$/, 'must be a positive integer id').transform(Number)
    .pipe(z.number().int().max(Number.MAX_SAFE_INTEGER, 'too large')),
})

const phone = z.string().regex(/^[0-9-]{5,20}$/, 'must be an office phone number (digits and -)')
export const directoryBody = z.object({
  phone: phone.nullable().optional(), dutyPhone: phone.nullable().optional(),
  address: text(200).nullable().optional(), hours: text(100).nullable().optional(), responsibilities: text(1000).nullable().optional(),
}).strict()
export const directoryQuery = z.object({
  q: z.string().trim().min(1, 'must not be empty').max(50, 'must be at most 50 characters').optional(),
  kind: z.enum(['command_center', 'functional', 'district_office', 'street_office', 'community_committee'], { message: 'must be a department kind' }).optional(),
}).strict()
