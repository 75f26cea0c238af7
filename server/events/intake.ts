// Intake (POST /api/v1/events): validate, locate the grid chain, find duplicate candidates,
// file and dispatch automatically for configured channels, and write it all in one statement.
import crypto from 'node:crypto'
import type { Knex } from 'knex'
import { latLngToCell } from 'h3-js'
import { z } from 'zod'
import { AppError, badRequest, forbidden } from '../http/errors.ts'
import { validate } from '../http/validate.ts'
import type { Principal } from '../auth/users.ts'
import type { Role } from '../auth/roles.ts'
import { parseCrs } from '../geo/crs.ts'
import { convertPoint, outsideError } from '../geocode/service.ts'
import { gridDetails, type GridDetails } from '../geocode/repository.ts'
import { geocodeAddresses, MATCH_THRESHOLD } from '../addresses/matcher.ts'
import { localDate } from './calendar.ts'
import { dispatchClock } from './deadlines.ts'
import { chooseAssignee, unitDirectoryOf, type DispatchExplanation } from './dispatch.ts'
import { calendars, pinsFor, reference, warnShareOf, type ConfigPins, type EventClass, type Reference } from './reference.ts'
import { eventNumber, readEvent, type DuplicateCandidate, type EventRow } from './store.ts'
import { runNamed } from '../db/prepared.ts'
import { BigramProfile } from './similarity.ts'
import { currentRequestId } from '../audit/scope.ts'
import { fieldIntake } from './fieldSteps/intakePolicy.ts'
import { classifyIntake } from '../classify/intakeClass.ts'

// The channels and demand types a new installation starts with (migration 0050 seeds them).
// What is accepted, and which roles may report through which channel, is the configuration in
// force (/api/v1/config/channels, /api/v1/config/demand-types): see checkChannel below.
export const channels = ['inspector_app', 'resident', 'hotline_12345', 'sensor_ai', 'police_110', 'superior', 'third_party'] as const
export const demandTypes = ['咨询', '求助', '投诉举报', '建议感谢'] as const

/** Duplicate candidates: same class within this distance and window, text at least this similar. */
export const DUPLICATES = { metres: 100, hours: 72, minSimilarity: 0.3, max: 5 }

const H3_RESOLUTION = 12

const text = (max: number) => z.string().trim().min(1).max(max)

export const intakeSchema = z.object({
  channel: z.string().regex(/^[a-z][a-z0-9_]{1,39}$/, 'must be a channel code of /api/v1/config/channels')
    .describe(`a channel in force (/api/v1/config/channels); seeded: ${channels.join(', ')}`),
  demandType: z.string().trim().min(1).max(30).describe(`a demand type in force (/api/v1/config/demand-types); seeded: ${demandTypes.join(', ')}`),
  /** omitted on a channel that allows it (server/classify/policy.ts): the classifier suggests it */
  classCode: z.string().regex(/^[0-9]{4}$/, 'must be a 4-digit event small class code').optional(),
  description: text(4000),
  location: z.object({
    x: z.number().finite(),
    y: z.number().finite(),
    crs: z.string().max(200).default('EPSG:4490'),
  }).strict().optional(),
  /** Locates the event when there is no location (geocoded); beside a location it is descriptive. */
  address: text(300).optional(),
  priority: z.number().int().min(1).max(4).default(3),
  reporter: z.object({ name: text(100).optional(), phone: z.string().regex(/^[0-9+() -]{3,30}$/).optional() }).strict().optional(),
  externalRef: text(100).optional(),
}).strict().refine((b) => b.location !== undefined || b.address !== undefined,
  { path: ['location'], message: 'a location, or an address to geocode, is required' })
export type IntakeBody = z.output<typeof intakeSchema>

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,200}$/

/** A canonical hash of the validated body: key order and defaults do not change it. */
export function bodyHash(body: IntakeBody): string {
  const canonical = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(canonical)
    if (v && typeof v === 'object') {
      return Object.fromEntries(Object.keys(v).sort().filter((k) => (v as Record<string, unknown>)[k] !== undefined)
        .map((k) => [k, canonical((v as Record<string, unknown>)[k])]))
    }
    return v
  }
  return crypto.createHash('sha256').update(JSON.stringify(canonical(body))).digest('hex')
}

export interface IntakeResult {
  status: 200 | 201
  number: string
  /** the new row (absent on a replay: the caller reads it) */
  row?: EventRow
  duplicates: DuplicateCandidate[]
  dispatch: DispatchExplanation | null
}

// The units around a grid (inspectors on duty, departments) change rarely and every intake in
// the grid needs them: kept for a minute, like the other reference data.
const UNITS_TTL_MS = 60_000
const unitsCache = new WeakMap<Knex, Map<string, { at: number; details: Promise<GridDetails> }>>()

export function unitsOfGrid(knex: Knex, gridCode: string): Promise<GridDetails> {
  let byGrid = unitsCache.get(knex)
  if (!byGrid) unitsCache.set(knex, (byGrid = new Map()))
  const hit = byGrid.get(gridCode)
  if (hit && Date.now() - hit.at < UNITS_TTL_MS) return hit.details
  const details = gridDetails(knex, [gridCode]).then((m) => {
    const d = m.get(gridCode)
    if (!d) throw new Error(`no details for grid ${gridCode}`)
    return d
  })
  details.catch(() => byGrid.delete(gridCode))
  byGrid.set(gridCode, { at: Date.now(), details })
  return details
}

interface Located {
  code: string | null; version: number | null; community_code: string | null; city_code: string | null
  /** the day's sequence number, taken only inside a grid the reporter may report in */
  seq_no: number | null; nearest_code: string | null; nearest_metres: number | null
}

interface NearbyRow { number: string; description: string; status: string; created_at: string; metres: number }

/** Staff and inspectors report inside their own area; the public and external systems anywhere. */
const reportsAnywhere = (p: Principal) => p.role === 'public' || p.role === 'external_system'

/**
 * The grid chain of the point, the day's next number and the duplicate candidates near it, in
 * one statement (sql/queries/events/intake_lookup.sql): this is the hot path of the intake
 * benchmark. Our own one-point query rather than the geocoder's batch statement: intake needs
 * only the base grid, not industry grids. The tie rule is the geocoder's.
 */
async function lookup(knex: Knex, p: { lon: number; lat: number }, cls: EventClass, principal: Principal, now: Date):
  Promise<{ loc: Located; nearby: NearbyRow[] }> {
  const dLat = DUPLICATES.metres / 110_574
  const dLon = DUPLICATES.metres / (111_320 * Math.cos((p.lat * Math.PI) / 180))
  const [row] = await runNamed<Located & { duplicates: NearbyRow[] }>(knex, 'events/intake_lookup', {
    lon: p.lon, lat: p.lat, minLon: p.lon - dLon, minLat: p.lat - dLat, maxLon: p.lon + dLon, maxLat: p.lat + dLat,
    classCode: cls.code, since: new Date(now.getTime() - DUPLICATES.hours * 3600_000), until: now,
    patterns: principal.jurisdiction.patterns, metres: DUPLICATES.metres, day: localDate(now), anywhere: reportsAnywhere(principal),
  })
  const { duplicates, ...loc } = row!
  return { loc, nearby: duplicates }
}

interface Placed { point: { lon: number; lat: number }; sourcePosition: Record<string, unknown> }

/** The reported point in storage CRS, and what was received and converted (kept with the event). */
function fromLocation(l: NonNullable<IntakeBody['location']>): Placed {
  const crs = parseCrs(l.crs)
  const point = convertPoint(l.x, l.y, crs)
  return { point, sourcePosition: { x: l.x, y: l.y, crs: crs.id, conversion: point.conversion } }
}

/** Candidates named in a 422 when an address does not resolve. */
const ADDRESS_CANDIDATES = 3

/**
 * The point of a standard address (GA/T 2000.32) in the reporter's city, by the address
 * geocoder (server/addresses). An address it cannot resolve, or resolves to two places far
 * apart, is a 422 naming the address and the best candidates: a report is never placed on a
 * guess. The source position records that the point came from the geocoder and how well it
 * matched.
 */
async function fromAddress(knex: Knex, principal: Principal, address: string): Promise<Placed> {
  if (!principal.cityCode) {
    throw badRequest('location is required: your account belongs to no city, so an address alone cannot be geocoded')
  }
  const [r] = await geocodeAddresses(knex, principal.cityCode, [address], ADDRESS_CANDIDATES)
  const m = r!.match
  if (r!.status !== 'matched' || !m || r!.ambiguous) {
    const candidates = (m ? [m, ...r!.alternatives] : r!.alternatives).slice(0, ADDRESS_CANDIDATES).map((c) => ({
      address: c.address, score: c.score, level: c.level, location: { lon: c.lon, lat: c.lat, crs: 'EPSG:4490' }, communityCode: c.communityCode,
    }))
    const why = r!.ambiguous
      ? 'matches standard addresses in different places equally well: add detail (road and number, estate and building)'
      : `matches no standard address with a score of at least ${MATCH_THRESHOLD}`
    throw new AppError(422, 'address_not_resolved', `address "${address}" ${why}, so it cannot locate the event; send a location`,
      { address, candidates })
  }
  return {
    point: { lon: m.lon, lat: m.lat },
    sourcePosition: {
      x: m.lon, y: m.lat, crs: 'EPSG:4490', source: 'address_geocoder',
      conversion: `geocoded from the address by the standard-address geocoder (score ${m.score})`,
      address, geocoder: { id: m.id, matched: m.address, score: m.score, level: m.level, matchedLevel: m.matchedLevel },
    },
  }
}


async function replay(knex: Knex, client: string, key: string, hash: string): Promise<IntakeResult | undefined> {
  const row = await knex('event_idempotency').where({ client, key }).first('body_hash', 'event_id', 'event_created_at')
  if (!row) return undefined
  if (row.body_hash !== hash) {
    throw new AppError(409, 'idempotency_key_reused', `Idempotency-Key "${key}" was already used with a different request body`)
  }
  // created_at with the id: the lookup touches one partition
  const ev = await knex('event').where({ id: row.event_id, created_at: row.event_created_at }).first('number')
  return { status: 200, number: ev.number, duplicates: [], dispatch: null }
}

/**
 * The channel and demand type must be in force, and the channel's configuration must admit the
 * reporter's role: a refusal names where that rule is written.
 */
function checkChannel(ref: Reference, body: IntakeBody, role: Role): void {
  const channel = ref.channels.get(body.channel)
  if (!channel) {
    throw new AppError(400, 'unknown_channel', `channel: ${body.channel} is no channel in force; see /api/v1/config/channels`)
      .coded('config.unknown_channel', { field: 'channel', value: body.channel })
  }
  if (!channel.roles.includes(role)) {
    const where = `/api/v1/config/channels/${channel.code}`
    throw forbidden(`role ${role} may not report through channel ${channel.code}: the roles of a channel are its configuration ` +
      `(${where}, version ${channel.versionId}; allowed: ${channel.roles.join(', ')})`)
      .coded('config.channel_role', { role, channel: channel.code, name: channel.name, where, version: channel.versionId, allowed: channel.roles.join(', ') })
  }
  if (!ref.demandTypes.has(body.demandType)) {
    throw new AppError(400, 'unknown_demand_type', `demandType: ${body.demandType} is no demand type in force (${[...ref.demandTypes.keys()].join(', ')})`)
      .coded('config.unknown_demand_type', { field: 'demandType', value: body.demandType })
  }
}

export async function intake(knex: Knex, principal: Principal, rawBody: unknown, idemKey: string | undefined): Promise<IntakeResult> {
  const body = validate(intakeSchema, rawBody, 'event')
  const ref = await reference(knex)
  checkChannel(ref, body, principal.role)
  if (idemKey !== undefined && !IDEMPOTENCY_KEY.test(idemKey)) {
    throw badRequest('Idempotency-Key must be 1-200 printable ASCII characters')
  }
  const hash = bodyHash(body)
  const client = `${principal.kind}:${principal.userId ?? principal.username}`
  if (idemKey) {
    const done = await replay(knex, client, idemKey, hash)
    if (done) return done
  }
  // smart intake (诉求分类): a report without a class is classified (server/classify/intakeClass.ts)
  const classed = await classifyIntake(knex, body, (code) => ref.classes.get(code)?.code.length === 4)
  const cls = ref.classes.get(classed.classCode)
  if (!cls || cls.code.length !== 4) {
    throw new AppError(400, 'unknown_class', `unknown event class ${classed.classCode}: use a 4-digit small class of event_class`)
  }
  const { point, sourcePosition } = body.location
    ? fromLocation(body.location)
    : await fromAddress(knex, principal, body.address!)
  const now = new Date()
  const { loc, nearby } = await lookup(knex, point, cls, principal, now)
  if (!loc.code) {
    throw outsideError(point.lon, point.lat, loc.nearest_code ? { code: loc.nearest_code, metres: Number(loc.nearest_metres) } : null)
  }
  const community = loc.community_code!
  if (!reportsAnywhere(principal) && !principal.jurisdiction.covers(community)) {
    throw forbidden(`the location lies in community ${community}, outside your jurisdiction`)
  }
  const details = await unitsOfGrid(knex, loc.code)
  const channel = ref.channels.get(body.channel)!
  const cityCode = loc.city_code!
  // field steps (on-site verification, major emergencies): fieldSteps/intakePolicy.ts
  const field = await fieldIntake(knex, { ...body, classCode: cls.code })
  const pins = pinsFor(ref, { classCode: cls.code, channel: body.channel, demandType: body.demandType, cityCode })
  const plan = await planIntake(knex, { body, cls, community, gridCode: loc.code, pins, cityCode, details, ...classed.gate(field.auto(channel)), principal, now })
  field.annotate(plan)
  classed.annotate(plan)
  const h3 = BigInt('0x' + latLngToCell(point.lat, point.lon, H3_RESOLUTION)).toString()
  if (loc.seq_no === null) throw new Error(`no event number taken in grid ${loc.code}`)
  const number = eventNumber(localDate(now), loc.seq_no)
  // The steps after the insert (the emergency's record and alerts, the classification record) run
  // in the insert's transaction: a failure there stores no event, so a retry cannot make a second
  // one. Without such steps the insert is one statement, its own transaction (no BEGIN/COMMIT).
  type Inserted = EventRow & { notified: unknown; traced: unknown }
  const store = async (db: Knex): Promise<Inserted[]> => {
    const inserted = await runNamed<Inserted>(db, 'events/insert', {
      client, idemKey: idemKey ?? null, bodyHash: hash, createdAt: now, cityCode, number,
      channel: body.channel, demandType: body.demandType, classCode: cls.code, description: body.description,
      address: body.address ?? null, lon: point.lon, lat: point.lat,
      sourcePosition: JSON.stringify(sourcePosition),
      gridCode: loc.code, gridVersion: loc.version, communityCode: community,
      streetCode: community.slice(0, 9) + '000', districtCode: community.slice(0, 6) + '000000', h3,
      status: plan.status, priority: body.priority, reporterUserId: principal.userId,
      reporterName: body.reporter?.name ?? null, reporterPhone: body.reporter?.phone ?? null, externalRef: body.externalRef ?? null,
      level: plan.level, assigneeDepartmentId: plan.departmentId, assigneeMemberId: plan.memberId,
      dispatchedAt: plan.dispatchedAt, signDueAt: plan.signDueAt, handleDueAt: plan.handleDueAt,
      history: JSON.stringify(plan.history), timers: JSON.stringify(plan.timers), requestId: currentRequestId(),
      configVersions: JSON.stringify(pins), warnShare: warnShareOf(ref, cityCode),
    })
    const first = inserted[0]
    if (first) {
      const { notified: _notified, traced: _traced, ...stored } = first
      await field.after(db, stored)
      await classed.after(db, stored)
    }
    return inserted
  }
  const rows = field.pending || classed.pending ? await knex.transaction((trx) => store(trx)) : await store(knex)
  if (!rows[0]) {
    // a concurrent request with the same key won the claim: answer what it created
    const done = await replay(knex, client, idemKey!, hash)
    if (!done) throw new Error('idempotency claim lost but no winner row found')
    return done
  }
  const { notified: _notified, traced: _traced, ...row } = rows[0]
  return { status: 201, number: row.number, row, duplicates: scoreDuplicates(body.description, nearby), dispatch: plan.explanation }
}

/** The nearby rows whose text is similar enough, most similar first. */
function scoreDuplicates(description: string, rows: NearbyRow[]): DuplicateCandidate[] {
  const mine = new BigramProfile(description)
  return rows.map((r) => ({ number: r.number, status: r.status, description: r.description, createdAt: new Date(r.created_at).toISOString(),
    metres: Number(r.metres), similarity: Math.round(mine.similarity(new BigramProfile(r.description)) * 1000) / 1000 }))
    .filter((c) => c.similarity >= DUPLICATES.minSimilarity)
    .sort((a, b) => b.similarity - a.similarity || a.metres - b.metres)
    .slice(0, DUPLICATES.max)
}

interface HistoryEntry {
  seq: number; action: string; from_status: string | null; to_status: string
  actor_user_id: number | null; actor_role: string; actor_name: string; comment: string | null; explanation: unknown
}

async function planIntake(knex: Knex, a: { body: IntakeBody; cls: EventClass; community: string; gridCode: string; pins: ConfigPins; cityCode: string;
  details: GridDetails; autoAccept: boolean; autoDispatch: boolean; principal: Principal; now: Date }) {
  const actor = { actor_user_id: a.principal.userId, actor_role: a.principal.role, actor_name: a.principal.displayName }
  const system = { actor_user_id: null, actor_role: 'system', actor_name: '系统自动' }
  const history: HistoryEntry[] = [{ seq: 1, action: 'report', from_status: null, to_status: 'reported', ...actor,
    comment: null, explanation: { channel: a.body.channel, grid: a.gridCode, community: a.community, config: a.pins } }]
  const plan = {
    status: 'reported', level: 'grid', departmentId: null as number | null, memberId: null as number | null,
    dispatchedAt: null as Date | null, signDueAt: null as Date | null, handleDueAt: null as Date | null,
    history, timers: [] as { kind: string; due_at: string; payload: unknown }[], explanation: null as DispatchExplanation | null,
  }
  if (!a.autoAccept) return plan
  history.push({ seq: 2, action: 'accept', from_status: 'reported', to_status: 'accepted', ...system,
    comment: `channel ${a.body.channel} is filed automatically`, explanation: { channel: a.body.channel, auto: true } })
  plan.status = 'accepted'
  if (!a.autoDispatch) return plan
  const ref = await reference(knex)
  const explanation = chooseAssignee(ref.rules, {
    channel: a.body.channel, classCode: a.cls.code, demandType: a.body.demandType, communityCode: a.community, ownerKind: a.cls.ownerKind,
  }, unitDirectoryOf(a.details))
  if (!explanation) return plan // no unit at all: stays filed for a dispatcher
  const cal = await calendars(knex).get(a.cityCode)
  const chosen = explanation.chosen
  const clock = dispatchClock(cal, a.now, a.cls.limit, chosen.level, chosen.member !== null)
  Object.assign(plan, {
    status: 'dispatched', level: chosen.level, departmentId: chosen.department.id, memberId: chosen.member?.id ?? null,
    dispatchedAt: a.now, signDueAt: clock.signDueAt, handleDueAt: clock.handleDueAt, explanation,
    timers: clock.timers.map((t) => ({ kind: t.kind, due_at: t.dueAt.toISOString(), payload: t.payload })),
  })
  history.push({ seq: 3, action: 'dispatch', from_status: 'accepted', to_status: 'dispatched', ...system,
    comment: chosen.why, explanation })
  return plan
}

export { readEvent }
