// Input of /api/v1/quality: every field named in a 400.
import { z } from 'zod'

const control = (s: string) => [...s].some((c) => { const n = c.codePointAt(0)!; return (n < 32 && c !== '\n' && c !== '\t' && c !== '\r') || n === 127 })
const text = (max: number) => z.string().trim().min(1, 'must not be empty').max(max, `at most ${max} characters`).refine((s) => !control(s), 'must not contain control characters')
const weight = z.number({ message: 'must be a number' }).min(0, 'must be at least 0').max(100, 'must be at most 100')
const points = z.number({ message: 'must be a number' }).int('must be a whole number').min(0, 'must be 0 to 100').max(100, 'must be 0 to 100')

export const SOURCES = ['department', 'centre', 'follow_up'] as const
export type ReviewSource = (typeof SOURCES)[number]

export const reviewBody = z.object({
  source: z.enum(SOURCES, { message: `must be one of ${SOURCES.join(', ')}` })
    .describe('department: 职能部门专业评价 (role department); centre: 中心评价 (command_center, district_staff); follow_up: 追评, the resident\'s later review taken by the centre\'s callback (command_center, district_staff, street_staff)'),
  score: points.describe('0-100'),
  comment: text(1000).optional(),
}).strict()

export const weightsBody = z.object({
  department: weight.describe('weight of the department\'s professional review'),
  centre: weight.describe('weight of the centre\'s review'),
  resident: weight.describe('weight of the resident\'s part (evaluation and follow-up)'),
  followUpShare: z.number({ message: 'must be a number' }).min(0, 'must be 0 to 1').max(1, 'must be 0 to 1').describe('share of the follow-up in the resident\'s part when there is one'),
  satisfied: points.describe('score of 满意'),
  basically: points.describe('score of 基本满意'),
  dissatisfied: points.describe('score of 不满意'),
  effectiveFrom: z.iso.datetime({ offset: true, message: 'must be an ISO 8601 time with offset' }).optional().describe('default: now'),
  reason: text(500),
}).strict().refine((w) => w.department + w.centre + w.resident > 0, { message: 'the three weights must not all be 0', path: ['resident'] })

export const numberParam = z.string().regex(/^E[0-9]{12,16}$/, 'must be an event number E…')
