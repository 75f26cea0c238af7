// Feature rows of a catalogue layer as WFS / OGC API documents. The SQL pieces of a layer are
// built once from the catalogue (identifiers and static predicates only from there); a request
// adds bound predicates, an order, a page and an output CRS. PostgreSQL writes each feature as
// one text (GML, or GeoJSON by plain concatenation of to_json values and ST_AsGeoJSON) and Node
// joins the rows. Measured on the city bench (1,000 components, issue 17): building the page as
// json_build_object(…, ST_AsGeoJSON(…)::json) inside ARRAY(…) cost PostgreSQL ~40 ms (it parses
// every geometry back into json and aggregates one huge value) against ~4 ms for a text per row,
// and one giant value is slower to receive than a thousand small ones.
import type { Knex } from 'knex'
import type { AttributeType, LayerAttribute, LayerDef } from '../../../tiles/catalogue.ts'
import type { Jurisdiction } from '../../db/jurisdiction.ts'
import { gmlGeometrySql, geoJsonGeometrySql, type OutputCrs } from './gml.ts'
import { ident, joinSql, literal, sql, xmlEscapeSql, type Sql } from './sql.ts'
import { GRIDGOV_PREFIX } from './namespaces.ts'
import { cancellable, rawCancellable } from '../../db/cancel.ts'

/** The storage geometry column of every catalogue table. */
export const GEOMETRY_SQL = 't.geom'
/** Public name of the geometry property (GML element, filter ValueReference). */
export const GEOMETRY_NAME = 'geom'

export interface CompiledLayer {
  layer: LayerDef
  from: string
  /** Static predicate plus the jurisdiction placeholder (one text[] binding). */
  where: string
  key: string
  keyType: AttributeType
  attributes: Map<string, LayerAttribute>
}

const compiled = new WeakMap<LayerDef, CompiledLayer>()

/** The layer's SQL pieces, built on first use and kept for the life of the catalogue entry. */
export function compileLayer(layer: LayerDef): CompiledLayer {
  let c = compiled.get(layer)
  if (!c) {
    const keyAttr = layer.attributes.find((a) => a.name === layer.key)
    c = {
      layer,
      from: `${ident(layer.table)} AS t`,
      where: `(${layer.where}) AND t.${ident(layer.adminColumn)} LIKE ANY(?::text[])`,
      key: keyAttr?.sql ?? `t.${ident(layer.key)}`,
      keyType: keyAttr?.type ?? 'string',
      attributes: new Map(layer.attributes.map((a) => [a.name, a])),
    }
    compiled.set(layer, c)
  }
  return c
}

export interface SortKey { name: string; desc: boolean }

export interface FeatureQuery {
  source: CompiledLayer
  /** Extra predicates (filter, bbox, ids), ANDed. */
  predicates: Sql[]
  sortBy: SortKey[]
  /** Attribute names to output; null = all. */
  properties: string[] | null
  geometry: boolean
  /** The request's client-gone signal (server/db/cancel.ts): its queries stop when the client leaves. */
  signal?: AbortSignal
}

export const newQuery = (layer: LayerDef): FeatureQuery =>
  ({ source: compileLayer(layer), predicates: [], sortBy: [], properties: null, geometry: true })

/** FROM … WHERE …: the layer, its static predicate, the jurisdiction and the request predicates. */
function scope(q: FeatureQuery, jurisdiction: Jurisdiction): Sql {
  const s = q.source
  // An empty jurisdiction sees nothing: LIKE ANY of an empty array is false.
  const parts = [sql(`FROM ${s.from} WHERE ${s.where}`, jurisdiction.patterns), ...q.predicates.map((p) => sql(`(${p.text})`, ...p.values))]
  return joinSql(parts, ' AND ')
}

function orderBy(q: FeatureQuery): string {
  const key = q.source.key
  const keys: string[] = []
  for (const k of q.sortBy) {
    const expr = q.source.attributes.get(k.name)!.sql
    // the key itself (SORTBY=id): never null, so plain ASC/DESC, which its btree index serves
    // (NULLS FIRST on an ascending key made PostgreSQL sort the whole layer), and nothing after it
    if (expr === key) return [...keys, `${key} ${k.desc ? 'DESC' : 'ASC'}`].join(', ')
    keys.push(`${expr} ${k.desc ? 'DESC NULLS LAST' : 'ASC NULLS FIRST'}`)
  }
  // the key last: pages are disjoint and stable whatever the requested order
  return [...keys, key].join(', ')
}

const selected = (q: FeatureQuery) =>
  q.properties === null ? q.source.layer.attributes : q.properties.map((n) => q.source.attributes.get(n)!)

/** An attribute as text for XML / JSON-independent output (ISO 8601 for timestamps). */
export function attributeText(a: LayerAttribute): string {
  return a.type === 'datetime' ? `(to_json(${a.sql}) #>> '{}')` : `(${a.sql})::text`
}

/** The gml:id (and GeoJSON id in WFS) of a feature: `<layer>.<key>`. */
export const featureIdSql = (s: CompiledLayer) => `${literal(`${s.layer.id}.`)} || (${s.key})::text`

/** One feature element, `<gridgov:layer gml:id="…">…</gridgov:layer>`, as SQL text. */
export function gmlFeatureSql(q: FeatureQuery, out: OutputCrs, withGeometryIds: boolean): Sql {
  const s = q.source
  const tag = `${GRIDGOV_PREFIX}:${s.layer.id}`
  const props = selected(q).map((a) => {
    const name = `${GRIDGOV_PREFIX}:${a.name}`
    return `coalesce(${literal(`<${name}>`)} || ${xmlEscapeSql(attributeText(a))} || ${literal(`</${name}>`)}, '')`
  })
  const parts: Sql[] = [sql(`${literal(`<${tag} gml:id="`)} || ${xmlEscapeSql(featureIdSql(s))} || '">'`)]
  parts.push(...props.map((p) => sql(p)))
  if (q.geometry) {
    const g = gmlGeometrySql(GEOMETRY_SQL, out, withGeometryIds ? `${featureIdSql(s)} || '.geom'` : null, s.layer.geometryType === 'Point')
    const open = literal(`<${GRIDGOV_PREFIX}:${GEOMETRY_NAME}>`)
    const close = literal(`</${GRIDGOV_PREFIX}:${GEOMETRY_NAME}>`)
    parts.push({ text: `coalesce(${open} || ${g.text} || ${close}, '')`, values: g.values })
  }
  parts.push(sql(literal(`</${tag}>`)))
  return joinSql(parts, ' || ')
}

/** A value as JSON text ('null' for NULL): the same text json_build_object would write for it. */
const jsonText = (expr: string) => `coalesce(to_json(${expr})::text, 'null')`

/**
 * One GeoJSON Feature as SQL text; `idStyle` 'gml' = `<layer>.<key>` (WFS), 'key' = the key (OGC
 * API). Concatenated rather than json_build_object'ed: the geometry text is spliced as it is
 * instead of being parsed into json and printed again.
 */
export function geoJsonFeatureSql(q: FeatureQuery, out: OutputCrs, idStyle: 'gml' | 'key'): Sql {
  const s = q.source
  const id = idStyle === 'gml' ? featureIdSql(s) : s.key
  // JSON.stringify quotes the catalogue's attribute name as JSON wants it
  const props = selected(q).map((a, i) => `${literal(`${i ? ',' : ''}${JSON.stringify(a.name)}:`)} || ${jsonText(a.sql)}`)
  const geometry = q.geometry ? `coalesce(${geoJsonGeometrySql(GEOMETRY_SQL, out, 'text')}, 'null')` : "'null'"
  const parts = [`'{"type":"Feature","id":'`, jsonText(id), `',"geometry":'`, geometry, `',"properties":{'`, ...props, `'}}'`]
  return sql(parts.join(' || '))
}

/** A page of features as the UTF-8 bytes the response sends (never decoded into a JS string on the way). */
export interface Page { body: Buffer; returned: number }

/** Features per value the page query returns: one giant value is slow to receive, a thousand small ones slow to join. */
const CHUNK = 50

/** Joins byte parts with a separator (bytes too). */
export function joinBytes(parts: readonly Buffer[], separator: Buffer): Buffer {
  if (parts.length <= 1 || separator.length === 0) return parts.length === 1 ? parts[0]! : Buffer.concat(parts)
  const out: Buffer[] = []
  parts.forEach((p, i) => {
    if (i) out.push(separator)
    out.push(p)
  })
  return Buffer.concat(out)
}

/**
 * Renders one page: features ordered by the sort keys then the key, aggregated by PostgreSQL into
 * a value per CHUNK features (row_number over the ordered page keeps the order), joined by
 * `separator` in Node. The values come as bytea (convert_to … 'UTF8'): node-postgres decodes every
 * text value into a JS string, which the response then encodes back; 300 KB of components cost
 * ~9-12 ms of Node CPU that way and ~4-6 ms as bytes (hex on the wire, decoded natively).
 */
export async function renderPage(knex: Knex, q: FeatureQuery, jurisdiction: Jurisdiction, feature: Sql,
  separator: string, offset: number, limit: number): Promise<Page> {
  if (limit <= 0) return { body: Buffer.alloc(0), returned: 0 }
  const where = scope(q, jurisdiction)
  const text = `SELECT convert_to(string_agg(f, ? ORDER BY rn), 'UTF8') AS body, count(*)::int AS n FROM (` +
    `SELECT f, row_number() OVER () AS rn FROM (SELECT ${feature.text} AS f ${where.text} ORDER BY ${orderBy(q)} LIMIT ? OFFSET ?) p` +
    `) q GROUP BY (rn - 1) / ${CHUNK} ORDER BY min(rn)`
  const rows = await runArrays(knex, text, [separator, ...feature.values, ...where.values, limit, offset], q.signal)
  return { body: joinBytes(rows.map((r) => r[0] as Buffer), Buffer.from(separator, 'utf8')), returned: rows.reduce((n, r) => n + Number(r[1]), 0) }
}

/** How many features match (for numberMatched). */
export async function countMatched(knex: Knex, q: FeatureQuery, jurisdiction: Jurisdiction): Promise<number> {
  const where = scope(q, jurisdiction)
  const result = await run(knex, `SELECT count(*)::int AS n ${where.text}`, where.values, q.signal)
  return Number((result.rows[0] as { n: number }).n)
}

/**
 * numberMatched without a second query when the page says it: a page that is neither full nor
 * empty-past-the-start ends the result.
 */
export async function matchedFor(knex: Knex, q: FeatureQuery, jurisdiction: Jurisdiction, page: Page,
  offset: number, limit: number): Promise<number> {
  if (limit > 0 && page.returned < limit && (page.returned > 0 || offset === 0)) return offset + page.returned
  return countMatched(knex, q, jurisdiction)
}

/** Values of one expression per feature (GetPropertyValue), joined by `separator`. */
export async function renderValues(knex: Knex, q: FeatureQuery, jurisdiction: Jurisdiction, value: Sql,
  separator: string, offset: number, limit: number): Promise<{ body: string; returned: number }> {
  const where = scope(q, jurisdiction)
  const text = `SELECT coalesce(array_to_string(a, ?), '') AS body, coalesce(cardinality(a), 0) AS n FROM (SELECT ARRAY(` +
    `SELECT v FROM (SELECT ${value.text} AS v ${where.text} ORDER BY ${orderBy(q)} LIMIT ? OFFSET ?) p WHERE v IS NOT NULL) AS a) s`
  const result = await run(knex, text, [separator, ...value.values, ...where.values, limit, offset], q.signal)
  const row = result.rows[0] as { body: string; n: number }
  return { body: row.body, returned: Number(row.n) }
}

/** The WGS84 extent of a layer's rows (whole layer, for capabilities), or null when empty. */
export async function layerExtent(knex: Knex, layer: LayerDef): Promise<[number, number, number, number] | null> {
  const s = compileLayer(layer)
  // identifiers and the static predicate come from the catalogue; nothing here is from a request
  const text = `SELECT ST_XMin(e) AS x0, ST_YMin(e) AS y0, ST_XMax(e) AS x1, ST_YMax(e) AS y1 FROM (SELECT ST_Extent(${GEOMETRY_SQL})::geometry AS e FROM ${s.from} WHERE ${layer.where}) x`
  const result = await run(knex, text, [])
  const r = result.rows[0] as { x0: number | null; y0: number; x1: number; y1: number } | undefined
  return r && r.x0 !== null ? [Number(r.x0), Number(r.y0), Number(r.x1), Number(r.y1)] : null
}

interface Raw { rows: unknown[] }

// Statement timeouts (DB_STATEMENT_TIMEOUT_MS) bound every query these documents run; a request's
// signal also stops it when its client leaves.
async function run(knex: Knex, text: string, values: unknown[], signal?: AbortSignal): Promise<Raw> {
  return rawCancellable<Raw>(knex, signal, text, values)
}

/** Rows as arrays of column values (pg's rowMode 'array': no object per row). */
async function runArrays(knex: Knex, text: string, values: unknown[], signal?: AbortSignal): Promise<unknown[][]> {
  const result = await cancellable(knex, signal, (conn) => {
    const q = knex.raw(text, values as Knex.RawBinding[]).options({ rowMode: 'array' })
    return (conn ? q.connection(conn) : q) as unknown as PromiseLike<{ rows: unknown[][] }>
  })
  return result.rows
}

const EXTENT_TTL_MS = 5 * 60_000
const extents = new WeakMap<LayerDef, { at: number; value: Promise<[number, number, number, number] | null> }>()

/** layerExtent, remembered for five minutes (capabilities and collections ask for every layer). */
export function cachedExtent(knex: Knex, layer: LayerDef): Promise<[number, number, number, number] | null> {
  const hit = extents.get(layer)
  if (hit && Date.now() - hit.at < EXTENT_TTL_MS) return hit.value
  const value = layerExtent(knex, layer)
  extents.set(layer, { at: Date.now(), value })
  value.catch(() => extents.delete(layer))
  return value
}
