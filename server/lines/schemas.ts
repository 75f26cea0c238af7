// Request schemas of /api/v1/lines (护路护线) and their records. The create body is the register's
// rowSchema (imports validate each spreadsheet row with it). Every refusal names its field.
import { z } from 'zod'
import { phoneSchema } from '../houses/fields.ts'
import { LineGeometryError, lineFromInput, type Position } from './geometry.ts'

export const KIND_TITLES = {
  road: '道路', rail: '铁路', pipeline: '管道', power: '电力线路', telecom: '通信线路', gas: '燃气管线', water: '供水管线',
  heating: '供热管线', drainage: '排水管线', oil: '输油管线', other: '其他',
} as const
export const GUARD_TITLES = { key: '重点', general: '一般' } as const
export const RECORD_KIND_TITLES = { inspection: '巡检', repair: '维修', replacement: '更换' } as const
export const RESULT_TITLES = { normal: '正常', defect: '发现问题', fixed: '已修复', pending: '待处理', replaced: '已更换' } as const
export const COMPONENT_STATES = ['完好', '破损', '丢失', '占用', '废弃'] as const
/** The results each kind of record may have. */
export const RESULTS_OF: Record<keyof typeof RECORD_KIND_TITLES, readonly (keyof typeof RESULT_TITLES)[]> = {
  inspection: ['normal', 'defect'], repair: ['fixed', 'pending'], replacement: ['replaced', 'pending'],
}
export const DEFAULT_TOLERANCE_M = 5

const keys = <T extends Record<string, string>>(o: T) => Object.keys(o) as [keyof T & string, ...(keyof T & string)[]]
const text = (max: number) => z.string().trim().min(1, 'must not be empty').max(max, `at most ${max} characters`)

/** GeoJSON LineString / MultiLineString (object or text) or WKT, EPSG:4490 lon/lat (geometry.ts). */
export const geometrySchema = z.unknown().transform((v, ctx): Position[][] => {
  if (v === undefined || v === null) {
    ctx.addIssue({ code: 'custom', message: 'required: a GeoJSON LineString or MultiLineString, or WKT, in EPSG:4490' })
    return z.NEVER
  }
  try {
    return lineFromInput(v)
  } catch (err) {
    ctx.addIssue({ code: 'custom', message: err instanceof LineGeometryError ? err.message : 'not a line geometry' })
    return z.NEVER
  }
})

const fields = {
  code: z.string().trim().regex(/^[A-Za-z0-9_-]{1,40}$/, '1-40 letters, digits, _ or - (线路编号)'),
  name: text(100),
  kind: z.enum(keys(KIND_TITLES)),
  guardLevel: z.enum(keys(GUARD_TITLES)).optional(),
  ownerUnit: text(100).nullish(),
  contactName: text(100).nullish(),
  contactPhone: phoneSchema.nullish(),
  toleranceM: z.number().positive('must be more than 0 m').max(50, 'at most 50 m').optional(),
  geometry: geometrySchema,
  note: text(500).nullish(),
}

/** One line: the POST body and one import row. */
export const lineRowSchema = z.object(fields).strict()
export type LineRow = z.output<typeof lineRowSchema>

const version = z.number().int().min(1, 'must be the version you read').max(2 ** 31 - 1)
export const linePatchSchema = z.object({
  ...fields, geometry: geometrySchema.optional(), version, verified: z.literal(true).optional(),
}).partial({ code: true, name: true, kind: true }).strict()
export type LinePatch = z.output<typeof linePatchSchema>

export const MAX_LIMIT = 200
export const listQuery = z.object({
  community: z.string().regex(/^[0-9]{12}$/, 'a 12-digit admin code (community, street or district)').optional(),
  grid: z.string().regex(/^[0-9]{15}$/, 'a 15-digit base grid code').optional(),
  q: z.string().trim().min(1).max(50).optional(),
  kind: z.enum(keys(KIND_TITLES)).optional(),
  limit: z.coerce.number().int().min(1).max(MAX_LIMIT).default(50),
  cursor: z.string().max(200).optional(),
}).strict()
export type LineListQuery = z.output<typeof listQuery>

export { idParam } from '../registers/params.ts'

const instant = z.string().max(40).refine((s) => /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2})$/.test(s) && !Number.isNaN(Date.parse(s)),
  'an ISO 8601 instant with its offset, e.g. 2026-12-03T09:30:00+08:00')
  .refine((s) => Date.parse(s) <= Date.now() + 5 * 60_000, 'lies in the future')
  .refine((s) => Date.parse(s) >= Date.parse('2000-01-01T00:00:00Z'), 'before 2000')

export const recordSchema = z.object({
  kind: z.enum(keys(RECORD_KIND_TITLES)),
  result: z.enum(keys(RESULT_TITLES)),
  doneAt: instant,
  componentId: z.string().regex(/^[0-9]{16}$/, 'a 16-digit component id').nullish(),
  performedBy: text(100).nullish(),
  findings: text(2000).nullish(),
  componentState: z.enum(COMPONENT_STATES).nullish(),
}).strict().superRefine((v, ctx) => {
  if (!RESULTS_OF[v.kind].includes(v.result)) {
    ctx.addIssue({ code: 'custom', path: ['result'], message: `a ${v.kind} record's result is one of ${RESULTS_OF[v.kind].join(', ')}` })
  }
  if (v.componentState && !v.componentId) ctx.addIssue({ code: 'custom', path: ['componentState'], message: 'only with componentId: the state is the component\'s' })
})
export type RecordBody = z.output<typeof recordSchema>

export const recordListQuery = z.object({
  kind: z.enum(keys(RECORD_KIND_TITLES)).optional(),
  componentId: z.string().regex(/^[0-9]{16}$/, 'a 16-digit component id').optional(),
  limit: z.coerce.number().int().min(1).max(MAX_LIMIT).default(50),
  cursor: z.string().max(200).optional(),
}).strict()

export const componentListQuery = z.object({
  limit: z.coerce.number().int().min(1).max(1000).default(200),
  after: z.string().regex(/^[0-9]{16}$/, 'a 16-digit component id (the last of the previous page)').optional(),
}).strict()

export { unmaskReason as unmaskSchema } from '../registers/params.ts'
