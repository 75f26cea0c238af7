// Trajectory arithmetic, pure (no database): distances on the CGCS2000 ellipsoid, the track
// cut into continuous pieces at gaps, Douglas-Peucker simplification in metres, stay points
// (stops), kilometres and speeds. Replay (replay.ts) and the trajectory formats (GeoJSON, GPX)
// are built from these.

/** One stored fix of a member, in time order (epoch ms; EPSG:4490 lon/lat). */
export interface TrackFix {
  t: number; lon: number; lat: number
  deviceId: number
  speed: number | null; altitude: number | null; accuracy: number | null
  /** the ingest filter's reason (null: a valid fix) */
  filter: string | null
}

/** Fixes further apart in time than this start a new piece (and a gap is reported). */
export const GAP_MS = 5 * 60_000
/** A stop: consecutive fixes all within this distance of the first … */
export const STOP_RADIUS_M = 30
/** … lasting at least this long. */
export const STOP_MIN_MS = 3 * 60_000

// CGCS2000 uses the GRS80 ellipsoid (WGS84's differs by 0.1 mm in the semi-minor axis).
const A = 6_378_137
const F = 1 / 298.257222101
const B = A * (1 - F)
const RAD = Math.PI / 180

/**
 * Geodesic distance in metres on the ellipsoid (Vincenty's inverse formula, sub-millimetre for
 * the distances of a track). Kilometres are read by people and compared with PostGIS geography,
 * so the sphere (0.3-0.5 % off at this latitude) is not good enough.
 */
export function geodesicMetres(lon1: number, lat1: number, lon2: number, lat2: number): number {
  if (lon1 === lon2 && lat1 === lat2) return 0
  // Within ~1 km the plane on the ellipsoid's radii at the mid-latitude agrees with Vincenty to
  // a few micrometres and costs a seventh as much; consecutive fixes are nearly always that close.
  if (Math.abs(lat2 - lat1) < 0.01 && Math.abs(lon2 - lon1) < 0.01) return shortMetres(lon1, lat1, lon2, lat2)
  const L = (lon2 - lon1) * RAD
  const U1 = Math.atan((1 - F) * Math.tan(lat1 * RAD))
  const U2 = Math.atan((1 - F) * Math.tan(lat2 * RAD))
  const sinU1 = Math.sin(U1), cosU1 = Math.cos(U1), sinU2 = Math.sin(U2), cosU2 = Math.cos(U2)
  let lambda = L
  for (let iter = 0; iter < 100; iter++) {
    const sinL = Math.sin(lambda), cosL = Math.cos(lambda)
    const sinSigma = Math.hypot(cosU2 * sinL, cosU1 * sinU2 - sinU1 * cosU2 * cosL)
    if (sinSigma === 0) return 0
    const cosSigma = sinU1 * sinU2 + cosU1 * cosU2 * cosL
    const sigma = Math.atan2(sinSigma, cosSigma)
    const sinAlpha = (cosU1 * cosU2 * sinL) / sinSigma
    const cos2Alpha = 1 - sinAlpha * sinAlpha
    const cos2SigmaM = cos2Alpha === 0 ? 0 : cosSigma - (2 * sinU1 * sinU2) / cos2Alpha
    const C = (F / 16) * cos2Alpha * (4 + F * (4 - 3 * cos2Alpha))
    const prev = lambda
    lambda = L + (1 - C) * F * sinAlpha * (sigma + C * sinSigma * (cos2SigmaM + C * cosSigma * (-1 + 2 * cos2SigmaM ** 2)))
    if (Math.abs(lambda - prev) < 1e-12) {
      const u2 = (cos2Alpha * (A * A - B * B)) / (B * B)
      const bigA = 1 + (u2 / 16384) * (4096 + u2 * (-768 + u2 * (320 - 175 * u2)))
      const bigB = (u2 / 1024) * (256 + u2 * (-128 + u2 * (74 - 47 * u2)))
      const dSigma = bigB * sinSigma * (cos2SigmaM + (bigB / 4) * (cosSigma * (-1 + 2 * cos2SigmaM ** 2) -
        (bigB / 6) * cos2SigmaM * (-3 + 4 * sinSigma ** 2) * (-3 + 4 * cos2SigmaM ** 2)))
      return B * bigA * (sigma - dSigma)
    }
  }
  // only near-antipodal points fail to converge: never a track's neighbours; the sphere will do
  return 6_371_008.8 * Math.acos(Math.min(1, Math.sin(lat1 * RAD) * Math.sin(lat2 * RAD) + Math.cos(lat1 * RAD) * Math.cos(lat2 * RAD) * Math.cos(L)))
}

const E2 = F * (2 - F)

/** Distance on the tangent plane with the meridian (M) and prime vertical (N) radii at the mid-latitude. */
function shortMetres(lon1: number, lat1: number, lon2: number, lat2: number): number {
  const phi = ((lat1 + lat2) / 2) * RAD
  const s = Math.sin(phi)
  const w = 1 - E2 * s * s
  const N = A / Math.sqrt(w)
  const M = (A * (1 - E2)) / (w * Math.sqrt(w))
  return Math.hypot((lon2 - lon1) * RAD * N * Math.cos(phi), (lat2 - lat1) * RAD * M)
}

/**
 * A local plane in metres around latitude lat0 (radii of curvature of the ellipsoid there):
 * within a city its scale error is below 0.2 %, which is what simplification tolerances need.
 */
export function localPlane(lon0: number, lat0: number): (lon: number, lat: number) => [number, number] {
  const s = Math.sin(lat0 * RAD)
  const w = Math.sqrt(1 - E2 * s * s)
  const N = A / w
  const M = (A * (1 - E2)) / (w * w * w)
  const kx = N * Math.cos(lat0 * RAD) * RAD
  const ky = M * RAD
  return (lon, lat) => [(lon - lon0) * kx, (lat - lat0) * ky]
}

/** Distance of p from the segment a-b in the plane. */
function segmentDistance(p: [number, number], a: [number, number], b: [number, number]): number {
  const dx = b[0] - a[0], dy = b[1] - a[1]
  const len2 = dx * dx + dy * dy
  const u = len2 === 0 ? 0 : Math.max(0, Math.min(1, ((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / len2))
  return Math.hypot(p[0] - a[0] - u * dx, p[1] - a[1] - u * dy)
}

/**
 * Douglas-Peucker on projected metres: the indices of the fixes kept (always the first and the
 * last), so each kept vertex keeps its own timestamp. Every dropped fix lies within
 * `toleranceM` of the segment between the kept fixes around it. Iterative: a day of fixes
 * would overflow a recursive version's stack on a long straight walk.
 */
export function simplifyIndices(fixes: readonly { lon: number; lat: number }[], toleranceM: number): number[] {
  const n = fixes.length
  if (n <= 2 || toleranceM <= 0) return fixes.map((_, i) => i)
  const mid = fixes[Math.floor(n / 2)]!
  const project = localPlane(mid.lon, mid.lat)
  const xy = fixes.map((f) => project(f.lon, f.lat))
  const keep = new Uint8Array(n)
  keep[0] = keep[n - 1] = 1
  const stack: [number, number][] = [[0, n - 1]]
  while (stack.length) {
    const [first, last] = stack.pop()!
    let worst = -1, worstAt = -1
    for (let i = first + 1; i < last; i++) {
      const d = segmentDistance(xy[i]!, xy[first]!, xy[last]!)
      if (d > worst) { worst = d; worstAt = i }
    }
    if (worst > toleranceM) {
      keep[worstAt] = 1
      stack.push([first, worstAt], [worstAt, last])
    }
  }
  const out: number[] = []
  for (let i = 0; i < n; i++) if (keep[i]) out.push(i)
  return out
}

/** Valid fixes cut where consecutive fixes are more than GAP_MS apart. */
export function splitPieces<T extends { t: number }>(fixes: readonly T[], gapMs = GAP_MS): T[][] {
  const pieces: T[][] = []
  let current: T[] = []
  for (const f of fixes) {
    if (current.length && f.t - current[current.length - 1]!.t > gapMs) { pieces.push(current); current = [] }
    current.push(f)
  }
  if (current.length) pieces.push(current)
  return pieces
}

export interface Gap { start: number; end: number; seconds: number; metres: number }

/** Intervals longer than GAP_MS without a valid fix, with the straight distance across them. */
export function findGaps(fixes: readonly TrackFix[], gapMs = GAP_MS): Gap[] {
  const gaps: Gap[] = []
  for (let i = 1; i < fixes.length; i++) {
    const a = fixes[i - 1]!, b = fixes[i]!
    if (b.t - a.t > gapMs) gaps.push({ start: a.t, end: b.t, seconds: (b.t - a.t) / 1000, metres: geodesicMetres(a.lon, a.lat, b.lon, b.lat) })
  }
  return gaps
}

export interface Stop {
  start: number; end: number; seconds: number
  /** centroid of the stop's fixes */
  lon: number; lat: number
  fixes: number
  /** index of the first fix and one past the last in the input */
  from: number; to: number
}

/**
 * Stay points (Li et al. 2008): from each fix, the run of following fixes all within
 * `radiusM` of it; a run lasting at least `minMs` is a stop and the scan continues after it,
 * otherwise it continues from the next fix. A stop may span a gap: phones stop reporting
 * while they lie still.
 */
export function findStops(fixes: readonly TrackFix[], radiusM = STOP_RADIUS_M, minMs = STOP_MIN_MS): Stop[] {
  const stops: Stop[] = []
  let i = 0
  while (i < fixes.length) {
    const anchor = fixes[i]!
    let j = i + 1
    while (j < fixes.length && geodesicMetres(anchor.lon, anchor.lat, fixes[j]!.lon, fixes[j]!.lat) <= radiusM) j++
    const last = fixes[j - 1]!
    if (last.t - anchor.t >= minMs) {
      let lon = 0, lat = 0
      for (let k = i; k < j; k++) { lon += fixes[k]!.lon; lat += fixes[k]!.lat }
      stops.push({ start: anchor.t, end: last.t, seconds: (last.t - anchor.t) / 1000, lon: lon / (j - i), lat: lat / (j - i), fixes: j - i, from: i, to: j })
      i = j
    } else {
      i++
    }
  }
  return stops
}

/** Sum of geodesic distances between consecutive fixes, in metres. */
export function pathMetres(fixes: readonly { lon: number; lat: number }[]): number {
  let sum = 0
  for (let i = 1; i < fixes.length; i++) sum += geodesicMetres(fixes[i - 1]!.lon, fixes[i - 1]!.lat, fixes[i]!.lon, fixes[i]!.lat)
  return sum
}

export interface Speeds {
  /** fastest move between consecutive fixes of one piece, m/s */
  max: number | null
  /** the fastest speed a device reported, m/s */
  maxReported: number | null
  /** distance over time of the moves outside stops and gaps, m/s */
  meanMoving: number | null
  movingSeconds: number
}

/** Speeds over consecutive valid fixes; moves across a gap or inside a stop are not "moving". */
export function speeds(fixes: readonly TrackFix[], stops: readonly Stop[], gapMs = GAP_MS): Speeds {
  let max: number | null = null, maxReported: number | null = null
  let movingM = 0, movingMs = 0, s = 0
  for (let i = 0; i < fixes.length; i++) {
    const f = fixes[i]!
    if (f.speed !== null) maxReported = Math.max(maxReported ?? 0, f.speed)
    if (i === 0) continue
    const prev = fixes[i - 1]!
    const dt = f.t - prev.t
    if (dt <= 0 || dt > gapMs) continue
    const d = geodesicMetres(prev.lon, prev.lat, f.lon, f.lat)
    max = Math.max(max ?? 0, d / (dt / 1000))
    while (s < stops.length && stops[s]!.to <= i) s++
    const inStop = s < stops.length && stops[s]!.from <= i - 1 && i < stops[s]!.to
    if (!inStop) { movingM += d; movingMs += dt }
  }
  return { max, maxReported, meanMoving: movingMs > 0 ? movingM / (movingMs / 1000) : null, movingSeconds: movingMs / 1000 }
}
