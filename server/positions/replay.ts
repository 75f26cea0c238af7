// One member's track read from the database, and the replay of one member-day: the simplified
// track with its timestamps, stops with their base grid, kilometres, speeds, gaps, and the
// events and fence alerts of the same window, all timed so a client can play them together.
// The arithmetic is in trajectory.ts (pure); this file reads rows and assembles answers.
import type { Knex } from 'knex'
import type { Principal } from '../auth/users.ts'
import { AppError, notFound } from '../http/errors.ts'
import { runNamed } from '../db/prepared.ts'
import {
  findGaps, findStops, pathMetres, simplifyIndices, speeds, splitPieces, type Gap, type Stop, type TrackFix,
} from './trajectory.ts'

/** The most fixes one answer carries (a week of one device every 15 s is 40,320). */
export const MAX_FIXES = 200_000

export interface Member { id: number; name: string; userId: number | null; communityCode: string; cityCode: string }
export interface DeviceInfo { id: number; identifier: string; kind: string; name: string }
export interface Track { devices: DeviceInfo[]; valid: TrackFix[]; filtered: TrackFix[] }

const iso = (t: number) => new Date(t).toISOString()
const round = (x: number, digits: number) => Math.round(x * 10 ** digits) / 10 ** digits
export const coord = (lon: number, lat: number): [number, number] => [round(lon, 7), round(lat, 7)]

/**
 * Reads of one answer in one read-only transaction: one snapshot for the track, its events and
 * alerts, and generic plans from the first execution. A custom plan of the events query spends
 * ~20 ms planning over event's monthly partitions for a sub-millisecond execution, and a pooled
 * connection would otherwise plan it five times before PostgreSQL settles on the generic one.
 */
export function inSnapshot<T>(knex: Knex, fn: (trx: Knex.Transaction) => Promise<T>): Promise<T> {
  return knex.transaction(async (trx) => {
    await trx.raw('SET LOCAL plan_cache_mode = force_generic_plan')
    return fn(trx)
  }, { readOnly: true })
}

/**
 * The member if the caller may see them: their community inside the caller's jurisdiction, and
 * for a grid inspector only themselves. Anything else answers 404 as if the member did not exist.
 */
export async function memberFor(knex: Knex, p: Principal, id: number): Promise<Member> {
  const row = await p.jurisdiction.apply(knex('grid_member').where('id', id), 'community_code')
    .first('id', 'name', 'user_id', 'community_code', 'city_code')
  const userId = row?.user_id == null ? null : Number(row.user_id)
  if (!row || (p.role === 'grid_inspector' && (userId === null || userId !== p.userId))) {
    throw notFound(`no member ${id} in your jurisdiction`)
  }
  return { id: Number(row.id), name: row.name, userId, communityCode: row.community_code, cityCode: row.city_code }
}

interface FixRow {
  device_id: string; t: number; lon: number; lat: number; speed: number | null; altitude: number | null; accuracy: number | null; filter: string | null
}

/** The member's fixes in [from, to), valid ones apart from filtered ones (kept only when asked for). */
export async function loadTrack(knex: Knex, m: Member, from: Date, to: Date, includeFiltered: boolean): Promise<Track> {
  const devRows = await runNamed<Record<string, unknown>>(knex, 'positions/member_devices', { member: m.id, from, to })
  const devices: DeviceInfo[] = devRows.map((d) => ({ id: Number(d.id), identifier: String(d.identifier), kind: String(d.kind), name: String(d.name) }))
  if (!devices.length) return { devices, valid: [], filtered: [] }
  const rows = await runNamed<FixRow>(knex, 'positions/member_fixes', {
    city: m.cityCode, devices: devices.map((d) => d.id), from, to, member: m.id, all: includeFiltered, limit: MAX_FIXES + 1,
  })
  if (rows.length > MAX_FIXES) {
    throw new AppError(422, 'too_many_fixes', `more than ${MAX_FIXES} fixes between from and to: ask for a shorter range`, { errors: [{ field: 'to', message: 'range holds too many fixes' }] })
  }
  const valid: TrackFix[] = [], filtered: TrackFix[] = []
  for (const r of rows) {
    const f: TrackFix = { t: r.t, lon: r.lon, lat: r.lat, deviceId: Number(r.device_id), speed: r.speed, altitude: r.altitude, accuracy: r.accuracy, filter: r.filter }
    ;(f.filter === null ? valid : filtered).push(f)
  }
  return { devices, valid, filtered }
}

/** Base grid code of each stop's centroid (null outside every grid). */
export async function stopGrids(knex: Knex, stops: readonly Stop[]): Promise<(string | null)[]> {
  if (!stops.length) return []
  const rows = await runNamed<{ code: string | null }>(knex, 'positions/stop_grids', { lons: stops.map((s) => s.lon), lats: stops.map((s) => s.lat) })
  return rows.map((r) => r.code)
}

export interface TrackPiece {
  start: string; end: string; seconds: number; fixes: number; metres: number; maxMetresPerSecond: number | null
  coordinates: [number, number][]; times: string[]
}

/** The valid track cut at gaps, each piece simplified in metres (the kept fixes, times and all). */
export function simplifiedPieces(valid: readonly TrackFix[], simplifyM: number): { all: TrackFix[]; kept: TrackFix[] }[] {
  return splitPieces(valid).map((all) => ({ all, kept: simplifyIndices(all, simplifyM).map((i) => all[i]!) }))
}

/** Pieces of the valid track (cut at gaps), each simplified in metres with its vertices' times and its stats. */
export function trackPieces(valid: readonly TrackFix[], simplifyM: number): TrackPiece[] {
  return simplifiedPieces(valid, simplifyM).map(({ all, kept }) => {
    const max = speeds(all, []).max
    return {
      start: iso(all[0]!.t), end: iso(all[all.length - 1]!.t), seconds: (all[all.length - 1]!.t - all[0]!.t) / 1000,
      fixes: all.length, metres: round(pathMetres(all), 1), maxMetresPerSecond: max === null ? null : round(max, 2),
      coordinates: kept.map((f) => coord(f.lon, f.lat)), times: kept.map((f) => iso(f.t)),
    }
  })
}

export interface TrackSummary { kilometres: number; stops: Stop[]; gaps: Gap[]; speeds: ReturnType<typeof speeds> }

/** Kilometres, stops, gaps and speeds of the valid fixes. */
export function summarise(valid: readonly TrackFix[]): TrackSummary {
  const stops = findStops(valid)
  return { kilometres: pathMetres(valid) / 1000, stops, gaps: findGaps(valid), speeds: speeds(valid, stops) }
}

export const stopView = (s: Stop, gridCode: string | null) => ({
  start: iso(s.start), end: iso(s.end), seconds: s.seconds, lon: round(s.lon, 7), lat: round(s.lat, 7), fixes: s.fixes, gridCode,
})
export const gapView = (g: Gap) => ({ start: iso(g.start), end: iso(g.end), seconds: g.seconds, metres: round(g.metres, 1) })
export const speedView = (s: TrackSummary['speeds']) => ({
  maxMetresPerSecond: s.max === null ? null : round(s.max, 2),
  maxReportedMetresPerSecond: s.maxReported === null ? null : round(s.maxReported, 2),
  meanMovingMetresPerSecond: s.meanMoving === null ? null : round(s.meanMoving, 2),
  movingSeconds: round(s.movingSeconds, 0),
})

interface EventRow {
  number: string; seq: number; action: string; from_status: string | null; to_status: string; at: Date
  actor_name: string; actor_role: string; by_member: boolean; assigned: boolean; lon: number; lat: number
  grid_code: string | null; class_code: string
}

async function memberEvents(knex: Knex, p: Principal, m: Member, from: Date, to: Date) {
  const rows = await runNamed<EventRow>(knex, 'positions/member_events', { user: m.userId, member: m.id, from, to, patterns: p.jurisdiction.patterns })
  return rows.map((r) => ({
    number: r.number, seq: r.seq, action: r.action, from: r.from_status, to: r.to_status, at: r.at.toISOString(),
    actor: { name: r.actor_name, role: r.actor_role }, byMember: r.by_member, assigned: r.assigned,
    lon: round(r.lon, 7), lat: round(r.lat, 7), gridCode: r.grid_code, classCode: r.class_code,
  }))
}

interface AlertRow {
  id: string; fence_id: string; fence_name: string; device_id: string; kind: string; at: Date; lon: number; lat: number
  acknowledged_at: Date | null
}

/** The fence alerts of a member's devices in [from, to). */
export async function fenceAlerts(knex: Knex, m: Member, devices: readonly DeviceInfo[], from: Date, to: Date) {
  if (!devices.length) return []
  const rows = await runNamed<AlertRow>(knex, 'positions/member_fence_alerts', { devices: devices.map((d) => d.id), from, to, member: m.id })
  return rows.map((r) => ({
    id: Number(r.id), fenceId: Number(r.fence_id), fenceName: r.fence_name, deviceId: Number(r.device_id), kind: r.kind,
    at: r.at.toISOString(), lon: round(r.lon, 7), lat: round(r.lat, 7), acknowledged: r.acknowledged_at !== null,
  }))
}

type Timed = { at?: string; start?: string }
/** Everything that happens in the day in one time order, by reference into the lists. */
function timeline(lists: Record<'stop' | 'gap' | 'event' | 'fenceAlert', readonly Timed[]>) {
  const out: { at: string; type: string; index: number }[] = []
  for (const [type, items] of Object.entries(lists)) items.forEach((x, index) => out.push({ at: (x.at ?? x.start)!, type, index }))
  return out.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0))
}

/** The replay of one member-day [from, to) (a Shanghai day), the track simplified to simplifyM metres; knex: inSnapshot's transaction. */
export async function buildReplay(knex: Knex, p: Principal, m: Member, date: string, from: Date, to: Date, simplifyM: number) {
  const track = await loadTrack(knex, m, from, to, false)
  const sum = summarise(track.valid)
  const grids = await stopGrids(knex, sum.stops)
  const events = await memberEvents(knex, p, m, from, to)
  const alerts = await fenceAlerts(knex, m, track.devices, from, to)
  const stops = sum.stops.map((s, i) => stopView(s, grids[i] ?? null))
  const gaps = sum.gaps.map(gapView)
  const pieces = trackPieces(track.valid, simplifyM)
  return {
    member: { id: m.id, name: m.name, communityCode: m.communityCode },
    date, from: from.toISOString(), to: to.toISOString(), devices: track.devices,
    fixes: track.valid.length, simplifyMetres: simplifyM, vertices: pieces.reduce((n, x) => n + x.coordinates.length, 0),
    track: pieces,
    kilometres: round(sum.kilometres, 3),
    speeds: speedView(sum.speeds),
    stops, gaps, events, fenceAlerts: alerts,
    timeline: timeline({ stop: stops, gap: gaps, event: events, fenceAlert: alerts }),
  }
}
