// Landing page and conformance declaration of /ogc/features.
import type { Context } from 'koa'
import type { AppContext } from '../../context.ts'
import { serviceUrl } from '../common/url.ts'

export const FEATURES_PATH = '/ogc/features'

export const conformance = [
  'http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core',
  'http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson',
  'http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30',
  'http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs',
]

export function handleLanding(ctx: Context, app: AppContext): void {
  const url = (p: string) => serviceUrl(ctx, app, `${FEATURES_PATH}${p}`)
  ctx.body = {
    title: 'gridgov OGC API - Features',
    description: '网格、行政区划、城市部件与标准地址 (CGCS2000). Items need credentials and are limited to the caller\'s jurisdiction.',
    links: [
      { rel: 'self', type: 'application/json', title: 'this document', href: url('') },
      { rel: 'service-desc', type: 'application/vnd.oai.openapi+json;version=3.0', title: 'the API definition', href: url('/api') },
      { rel: 'conformance', type: 'application/json', title: 'conformance classes', href: url('/conformance') },
      { rel: 'data', type: 'application/json', title: 'feature collections', href: url('/collections') },
    ],
  }
}

export function handleConformance(ctx: Context): void {
  ctx.body = { conformsTo: conformance }
}
