// The JSON of an order: the resource, the target, the state with its times, and where the
// resource is now with the distance left and a rough ETA.
import type { OrderStatus } from './schemas.ts'
import { statusTitles } from './schemas.ts'

export interface OrderRow {
  id: string; community_code: string; status: OrderStatus; target_kind: 'point' | 'grid'; target_lon: number; target_lat: number
  radius_m: number | null; grid_code: string | null; grid_name: string | null; event_number: string | null; note: string | null
  sent_at: Date; sent_by_name: string | null; deadline: Date; start_distance_m: number | null; en_route_at: Date | null
  arrived_at: Date | null; arrival: { lon: number; lat: number; accuracy: number | null; distanceM: number } | null
  closed_at: Date | null; cancel_reason: string | null
  device_identifier: string; device_name: string; device_kind: string; member_id: string | null; member_name: string | null
  live_fixed_at: Date | null; live_lon: number | null; live_lat: number | null; live_speed: number | null; live_status: string | null
  distance_left: number | null
}

const iso = (d: Date | null) => (d ? d.toISOString() : null)
const tenth = (m: number) => Math.round(m * 10) / 10
/** Below this an approach is no speed to divide by (a resource standing still has no ETA). */
const MIN_SPEED_MPS = 0.3

/**
 * A rough ETA in seconds: the distance left at the speed the resource has closed in so far (from
 * the distance at sending), else at its reported speed; null when it is not moving closer.
 * The page computes the same from the streamed positions (web-map/src/panels/orders/orderMath.ts).
 */
export function etaSeconds(o: { startDistanceM: number | null; sentAt: number; distanceLeftM: number | null; fixAt: number | null; speed: number | null }): number | null {
  if (o.distanceLeftM === null) return null
  if (o.distanceLeftM === 0) return 0
  const approach = o.startDistanceM !== null && o.fixAt !== null && o.fixAt > o.sentAt
    ? (o.startDistanceM - o.distanceLeftM) / ((o.fixAt - o.sentAt) / 1000) : 0
  const speed = approach > MIN_SPEED_MPS ? approach : (o.speed ?? 0) > MIN_SPEED_MPS ? o.speed! : null
  return speed === null ? null : Math.round(o.distanceLeftM / speed)
}

export function orderView(r: OrderRow) {
  const open = r.status === 'sent' || r.status === 'en_route'
  const distanceLeftM = r.distance_left === null ? null : tenth(r.distance_left)
  return {
    id: Number(r.id),
    status: r.status,
    statusTitle: statusTitles[r.status],
    open,
    communityCode: r.community_code,
    resource: {
      device: { identifier: r.device_identifier, name: r.device_name, kind: r.device_kind },
      member: r.member_id === null ? null : { id: Number(r.member_id), name: r.member_name },
    },
    target: r.target_kind === 'point'
      ? { type: 'point' as const, coordinates: [r.target_lon, r.target_lat] as [number, number], radiusM: r.radius_m, crs: 'EPSG:4490' }
      : { type: 'grid' as const, gridCode: r.grid_code, gridName: r.grid_name, coordinates: [r.target_lon, r.target_lat] as [number, number], crs: 'EPSG:4490' },
    eventNumber: r.event_number,
    note: r.note,
    sentAt: r.sent_at.toISOString(),
    sentBy: r.sent_by_name,
    deadline: r.deadline.toISOString(),
    enRouteAt: iso(r.en_route_at),
    arrivedAt: iso(r.arrived_at),
    arrival: r.arrival,
    closedAt: iso(r.closed_at),
    cancelReason: r.cancel_reason,
    startDistanceM: r.start_distance_m === null ? null : tenth(r.start_distance_m),
    live: r.live_fixed_at === null ? null : {
      coordinates: [r.live_lon, r.live_lat] as [number, number], fixedAt: r.live_fixed_at.toISOString(), status: r.live_status, speed: r.live_speed,
    },
    /** geodesic metres from the live position to the target now (0 inside a grid); null without one */
    distanceLeftM,
    etaS: open ? etaSeconds({ startDistanceM: r.start_distance_m, sentAt: r.sent_at.getTime(), distanceLeftM, fixAt: r.live_fixed_at?.getTime() ?? null, speed: r.live_speed }) : null,
  }
}
export type OrderView = ReturnType<typeof orderView>
