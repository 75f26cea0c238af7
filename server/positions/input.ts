// Fixes as devices send them, checked one by one: a bad fix is rejected with the field it got
// wrong and the rest of its batch goes on. Coordinates arrive in any supported CRS (phones' map
// SDKs report GCJ-02) and are converted to storage CGCS2000 here, at the edge, recording what
// was sent when it was not plain lon/lat.
import { parseCrs, toStorage, looksSwapped, type Crs } from '../geo/crs.ts'
import { AppError } from '../http/errors.ts'
import { parseClientInstant } from '../http/dates.ts'

export interface FixInput {
  /** device.identifier */
  device: string
  /** coordinates in the axis order of `crs` (default EPSG:4326: lon, lat) */
  x: number
  y: number
  crs?: string
  time: Date
  /** m/s */
  speed?: number | null
  bearing?: number | null
  altitude?: number | null
  accuracy?: number | null
  battery?: number | null
  hdop?: number | null
  /** the device's own verdict on the fix (OsmAnd/Traccar `valid`); false is filtered */
  valid?: boolean
}

export interface FixResult {
  index: number
  status: 'accepted' | 'filtered' | 'late' | 'duplicate' | 'rejected'
  reason?: string
  field?: string
}

/** A fix ready for the database: storage lon/lat, epoch ms, checked numbers. */
export interface PreparedFix {
  index: number
  identifier: string
  t: number
  lon: number
  lat: number
  srcCrs: string | null
  srcX: number | null
  srcY: number | null
  speed: number | null
  bearing: number | null
  altitude: number | null
  accuracy: number | null
  battery: number | null
  hdop: number | null
  valid: boolean
}

const IDENTIFIER = /^[A-Za-z0-9_.:-]{3,64}$/
/** Fixes older than this are refused outright (a device clock at 1970, a corrupt record). */
const OLDEST = Date.UTC(2000, 0, 1)
const crsCache = new Map<string, Crs>()

export class FixError extends Error {
  constructor(readonly field: string, message: string) { super(message) }
}

function crsOf(id: string): Crs {
  let crs = crsCache.get(id)
  if (!crs) {
    crs = parseCrs(id)
    if (crsCache.size < 100) crsCache.set(id, crs)
  }
  return crs
}

function optional(name: string, v: number | null | undefined, min: number, max: number): number | null {
  if (v === null || v === undefined) return null
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max) {
    throw new FixError(name, `${name} must be a number from ${min} to ${max}, got ${String(v).slice(0, 40)}`)
  }
  return v
}

/** Checks and converts one fix; throws FixError naming the field. */
export function prepareFix(f: FixInput, index: number): PreparedFix {
  if (typeof f.device !== 'string' || !IDENTIFIER.test(f.device)) throw new FixError('device', 'device must be a device identifier (3-64 letters, digits or . _ : -)')
  const t = f.time instanceof Date ? f.time.getTime() : NaN
  if (!Number.isFinite(t) || t < OLDEST) throw new FixError('time', 'time must be a date-time after 2000-01-01')
  if (typeof f.x !== 'number' || typeof f.y !== 'number' || !Number.isFinite(f.x) || !Number.isFinite(f.y)) {
    throw new FixError('coordinates', 'coordinates must be finite numbers')
  }
  const crsId = f.crs ?? 'EPSG:4326'
  let p: { lon: number; lat: number }
  let crs: Crs
  try {
    crs = crsOf(crsId)
    p = toStorage(f.x, f.y, crs)
  } catch (err) {
    if (err instanceof AppError) throw new FixError(err.type === 'unsupported_crs' ? 'crs' : 'coordinates', err.detail)
    throw err
  }
  if (looksSwapped(p.lon, p.lat)) throw new FixError('coordinates', `lon ${p.lon}, lat ${p.lat} look swapped (latitude given first?)`)
  const plain = crs.geographic && !crs.latFirst && (crs.srid === 4326 || crs.srid === 4490) && crs.id !== 'GCJ-02' && crs.id !== 'BD-09'
  const bearing = optional('bearing', f.bearing, 0, 360)
  return {
    index, identifier: f.device, t, lon: p.lon, lat: p.lat,
    srcCrs: plain ? null : crs.id, srcX: plain ? null : f.x, srcY: plain ? null : f.y,
    speed: optional('speed', f.speed, 0, 1000),
    bearing: bearing === 360 ? 0 : bearing,
    altitude: optional('altitude', f.altitude, -1000, 50_000),
    accuracy: optional('accuracy', f.accuracy, 0, 100_000),
    battery: optional('battery', f.battery, 0, 100),
    hdop: optional('hdop', f.hdop, 0, 1000),
    valid: f.valid !== false,
  }
}

/** A date-time as devices send it: unix seconds, unix milliseconds, or ISO 8601. */
export function parseDeviceTime(v: unknown): Date | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) return new Date(v < 1e11 ? v * 1000 : v)
  if (typeof v !== 'string' || v.length > 40) return undefined
  if (/^[0-9]{1,13}(\.[0-9]+)?$/.test(v)) return parseDeviceTime(Number(v))
  // an ISO date-time with an offset or Z; a bare local time is ambiguous and refused
  // (the one reading of client dates: an impossible day or time is refused, not rolled over)
  return /^\d{4}-\d{2}-\d{2}[T ]/.test(v) ? parseClientInstant(v) : undefined
}
