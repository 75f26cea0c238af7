// 调度 from the map: for one event, the unit the dispatch rules recommend (with the rules'
// explanation, exactly what a dispatch without departmentCode would choose) and the nearest
// on-duty members by live position, each with their distance, device, fix age and workload, so
// the operator can send the event to someone who is close and not overloaded.
// GET /api/v1/events/{number}/dispatch-options?radius=3000&limit=10
import type Router from '@koa/router'
import type { Knex } from 'knex'
import { z } from 'zod'
import type { AppContext } from '../context.ts'
import type { Principal } from '../auth/users.ts'
import type { Role } from '../auth/roles.ts'
import { AppError, notFound } from '../http/errors.ts'
import { principalOf, requireRole } from '../http/auth.ts'
import { validate } from '../http/validate.ts'
import { sqlFile } from '../db/sql.ts'
import { chooseAssignee, type DispatchExplanation } from './dispatch.ts'
import { unitDirectory } from './transitions.ts'
import { reference } from './reference.ts'
import { NUMBER, readEvent, type EventRow } from './store.ts'
import { describeRules, openStatuses } from './workflow.ts'

export const DEFAULT_RADIUS_M = 3000
export const MAX_RADIUS_M = 20_000
export const MAX_CANDIDATES = 10
/** What device_status (migration 0017) calls online: a fix within this many seconds. */
export const ONLINE_WITHIN_S = 300

/** Who may ask: the roles that may fire the dispatch action (the state machine's rule, not a copy). */
export const DISPATCH_ROLES: readonly Role[] = describeRules().find((r) => r.action === 'dispatch')!.roles
  .filter((r): r is Role => r !== 'system')

const whole = (field: string, min: number, max: number) => z.string()
  .regex(/^[0-9]{1,6}$/, `${field} must be a whole number`)
  .transform(Number)
  .pipe(z.number().int().min(min, `${field} must be at least ${min}`).max(max, `${field} must be at most ${max}`))

export const dispatchOptionsQuery = z.object({
  /** metres around the event */
  radius: whole('radius', 1, MAX_RADIUS_M).default(DEFAULT_RADIUS_M),
  /** how many members at most, nearest first */
  limit: whole('limit', 1, MAX_CANDIDATES).default(MAX_CANDIDATES),
}).strict()
export type DispatchOptionsQuery = z.output<typeof dispatchOptionsQuery>

export function parseDispatchOptionsQuery(raw: Record<string, string | string[] | undefined>): DispatchOptionsQuery {
  const known = Object.keys(dispatchOptionsQuery.shape)
  for (const [field, v] of Object.entries(raw)) {
    const message = !known.includes(field) ? `unknown parameter (use ${known.join(', ')})` : Array.isArray(v) ? 'given more than once' : undefined
    if (message) throw new AppError(400, 'validation_failed', `invalid query: ${field}: ${message}`, { errors: [{ field, message }] }).coded('http.invalid_query', { field })
  }
  return validate(dispatchOptionsQuery, raw, 'query')
}

interface CandidateRow {
  member_id: string | number; member_name: string; community_code: string
  unit_code: string; unit_name: string; unit_kind: string
  device_identifier: string; device_name: string; device_kind: string
  fixed_at: Date; status: 'online' | 'idle'; lon: number; lat: number; distance: number; workload: number
}

export interface Candidate {
  member: { id: number; name: string; communityCode: string }
  unit: { code: string; name: string; kind: string }
  device: { identifier: string; name: string; kind: string }
  status: 'online' | 'idle'
  /** geodesic metres from the event, to 0.1 m */
  distanceM: number
  location: { type: 'Point'; coordinates: [number, number] }
  fixedAt: string
  fixAgeS: number
  /** open events assigned to the member (this one included when it is theirs) */
  workload: number
  /** the member the rules recommend */
  recommended: boolean
  /** the event's current assignee */
  assigned: boolean
}

/** What a dispatch by the rules would choose now, with every rule's verdict. */
export async function recommendation(knex: Knex, e: EventRow): Promise<DispatchExplanation | null> {
  const [ref, dir] = await Promise.all([reference(knex), unitDirectory(knex, e)])
  return chooseAssignee(ref.rules, { channel: e.channel, classCode: e.class_code, demandType: e.demand_type,
    communityCode: e.community_code, ownerKind: ref.classes.get(e.class_code)?.ownerKind ?? null }, dir)
}

/** Degrees of longitude and latitude a little wider than `metres` at `lat` (the index box). */
export function degreeBox(metres: number, lat: number): { dLon: number; dLat: number } {
  const margin = 1.02
  const dLat = (metres / 110_574) * margin
  const dLon = (metres / (111_320 * Math.max(Math.cos((lat * Math.PI) / 180), 0.01))) * margin
  return { dLon, dLat }
}

export async function nearestMembers(knex: Knex, p: Principal, e: EventRow, q: DispatchOptionsQuery, now: Date,
  recommendedMemberId: number | null): Promise<Candidate[]> {
  if (p.jurisdiction.isEmpty) return []
  const { rows } = await knex.raw(sqlFile('events/dispatch_candidates'), {
    lon: e.lon, lat: e.lat, ...degreeBox(q.radius, e.lat), radius: q.radius, now, city: e.city_code,
    patterns: p.jurisdiction.patterns, open: [...openStatuses], limit: q.limit,
  }) as { rows: CandidateRow[] }
  return rows.map((r) => {
    const id = Number(r.member_id)
    return {
      member: { id, name: r.member_name, communityCode: r.community_code },
      unit: { code: r.unit_code, name: r.unit_name, kind: r.unit_kind },
      device: { identifier: r.device_identifier, name: r.device_name, kind: r.device_kind },
      status: r.status,
      distanceM: Math.round(r.distance * 10) / 10,
      location: { type: 'Point', coordinates: [r.lon, r.lat] },
      fixedAt: r.fixed_at.toISOString(),
      fixAgeS: Math.max(0, Math.round((now.getTime() - r.fixed_at.getTime()) / 1000)),
      workload: Number(r.workload),
      recommended: recommendedMemberId === id,
      assigned: e.assignee_member_id !== null && Number(e.assignee_member_id) === id,
    }
  })
}

/** The answer for one event the caller sees (404 otherwise: numbers cannot be probed). */
export async function dispatchOptions(knex: Knex, p: Principal, number: string, q: DispatchOptionsQuery, now = new Date()) {
  // jurisdiction only: a dispatcher's own report elsewhere is not theirs to dispatch
  const e = NUMBER.test(number) ? await readEvent(knex, number, p.jurisdiction, null) : undefined
  if (!e) throw notFound(`no event ${number} in your jurisdiction`).coded('events.not_found', { number })
  const rec = await recommendation(knex, e)
  const candidates = await nearestMembers(knex, p, e, q, now, rec?.chosen.member?.id ?? null)
  return {
    number: e.number,
    status: e.status,
    version: e.version,
    location: { type: 'Point' as const, coordinates: [e.lon, e.lat] as [number, number], crs: 'EPSG:4490' },
    at: now.toISOString(),
    radiusM: q.radius,
    limit: q.limit,
    onlineWithinS: ONLINE_WITHIN_S,
    recommended: rec && {
      unit: { code: rec.chosen.department.code, name: rec.chosen.department.name },
      member: rec.chosen.member,
      level: rec.chosen.level,
      basis: rec.chosen.basis,
      ruleId: rec.chosen.ruleId,
      rule: rec.rules.find((r) => r.result === 'chosen') ?? null,
      why: rec.chosen.why,
    },
    rules: rec?.rules ?? [],
    candidates,
  }
}

/** Registers the route on the events router (prefix /api/v1/events). */
export function mountDispatchOptions(router: Router, app: AppContext): void {
  router.get('/:number/dispatch-options', requireRole(...DISPATCH_ROLES), async (ctx) => {
    const p = principalOf(ctx)
    const q = parseDispatchOptionsQuery(ctx.query)
    ctx.body = await dispatchOptions(app.knex, p, String(ctx.params.number), q)
  })
}
