// Request schemas of /api/v1/enforcement (综合执法): teams, officers, conflicts, tasks, spot checks
// (双随机), results, supervision, and the list queries. Every refusal names its field.
import { z } from 'zod'

export const domainTitles = {
  urban: '城市管理', market: '市场监管', safety: '应急管理', environment: '生态环境', health: '卫生健康', fire: '消防',
  culture: '文化旅游', transport: '交通运输', agriculture: '农业农村', general: '综合行政执法',
} as const
export type Domain = keyof typeof domainTitles
export const taskKindTitles = { spot_check: '双随机抽查', special: '专项整治', complaint: '投诉举报核查', routine: '日常巡查' } as const
export const taskStatusTitles = { open: '待办', in_progress: '办理中', done: '已办结', cancelled: '已取消' } as const
export const outcomeTitles = { pass: '合格', rectify: '责令整改', penalty: '立案处罚', absent: '查无下落', closed: '已停业关闭' } as const
export type Outcome = keyof typeof outcomeTitles
export const objectTypeTitles = { unit: '单位', place: '重点场所' } as const
export type ObjectType = keyof typeof objectTypeTitles

/** Outcomes that ask for a rectification with a due date (penalty: optional). */
export const RECTIFY_OUTCOMES: readonly Outcome[] = ['rectify', 'penalty']

const keys = <T extends Record<string, string>>(o: T) => Object.keys(o) as [keyof T & string, ...(keyof T & string)[]]
export const MAX_LIST = 200

const ADMIN = /^[0-9]{12}$/
const GRID = /^[0-9]{15}([0-9]{5})?$/
const PHONE = /^(1[3-9][0-9]{9}|0[1-9][0-9]{1,2}-?[0-9]{7,8})$/
const date = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD')
  .refine((s) => !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) && new Date(`${s}T00:00:00Z`).toISOString().startsWith(s), 'not a calendar date')
const text = (min: number, max: number) => z.string().trim().min(min, `at least ${min} characters`).max(max, `at most ${max} characters`)
const positiveId = z.number().int().positive().max(Number.MAX_SAFE_INTEGER)
export const phoneSchema = z.string().trim().regex(PHONE, 'must be a mobile 1[3-9]xxxxxxxxx or a fixed line with its area code')
export const adminCode = z.string().regex(ADMIN, 'must be a 12-digit admin division code')
/** 执法证号: the issuing authority's code and a serial, 8-32 digits or capital letters. */
export const certificateSchema = z.string().trim().toUpperCase().regex(/^[0-9A-Z]{8,32}$/, 'must be 8-32 digits or capital letters (执法证号)')
const version = z.number().int().min(1, 'must be the version you read').max(2 ** 31 - 1)

const teamFields = z.object({
  name: text(2, 100),
  agency: text(2, 100),
  domain: z.enum(keys(domainTitles)),
  communityCode: adminCode,
  officePhone: phoneSchema.nullish(),
})
export const teamCreateSchema = teamFields.extend({ active: z.boolean().default(true) }).strict()
// no defaults in an edit: a field left out stays as it is
export const teamPatchSchema = teamFields.partial().extend({ active: z.boolean().optional(), version }).strict()

const officerFields = z.object({
  teamId: positiveId,
  name: text(1, 50),
  certificateNo: certificateSchema,
  phone: phoneSchema.nullish(),
})
export const officerCreateSchema = officerFields.extend({ active: z.boolean().default(true) }).strict()
export const officerPatchSchema = officerFields.partial().extend({ active: z.boolean().optional(), version }).strict()

export const conflictSchema = z.object({
  objectType: z.enum(keys(objectTypeTitles)),
  objectId: positiveId,
  reason: text(2, 200),
}).strict()

export const taskCreateSchema = z.object({
  teamId: positiveId,
  title: text(2, 200),
  kind: z.enum(keys(taskKindTitles)),
  description: text(0, 2000).nullish(),
  dueOn: date.nullish(),
}).strict()
export const taskPatchSchema = z.object({
  title: text(2, 200).optional(),
  status: z.enum(keys(taskStatusTitles)).optional(),
  description: text(0, 2000).nullish(),
  dueOn: date.nullish(),
  version,
}).strict()

export const spotCheckCreateSchema = z.object({
  title: text(2, 200),
  /** the area drawn from: an admin code of any level inside the caller's jurisdiction */
  communityCode: adminCode,
  taskId: positiveId.optional(),
  objectType: z.enum(keys(objectTypeTitles)),
  /** the object kinds drawn from (the register's kind values); absent: every kind */
  kinds: z.array(z.string().regex(/^[a-z_]{2,30}$/, 'must be a kind value')).min(1).max(20).optional(),
  /** only objects in these base grids */
  gridCodes: z.array(z.string().regex(GRID, 'must be a grid code')).min(1).max(200).optional(),
  /** leave out objects checked (drawn, or a result or a register inspection) within this many days */
  excludeCheckedWithinDays: z.number().int().min(0).max(3650).default(0),
  objectCount: z.number().int().min(1).max(1000),
  officersPerObject: z.number().int().min(2, 'an inspection needs at least two officers').max(10).default(2),
  teamIds: z.array(positiveId).min(1).max(50),
  /** a seed chosen beforehand (e.g. drawn in public); otherwise 128 random bits */
  seed: z.string().regex(/^[0-9a-f]{16,64}$/, 'must be 16-64 lower-case hex digits').optional(),
}).strict()
export type SpotCheckCreate = z.output<typeof spotCheckCreateSchema>

export const resultCreateSchema = z.object({
  checkId: positiveId.optional(),
  /** a task's result on one object (not drawn): taskId with objectType and objectId */
  taskId: positiveId.optional(),
  objectType: z.enum(keys(objectTypeTitles)).optional(),
  objectId: positiveId.optional(),
  outcome: z.enum(keys(outcomeTitles)),
  findings: text(0, 2000).nullish(),
  checkedAt: z.iso.datetime({ offset: true, message: 'must be an ISO 8601 time with offset' }),
  rectifyDue: date.nullish(),
  penaltyYuan: z.number().min(0).max(1e10).nullish(),
}).strict()
  .refine((b) => (b.checkId === undefined) !== (b.taskId === undefined), { message: 'give exactly one of checkId and taskId', path: ['checkId'] })
  .refine((b) => b.taskId === undefined || (b.objectType !== undefined && b.objectId !== undefined), { message: 'a task result names objectType and objectId', path: ['objectId'] })
  .refine((b) => b.checkId === undefined || (b.objectType === undefined && b.objectId === undefined), { message: 'a check names its object already', path: ['objectId'] })
  .refine((b) => b.outcome !== 'rectify' || (b.rectifyDue ?? null) !== null, { message: 'a 责令整改 needs its due date', path: ['rectifyDue'] })
  .refine((b) => b.outcome === 'penalty' || (b.penaltyYuan ?? null) === null, { message: 'a fine only with outcome penalty', path: ['penaltyYuan'] })
  .refine((b) => (b.rectifyDue ?? null) === null || RECTIFY_OUTCOMES.includes(b.outcome), { message: 'only rectify or penalty has a due date', path: ['rectifyDue'] })
export type ResultCreate = z.output<typeof resultCreateSchema>

export const rectifiedSchema = z.object({
  rectifiedAt: z.iso.datetime({ offset: true, message: 'must be an ISO 8601 time with offset' }),
  note: text(2, 1000),
  version,
}).strict()

export const supervisionSchema = z.object({
  note: text(2, 1000),
  answerDue: date,
}).strict()
export const supervisionAnswerSchema = z.object({ answer: text(2, 1000) }).strict()

const limit = z.string().regex(/^[0-9]{1,4}$/, 'must be a whole number').transform(Number)
  .pipe(z.number().int().min(1, 'limit must be at least 1').max(MAX_LIST, `limit must be at most ${MAX_LIST}`)).default(50)

/** The register list shape: ?community=&grid=&q=&limit=&cursor= */
export const listQuery = z.object({
  community: z.string().regex(/^[0-9]{4,12}$/, 'must be an admin code (prefix)').optional(),
  grid: z.string().regex(GRID, 'must be a grid code').optional(),
  q: z.string().trim().min(1).max(50).optional(),
  teamId: z.string().regex(/^[1-9][0-9]{0,14}$/, 'must be a positive integer').transform(Number).optional(),
  limit,
  cursor: z.string().max(200).optional(),
}).strict()
export type ListQuery = z.output<typeof listQuery>

export const resultListQuery = listQuery.extend({
  outcome: z.enum(keys(outcomeTitles)).optional(),
  /** overdue rectifications only: due before `on` and not rectified */
  overdue: z.enum(['true', 'false']).transform((v) => v === 'true').optional(),
  on: date.optional(),
}).strict()
export type ResultListQuery = z.output<typeof resultListQuery>

export const performanceQuery = z.object({
  from: date, to: date,
  community: z.string().regex(/^[0-9]{4,12}$/, 'must be an admin code (prefix)').optional(),
}).strict().refine((q) => q.from <= q.to, { message: 'from must not be after to', path: ['from'] })

export { unmaskReason as unmaskSchema } from '../registers/params.ts'

export { digitsId as idParam } from '../registers/params.ts'
