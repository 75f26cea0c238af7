// One record of an import file (a CSV line or a GeoJSON feature) → a staged event row, or the
// list of everything wrong with it (field and reason). Column names are matched like grid
// properties: API names, snake_case and the Chinese headers of legacy case exports.
// Checks that need only the row run here (zod); those that need the map (inside the city,
// inside the jurisdiction, already imported) run set-based in SQL on the staged rows.
import crypto from 'node:crypto'
import { latLngToCell } from 'h3-js'
import { z } from 'zod'
import { parseCrs, type Crs } from '../geo/crs.ts'
import { convertPoint } from '../geocode/service.ts'
import { AppError } from '../http/errors.ts'
import { pick } from '../grids/properties.ts'
import { statusTitles, type Status } from '../events/workflow.ts'
import type { Reference } from '../events/reference.ts'

export const ALIASES = {
  ref: ['ref', 'external_ref', 'externalref', 'external_number', 'externalnumber', 'source_ref', 'number', '案卷号', '案件编号', '工单号', '编号', '外部编号'],
  channel: ['channel', '渠道', '来源', '来源渠道'],
  demandType: ['demand_type', 'demandtype', '诉求类型', '类型'],
  classCode: ['class_code', 'classcode', 'class', '小类', '小类代码', '事件小类', '类别代码', '事件类别'],
  description: ['description', 'desc', '描述', '问题描述', '事件描述', '内容'],
  address: ['address', '地址', '位置', '事发地址'],
  x: ['x'],
  y: ['y'],
  lon: ['lon', 'lng', 'longitude', '经度'],
  lat: ['lat', 'latitude', '纬度'],
  crs: ['crs', 'srs', '坐标系'],
  reportedAt: ['reported_at', 'reportedat', 'report_time', 'created_at', '上报时间', '发现时间'],
  status: ['status', '状态'],
  closedAt: ['closed_at', 'closedat', 'close_time', '结案时间'],
  satisfaction: ['satisfaction', '满意度'],
  priority: ['priority', '优先级'],
} as const

/** Statuses an imported event may have: finished ones, or waiting for a person (no running deadlines). */
export const IMPORT_STATUSES = ['closed', 'evaluated', 'rejected', 'voided', 'reported', 'accepted'] as const satisfies readonly Status[]
const FINISHED = new Set<string>(['closed', 'evaluated'])
const SATISFACTION: Record<string, string> = {
  satisfied: 'satisfied', basically_satisfied: 'basically_satisfied', dissatisfied: 'dissatisfied',
  满意: 'satisfied', 基本满意: 'basically_satisfied', 不满意: 'dissatisfied',
}
/** Events older than this are refused as implausible (a unit mix-up, a year typo). */
export const EARLIEST = Date.parse('2000-01-01T00:00:00+08:00')
/** Clock skew tolerated between the exporting system and this one. */
const FUTURE_SLACK_MS = 5 * 60_000

export interface Problem { line?: number; feature?: number; field: string; reason: string; value?: string }

/** A validated row, as the staging statement reads it (snake_case JSON). */
export interface StagedRow {
  line: number
  ref: string | null
  key: string
  channel: string
  demand_type: string
  class_code: string
  description: string
  address: string | null
  priority: number
  lon: number
  lat: number
  h3: string
  source_position: Record<string, unknown>
  reported_at: string
  status: string
  closed_at: string | null
  satisfaction: string | null
}

export interface RawRecord {
  /** CSV line, or feature index + 1 for GeoJSON (reported as `feature` = index). */
  line: number
  feature?: number
  props: Record<string, unknown>
  /** GeoJSON: the feature's geometry (a Point), instead of x/y columns. */
  geometry?: unknown
}

const text = (max: number) => z.preprocess((v) => (typeof v === 'number' ? String(v) : v),
  z.string().trim().min(1, 'is empty').max(max, `is longer than ${max} characters`))
const num = z.preprocess((v) => (typeof v === 'string' && v.trim() !== '' ? Number(v.trim()) : v),
  z.number({ error: 'must be a number' }).finite('must be a finite number'))

/**
 * A date-time as exporters write it: ISO 8601 with an offset, or local China time
 * ('2025-03-08 14:05[:09]', also with '/' or 'T'). Validates the calendar (no 30 February).
 */
export function parseDateTime(value: string): Date | undefined {
  const m = /^(\d{4})[-/](\d{1,2})[-/](\d{1,2})[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,6}))?)?\s*(Z|[+-]\d{2}:?\d{2})?$/i.exec(value.trim())
  if (!m) return undefined
  const [y, mo, d, h, mi, s] = [m[1], m[2], m[3], m[4], m[5], m[6] ?? '0'].map(Number) as [number, number, number, number, number, number]
  if (mo < 1 || mo > 12 || h > 23 || mi > 59 || s > 59) return undefined
  const dim = new Date(Date.UTC(y, mo, 0)).getUTCDate()
  if (d < 1 || d > dim) return undefined
  const zone = m[8] ? (m[8].toUpperCase() === 'Z' ? 0 : offsetMinutes(m[8])) : 8 * 60
  const ms = m[7] ? Number(m[7].padEnd(3, '0').slice(0, 3)) : 0
  return new Date(Date.UTC(y, mo - 1, d, h, mi, s, ms) - zone * 60_000)
}

function offsetMinutes(z: string): number {
  const sign = z[0] === '-' ? -1 : 1
  const digits = z.slice(1).replace(':', '')
  return sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2)))
}

/** The zod schema of one record's fields, closed over the reference data (classes, channels). */
export function recordSchema(ref: Reference, now: Date) {
  const channelByName = new Map([...ref.channels.values()].flatMap((c) => [[c.code, c.code], [c.name, c.code]]))
  const demandTypeByName = new Map([...ref.demandTypes.values()].flatMap((d) => [[d.code, d.code], [d.name, d.code]]))
  const classByName = new Map<string, string[]>()
  for (const c of ref.classes.values()) if (c.code.length === 4) classByName.set(c.name, [...(classByName.get(c.name) ?? []), c.code])
  const statusByName = new Map<string, string>(IMPORT_STATUSES.flatMap((s) => [[s, s], [statusTitles[s], s]]))
  const when = (field: string) => text(40).transform((v, ctx) => {
    const d = parseDateTime(v)
    if (!d) {
      ctx.addIssue({ code: 'custom', message: 'is not a date-time (use 2025-03-08 14:05:00 China time, or ISO 8601 with an offset)' })
      return z.NEVER
    }
    if (d.getTime() > now.getTime() + FUTURE_SLACK_MS) ctx.addIssue({ code: 'custom', message: `lies in the future (${field} must be in the past)` })
    else if (d.getTime() < EARLIEST) ctx.addIssue({ code: 'custom', message: 'is before 2000-01-01: not a plausible historic event' })
    return d
  })
  return z.object({
    ref: text(100).optional(),
    channel: text(40).transform((v, ctx) => channelByName.get(v)
      ?? (ctx.addIssue({ code: 'custom', message: `unknown channel: use one of ${[...ref.channels.keys()].join(', ')}` }), z.NEVER)),
    demandType: text(30).transform((v, ctx) => demandTypeByName.get(v)
      ?? (ctx.addIssue({ code: 'custom', message: `unknown demand type: use one of ${[...ref.demandTypes.keys()].join(' ')}` }), z.NEVER)).default('投诉举报'),
    classCode: text(40).transform((v, ctx) => {
      const cls = ref.classes.get(v)
      if (cls && cls.code.length === 4) return cls.code
      const byName = classByName.get(v)
      if (byName?.length === 1) return byName[0]!
      ctx.addIssue({ code: 'custom', message: cls ? 'is a big class: give the 4-digit small class' : 'unknown event class: use a 4-digit small class code of event_class or its exact name' })
      return z.NEVER
    }),
    description: text(4000),
    address: text(300).optional(),
    x: num.optional(),
    y: num.optional(),
    lon: num.optional(),
    lat: num.optional(),
    crs: text(200).optional(),
    reportedAt: when('reported_at'),
    status: text(20).default('closed').transform((v, ctx) => statusByName.get(v)
      ?? (ctx.addIssue({ code: 'custom', message: `must be one of ${IMPORT_STATUSES.join(', ')} (an imported event has no running deadlines)` }), z.NEVER)),
    closedAt: when('closed_at').optional(),
    satisfaction: text(20).transform((v, ctx) => SATISFACTION[v]
      ?? (ctx.addIssue({ code: 'custom', message: 'must be satisfied, basically_satisfied or dissatisfied (满意/基本满意/不满意)' }), z.NEVER)).optional(),
    priority: z.preprocess((v) => (typeof v === 'string' && v.trim() !== '' ? Number(v) : v),
      z.number({ error: 'must be 1-4' }).int('must be 1-4').min(1, 'must be 1-4').max(4, 'must be 1-4')).default(3),
  }).superRefine((r, ctx) => {
    const issue = (path: string, message: string) => ctx.addIssue({ code: 'custom', path: [path], message })
    const xy = r.x !== undefined || r.y !== undefined
    const ll = r.lon !== undefined || r.lat !== undefined
    if (xy && ll) issue('x', 'give either x/y or lon/lat, not both')
    else if (xy && (r.x === undefined || r.y === undefined)) issue(r.x === undefined ? 'x' : 'y', 'is required with the other coordinate')
    else if (ll && (r.lon === undefined || r.lat === undefined)) issue(r.lon === undefined ? 'lon' : 'lat', 'is required with the other coordinate')
    if (FINISHED.has(r.status) && !r.closedAt) issue('closedAt', `is required for status ${r.status}`)
    if (!FINISHED.has(r.status) && r.closedAt) issue('closedAt', `must be empty for status ${r.status}`)
    if (r.closedAt && r.reportedAt && r.closedAt.getTime() < r.reportedAt.getTime()) issue('closedAt', 'is before reported_at')
    if (r.status === 'evaluated' && !r.satisfaction) issue('satisfaction', 'is required for status evaluated')
    if (r.satisfaction && !FINISHED.has(r.status)) issue('satisfaction', `must be empty for status ${r.status}`)
  })
}
export type RecordFields = z.output<ReturnType<typeof recordSchema>>

const SNAKE: Record<string, string> = { demandType: 'demand_type', classCode: 'class_code', reportedAt: 'reported_at', closedAt: 'closed_at' }

/** The fields of a record by canonical name (first matching alias wins). */
export function fieldsOf(props: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const [name, aliases] of Object.entries(ALIASES)) {
    const v = pick(props, aliases)
    if (v !== undefined && !(typeof v === 'string' && v.trim() === '')) out[name] = v
  }
  return out
}

/** Header names no alias knows: reported once, not per row (a typo in a header loses a column). */
export function unknownColumns(header: string[]): string[] {
  const known = new Set<string>(Object.values(ALIASES).flat())
  return header.filter((h) => h !== '' && !known.has(h.toLowerCase()))
}

export interface Converted { row?: StagedRow; problems: Problem[] }

/** Validates one record and converts its position to storage; every problem of the row is listed. */
export function convertRecord(rec: RawRecord, schema: ReturnType<typeof recordSchema>, fileCrs: Crs): Converted {
  const where = rec.feature === undefined ? { line: rec.line } : { feature: rec.feature }
  const fields = fieldsOf(rec.props)
  const geometryPoint = rec.geometry === undefined ? undefined : pointOf(rec.geometry)
  if (geometryPoint && 'error' in geometryPoint) return { problems: [{ ...where, field: 'geometry', reason: geometryPoint.error }] }
  if (geometryPoint) Object.assign(fields, { x: geometryPoint.x, y: geometryPoint.y })
  const parsed = schema.safeParse(fields)
  if (!parsed.success) {
    return {
      problems: parsed.error.issues.map((i) => {
        const field = String(i.path[0] ?? '(row)')
        const raw = fields[field]
        return { ...where, field: SNAKE[field] ?? field, reason: i.message, ...(raw === undefined ? {} : { value: String(raw).slice(0, 80) }) }
      }),
    }
  }
  const r = parsed.data
  if (r.x === undefined && r.lon === undefined) return { problems: [{ ...where, field: 'x', reason: 'a position is required (x/y columns, lon/lat columns or a Point geometry)' }] }
  let crs = fileCrs
  let point
  try {
    if (r.crs) crs = { ...parseCrs(r.crs), latFirst: false }
    point = r.lon !== undefined ? convertPoint(r.lon, r.lat!, { ...crs, latFirst: false }) : convertPoint(r.x!, r.y!, crs)
  } catch (err) {
    if (!(err instanceof AppError)) throw err
    return { problems: [{ ...where, field: r.crs && err.type === 'unsupported_crs' ? 'crs' : r.lon !== undefined ? 'lon' : 'x', reason: err.detail }] }
  }
  const [x, y] = r.lon !== undefined ? [r.lon, r.lat!] : [r.x!, r.y!]
  const reportedAt = r.reportedAt.toISOString()
  return {
    problems: [],
    row: {
      line: rec.line, ref: r.ref ?? null, key: dedupKey(r, point, reportedAt), channel: r.channel, demand_type: r.demandType,
      class_code: r.classCode, description: r.description, address: r.address ?? null, priority: r.priority,
      lon: point.lon, lat: point.lat, h3: BigInt('0x' + latLngToCell(point.lat, point.lon, 12)).toString(),
      source_position: { x, y, crs: crs.id, conversion: point.conversion },
      reported_at: reportedAt, status: r.status, closed_at: r.closedAt?.toISOString() ?? null, satisfaction: r.satisfaction ?? null,
    },
  }
}

/**
 * The dedup key: the source system's reference when there is one (its number is its identity),
 * else a hash of what makes the report itself (time, class, position to ~1 cm, text).
 */
export function dedupKey(r: RecordFields, p: { lon: number; lat: number }, reportedAt: string): string {
  if (r.ref) return `ref:${r.ref}`
  const content = JSON.stringify([reportedAt, r.classCode, p.lon.toFixed(7), p.lat.toFixed(7), r.description, r.channel])
  return `sha256:${crypto.createHash('sha256').update(content).digest('hex')}`
}

function pointOf(geometry: unknown): { x: number; y: number } | { error: string } {
  const g = geometry as { type?: unknown; coordinates?: unknown } | null
  if (!g || g.type !== 'Point' || !Array.isArray(g.coordinates)) return { error: `must be a Point, got ${JSON.stringify(g?.type ?? null)}` }
  const c = g.coordinates as unknown[]
  if (c.length !== 2 || typeof c[0] !== 'number' || typeof c[1] !== 'number') {
    return { error: c.length > 2 ? '3D (Z/M) coordinates are not accepted' : 'a Point needs two numeric ordinates' }
  }
  return { x: c[0], y: c[1] }
}
