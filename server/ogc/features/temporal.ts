// The temporal property of a collection and the `datetime` parameter of OGC API Features Part 1
// (/req/core/fc-time-definition, /req/core/fc-time-response). Which attribute is "the" time of a
// feature is a decision per layer (the catalogue says what a column is, not which one is its
// time), so it is declared here by layer id, naming catalogue attributes only:
//   events, events_all  created_at   the instant the event was reported (上报时间)
//   inspectors          fixed_at     the instant of the last position fix (定位时间)
//   base and industry grids  [valid_from, ∞)  the layers hold grids in force (valid_to IS NULL),
//                        so a grid matches every time from its valid_from on
// Other layers have no temporal geometry: per /req/core/fc-time-response C their features all
// match any datetime (the value is still checked, so a malformed one is a 400 everywhere).
import type { Knex } from 'knex'
import type { LayerAttribute, LayerDef } from '../../../tiles/catalogue.ts'
import { compileLayer } from '../common/featureSource.ts'
import { sql, type Sql } from '../common/sql.ts'
import { parseClientInstant } from '../../http/dates.ts'
import { AppError } from '../../http/errors.ts'

export interface Temporal {
  /** the attribute holding the instant, or the start of the feature's validity */
  start: LayerAttribute
  /** 'instant': the feature is at `start`; 'from': it lasts from `start` on (open end) */
  kind: 'instant' | 'from'
}

const declared: Record<string, { attribute: string; kind: Temporal['kind'] }> = {
  events: { attribute: 'created_at', kind: 'instant' },
  events_all: { attribute: 'created_at', kind: 'instant' },
  inspectors: { attribute: 'fixed_at', kind: 'instant' },
  base_grids: { attribute: 'valid_from', kind: 'from' },
}

/** The layer's temporal property, or null when its features have no time. */
export function temporalOf(layer: LayerDef): Temporal | null {
  // industry grids (`<type>_grids`) share the grid attributes and their validity
  const d = declared[layer.id] ?? (layer.id.endsWith('_grids') && layer.table === 'grid' ? declared.base_grids : undefined)
  const start = d && layer.attributes.find((a) => a.name === d.attribute && a.type === 'datetime')
  return d && start ? { start, kind: d.kind } : null
}

/** A closed interval; a missing end is open ('..' or empty). `hiExclusive` for a bare day's end. */
export interface Interval { lo: Date | null; hi: Date | null; hiExclusive: boolean }

const DAY_MS = 86_400_000

const badDatetime = (value: string) =>
  new AppError(400, 'invalid_parameter',
    `datetime "${value.slice(0, 60)}" is not an RFC 3339 date-time (e.g. 2026-01-01T08:00:00Z), a date, or an interval start/end with '..' for an open end`,
    {}, { code: 'InvalidParameterValue', locator: 'datetime' }).coded('features.bad_datetime', { value: value.slice(0, 60) })

/** One end of an interval: a date-time with its zone, or a whole day (Asia/Shanghai). */
function bound(text: string, value: string): { at: Date; day: boolean } {
  const day = /^\d{4}-\d{2}-\d{2}$/.test(text)
  const at = parseClientInstant(text, { zoneless: 'refuse', day: true })
  if (!at) throw badDatetime(value)
  return { at, day }
}

/** Parses datetime: an instant, `a/b`, `../b`, `a/..` (`a/` and `/b` too); malformed → 400. */
export function parseDatetime(value: string): Interval {
  const parts = value.split('/')
  if (value.length > 100 || parts.length > 2 || !value.trim()) throw badDatetime(value)
  if (parts.length === 1) {
    const b = bound(parts[0]!, value)
    // a day is the whole day; a date-time is that instant
    return b.day ? { lo: b.at, hi: new Date(b.at.getTime() + DAY_MS), hiExclusive: true } : { lo: b.at, hi: b.at, hiExclusive: false }
  }
  const open = (s: string) => s === '..' || s === ''
  const [a, b] = parts as [string, string]
  if (open(a) && open(b)) throw badDatetime(value)
  const lo = open(a) ? null : bound(a, value).at
  const end = open(b) ? null : bound(b, value)
  const hi = end ? (end.day ? new Date(end.at.getTime() + DAY_MS) : end.at) : null
  if (lo && hi && lo.getTime() > hi.getTime()) throw badDatetime(value)
  return { lo, hi, hiExclusive: !!end?.day }
}

/** The predicate selecting the features whose time intersects the interval. */
export function datetimePredicate(t: Temporal, i: Interval): Sql {
  const x = t.start.sql
  const parts: Sql[] = []
  // an open-ended validity [start, ∞) intersects [lo, hi] whenever it starts by hi
  if (i.lo && t.kind === 'instant') parts.push(sql(`${x} >= ?::timestamptz`, i.lo.toISOString()))
  if (i.hi) parts.push(sql(`${x} ${i.hiExclusive ? '<' : '<='} ?::timestamptz`, i.hi.toISOString()))
  if (!parts.length) return sql(`${x} IS NOT NULL`)
  return { text: parts.map((p) => p.text).join(' AND '), values: parts.flatMap((p) => p.values) }
}

const TTL_MS = 5 * 60_000
const extents = new WeakMap<LayerDef, { at: number; value: Promise<[string | null, string | null] | null> }>()

/** extent.temporal.interval of the collection (remembered for five minutes), null without time. */
export function temporalExtent(knex: Knex, layer: LayerDef): Promise<[string | null, string | null] | null> {
  const t = temporalOf(layer)
  if (!t) return Promise.resolve(null)
  const hit = extents.get(layer)
  if (hit && Date.now() - hit.at < TTL_MS) return hit.value
  const s = compileLayer(layer)
  // catalogue SQL only: the layer's table, its static predicate and the declared attribute
  const text = `SELECT min(${t.start.sql}) AS lo, max(${t.start.sql}) AS hi FROM ${s.from} WHERE ${layer.where}`
  const value = knex.raw(text)
    .then((r: { rows: { lo: Date | null; hi: Date | null }[] }) => {
      const row = r.rows[0]
      if (!row?.lo) return null
      return [new Date(row.lo).toISOString(), t.kind === 'from' ? null : new Date(row.hi!).toISOString()] as [string | null, string | null]
    })
  extents.set(layer, { at: Date.now(), value })
  value.catch(() => extents.delete(layer))
  return value
}
