// The shapes /api/v1/cameras accepts. A field of view is a GeoJSON Polygon (one outer ring, at
// most a few holes, lon/lat in EPSG:4490); anything else is refused naming fieldOfView.
import { z } from 'zod'

export const cameraKinds = ['public_security', 'city_management', 'traffic', 'community', 'other'] as const

const GB_ID = z.string().regex(/^[0-9]{20}$/, 'must be a 20-digit GB/T 28181 code')
const lon = z.number().min(-180).max(180)
const lat = z.number().min(-90).max(90)
const position = z.tuple([lon, lat])
const ring = z.array(position).min(4).max(200)
  .refine((r) => r[0]![0] === r[r.length - 1]![0] && r[0]![1] === r[r.length - 1]![1], 'a ring must end where it starts')

export const polygonSchema = z.object({ type: z.literal('Polygon'), coordinates: z.array(ring).min(1).max(5) }).strict()

export const cameraCreateSchema = z.object({
  name: z.string().trim().min(1).max(100),
  kind: z.enum(cameraKinds).default('public_security'),
  owner: z.string().trim().min(1).max(100),
  deviceId: GB_ID,
  channelId: GB_ID,
  // {deviceId} and {channelId} are replaced; only http(s), so a page never receives a file: or javascript: URL
  streamUrlTemplate: z.string().max(500).regex(/^https?:\/\/[^\s]+$/, 'must be an http(s) URL').nullable().default(null),
  direction: z.number().min(0).lt(360).nullable().default(null),
  lon, lat,
  fieldOfView: polygonSchema,
}).strict()
export type CameraInput = z.output<typeof cameraCreateSchema>

export const cameraListQuery = z.object({
  kind: z.enum(cameraKinds).optional(),
  deviceId: GB_ID.optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(200),
  after: z.coerce.number().int().min(1).max(Number.MAX_SAFE_INTEGER).optional(),
}).strict()

export const coveringQuery = z.object({
  x: z.coerce.number().min(-180).max(180),
  y: z.coerce.number().min(-90).max(90),
  limit: z.coerce.number().int().min(1).max(100).default(20),
}).strict()

export const eventCoveringQuery = z.object({ limit: z.coerce.number().int().min(1).max(100).default(20) }).strict()

export const idParam = z.coerce.number().int().min(1).max(Number.MAX_SAFE_INTEGER)
export const eventNumberParam = z.string().regex(/^E\d{12,16}$/, 'must be an event number (E + date + sequence)')

export const playQuery = z.object({ protocol: z.enum(['hls', 'flv', 'webrtc']).default('hls') }).strict()
