// /api/v1/positions: fixes from our own field app (a batch, per-device token or a signed-in
// caller) and /api/v1/positions/osmand, the OsmAnd / Traccar Client protocol, so existing
// tracker apps report with no change. Both answer per fix; a bad fix never loses the others.
import Router from '@koa/router'
import type { Context } from 'koa'
import type { AppContext } from '../context.ts'
import { AppError, badRequest, unauthorized } from '../http/errors.ts'
import { principalOf } from '../http/auth.ts'
import { ingestFixes, MAX_BATCH, type FixInput, type FixResult } from './ingest.ts'
import { parseDeviceTime } from './input.ts'
import { secretMatches, splitDeviceToken } from '../devices/tokens.ts'
import type { Principal } from '../auth/users.ts'

const KNOTS_TO_MPS = 0.514444
/** Roles that may report fixes of devices by identifier (besides a device's own token). */
const REPORTERS = new Set(['external_system', 'command_center', 'district_staff', 'street_staff', 'community_staff', 'grid_inspector'])

type Raw = Record<string, unknown>

const num = (v: unknown): number | null | undefined =>
  v === undefined || v === null || v === '' ? undefined : typeof v === 'number' ? v : typeof v === 'string' && /^-?[0-9.eE+-]{1,30}$/.test(v) ? Number(v) : NaN

/** One item of our batch format: {deviceId, lon, lat | x, y, crs, time, speed (m/s), …}. */
function batchItem(item: unknown, defaults: { device?: string; crs?: string }): FixInput {
  const r = (item && typeof item === 'object' && !Array.isArray(item) ? item : {}) as Raw
  const named = r.lon !== undefined || r.lat !== undefined
  const crs = typeof r.crs === 'string' ? r.crs : defaults.crs
  return {
    device: typeof r.deviceId === 'string' ? r.deviceId : typeof r.device === 'string' ? r.device : defaults.device ?? '',
    // {lon, lat} names its axes; {x, y} is in the CRS's axis order (EPSG:4326 default: lon, lat)
    x: Number(named ? r.lon : r.x), y: Number(named ? r.lat : r.y), crs, time: parseDeviceTime(r.time) ?? new Date(NaN),
    speed: num(r.speed), bearing: num(r.bearing), altitude: num(r.altitude), accuracy: num(r.accuracy),
    battery: num(r.battery), hdop: num(r.hdop), valid: r.valid === false || r.valid === 'false' ? false : true,
    ...(named && crs && /^(urn|http)/i.test(crs) ? { x: Number(r.lat), y: Number(r.lon) } : {}),
  }
}

function summary(results: FixResult[]) {
  const count = (s: FixResult['status']) => results.filter((r) => r.status === s).length
  return { accepted: count('accepted'), filtered: count('filtered'), late: count('late'), duplicate: count('duplicate'), rejected: count('rejected'), results }
}

/** The device a device token stands for, or 401. */
async function deviceOfToken(app: AppContext, token: string): Promise<{ identifier: string; city_code: string }> {
  const t = splitDeviceToken(token.trim())
  const d = t ? await app.knex('device').where({ token_prefix: t.prefix }).first('identifier', 'city_code', 'token_hash', 'disabled') : undefined
  if (!t || !d || !secretMatches(t.secret, d.token_hash)) throw new AppError(401, 'unauthorized', 'unknown or revoked device token (X-Device-Token)')
  return d
}

/** Who may report, and the limits on what: a device token's device, a member's own devices, a city. */
async function reporter(app: AppContext, ctx: Context): Promise<{ opts: Parameters<typeof ingestFixes>[2]; device?: string }> {
  const token = ctx.get('x-device-token')
  if (token) {
    const d = await deviceOfToken(app, token)
    return { opts: { deviceIdentifier: d.identifier, cityCode: d.city_code }, device: d.identifier }
  }
  const p: Principal = principalOf(ctx)
  if (p.kind === 'anonymous') throw unauthorized('send X-Device-Token, an API key or a bearer token')
  if (!REPORTERS.has(p.role)) throw new AppError(403, 'forbidden', `role ${p.role} may not report positions`)
  if (!p.cityCode) throw new AppError(403, 'forbidden', 'your account belongs to no city')
  return { opts: { cityCode: p.cityCode.slice(0, 6), ...(p.role === 'grid_inspector' ? { memberUserId: p.userId ?? -1 } : {}) } }
}

/** The OsmAnd / Traccar Client request as one fix: query or form parameters, or Traccar Client's JSON. */
function osmandFix(q: Raw, body: unknown): { fix: FixInput; token: string | null } {
  const json = body && typeof body === 'object' && !Array.isArray(body) && (body as Raw).location ? body as Raw : undefined
  if (json) {
    const loc = json.location as Raw
    const coords = (loc.coords ?? {}) as Raw
    const battery = (loc.battery ?? {}) as Raw
    const level = num(battery.level)
    const clean = (v: number | null | undefined) => (v === undefined || v === null || v < 0 ? undefined : v)
    return {
      token: typeof json.token === 'string' ? json.token : null,
      fix: {
        device: String(json.device_id ?? ''), x: Number(coords.longitude), y: Number(coords.latitude), time: parseDeviceTime(loc.timestamp) ?? new Date(NaN),
        speed: clean(num(coords.speed)), bearing: clean(num(coords.heading)), altitude: num(coords.altitude), accuracy: clean(num(coords.accuracy)),
        battery: typeof level === 'number' && level >= 0 && level <= 1 ? Math.round(level * 1000) / 10 : undefined,
      },
    }
  }
  const p = { ...q, ...(body && typeof body === 'object' && !Array.isArray(body) ? body as Raw : {}) }
  const str = (k: string) => (typeof p[k] === 'string' ? p[k] as string : Array.isArray(p[k]) ? String((p[k] as unknown[])[0]) : undefined)
  const device = str('id') ?? str('deviceid')
  if (!device) throw badRequest('parameter id (or deviceid) is required', { field: 'id' })
  let lat = str('lat')
  let lon = str('lon')
  const location = str('location')
  if ((lat === undefined || lon === undefined) && location) [lat, lon] = location.split(',')
  if (lat === undefined) throw badRequest('parameter lat is required', { field: 'lat' })
  if (lon === undefined) throw badRequest('parameter lon is required', { field: 'lon' })
  const ts = str('timestamp')
  const time = ts === undefined ? new Date() : parseDeviceTime(ts)
  if (!time) throw badRequest(`timestamp "${ts!.slice(0, 40)}" must be unix seconds, milliseconds or an ISO date-time with a zone`, { field: 'timestamp' })
  const knots = num(str('speed'))
  const crs = str('crs')
  const geographicLatFirst = crs && /^(urn|http)/i.test(crs)
  return {
    token: str('token') ?? null,
    fix: {
      device, x: Number(geographicLatFirst ? lat : lon), y: Number(geographicLatFirst ? lon : lat), crs, time,
      speed: typeof knots === 'number' ? knots * KNOTS_TO_MPS : knots, bearing: num(str('bearing') ?? str('heading')), altitude: num(str('altitude')),
      accuracy: num(str('accuracy')), battery: num(str('batt') ?? str('battery')), hdop: num(str('hdop')),
      valid: str('valid') === 'false' || str('valid') === '0' ? false : true,
    },
  }
}

export function positionRoutes(app: AppContext): Router {
  const router = new Router({ prefix: '/api/v1/positions' })

  router.post('/', async (ctx) => {
    const who = await reporter(app, ctx)
    const body = ctx.request.body as Raw | unknown[] | undefined
    const list = Array.isArray(body) ? body : body && typeof body === 'object' ? (body as Raw).positions : undefined
    if (!Array.isArray(list)) throw badRequest('the body must be {"positions": [...]} (or an array of positions)', { field: 'positions' })
    if (!list.length) throw badRequest('positions is empty', { field: 'positions' })
    if (list.length > MAX_BATCH) throw new AppError(413, 'batch_too_large', `at most ${MAX_BATCH} positions per request, got ${list.length}: send several batches`, { field: 'positions', max: MAX_BATCH })
    const top = (Array.isArray(body) ? {} : body ?? {}) as Raw
    const defaults = { device: who.device ?? (typeof top.deviceId === 'string' ? top.deviceId : undefined), crs: typeof top.crs === 'string' ? top.crs : undefined }
    const results = await ingestFixes(app.knex, list.map((item) => batchItem(item, defaults)), who.opts)
    const s = summary(results.map((r) => (r.status === 'rejected' && r.field ? { ...r, field: `positions[${r.index}].${r.field}` } : r)))
    if (s.rejected === results.length) {
      throw new AppError(422, 'no_position_accepted', `none of the ${results.length} position(s) was accepted: ${results[0]?.reason ?? ''}`, s)
    }
    ctx.body = s
  })

  // OsmAnd / Traccar Client: the device is named by its id (Traccar's model); devices that
  // require a token take it as the token parameter. 200 with an empty body, as Traccar answers.
  const osmand = async (ctx: Context) => {
    const { fix, token } = osmandFix(ctx.query as Raw, ctx.method === 'POST' ? ctx.request.body : undefined)
    const [r] = await ingestFixes(app.knex, [fix], { osmandToken: token })
    if (r!.status === 'rejected') {
      if (r!.field === 'token') throw new AppError(401, 'unauthorized', r!.reason!)
      if (r!.field === 'device') throw new AppError(404, 'unknown_device', r!.reason!, { field: 'id' })
      throw badRequest(r!.reason!, { field: r!.field === 'coordinates' ? 'lat,lon' : r!.field })
    }
    ctx.set('X-Position-Status', r!.status)
    ctx.status = 200
    ctx.body = ''
  }
  router.get('/osmand', osmand)
  router.post('/osmand', osmand)
  return router
}
