// Request schemas of /api/v1/teams (and the pieces /api/v1/party shares): every refusal names its
// field (server/http/validate.ts).
import { z } from 'zod'

export const TEAM_KINDS = ['org', 'patrol_fulltime', 'patrol_volunteer', 'security_company', 'volunteer_group'] as const
export const teamKindTitles: Record<(typeof TEAM_KINDS)[number], string> = {
  org: '综治组织', patrol_fulltime: '专职巡防队', patrol_volunteer: '义务巡防队', security_company: '保安公司', volunteer_group: '志愿者队伍',
}
/** 专长: what a team can be called on for (群防群治 dispatch by need). */
export const SPECIALTIES = ['security', 'mediation', 'legal', 'medical', 'elderly', 'repair', 'fire', 'environment', 'psychology', 'publicity'] as const
export const specialtyTitles: Record<(typeof SPECIALTIES)[number], string> = {
  security: '治安巡防', mediation: '矛盾调解', legal: '法律咨询', medical: '医疗救护', elderly: '助老助残',
  repair: '维修服务', fire: '消防应急', environment: '环境整治', psychology: '心理疏导', publicity: '宣传教育',
}
export const SERVICE_STATUSES = ['assigned', 'accepted', 'done', 'rated', 'cancelled'] as const
export const serviceStatusTitles: Record<(typeof SERVICE_STATUSES)[number], string> = {
  assigned: '已派发', accepted: '已接单', done: '已完成', rated: '已评价', cancelled: '已取消',
}
export const ACTIVITY_KINDS = ['patrol', 'service', 'training', 'help', 'publicity'] as const
export const activityKindTitles: Record<(typeof ACTIVITY_KINDS)[number], string> = {
  patrol: '巡逻巡防', service: '为民服务', training: '培训演练', help: '群众求助', publicity: '宣传活动',
}
export const MEMBER_DUTIES = ['leader', 'deputy', 'member'] as const

/** A mobile number or a fixed line with its area code. */
export const PHONE = /^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$/
export const phone = z.string().trim().regex(PHONE, 'must be a mobile number (1[3-9] + 9 digits) or a fixed line with its area code (0xxx-xxxxxxx)')
export const personName = z.string().trim().min(1, 'must not be empty').max(50)
export const adminCode = z.string().regex(/^[0-9]{12}$/, 'must be a 12-digit admin code')
export const baseGridCode = z.string().regex(/^[0-9]{15}$/, 'must be a 15-digit base grid code')
export const positiveId = z.number().int().positive().max(Number.MAX_SAFE_INTEGER)
export const lon = z.number().finite().min(73, 'longitude must be 73-136 (EPSG:4490)').max(136, 'longitude must be 73-136 (EPSG:4490)')
export const lat = z.number().finite().min(3, 'latitude must be 3-54 (EPSG:4490)').max(54, 'latitude must be 3-54 (EPSG:4490)')
export const version = z.number().int().min(1).max(2_000_000_000)
export const text = (max: number) => z.string().trim().min(1, 'must not be empty').max(max)
export const date = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD')
  .refine((s) => !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) && new Date(`${s}T00:00:00Z`).toISOString().startsWith(s), 'not a calendar date')
export const instant = z.string().datetime({ offset: true, message: 'must be an ISO 8601 date-time with offset' })
export { digitsId as idParam } from '../registers/params.ts'

/** Where a row is: an admin area and/or a point (the grid is found from the point). */
export const placeFields = { communityCode: adminCode.optional(), lon: lon.optional(), lat: lat.optional(), verified: z.boolean().optional() }
export const lonLatTogether = (b: { lon?: number | undefined; lat?: number | undefined }) => (b.lon === undefined) === (b.lat === undefined)
export const lonLatIssue = { message: 'give lon and lat together', path: ['lat'] }

const teamFields = {
  name: text(100),
  kind: z.enum(TEAM_KINDS),
  parentId: positiveId.nullable().optional(),
  specialties: z.array(z.enum(SPECIALTIES)).max(10).refine((a) => new Set(a).size === a.length, 'listed twice').optional(),
  leaderName: personName.nullable().optional(),
  leaderPhone: phone.nullable().optional(),
  address: text(200).nullable().optional(),
  note: text(1000).nullable().optional(),
  active: z.boolean().optional(),
}

const teamBase = z.object({ ...teamFields, ...placeFields }).strict()
export const teamCreate = teamBase.refine(lonLatTogether, lonLatIssue)
/** A spreadsheet row: no chart (parentId) or list cells; those are edited through the API. */
export const teamImportRow = teamBase.omit({ parentId: true, specialties: true }).refine(lonLatTogether, lonLatIssue)
export const teamPatch = z.object({ version, ...teamFields, name: teamFields.name.optional(), kind: teamFields.kind.optional(), ...placeFields })
  .strict().refine(lonLatTogether, lonLatIssue)

export const listQuery = z.object({
  community: adminCode.optional(),
  grid: baseGridCode.optional(),
  q: z.string().trim().min(1).max(100).optional(),
  limit: z.string().regex(/^[0-9]{1,4}$/, 'must be a whole number').transform(Number)
    .pipe(z.number().int().min(1, 'limit must be at least 1').max(500, 'limit must be at most 500')).default(50),
  cursor: z.string().max(200).optional(),
})
export const teamListQuery = listQuery.extend({ kind: z.enum(TEAM_KINDS).optional(), specialty: z.enum(SPECIALTIES).optional() }).strict()
export const treeQuery = z.object({ community: adminCode.optional() }).strict()

export const memberCreate = z.object({
  name: personName, phone: phone.nullable().optional(), duty: z.enum(MEMBER_DUTIES).default('member'), joinedOn: date.nullable().optional(),
}).strict()
export const memberPatch = z.object({
  name: personName.optional(), phone: phone.nullable().optional(), duty: z.enum(MEMBER_DUTIES).optional(), joinedOn: date.nullable().optional(),
  active: z.boolean().optional(),
}).strict()
export const gridsBody = z.object({
  gridCodes: z.array(baseGridCode).max(200).refine((a) => new Set(a).size === a.length, 'listed twice'),
}).strict()

export const serviceCreate = z.object({
  eventNumber: z.string().regex(/^E[0-9]{12,16}$/, 'must be an event number E + 12-16 digits').optional(),
  description: text(2000).optional(),
  address: text(200).optional(),
  lon: lon.optional(), lat: lat.optional(),
}).strict().refine(lonLatTogether, lonLatIssue)
  .refine((b) => b.eventNumber !== undefined || (b.description !== undefined && b.lon !== undefined), {
    message: 'give an eventNumber, or a description and a place (lon, lat)', path: ['eventNumber'],
  })
export const serviceListQuery = z.object({
  status: z.enum(SERVICE_STATUSES).optional(),
  limit: listQuery.shape.limit, cursor: listQuery.shape.cursor,
}).strict()
export const acceptBody = z.object({ comment: text(500).optional() }).strict()
export const doneBody = z.object({
  result: text(2000), hours: z.number().finite().gt(0, 'must be more than 0').max(1000), participants: z.number().int().min(1).max(10000).default(1),
}).strict()
export const rateBody = z.object({ rating: z.number().int().min(1, 'rating is 1-5').max(5, 'rating is 1-5'), comment: text(1000).optional() }).strict()
export const cancelBody = z.object({ reason: text(500) }).strict()

export const activityCreate = z.object({
  kind: z.enum(ACTIVITY_KINDS).refine((k) => k !== 'service', 'service lines are written when a dispatched service is done'),
  title: text(200),
  startedAt: instant,
  hours: z.number().finite().gt(0, 'must be more than 0').max(1000),
  participants: z.number().int().min(1).max(10000).default(1),
  gridCode: baseGridCode.optional(),
  note: text(1000).optional(),
}).strict()
export const activityListQuery = z.object({
  kind: z.enum(ACTIVITY_KINDS).optional(), from: instant.optional(), to: instant.optional(),
  limit: listQuery.shape.limit, cursor: listQuery.shape.cursor,
}).strict()

export const statsQuery = z.object({ area: adminCode.optional(), from: instant.optional(), to: instant.optional() }).strict()
  .refine((q) => !q.from || !q.to || Date.parse(q.from) < Date.parse(q.to), { message: 'from must be before to', path: ['to'] })
export { unmaskReason as unmaskBody } from '../registers/params.ts'
