// Request schemas of the fence and fence-alert API (zod). The body is flat: `kind` and the
// fields of its shape side by side (polygon {coordinates}, circle {center, radius}, corridor
// {line, width}, grid {gridCodes}), so `curl -d '{"kind":"circle","center":[…],"radius":300}'`
// reads as it is meant. Deep coordinate checks (closure, range, CRS) are shapeInput.ts's job:
// here only what zod says well (types, limits, enums).
import { z } from 'zod'
import type { FenceSchedule } from './engine.ts'
import { instantSchema } from '../http/dates.ts'

export const fenceKinds = ['polygon', 'circle', 'corridor', 'grid'] as const
export const alertKinds = ['enter', 'exit', 'dwell', 'absent'] as const

/** Every length in minutes a rule may take: up to a week. */
const MAX_MINUTES = 7 * 24 * 60
const ID = z.number().int().positive().max(Number.MAX_SAFE_INTEGER)

export const adminCode = z.string().regex(/^[0-9]{12}$/, 'must be a 12-digit admin code')
export const gridCode = z.string().regex(/^[0-9]{15}([0-9]{5})?$/, 'must be a 15-digit base or 20-digit industry grid code')
export const idParam = z.string().regex(/^[1-9][0-9]{0,15}$/, 'must be a positive integer id').transform(Number)
  .pipe(z.number().int().max(Number.MAX_SAFE_INTEGER))

const crs = z.string().min(1).max(200).optional()
const position = z.tuple([z.number(), z.number()], { message: 'must be a position [x, y] of two finite numbers' })
const minutes = z.number().int().min(1).max(MAX_MINUTES).nullable()

export const rulesSchema = z.object({
  enter: z.boolean().default(true),
  exit: z.boolean().default(true),
  /** alert once a device has stayed inside longer than this */
  dwellMinutes: minutes.default(null),
  /** alert once a device has been outside (or silent) longer than this while the schedule runs */
  absentMinutes: minutes.default(null),
}).strict().refine((r) => r.enter || r.exit || r.dwellMinutes !== null || r.absentMinutes !== null,
  { message: 'at least one rule must be on: enter, exit, dwellMinutes or absentMinutes' })

const clock = z.string().regex(/^(([01][0-9]|2[0-3]):[0-5][0-9]|24:00)$/, 'must be HH:MM (00:00-24:00, Asia/Shanghai)')

const weekly = {
  days: z.array(z.number().int().min(1).max(7)).min(1).max(7).refine((d) => new Set(d).size === d.length, 'must not repeat a day'),
  from: clock.refine((s) => s !== '24:00', 'must be 00:00-23:59'),
  to: clock,
}

/**
 * null: always. {calendar: 'duty'}: the city's working calendar (work periods of working days,
 * holidays and 调休 included). {days, from, to}: ISO weekdays 1 (Monday) … 7 (Sunday) in China
 * time (server/fences/schedule.ts); `to` earlier than `from` runs past midnight into the next
 * day; 00:00-24:00 is the whole day.
 */
// One object with every field optional, then the form it is: errors name the field at fault
// (a plain union would only say "invalid input" for the whole schedule).
export const scheduleSchema = z.object({
  calendar: z.literal('duty', { message: 'the only calendar is "duty" (the working calendar)' }).optional(),
  days: weekly.days.optional(),
  from: weekly.from.optional(),
  to: weekly.to.optional(),
}).strict().superRefine((s, ctx) => {
  if (s.calendar !== undefined) {
    if (s.days || s.from || s.to) ctx.addIssue({ code: 'custom', message: 'either calendar or days/from/to, not both' })
    return
  }
  for (const k of ['days', 'from', 'to'] as const) if (s[k] === undefined) ctx.addIssue({ code: 'custom', path: [k], message: 'is required (or give calendar: "duty")' })
  if (s.from !== undefined && s.from === s.to) ctx.addIssue({ code: 'custom', path: ['to'], message: 'from and to must differ' })
}).transform((s): FenceSchedule => (s.calendar ? { calendar: 'duty' } : { days: s.days!, from: s.from!, to: s.to! })).nullable()

const common = {
  name: z.string().trim().min(1).max(100),
  adminCode: adminCode.optional(),
  rules: rulesSchema.default({ enter: true, exit: true, dwellMinutes: null, absentMinutes: null }),
  schedule: scheduleSchema.default(null),
  memberIds: z.array(ID).max(1000).refine((ids) => new Set(ids).size === ids.length, 'must not repeat a member').optional(),
}

/** Polygon or MultiPolygon coordinates, positions easting/longitude first in every CRS. */
const polygonShape = z.object({ kind: z.literal('polygon'), coordinates: z.array(z.unknown()).min(1, 'must not be empty'), crs })
const circleShape = z.object({
  kind: z.literal('circle'),
  center: position,
  radius: z.number().min(5, 'must be at least 5 m').max(50_000, 'must be at most 50,000 m'),
  crs,
})
const corridorShape = z.object({
  kind: z.literal('corridor'),
  line: z.array(z.unknown()).min(2, 'a line needs at least 2 positions').max(10_000, 'must have at most 10,000 positions'),
  /** full width in metres: the area reaches width/2 on either side of the line */
  width: z.number().min(2, 'must be at least 2 m').max(2_000, 'must be at most 2,000 m'),
  crs,
})
const gridShape = z.object({
  kind: z.literal('grid'),
  gridCodes: z.array(gridCode).min(1).max(200).refine((c) => new Set(c).size === c.length, 'must not repeat a grid'),
})

export type ShapeInput = z.output<typeof polygonShape> | z.output<typeof circleShape> | z.output<typeof corridorShape> | z.output<typeof gridShape>

export const createSchema = z.discriminatedUnion('kind', [
  polygonShape.extend(common).strict(),
  circleShape.extend(common).strict(),
  corridorShape.extend(common).strict(),
  gridShape.extend(common).strict(),
])
export type FenceInput = z.output<typeof createSchema>

// PUT replaces the fence; `version` is the one the client read (optimistic locking). The
// read-only fields GET answers are accepted and ignored, so GET → edit → PUT round-trips.
const readOnly = {
  version: z.number().int().min(1).max(1_000_000_000),
  active: z.boolean().optional(),
  id: z.unknown().optional(), cityCode: z.unknown().optional(), areaM2: z.unknown().optional(),
  geometry: z.unknown().optional(), createdAt: z.unknown().optional(), updatedAt: z.unknown().optional(),
  createdBy: z.unknown().optional(),
}
export const updateSchema = z.discriminatedUnion('kind', [
  polygonShape.extend(common).extend(readOnly).strict(),
  circleShape.extend(common).extend(readOnly).strict(),
  corridorShape.extend(common).extend(readOnly).strict(),
  gridShape.extend(common).extend(readOnly).strict(),
])
export type FenceUpdate = z.output<typeof updateSchema>

/** "minLon,minLat,maxLon,maxLat" in EPSG:4490. */
const bbox = z.string().max(200).transform((s, ctx) => {
  const n = s.split(',').map((v) => (/^\s*-?\d+(\.\d+)?\s*$/.test(v) ? Number(v) : NaN))
  const [a, b, c, d] = n as [number, number, number, number]
  if (n.length !== 4 || !n.every(Number.isFinite) || a >= c || b >= d || a < -180 || c > 180 || b < -90 || d > 90) {
    ctx.addIssue({ code: 'custom', message: 'must be minLon,minLat,maxLon,maxLat (EPSG:4490) with min < max, in range' })
    return z.NEVER
  }
  return [a, b, c, d] as [number, number, number, number]
})

const limit = (max: number, dflt: number) => z.string().regex(/^[0-9]{1,4}$/, 'must be a whole number').transform(Number)
  .pipe(z.number().int().min(1).max(max)).default(dflt)
const queryId = z.string().regex(/^[1-9][0-9]{0,15}$/, 'must be a positive integer id').transform(Number)

export const listQuery = z.object({
  kind: z.enum(fenceKinds).optional(),
  active: z.enum(['true', 'false', 'all']).default('true'),
  bbox: bbox.optional(),
  adminCode: adminCode.optional(),
  limit: limit(500, 100),
  cursor: z.string().max(100).optional(),
  f: z.enum(['json', 'geojson']).default('json'),
}).strict()
export type ListQuery = z.output<typeof listQuery>

export const readQuery = z.object({ f: z.enum(['json', 'geojson']).default('json') }).strict()

const instant = instantSchema()

export const alertListQuery = z.object({
  fenceId: queryId.optional(),
  deviceId: queryId.optional(),
  /** the device's identifier (what the tracker reports as its id) */
  device: z.string().regex(/^[A-Za-z0-9_.:-]{3,64}$/, 'must be a device identifier').optional(),
  memberId: queryId.optional(),
  kind: z.string().max(60).transform((s) => s.split(',').map((x) => x.trim()).filter(Boolean))
    .pipe(z.array(z.enum(alertKinds, { message: `each kind must be one of ${alertKinds.join(', ')}` })).min(1).max(4)).optional(),
  /** inclusive */
  from: instant.optional(),
  /** exclusive */
  to: instant.optional(),
  acknowledged: z.enum(['true', 'false']).transform((v) => v === 'true').optional(),
  limit: limit(500, 50),
  cursor: z.string().max(200).optional(),
  f: z.enum(['json', 'geojson']).default('json'),
}).strict().refine((q) => !q.from || !q.to || q.from < q.to, { message: 'must be later than from', path: ['to'] })
export type AlertListQuery = z.output<typeof alertListQuery>
