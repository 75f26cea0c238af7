// Track arithmetic over a day's fixes (pure): distances on the CGCS2000 ellipsoid, time on
// duty, the segments a track is made of, and H3 cells it passes through.
import { latLngToCell } from 'h3-js'
import type { WorkCalendar } from '../events/calendar.ts'

export interface TrackFix { deviceId: number; t: number /* epoch ms */; lon: number; lat: number }

// GRS80 (CGCS2000): semi-major axis and first eccentricity squared
const A = 6378137
const E2 = 0.00669438002290
const RAD = Math.PI / 180
const OFFSET_MS = 8 * 3600_000
const MIN_MS = 60_000

/**
 * Metres between two nearby points on the ellipsoid: the meridian and prime-vertical radii of
 * curvature at the mean latitude. For the tens of metres between consecutive fixes the error is
 * far below a millimetre, so a day's kilometres agree with PostGIS ST_Length(geography).
 */
export function metres(lon1: number, lat1: number, lon2: number, lat2: number): number {
  const phi = ((lat1 + lat2) / 2) * RAD
  const s = Math.sin(phi)
  const w = 1 - E2 * s * s
  const m = (A * (1 - E2)) / (w * Math.sqrt(w))
  const n = A / Math.sqrt(w)
  const dy = (lat2 - lat1) * RAD * m
  const dx = (lon2 - lon1) * RAD * n * Math.cos(phi)
  return Math.hypot(dx, dy)
}

/** Fixes grouped by device, each in time order (fixes of one device never pair with another's). */
export function byDevice(fixes: TrackFix[]): TrackFix[][] {
  const m = new Map<number, TrackFix[]>()
  for (const f of fixes) m.set(f.deviceId, [...(m.get(f.deviceId) ?? []), f])
  return [...m.values()].map((list) => list.sort((a, b) => a.t - b.t))
}

/** Metres along every device's track, consecutive valid fixes joined (as Traccar's total distance). */
export function trackMetres(fixes: TrackFix[]): number {
  let total = 0
  for (const list of byDevice(fixes)) {
    for (let i = 1; i < list.length; i++) total += metres(list[i - 1]!.lon, list[i - 1]!.lat, list[i]!.lon, list[i]!.lat)
  }
  return total
}

/** Intervals [from, to) between consecutive fixes at most gapMs apart, merged across devices. */
export function reportingIntervals(fixes: TrackFix[], gapMs: number): [number, number][] {
  const raw: [number, number][] = []
  for (const list of byDevice(fixes)) {
    for (let i = 1; i < list.length; i++) {
      if (list[i]!.t - list[i - 1]!.t <= gapMs && list[i]!.t > list[i - 1]!.t) raw.push([list[i - 1]!.t, list[i]!.t])
    }
  }
  raw.sort((a, b) => a[0] - b[0])
  const merged: [number, number][] = []
  for (const r of raw) {
    const last = merged[merged.length - 1]
    if (last && r[0] <= last[1]) last[1] = Math.max(last[1], r[1])
    else merged.push([r[0], r[1]])
  }
  return merged
}

/** Minutes of the intervals inside the calendar's work periods of `day` (0 on a rest day). */
export function dutyMinutes(intervals: [number, number][], day: string, cal: WorkCalendar): number {
  if (!cal.isWorkday(day)) return 0
  const midnight = Date.parse(`${day}T00:00:00Z`) - OFFSET_MS
  let total = 0
  for (const [s, e] of cal.periods) {
    const ps = midnight + s * MIN_MS
    const pe = midnight + e * MIN_MS
    for (const [a, b] of intervals) total += Math.max(0, Math.min(b, pe) - Math.max(a, ps))
  }
  return total / MIN_MS
}

export type Segment = [[number, number], [number, number]]

/** The track as segments between fixes at most gapMs apart, and the fixes that join none. */
export function trackParts(fixes: TrackFix[], gapMs: number): { segments: Segment[]; lone: [number, number][] } {
  const segments: Segment[] = []
  const lone: [number, number][] = []
  for (const list of byDevice(fixes)) {
    const joined = new Set<number>()
    for (let i = 1; i < list.length; i++) {
      const [a, b] = [list[i - 1]!, list[i]!]
      if (b.t - a.t > gapMs || (a.lon === b.lon && a.lat === b.lat)) continue
      segments.push([[a.lon, a.lat], [b.lon, b.lat]])
      joined.add(i - 1).add(i)
    }
    // a fix on no segment (alone between gaps, or standing still) still covers its surroundings
    list.forEach((f, i) => { if (!joined.has(i)) lone.push([f.lon, f.lat]) })
  }
  return { segments, lone }
}

/** H3 cells (resolution `res`) the track passes through: each segment sampled every `stepM` metres (at 2 m, corners clipped by a straight walk were seen missed). */
export function visitedCells(parts: { segments: Segment[]; lone: [number, number][] }, res: number, stepM = 0.25): Set<string> {
  const cells = new Set<string>()
  for (const [lon, lat] of parts.lone) cells.add(latLngToCell(lat, lon, res))
  for (const [[x1, y1], [x2, y2]] of parts.segments) {
    const n = Math.max(1, Math.ceil(metres(x1, y1, x2, y2) / stepM))
    for (let i = 0; i <= n; i++) cells.add(latLngToCell(y1 + ((y2 - y1) * i) / n, x1 + ((x2 - x1) * i) / n, res))
  }
  return cells
}
