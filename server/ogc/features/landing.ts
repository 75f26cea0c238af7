// Landing page and conformance declaration of /ogc/features.
import type { Context } from 'koa'
import type { AppContext } from '../../context.ts'
import { serviceUrl } from '../common/url.ts'
import { representation } from './format.ts'
import { conformanceHtml, landingHtml } from './html.ts'

export const FEATURES_PATH = '/ogc/features'

export const conformance = [
  'http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core',
  'http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson',
  'http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/html',
  'http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30',
  'http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs',
  'http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/queryables',
  'http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/filter',
  'http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/features-filter',
  'http://www.opengis.net/spec/cql2/1.0/conf/basic-cql2',
  'http://www.opengis.net/spec/cql2/1.0/conf/cql2-text',
  'http://www.opengis.net/spec/cql2/1.0/conf/basic-spatial-functions',
  'http://www.opengis.net/spec/cql2/1.0/conf/basic-spatial-functions-plus',
]

export function handleLanding(ctx: Context, app: AppContext): void {
  const url = (p: string) => serviceUrl(ctx, app, `${FEATURES_PATH}${p}`)
  const doc = {
    title: 'gridgov OGC API - Features',
    description: '网格、行政区划、城市部件与标准地址 (CGCS2000). Items need credentials and are limited to the caller\'s jurisdiction.',
    links: [
      { rel: 'self', type: 'application/json', title: 'this document', href: url('') },
      { rel: 'alternate', type: 'text/html', title: 'this document', href: url('?f=html') },
      { rel: 'service-desc', type: 'application/vnd.oai.openapi+json;version=3.0', title: 'the API definition', href: url('/api') },
      { rel: 'conformance', type: 'application/json', title: 'conformance classes', href: url('/conformance') },
      { rel: 'data', type: 'application/json', title: 'feature collections', href: url('/collections') },
    ],
  }
  if (representation(ctx) === 'html') {
    ctx.type = 'text/html; charset=utf-8'
    ctx.body = landingHtml(ctx, app, doc)
    return
  }
  ctx.body = doc
}

export function handleConformance(ctx: Context, app: AppContext): void {
  if (representation(ctx) === 'html') {
    ctx.type = 'text/html; charset=utf-8'
    ctx.body = conformanceHtml(ctx, app, conformance)
    return
  }
  ctx.body = { conformsTo: conformance }
}
