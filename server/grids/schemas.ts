// Request schemas of the grid API (zod): query strings and JSON bodies.
import { z } from 'zod'
import { instantSchema } from '../http/dates.ts'

export const gridCode = z.string().regex(/^[0-9]{15}([0-9]{5})?$/, 'must be a 15-digit base or 20-digit industry grid code')
export const adminCode = z.string().regex(/^[0-9]{12}$/, 'must be a 12-digit admin code')
const crsParam = z.string().min(1).max(200).optional()

/** "minLon,minLat,maxLon,maxLat" in EPSG:4490. */
const bbox = z.string().max(200).transform((s, ctx) => {
  const n = s.split(',').map((v) => Number(v))
  const [a, b, c, d] = n as [number, number, number, number]
  const ok = n.length === 4 && n.every(Number.isFinite) && a < c && b < d &&
    a >= -180 && c <= 180 && b >= -90 && d <= 90
  if (!ok) {
    ctx.addIssue({ code: 'custom', message: 'bbox must be minLon,minLat,maxLon,maxLat with min < max, in range' })
    return z.NEVER
  }
  return [a, b, c, d] as [number, number, number, number]
})

const at = instantSchema('at must be an existing ISO 8601 date (Asia/Shanghai) or date-time with a zone')

export const listQuery = z.object({
  bbox: bbox.optional(),
  community: adminCode.optional(),
  kind: z.enum(['base', 'industry']).optional(),
  industryType: z.string().regex(/^[a-z][a-z0-9_]{1,39}$/).optional(),
  at: at.optional(),
  limit: z.coerce.number().int().min(1).max(10_000).default(1000),
  offset: z.coerce.number().int().min(0).max(10_000_000).default(0),
}).strict()

export const exportQuery = listQuery.omit({ limit: true, offset: true }).extend({
  limit: z.coerce.number().int().min(1).max(100_000).default(100_000),
}).strict()

export const crsQuery = z.object({ crs: crsParam }).strict()

/** GET /grids/sizing: the area (default the caller's city), the window of events in days, and whether every grid is listed or only the flagged. */
export const sizingQuery = z.object({
  area: adminCode.optional(),
  days: z.coerce.number().int().min(7).max(365).default(90),
  all: z.enum(['true', 'false']).transform((v) => v === 'true').default(false),
}).strict()

/** POST /grids/check: `replaces` = comma-separated codes of the current grids the write closes. */
export const checkQuery = z.object({
  crs: crsParam,
  replaces: z.string().max(50 * 21).transform((v) => v.split(',')).pipe(z.array(gridCode).min(1).max(50)).optional(),
  assignCodes: z.enum(['true', 'false']).transform((v) => v === 'true').optional(),
}).strict()
export const readQuery = z.object({ version: z.coerce.number().int().min(1).max(1_000_000).optional() }).strict()

export const featureBody = z.object({
  type: z.literal('Feature'),
  id: z.union([z.string(), z.number()]).optional(),
  geometry: z.unknown(),
  properties: z.record(z.string(), z.unknown()).nullable().default({}),
  crs: z.unknown().optional(),
})

export const collectionBody = z.object({
  type: z.literal('FeatureCollection'),
  features: z.array(featureBody).min(1).max(50_000),
  crs: z.unknown().optional(),
}).passthrough()

/** PATCH: a Feature whose geometry (null = keep) and properties are both optional. */
export const patchBody = z.object({
  type: z.literal('Feature'),
  geometry: z.unknown().optional(),
  properties: z.object({
    name: z.string().trim().min(1).max(100).optional(),
    households: z.number().int().min(0).max(10_000_000).nullable().optional(),
    population: z.number().int().min(0).max(10_000_000).nullable().optional(),
    // any other key must be a user-defined field (server/fields judges them in the write)
  }).catchall(z.unknown()).default({}),
  crs: z.unknown().optional(),
})

const partsNames = z.array(z.string().trim().min(1).max(100)).length(2).optional()

export const splitBody = z.union([
  z.object({ line: z.unknown(), names: partsNames, crs: z.unknown().optional() }).strict(),
  z.object({ parts: z.array(z.unknown()).length(2), names: partsNames, crs: z.unknown().optional() }).strict(),
])

export const mergeBody = z.object({
  codes: z.array(gridCode).min(2).max(50),
  name: z.string().trim().min(1).max(100).optional(),
  households: z.number().int().min(0).max(10_000_000).optional(),
  population: z.number().int().min(0).max(10_000_000).optional(),
}).strict()

export const membersBody = z.object({
  members: z.array(z.object({
    memberId: z.number().int().positive(),
    isPrimary: z.boolean().default(false),
  }).strict()).max(100),
}).strict()

export const memberIdParam = z.coerce.number().int().positive()
