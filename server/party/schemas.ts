// Request schemas of /api/v1/party (党建引领, Heilongjiang 6.3.1); shared pieces from teams.
import { z } from 'zod'
import { adminCode, baseGridCode, date, instant, lat, listQuery, lon, lonLatIssue, lonLatTogether, personName, phone, positiveId, text, version } from '../teams/schemas.ts'

export const ORG_KINDS = ['committee', 'general_branch', 'branch', 'group'] as const
export const orgKindTitles = { committee: '党委', general_branch: '党总支', branch: '党支部', group: '党小组' }
export const POSITION_KINDS = ['service_center', 'activity_room', 'study_room', 'volunteer_station', 'other'] as const
export const positionKindTitles = { service_center: '党群服务中心', activity_room: '党员活动室', study_room: '党员学习室', volunteer_station: '志愿服务站', other: '其他阵地' }
export const ACTIVITY_KINDS = ['meeting', 'study', 'theme_day', 'volunteer', 'other'] as const
export const DIFFICULTIES = ['illness', 'disability', 'poverty', 'elderly_alone', 'other'] as const
export const CARE_KINDS = ['visit', 'subsidy', 'medical', 'festival', 'other'] as const
export const PROJECT_STATUSES = ['planned', 'ongoing', 'done'] as const

const area = { communityCode: adminCode.optional(), gridCode: baseGridCode.nullable().optional(), verified: z.boolean().optional() }

const orgFields = {
  name: text(100), kind: z.enum(ORG_KINDS), parentId: positiveId.nullable().optional(),
  secretaryName: personName.nullable().optional(), secretaryPhone: phone.nullable().optional(),
  foundedOn: date.nullable().optional(), note: text(1000).nullable().optional(),
}
const orgBase = z.object({ ...orgFields, ...area }).strict()
export const orgCreate = orgBase
export const orgImportRow = orgBase.omit({ parentId: true })
export const orgPatch = z.object({ version, ...orgFields, name: orgFields.name.optional(), kind: orgFields.kind.optional(), ...area }).strict()

const memberFields = {
  orgId: positiveId, residentId: positiveId.nullable().optional(),
  name: personName.optional(), phone: phone.nullable().optional(), gender: z.enum(['male', 'female']).nullable().optional(),
  joinedOn: date.nullable().optional(), status: z.enum(['full', 'probationary']).optional(),
  inDifficulty: z.boolean().optional(), difficulty: z.enum(DIFFICULTIES).nullable().optional(), note: text(1000).nullable().optional(),
}
const difficultyNeedsFlag = (b: { inDifficulty?: boolean | undefined; difficulty?: string | null | undefined }) => !b.difficulty || b.inDifficulty === true
const difficultyIssue = { message: 'a difficulty needs inDifficulty: true', path: ['difficulty'] }
const memberBase = z.object({ ...memberFields, ...area }).strict()
export const memberCreate = memberBase.refine((b) => b.name !== undefined || b.residentId, { message: 'give a name, or a residentId to take it from', path: ['name'] })
  .refine(difficultyNeedsFlag, difficultyIssue)
export const memberImportRow = memberBase.omit({ residentId: true }).extend({ name: personName }).refine(difficultyNeedsFlag, difficultyIssue)
export const memberPatch = z.object({ version, ...memberFields, orgId: positiveId.optional(), ...area }).strict()

const positionFields = {
  name: text(100), kind: z.enum(POSITION_KINDS), orgId: positiveId.nullable().optional(), address: text(200).nullable().optional(),
  areaM2: z.number().int().min(1).max(100000).nullable().optional(), openHours: text(100).nullable().optional(),
}
const positionBase = z.object({ ...positionFields, communityCode: adminCode.optional(), lon, lat, verified: z.boolean().optional() }).strict()
export const positionCreate = positionBase
export const positionPatch = z.object({ version, ...positionFields, name: positionFields.name.optional(), kind: positionFields.kind.optional(),
  communityCode: adminCode.optional(), lon: lon.optional(), lat: lat.optional(), verified: z.boolean().optional() }).strict().refine(lonLatTogether, lonLatIssue)

export const activityCreate = z.object({
  orgId: positiveId, positionId: positiveId.optional(), kind: z.enum(ACTIVITY_KINDS), title: text(200), heldAt: instant,
  hours: z.number().finite().gt(0, 'must be more than 0').max(100), participants: z.number().int().min(1).max(10000), note: text(1000).optional(),
}).strict()
export const projectCreate = z.object({
  orgId: positiveId, name: text(200), status: z.enum(PROJECT_STATUSES).default('planned'), startedOn: date.optional(), dueOn: date.optional(),
  budget: z.number().finite().min(0).max(1e10).optional(), description: text(2000).optional(),
}).strict().refine((b) => !b.startedOn || !b.dueOn || b.dueOn >= b.startedOn, { message: 'dueOn must not be before startedOn', path: ['dueOn'] })
export const projectPatch = z.object({ version, status: z.enum(PROJECT_STATUSES).optional(), dueOn: date.optional(), description: text(2000).optional() }).strict()
export const careCreate = z.object({
  memberId: positiveId, kind: z.enum(CARE_KINDS), caredOn: date, amount: z.number().finite().min(0).max(1e8).optional(), note: text(1000).optional(),
}).strict()

export const orgListQuery = listQuery.extend({ kind: z.enum(ORG_KINDS).optional() }).strict()
export const memberListQuery = listQuery.extend({ orgId: z.string().regex(/^[1-9][0-9]{0,14}$/, 'must be a positive integer').transform(Number).optional(),
  inDifficulty: z.enum(['true', 'false']).transform((v) => v === 'true').optional() }).strict()
export const positionListQuery = listQuery.extend({ kind: z.enum(POSITION_KINDS).optional() }).strict()
export const plainListQuery = listQuery.strict()
export const partyStatsQuery = z.object({ area: adminCode.optional(), from: instant.optional(), to: instant.optional() }).strict()
