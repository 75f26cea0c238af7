// Position filters, as Traccar's (filter.invalid, .zero, .future, .accuracy, .maxSpeed,
// .duplicate): a filtered fix is stored with its reason and never moves the live position nor
// enters fences. Pure functions over one device's fixes in time order.

/** How far ahead of the server's clock a fix may be stamped (device clocks drift). */
export const FUTURE_TOLERANCE_MS = 5 * 60_000
/** Fixes less accurate than this (metres) are kept but filtered. */
export const MAX_ACCURACY_M = 100
/** A fix implying a faster move from the last good one than this (m/s) is a GPS jump. */
export const MAX_SPEED_MPS: Record<string, number> = { phone: 50, body_camera: 50, patrol_car: 70, drone: 40 }

export type FilterReason = 'invalid' | 'zero_island' | 'future' | 'accuracy' | 'jump'

export interface FilterFix { t: number; lon: number; lat: number; accuracy: number | null; valid: boolean }

/** The reasons a fix is filtered that need no other fix. */
export function aloneFilter(f: FilterFix, now: number): FilterReason | null {
  if (!f.valid) return 'invalid'
  if (Math.abs(f.lon) < 1e-4 && Math.abs(f.lat) < 1e-4) return 'zero_island'
  if (f.t > now + FUTURE_TOLERANCE_MS) return 'future'
  if (f.accuracy !== null && f.accuracy > MAX_ACCURACY_M) return 'accuracy'
  return null
}

/** Whether moving from `prev` to `f` needs more than `maxSpeed` m/s (both good fixes, prev earlier). */
export function isJump(prev: { t: number; lon: number; lat: number }, f: FilterFix, maxSpeed: number): boolean {
  const seconds = Math.max(1, (f.t - prev.t) / 1000)
  return metres(prev.lon, prev.lat, f.lon, f.lat) / seconds > maxSpeed
}

const R = 6_371_008.8
/** Great-circle distance in metres (haversine on the mean Earth radius). */
export function metres(lon1: number, lat1: number, lon2: number, lat2: number): number {
  const rad = Math.PI / 180
  const dLat = (lat2 - lat1) * rad
  const dLon = (lon2 - lon1) * rad
  const a = Math.sin(dLat / 2) ** 2 + Math.cos(lat1 * rad) * Math.cos(lat2 * rad) * Math.sin(dLon / 2) ** 2
  return 2 * R * Math.asin(Math.min(1, Math.sqrt(a)))
}
