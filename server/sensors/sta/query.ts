// The read side of SensorThings: query options ($filter, $select, $expand, $orderby, $top, $skip,
// $count) parsed per the standard, one SQL statement per collection (and one per expanded
// navigation property for the whole page, its $top applied per parent with row_number), rows
// written out with @iot.id, @iot.selfLink and the navigation links.
import type { Knex } from 'knex'
import type { Jurisdiction } from '../../db/jurisdiction.ts'
import { entitySets, scopeSql, type EntitySet } from './entities.ts'
import { compileFilter, filterError } from './filter.ts'

export const DEFAULT_TOP = 100
export const MAX_TOP = 1000

export interface Options {
  filter?: string
  select?: string[]
  expand: Expand[]
  orderby: { prop: string; desc: boolean }[]
  top: number
  skip: number
  count: boolean
}
export interface Expand { nav: string; options: Options }

const KNOWN = new Set(['$filter', '$select', '$expand', '$orderby', '$top', '$skip', '$count', '$resultFormat'])

/** Splits on a separator outside parentheses and quotes. */
function split(text: string, sep: string): string[] {
  const out: string[] = []
  let depth = 0
  let quoted = false
  let start = 0
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]
    if (ch === "'") quoted = !quoted
    else if (!quoted && ch === '(') depth++
    else if (!quoted && ch === ')') depth--
    else if (!quoted && depth === 0 && ch === sep) { out.push(text.slice(start, i)); start = i + 1 }
  }
  out.push(text.slice(start))
  return out.map((s) => s.trim()).filter((s) => s.length > 0)
}

const integer = (param: string, v: string, max: number) => {
  if (!/^\d{1,9}$/.test(v) || Number(v) > max) throw filterError(param, `must be a whole number from 0 to ${max}`)
  return Number(v)
}

/** Parses the options of a set (from the URL, or from inside an $expand's parentheses). */
export function parseOptions(raw: Record<string, string>, set: EntitySet, prefix = ''): Options {
  for (const k of Object.keys(raw)) if (k.startsWith('$') && !KNOWN.has(k)) throw filterError(prefix + k, 'unknown query option')
  const o: Options = { expand: [], orderby: [], top: DEFAULT_TOP, skip: 0, count: false }
  if (raw.$top !== undefined) o.top = integer(prefix + '$top', raw.$top, MAX_TOP)
  if (raw.$skip !== undefined) o.skip = integer(prefix + '$skip', raw.$skip, 100_000_000)
  if (raw.$count !== undefined) {
    if (raw.$count !== 'true' && raw.$count !== 'false') throw filterError(prefix + '$count', 'must be true or false')
    o.count = raw.$count === 'true'
  }
  if (raw.$filter !== undefined) { compileFilter(raw.$filter, set, prefix + '$filter'); o.filter = raw.$filter }
  if (raw.$select !== undefined) {
    o.select = split(raw.$select, ',')
    for (const s of o.select) if (!set.props[s] && !set.nav[s]) throw filterError(prefix + '$select', `${set.singular} has no property '${s}'`)
  }
  if (raw.$orderby !== undefined) {
    for (const part of split(raw.$orderby, ',')) {
      const [prop, dir, extra] = part.split(/\s+/)
      const p = set.props[prop!]
      if (!p || p.type === 'json' || p.type === 'geometry' || extra !== undefined || (dir !== undefined && dir !== 'asc' && dir !== 'desc')) {
        throw filterError(prefix + '$orderby', `cannot order by '${part}'`)
      }
      o.orderby.push({ prop: prop!, desc: dir === 'desc' })
    }
  }
  if (raw.$expand !== undefined) o.expand = parseExpand(raw.$expand, set, prefix)
  return o
}

function parseExpand(text: string, set: EntitySet, prefix: string): Expand[] {
  const out: Expand[] = []
  for (const item of split(text, ',')) {
    const open = item.indexOf('(')
    const path = (open < 0 ? item : item.slice(0, open)).trim()
    const inner = open < 0 ? '' : item.slice(open + 1, item.lastIndexOf(')'))
    if (open >= 0 && !item.endsWith(')')) throw filterError(prefix + '$expand', `unbalanced parentheses in '${item}'`)
    const [head, ...rest] = path.split('/')
    const nav = set.nav[head!]
    if (!nav) throw filterError(prefix + '$expand', `${set.singular} has no navigation property '${head}'`)
    const target = entitySets[nav.target]
    const innerRaw: Record<string, string> = {}
    for (const opt of split(inner, ';')) {
      const eq = opt.indexOf('=')
      if (eq < 1) throw filterError(prefix + '$expand', `bad option '${opt}'`)
      innerRaw[opt.slice(0, eq).trim()] = opt.slice(eq + 1)
    }
    // Datastreams/Observations: the tail is an expand of the head
    if (rest.length) innerRaw.$expand = [rest.join('/') + (open < 0 ? '' : `(${inner})`), innerRaw.$expand].filter(Boolean).join(',')
    const options = parseOptions(rest.length ? { $expand: innerRaw.$expand! } : innerRaw, target, `${prefix}$expand(${head})/`)
    const merged = out.find((e) => e.nav === head)
    if (merged) merged.options.expand.push(...options.expand)
    else out.push({ nav: head!, options })
  }
  return out
}

export interface ReadContext { db: Knex; jurisdiction: Jurisdiction; base: string }

type Row = Record<string, unknown>

/** Collection or entity rows of a set, restricted by `where` (SQL over c with its bindings). */
async function selectRows(rc: ReadContext, set: EntitySet, o: Options, where: { sql: string; bindings: unknown[] }[], page: { limit: number; offset: number } | null, parentTable?: string): Promise<Row[]> {
  const parentKey = parentTable ? 'p.id' : undefined
  const scope = scopeSql(set)
  const conds = [scope.sql, ...where.map((w) => w.sql)]
  const bindings: unknown[] = scope.needsPatterns ? [rc.jurisdiction.patterns] : []
  for (const w of where) bindings.push(...w.bindings)
  if (o.filter) {
    const f = compileFilter(o.filter, set)
    await checkGeometries(rc.db, f.geometries)
    conds.push(f.sql)
    bindings.push(...f.bindings)
  }
  const cols = Object.entries(set.props).map(([k, p]) => `${p.select} AS "${k}"`)
  const order = [...o.orderby.map((s) => `${set.props[s.prop]!.expr ?? set.props[s.prop]!.select} ${s.desc ? 'DESC' : 'ASC'} NULLS LAST`), 'c.id ASC']
  // an expand pages per parent: row_number over the parent key
  if (parentKey) {
    cols.push(`${parentKey} AS "__parent"`, `row_number() OVER (PARTITION BY ${parentKey} ORDER BY ${order.join(', ')}) AS "__n"`)
  }
  let sql = `SELECT ${cols.join(', ')} FROM ${set.table} c${parentTable ? `, ${parentTable} p` : ''} WHERE ${conds.join(' AND ')}`
  if (parentKey) {
    sql = `SELECT * FROM (${sql}) x WHERE "__n" > ? AND "__n" <= ?`
    bindings.push(o.skip, o.skip + o.top)
  } else {
    sql += ` ORDER BY ${order.join(', ')}`
    if (page) { sql += ' LIMIT ? OFFSET ?'; bindings.push(page.limit, page.offset) }
  }
  try {
    const { rows } = await rc.db.raw(sql, bindings as Knex.RawBinding[]) as { rows: Row[] }
    return rows
  } catch (err) {
    // a data exception (SQLSTATE class 22) comes from a value of the filter: the caller's input
    if (/^22/.test(String((err as { code?: unknown }).code ?? ''))) throw filterError('$filter', 'a value of the filter is out of range for its property')
    throw err
  }
}

async function checkGeometries(db: Knex, wkts: string[]): Promise<void> {
  for (const wkt of wkts) {
    const ok = await db.raw('SELECT ST_IsValid(ST_GeomFromText(?, 4490)) AS ok', [wkt]).then(() => true, () => false)
    if (!ok) throw filterError('$filter', `not a WKT geometry: ${wkt.slice(0, 80)}`)
  }
}

async function countRows(rc: ReadContext, set: EntitySet, o: Options, where: { sql: string; bindings: unknown[] }[]): Promise<number> {
  const scope = scopeSql(set)
  const conds = [scope.sql, ...where.map((w) => w.sql)]
  const bindings: unknown[] = scope.needsPatterns ? [rc.jurisdiction.patterns] : []
  for (const w of where) bindings.push(...w.bindings)
  if (o.filter) { const f = compileFilter(o.filter, set); conds.push(f.sql); bindings.push(...f.bindings) }
  // the table is the catalogue's, every value bound
  const sql = `SELECT count(*)::bigint AS n FROM ${set.table} c WHERE ${conds.join(' AND ')}`
  const { rows } = await rc.db.raw(sql, bindings as Knex.RawBinding[]) as { rows: { n: string }[] }
  return Number(rows[0]!.n)
}

/** Writes a row as the standard's JSON, then fills its expanded navigation properties for a whole page. */
async function render(rc: ReadContext, set: EntitySet, o: Options, rows: Row[]): Promise<Row[]> {
  const out = rows.map((r) => {
    const id = Number(r.id)
    const self = `${rc.base}/${set.name}(${id})`
    const e: Row = { '@iot.id': id, '@iot.selfLink': self }
    for (const k of Object.keys(set.props)) {
      if (k === 'id' || (o.select && !o.select.includes(k))) continue
      const v = r[k]
      e[k] = v instanceof Date ? v.toISOString() : v
    }
    for (const nav of Object.keys(set.nav)) if (!o.select || o.select.includes(nav)) e[`${nav}@iot.navigationLink`] = `${self}/${nav}`
    return e
  })
  for (const x of o.expand) {
    const nav = set.nav[x.nav]!
    const target = entitySets[nav.target]
    const ids = out.map((e) => e['@iot.id'] as number)
    if (!ids.length) continue
    // the parents of this page, joined by the navigation's predicate
    const children = await selectRowsOfParents(rc, set, target, nav.on, ids, x.options)
    const rendered = await render(rc, target, x.options, children)
    for (const e of out) {
      const mine = rendered.filter((_, i) => Number(children[i]!.__parent) === e['@iot.id'])
      e[x.nav] = nav.many ? mine : (mine[0] ?? null)
    }
  }
  return out
}

function selectRowsOfParents(rc: ReadContext, parent: EntitySet, target: EntitySet, on: string, ids: number[], o: Options): Promise<Row[]> {
  return selectRows(rc, target, o, [{ sql: `p.id = ANY (?::bigint[]) AND ${on}`, bindings: [ids] }], null, parent.table)
}

export interface Where { sql: string; bindings: unknown[] }

/** A collection (of a set, or of a navigation property when `where` ties it to a parent). */
export async function readCollection(rc: ReadContext, set: EntitySet, o: Options, where: Where[], selfUrl: (skip: number) => string): Promise<Row> {
  // one row more than asked tells whether a next page exists without a count
  const rows = await selectRows(rc, set, o, where, { limit: o.top + 1, offset: o.skip })
  const more = rows.length > o.top
  const value = await render(rc, set, o, rows.slice(0, o.top))
  const body: Row = {}
  if (o.count) body['@iot.count'] = await countRows(rc, set, o, where)
  if (more) body['@iot.nextLink'] = selfUrl(o.skip + o.top)
  body.value = value
  return body
}

/** One entity, or undefined when it does not exist or lies outside the caller's areas. */
export async function readEntity(rc: ReadContext, set: EntitySet, o: Options, where: Where[]): Promise<Row | undefined> {
  const rows = await selectRows(rc, set, { ...o, filter: undefined, orderby: [] } as Options, where, { limit: 1, offset: 0 })
  if (!rows.length) return undefined
  return (await render(rc, set, o, rows))[0]
}
