// The field force's device types, shared by the layer (fieldForce.ts) and its styles (fieldStyles.ts).
import type Feature from 'ol/Feature'
import type Point from 'ol/geom/Point'
import type LineString from 'ol/geom/LineString'

export type DeviceStatus = 'online' | 'idle' | 'offline'

/** One row of GET /api/v1/devices/live. */
export interface LiveDevice {
  identifier: string; kind: string; name: string; memberId: number | null; memberName: string | null
  communityCode: string; communityName: string | null; departmentName: string | null
  lon: number; lat: number; time: string; stillSince: string; speed: number | null; bearing: number | null
  battery: number | null; gridCode: string | null; status: string
}

/** A device as the map keeps it: the server's row, kept current by the stream. */
export interface Device extends LiveDevice {
  fixedAt: number
  stillAt: number
  shown: DeviceStatus
  feature: Feature<Point>
  track: Feature<LineString>
  /** [x, y, t] in map units and epoch ms, the last hour */
  fixes: [number, number, number][]
  glide: { from: number[]; to: number[]; start: number } | null
}
