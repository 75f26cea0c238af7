// /ogc/features/api: the OpenAPI 3.0 definition of this OGC API, generated from the catalogue
// (collection ids and CRS URIs as enums), so it cannot drift from what the routes accept.
import type { Context } from 'koa'
import type { AppContext } from '../../context.ts'
import { serviceUrl } from '../common/url.ts'
import { crsUris, CRS84 } from './crs.ts'
import { FEATURES_PATH } from './landing.ts'
import { FILTER_LANGS, LIMIT_DEFAULT, LIMIT_MAX } from './itemsQuery.ts'
import { layersOf } from '../common/access.ts'

const json = (description: string, type = 'application/json') => ({ description, content: { [type]: { schema: { type: 'object' } } } })
const exception = { description: 'OWS ExceptionReport', content: { 'text/xml': { schema: { type: 'string' } } } }

export function handleApi(ctx: Context, app: AppContext): void {
  const collectionId = { name: 'collectionId', in: 'path', required: true, schema: { type: 'string', enum: layersOf(ctx, app.catalogue).layers.map((l) => l.id) } }
  const crs = { name: 'crs', in: 'query', schema: { type: 'string', format: 'uri', enum: crsUris, default: CRS84 } }
  const f = { name: 'f', in: 'query', schema: { type: 'string', enum: ['json', 'html'] } }
  ctx.type = 'application/vnd.oai.openapi+json;version=3.0'
  ctx.body = {
    openapi: '3.0.3',
    info: { title: 'gridgov OGC API - Features', version: '1.0.0' },
    servers: [{ url: serviceUrl(ctx, app, FEATURES_PATH) }],
    components: { securitySchemes: { basic: { type: 'http', scheme: 'basic' }, bearer: { type: 'http', scheme: 'bearer' } } },
    paths: {
      '/': { get: { summary: 'Landing page', responses: { 200: json('links') } } },
      '/conformance': { get: { summary: 'Conformance classes', responses: { 200: json('conformsTo') } } },
      '/api': { get: { summary: 'This document', responses: { 200: json('OpenAPI 3.0', 'application/vnd.oai.openapi+json;version=3.0') } } },
      '/collections': { get: { summary: 'Feature collections', responses: { 200: json('collections') } } },
      '/collections/{collectionId}': { get: { summary: 'One collection', parameters: [collectionId], responses: { 200: json('collection'), 404: exception } } },
      '/collections/{collectionId}/queryables': {
        get: { summary: 'Properties a filter may name (JSON Schema)', parameters: [collectionId, f], responses: { 200: json('JSON Schema', 'application/schema+json'), 404: exception } },
      },
      '/collections/{collectionId}/items': {
        get: {
          summary: 'Features in the caller\'s jurisdiction', security: [{ basic: [] }, { bearer: [] }],
          parameters: [collectionId, crs,
            { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: LIMIT_MAX, default: LIMIT_DEFAULT } },
            { name: 'offset', in: 'query', schema: { type: 'integer', minimum: 0, default: 0 } },
            { name: 'bbox', in: 'query', style: 'form', explode: false, schema: { type: 'array', minItems: 4, maxItems: 4, items: { type: 'number' } } },
            { name: 'bbox-crs', in: 'query', schema: { type: 'string', format: 'uri', enum: crsUris, default: CRS84 } },
            { name: 'datetime', in: 'query', description: 'RFC 3339 instant or interval (a/b, ../b, a/..)', schema: { type: 'string' } },
            { name: 'filter', in: 'query', description: 'CQL2 text over the queryables', schema: { type: 'string' } },
            { name: 'filter-lang', in: 'query', schema: { type: 'string', enum: FILTER_LANGS, default: 'cql2-text' } },
            { name: 'filter-crs', in: 'query', schema: { type: 'string', format: 'uri', enum: crsUris, default: CRS84 } }, f],
          responses: { 200: json('GeoJSON FeatureCollection', 'application/geo+json'), 400: exception, 401: exception },
        },
      },
      '/collections/{collectionId}/items/{featureId}': {
        get: {
          summary: 'One feature', security: [{ basic: [] }, { bearer: [] }],
          parameters: [collectionId, { name: 'featureId', in: 'path', required: true, schema: { type: 'string' } }, crs, f],
          responses: { 200: json('GeoJSON Feature', 'application/geo+json'), 404: exception },
        },
      },
    },
  }
}
