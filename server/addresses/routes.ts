// /api/v1/geocode/address[/batch]: address text → standard address (GA/T 2000.32);
// /api/v1/geocode/reverse: point → nearest doorplates.
//
// Who may geocode: every signed-in principal except the `public` role, across its whole city.
// Locating a report is needed outside one's own area (a street officer takes a call about the
// neighbouring street; an external system forwards 12345 cases for the whole city), and a
// standard address is reference data, not a case. The city is the boundary: results never
// leave the principal's city_code. Citizens (`public`) get 403: the room-level address list of
// a city is not theirs to enumerate; their reports are geocoded by the intake on their behalf.
import Router from '@koa/router'
import { z } from 'zod'
import type { Context } from 'koa'
import type { AppContext } from '../context.ts'
import { AppError, forbidden } from '../http/errors.ts'
import { principalOf, requireRole } from '../http/auth.ts'
import { validate } from '../http/validate.ts'
import type { Role } from '../auth/roles.ts'
import { outOfRange, parseCrs, toStorage, looksSwapped } from '../geo/crs.ts'
import { geocodeAddresses, MATCH_THRESHOLD } from './matcher.ts'
import { nearestDoorplates } from './repository.ts'

export const MAX_ADDRESS_LENGTH = 200
export const MAX_BATCH = 1000
const GEOCODING_ROLES: Role[] = ['command_center', 'district_staff', 'street_staff', 'community_staff', 'department',
  'grid_inspector', 'gis_analyst', 'external_system']

const addressText = z.string()
  .max(MAX_ADDRESS_LENGTH, `at most ${MAX_ADDRESS_LENGTH} characters`)
  .refine((s) => s.trim().length > 0, 'must not be empty')

const singleBody = z.object({
  address: addressText,
  /** Alternatives returned besides the match. */
  limit: z.number().int().min(0).max(20).optional(),
}).strict()

const batchBody = z.object({
  addresses: z.array(addressText).min(1, 'at least one address').max(MAX_BATCH, `at most ${MAX_BATCH} addresses`),
  limit: z.number().int().min(0).max(5).optional(),
}).strict()

const reverseQuery = z.object({
  lon: z.coerce.number().finite(),
  lat: z.coerce.number().finite(),
  radius: z.coerce.number().finite().positive().max(1000, 'at most 1000 metres').optional(),
  limit: z.coerce.number().int().min(1).max(50).optional(),
  crs: z.string().max(200).optional(),
}).strict()

function cityOf(ctx: Context): string {
  const city = principalOf(ctx).cityCode
  if (!city) throw forbidden('the principal belongs to no city')
  return city
}

export function addressRoutes(app: AppContext): Router {
  const router = new Router({ prefix: '/api/v1/geocode' })
  router.use(requireRole(...GEOCODING_ROLES))

  router.post('/address', async (ctx) => {
    const body = validate(singleBody, ctx.request.body, 'request body')
    const [result] = await geocodeAddresses(app.knex, cityOf(ctx), [body.address], body.limit ?? 5)
    if (result!.status === 'no_match') {
      throw new AppError(422, 'no_match',
        `no standard address matches with a score of at least ${MATCH_THRESHOLD}`,
        { input: result!.input, parsed: result!.parsed, alternatives: result!.alternatives })
    }
    ctx.body = result
  })

  router.post('/address/batch', async (ctx) => {
    const body = validate(batchBody, ctx.request.body, 'request body')
    const results = await geocodeAddresses(app.knex, cityOf(ctx), body.addresses, body.limit ?? 1)
    ctx.body = {
      total: results.length,
      matched: results.filter((r) => r.status === 'matched').length,
      threshold: MATCH_THRESHOLD,
      items: results.map((r, index) => ({ index, ...r })),
    }
  })

  router.get('/reverse', async (ctx) => {
    const q = validate(reverseQuery, ctx.query, 'query')
    const crs = parseCrs(q.crs ?? 'EPSG:4490')
    if (!crs.geographic) throw new AppError(400, 'unsupported_crs', `lon/lat need a geographic CRS, not ${crs.id}`)
    if (looksSwapped(q.lon, q.lat)) throw outOfRange(`lon ${q.lon}, lat ${q.lat} look swapped: lon is a longitude (73..136 in China), lat a latitude`)
    // lon/lat are named parameters: the identifier's axis order does not apply to them.
    const point = toStorage(crs.latFirst ? q.lat : q.lon, crs.latFirst ? q.lon : q.lat, crs)
    const radius = q.radius ?? 100
    const rows = await nearestDoorplates(app.knex, cityOf(ctx), point.lon, point.lat, radius, q.limit ?? 1)
    ctx.body = {
      query: { lon: q.lon, lat: q.lat, crs: crs.id, radius, conversion: point.conversion, lonStorage: point.lon, latStorage: point.lat },
      items: rows.map((r) => ({
        id: r.id, address: r.full_address, level: r.level, distanceM: Math.round(r.distance_m * 10) / 10,
        lon: r.lon, lat: r.lat, communityCode: r.community_code,
        streetCode: `${r.community_code.slice(0, 9)}000`, districtCode: `${r.community_code.slice(0, 6)}000000`,
        components: { road: r.road, houseNumber: r.house_number, estate: r.estate, building: r.building },
      })),
    }
  })
  return router
}
