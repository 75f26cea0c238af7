// Open311 POST requests: a GeoReport v2 submission (form-encoded or JSON) → the event intake.
//
// Nothing of the intake is repeated here: this module only translates. The location becomes
// intake's `location` (lat/long are WGS84 per the spec, passed as EPSG:4326 so intake's CRS
// helpers convert and record it; the gridgov:crs extension names GCJ-02/BD-09 for points taken
// from Chinese web maps), or is looked up from address_id / address_string in the standard
// addresses. Channel: an external_system key reports through 'third_party' (第三方平台, filed
// and dispatched automatically by the channel table); any other signed-in caller through
// 'resident' (居民上报, waits for a dispatcher), and intake decides whether its role may.
import crypto from 'node:crypto'
import type { Knex } from 'knex'
import { z } from 'zod'
import { AppError, badRequest } from '../http/errors.ts'
import { validate } from '../http/validate.ts'
import type { Principal } from '../auth/users.ts'
import { parseCrs } from '../geo/crs.ts'
import { intake, demandTypes, type IntakeResult } from '../events/intake.ts'
import { readEvent } from '../events/store.ts'
import { statusTitles, type Status } from '../events/workflow.ts'
import { geocodeAddresses, MATCH_THRESHOLD } from '../addresses/matcher.ts'
import { MAX_ADDRESS_LENGTH } from '../addresses/routes.ts'
import { ATTRIBUTE_CODES, EXTERNAL_REF_MAX, serviceNotice, serviceRows, SERVICE_CODE } from './services.ts'

export const DESCRIPTION_MAX = 4000

// C0 controls other than tab, LF and CR cannot be written in XML 1.0: refused on input.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/
const noControl = (s: string) => !CONTROL.test(s)
const text = (max: number) => z.string().trim().min(1).max(max).refine(noControl, 'must not contain control characters')

const submissionSchema = z.object({
  service_code: z.string({ error: 'was not provided (a 4-digit service_code, see GET services)' })
    .regex(SERVICE_CODE, 'must be a 4-digit service_code (see GET services)'),
  description: z.string({ error: `was not provided (1-${DESCRIPTION_MAX} characters)` }).trim()
    .min(1, `was not provided (1-${DESCRIPTION_MAX} characters)`)
    .max(DESCRIPTION_MAX, `may not exceed ${DESCRIPTION_MAX} characters`)
    .refine(noControl, 'must not contain control characters'),
  // ranges (and swapped pairs) are checked by intake's CRS helpers, which know the CRS
  lat: z.coerce.number().finite().optional(),
  long: z.coerce.number().finite().optional(),
  address_string: text(MAX_ADDRESS_LENGTH).optional(),
  address_id: z.string().regex(/^[0-9]{1,18}$/, 'must be a standard address id (digits)').optional(),
  'gridgov:crs': z.string().max(200).optional(),
  email: z.email().max(254).optional(),
  device_id: text(100).optional(),
  account_id: text(100).optional(),
  first_name: text(50).optional(),
  last_name: text(50).optional(),
  phone: z.string().regex(/^[0-9+() -]{3,30}$/, 'must be 3-30 digits, spaces, +, ( ) or -').optional(),
  media_url: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).max(2000).optional(),
  attribute: z.record(z.string(), z.string().max(EXTERNAL_REF_MAX + 100)).default({}),
})
type Submission = z.output<typeof submissionSchema>

/**
 * The body as one flat object: empty fields dropped (HTML forms send them), numbers kept,
 * attributes gathered from attribute[code] (nested by the form parser, or flat keys in JSON).
 */
export function normalizeBody(raw: unknown, query: Record<string, unknown>): Record<string, unknown> {
  const body = raw && typeof raw === 'object' && !Array.isArray(raw) ? raw as Record<string, unknown> : {}
  const out: Record<string, unknown> = {}
  const attribute: Record<string, unknown> = {}
  for (const [k, v] of [...Object.entries(query), ...Object.entries(body)]) {
    if (v === '' || v === undefined || v === null) continue
    const flat = /^attribute\[([^\]]{1,60})\]$/.exec(k)
    if (flat) attribute[flat[1]!] = v
    else if (k === 'attribute' && v && typeof v === 'object' && !Array.isArray(v)) Object.assign(attribute, v)
    else out[k] = v
  }
  const attrs = Object.entries(attribute).filter(([, v]) => v !== '')
  if (attrs.length) out.attribute = Object.fromEntries(attrs)
  return out
}

interface Place { location: { x: number; y: number; crs: string }; address?: string; addressId?: string }

const locationRequired = () => new AppError(400, 'location_required',
  'a location is required: lat and long (WGS84), or address_id, or address_string')

/** Where the request is: lat/long first, then address_id, then address_string. */
async function place(knex: Knex, s: Submission, p: Principal): Promise<Place> {
  if ((s.lat === undefined) !== (s.long === undefined)) throw badRequest('lat and long must be given together (WGS84 degrees)')
  if (s.lat !== undefined && s.long !== undefined) {
    const crs = parseCrs(s['gridgov:crs'] ?? 'EPSG:4326')
    if (!crs.geographic) throw badRequest(`gridgov:crs: lat/long need a geographic CRS (EPSG:4326, EPSG:4490, GCJ-02, BD-09), not ${crs.id}`)
    // named coordinates: the canonical identifier is lon,lat whatever form the caller used
    return { location: { x: s.long, y: s.lat, crs: crs.id }, address: s.address_string }
  }
  if (!s.address_id && !s.address_string) throw locationRequired()
  if (!p.cityCode) throw badRequest('address_id and address_string need a caller bound to a city: send lat and long (WGS84)')
  if (s.address_id) {
    const row = await knex('std_address').where({ id: s.address_id, city_code: p.cityCode })
      .first('id', 'full_address', knex.raw('ST_X(geom) AS lon'), knex.raw('ST_Y(geom) AS lat'))
    if (!row) throw badRequest(`address_id ${s.address_id} not found among the standard addresses of your city: send lat and long (WGS84)`)
    return { location: { x: row.lon, y: row.lat, crs: 'EPSG:4490' }, address: row.full_address, addressId: String(row.id) }
  }
  const [g] = await geocodeAddresses(knex, p.cityCode, [s.address_string!], 0)
  if (!g?.match || g.ambiguous) {
    const why = g?.ambiguous ? 'matches several places equally well' : `matches no standard address with a score of at least ${MATCH_THRESHOLD}`
    throw new AppError(400, 'address_not_found', `address_string "${s.address_string!.slice(0, 60)}" ${why}: send lat and long (WGS84) instead`)
  }
  return { location: { x: g.match.lon, y: g.match.lat, crs: 'EPSG:4490' }, address: g.match.address, addressId: String(g.match.id) }
}

function attributes(s: Submission): { demandType: (typeof demandTypes)[number]; externalRef?: string } {
  const unknown = Object.keys(s.attribute).find((k) => !(ATTRIBUTE_CODES as readonly string[]).includes(k))
  if (unknown !== undefined) throw badRequest(`attribute[${unknown.slice(0, 40)}] is not an attribute of this service: known are ${ATTRIBUTE_CODES.join(', ')}`)
  const demand = s.attribute.demand_type?.trim()
  if (!demand) throw badRequest(`required attribute[demand_type] was not provided: one of ${demandTypes.join(', ')}`)
  if (!(demandTypes as readonly string[]).includes(demand)) throw badRequest(`attribute[demand_type] "${demand.slice(0, 20)}" is not one of ${demandTypes.join(', ')}`)
  const ref = s.attribute.external_ref?.trim()
  if (ref !== undefined && (ref.length > EXTERNAL_REF_MAX || !noControl(ref))) {
    throw badRequest(`attribute[external_ref] must be 1-${EXTERNAL_REF_MAX} characters without control characters`)
  }
  return { demandType: demand as (typeof demandTypes)[number], externalRef: ref || undefined }
}

/** Chinese names are written family name first without a space; others "first last". */
function fullName(first?: string, last?: string): string | undefined {
  if (!first && !last) return undefined
  const cjk = /[\u3400-\u9fff]/.test(`${first ?? ''}${last ?? ''}`)
  return cjk ? `${last ?? ''}${first ?? ''}` : [first, last].filter(Boolean).join(' ')
}

const clientOf = (p: Principal) => `${p.kind}:${p.userId ?? p.username}`

/**
 * The GeoReport token. With an Idempotency-Key it is derived from the caller and the key, so a
 * retried POST (which intake answers with the same event) answers the same token too.
 */
function tokenFor(client: string, idemKey: string | undefined): string {
  if (!idemKey) return crypto.randomBytes(24).toString('base64url')
  return crypto.createHash('sha256').update(`open311\n${client}\n${idemKey}`).digest('base64url').slice(0, 32)
}

export interface Submitted {
  created: boolean
  response: Record<string, unknown>
}

/** Validates, locates, calls intake and records the Open311 side; returns the spec's response item. */
export async function submit(knex: Knex, p: Principal, rawBody: Record<string, unknown>, idemKey: string | undefined): Promise<Submitted> {
  const s = validate(submissionSchema, rawBody, 'service request')
  const [service] = await serviceRows(knex, s.service_code)
  if (!service) throw new AppError(400, 'service_code_not_found', `service_code ${s.service_code} not found: GET services lists the services`)
  const attrs = attributes(s)
  const where = await place(knex, s, p)
  const name = fullName(s.first_name, s.last_name)
  const result: IntakeResult = await intake(knex, p, {
    channel: p.role === 'external_system' ? 'third_party' : 'resident',
    demandType: attrs.demandType, classCode: s.service_code, description: s.description,
    location: where.location, address: where.address,
    reporter: name || s.phone ? { name, phone: s.phone } : undefined,
    externalRef: attrs.externalRef,
  }, idemKey)
  const ev = result.row ?? await readEvent(knex, result.number, p.jurisdiction, p.userId)
  if (!ev) throw new Error(`event ${result.number} not readable by its reporter`)
  const client = clientOf(p)
  const token = tokenFor(client, idemKey)
  const contact = Object.fromEntries(Object.entries({ email: s.email, first_name: s.first_name, last_name: s.last_name,
    phone: s.phone, device_id: s.device_id, account_id: s.account_id }).filter(([, v]) => v !== undefined))
  // ON CONFLICT: a replayed POST finds its row already there (same token, same event)
  await knex('open311_request').insert({
    token, event_id: ev.id, event_created_at: ev.created_at, event_number: ev.number, city_code: ev.city_code, client,
    media_url: s.media_url ?? null, address_id: where.addressId ?? s.address_id ?? null,
    attributes: JSON.stringify(s.attribute), contact: JSON.stringify(contact),
  }).onConflict().ignore()
  const row = await knex('open311_request').where({ event_id: ev.id }).first('token')
  return {
    created: result.status === 201,
    response: {
      service_request_id: ev.number,
      token: row?.token ?? token,
      service_notice: serviceNotice(service),
      account_id: s.account_id ?? null,
      'gridgov:status': ev.status,
      'gridgov:status_title': statusTitles[ev.status as Status],
      'gridgov:grid_code': ev.grid_code,
    },
  }
}
