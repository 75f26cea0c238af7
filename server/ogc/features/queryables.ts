// /collections/{id}/queryables (OGC API Features Part 3): the JSON Schema of the properties a
// filter may name, generated from the catalogue entry, so the CQL2 parser and this document
// accept exactly the same names.
import type { Context } from 'koa'
import type { AppContext } from '../../context.ts'
import type { LayerDef } from '../../../tiles/catalogue.ts'
import { GEOMETRY_NAME } from '../common/featureSource.ts'
import { serviceUrl } from '../common/url.ts'
import { layerOf } from './collections.ts'
import { representation } from './format.ts'
import { FEATURES_PATH } from './landing.ts'
import { queryablesHtml } from './html.ts'

/** JSON Schema type (and format) of each catalogue attribute type. */
const schemaOf: Record<string, Record<string, string>> = {
  string: { type: 'string' }, integer: { type: 'integer' }, number: { type: 'number' }, boolean: { type: 'boolean' },
  datetime: { type: 'string', format: 'date-time' }, date: { type: 'string', format: 'date' },
}

const geometryFormat: Record<LayerDef['geometryType'], string> = {
  Point: 'geometry-point', MultiLineString: 'geometry-multilinestring', MultiPolygon: 'geometry-multipolygon',
}

/** The names a filter on this layer may use: its attributes and its geometry. */
export function queryableNames(layer: LayerDef): Set<string> {
  return new Set([...layer.attributes.map((a) => a.name), GEOMETRY_NAME])
}

export function queryablesSchema(ctx: Context, app: AppContext, layer: LayerDef): Record<string, unknown> {
  const properties: Record<string, unknown> = {}
  for (const a of layer.attributes) properties[a.name] = { title: a.title, ...(schemaOf[a.type] ?? { type: 'string' }) }
  properties[GEOMETRY_NAME] = { title: '几何', format: geometryFormat[layer.geometryType], 'x-ogc-role': 'primary-geometry' }
  return {
    $schema: 'https://json-schema.org/draft/2019-09/schema',
    $id: serviceUrl(ctx, app, `${FEATURES_PATH}/collections/${layer.id}/queryables`),
    type: 'object', title: layer.title, properties, additionalProperties: false,
  }
}

export function handleQueryables(ctx: Context, app: AppContext, id: string): void {
  const layer = layerOf(ctx, app, id)
  const schema = queryablesSchema(ctx, app, layer)
  if (representation(ctx) === 'html') {
    ctx.type = 'text/html; charset=utf-8'
    ctx.body = queryablesHtml(ctx, app, layer, schema)
    return
  }
  ctx.type = 'application/schema+json'
  ctx.body = schema
}
