// Request schemas of the resource-order API (调派指令): the body of a new order, the list query,
// the cancel body. Every refusal names its field (server/http/validate.ts).
import { z } from 'zod'

export const orderStatuses = ['sent', 'en_route', 'arrived', 'cancelled', 'expired'] as const
export type OrderStatus = (typeof orderStatuses)[number]
export const OPEN_STATUSES: readonly OrderStatus[] = ['sent', 'en_route']

/** Chinese names of the states (the page words them the same). */
export const statusTitles: Record<OrderStatus, string> = {
  sent: '已下达', en_route: '前往中', arrived: '已到达', cancelled: '已取消', expired: '已超时',
}

export const DEFAULT_RADIUS_M = 50
export const DEFAULT_EXPIRES_MIN = 60
export const MAX_EXPIRES_MIN = 24 * 60
export const MAX_LIST = 200

const IDENTIFIER = /^[A-Za-z0-9_.:-]{3,64}$/
const memberId = z.number().int().positive().max(Number.MAX_SAFE_INTEGER)

/** Lon/lat in EPSG:4490 inside China's extent (a swapped pair or a projected metre value is refused). */
const lonLat = z.tuple([
  z.number().finite().min(73, 'longitude must be 73-136 (EPSG:4490 lon, lat)').max(136, 'longitude must be 73-136 (EPSG:4490 lon, lat)'),
  z.number().finite().min(3, 'latitude must be 3-54 (EPSG:4490 lon, lat)').max(54, 'latitude must be 3-54 (EPSG:4490 lon, lat)'),
])

const target = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('point'),
    coordinates: lonLat,
    /** arrived within this many geodesic metres of the point (the event arrival's bounds) */
    radiusM: z.number().int().min(5).max(5000).default(DEFAULT_RADIUS_M),
  }).strict(),
  z.object({
    type: z.literal('grid'),
    gridCode: z.string().regex(/^[0-9]{15}([0-9]{5})?$/, 'must be a 15-digit base or 20-digit industry grid code'),
  }).strict(),
])

export const orderCreateSchema = z.object({
  /** the device sent, by its identifier … */
  deviceId: z.string().regex(IDENTIFIER, 'must be 3-64 letters, digits or . _ : -').optional(),
  /** … or the member sent (their device with the freshest live position) */
  memberId: memberId.optional(),
  /** where to; may be left out when eventNumber is given (then: the event's location, 50 m) */
  target: target.optional(),
  eventNumber: z.string().regex(/^E[0-9]{12,16}$/, 'must be an event number E + 12-16 digits').optional(),
  note: z.string().trim().max(500).optional(),
  /** the order expires this many minutes after sending unless the resource arrived */
  expiresInMinutes: z.number().int().min(5).max(MAX_EXPIRES_MIN).default(DEFAULT_EXPIRES_MIN),
}).strict()
  .refine((b) => (b.deviceId === undefined) !== (b.memberId === undefined), { message: 'give exactly one of deviceId and memberId', path: ['deviceId'] })
  .refine((b) => b.target !== undefined || b.eventNumber !== undefined, { message: 'give a target (or an eventNumber to go to)', path: ['target'] })
export type OrderCreate = z.output<typeof orderCreateSchema>

const id = z.string().regex(/^[1-9][0-9]{0,14}$/, 'must be a positive integer').transform(Number)

export const orderListQuery = z.object({
  /** open (sent and en_route, the default), all, or one state */
  status: z.enum(['open', 'all', ...orderStatuses]).default('open'),
  eventNumber: z.string().regex(/^E[0-9]{12,16}$/, 'must be an event number').optional(),
  device: z.string().regex(IDENTIFIER, 'must be a device identifier').optional(),
  memberId: id.optional(),
  /** the next page: orders older than this id (the previous page's `next`) */
  before: id.optional(),
  limit: z.string().regex(/^[0-9]{1,4}$/, 'must be a whole number').transform(Number)
    .pipe(z.number().int().min(1, 'limit must be at least 1').max(MAX_LIST, `limit must be at most ${MAX_LIST}`)).default(50),
}).strict()
export type OrderListQuery = z.output<typeof orderListQuery>

export const orderIdParam = id

export const cancelSchema = z.object({
  reason: z.string().trim().max(500).optional(),
}).strict()
