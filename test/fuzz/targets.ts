// What the fuzz aims at: every operation of the OpenAPI document, plus the families it does not
// describe (OGC services, Open311, tiles, the page). routerRoutes() lists what koa really serves,
// so a test can prove that no registered route escapes the fuzz.
import type Router from '@koa/router'
import { openApiDocument } from '../../server/openapi/document.ts'
import { routeFactories } from '../../server/routes.ts'
import type { AppContext } from '../../server/context.ts'

export type Kind = 'rest' | 'wms' | 'wmts' | 'wfs' | 'wfs-post' | 'features' | 'open311' | 'open311-post' | 'tiles' | 'static' | 'raw-upload'

export interface Param { name: string; in: 'query' | 'path' | 'header'; schema?: Schema }
export interface Schema { type?: string | string[]; enum?: unknown[]; properties?: Record<string, Schema>; required?: string[]; items?: Schema;
  oneOf?: Schema[]; anyOf?: Schema[]; $ref?: string; example?: unknown; default?: unknown; format?: string; minimum?: number; pattern?: string }

export interface Target {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'
  /** OpenAPI template, {name} for a path parameter */
  path: string
  kind: Kind
  params: Param[]
  body?: Schema
  /** where the target comes from: the OpenAPI document or the list below */
  source: 'openapi' | 'extra'
}

/** Operations the OpenAPI document does not describe (it covers /api/v1 only). */
const extras: [Target['method'], string, Kind][] = [
  ['GET', '/api/v1/openapi.json', 'rest'],
  ['GET', '/tiles/{layers}/{z}/{x}/{y}.mvt', 'tiles'],
  ['GET', '/tiles/{layers}.json', 'tiles'],
  ['GET', '/', 'static'],
  ['GET', '/index.html', 'static'],
  ['GET', '/assets/{asset}', 'static'],
  ['GET', '/public', 'static'],
  ['GET', '/public/', 'static'],
  ['GET', '/public/{route}', 'static'],
  ['GET', '/m', 'static'],
  ['GET', '/m/', 'static'],
  ['GET', '/m/{route}', 'static'],
  ['GET', '/m/sw.js', 'static'],
  ['GET', '/m/manifest.webmanifest', 'static'],
  ['GET', '/m/icon.svg', 'static'],
  ['GET', '/ogc/wms', 'wms'],
  ['GET', '/ogc/wmts', 'wmts'],
  ['GET', '/ogc/wmts/1.0.0/WMTSCapabilities.xml', 'static'],
  ['GET', '/ogc/wmts/1.0.0/{layers}/{wmtsStyle}/{wmtsSet}/{z}/{y}/{wmtsTile}', 'tiles'],
  ['GET', '/ogc/wfs', 'wfs'],
  ['POST', '/ogc/wfs', 'wfs-post'],
  ['GET', '/ogc/features', 'features'],
  ['GET', '/ogc/features/', 'features'],
  ['GET', '/ogc/features/conformance', 'features'],
  ['GET', '/ogc/features/api', 'features'],
  ['GET', '/ogc/features/collections', 'features'],
  ['GET', '/ogc/features/collections/{id}', 'features'],
  ['GET', '/ogc/features/collections/{id}/items', 'features'],
  ['GET', '/ogc/features/collections/{id}/items/{fid}', 'features'],
  ['GET', '/ogc/features/collections/{id}/queryables', 'features'],
  ['GET', '/open311/v2/discovery.{format}', 'open311'],
  ['GET', '/open311/v2/services.{format}', 'open311'],
  ['GET', '/open311/v2/services/{code}.{format}', 'open311'],
  ['POST', '/open311/v2/requests.{format}', 'open311-post'],
  ['GET', '/open311/v2/requests.{format}', 'open311'],
  ['GET', '/open311/v2/requests/{id}.{format}', 'open311'],
  ['GET', '/open311/v2/tokens/{token}.{format}', 'open311'],
  ['GET', '/tiles/raster/{name}/{z}/{x}/{y}.png', 'tiles'],
]

/** bodies that are not JSON: read raw by their route */
const rawUploads = new Set(['POST /api/v1/import', 'POST /api/v1/event-imports', 'POST /api/v1/events/{number}/attachments', 'POST /api/v1/public/reports',
  'PUT /api/v1/collection-tasks/{id}/returns/{instanceId}/media/{fileName}'])

const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const

export function fuzzTargets(): Target[] {
  const out: Target[] = []
  for (const [path, item] of Object.entries(openApiDocument.paths as Record<string, Record<string, unknown>>)) {
    for (const m of METHODS) {
      const op = item[m] as { parameters?: Param[]; requestBody?: { content?: Record<string, { schema?: Schema }> } } | undefined
      if (!op) continue
      const method = m.toUpperCase() as Target['method']
      const json = op.requestBody?.content?.['application/json']?.schema
      const pathParams = [...path.matchAll(/\{(\w+)\}/g)].map((x) => ({ name: x[1]!, in: 'path' as const }))
      const declared = (op.parameters ?? []).filter((p) => p && typeof p === 'object' && 'name' in p)
      out.push({
        method, path, kind: rawUploads.has(`${method} ${path}`) ? 'raw-upload' : 'rest', source: 'openapi',
        params: [...declared, ...pathParams.filter((p) => !declared.some((d) => d.name === p.name && d.in === 'path'))],
        ...(json ? { body: json } : {}),
      })
    }
  }
  for (const [method, path, kind] of extras) {
    out.push({ method, path, kind, source: 'extra', params: [...path.matchAll(/\{(\w+)\}/g)].map((x) => ({ name: x[1]!, in: 'path' as const })) })
  }
  return out
}

export interface RegisteredRoute { method: string; path: string }

/** Every method and path the koa routers of server/routes.ts register (HEAD goes with GET). */
export function routerRoutes(app: AppContext): RegisteredRoute[] {
  const out: RegisteredRoute[] = []
  for (const make of routeFactories) {
    const router: Router = make(app)
    for (const layer of router.stack) {
      for (const method of layer.methods) if (method !== 'HEAD') out.push({ method, path: String(layer.path) })
    }
  }
  return out
}

const template = (p: string) => p.replace(/\{\w+\}/g, '{}')
const regexOf = (t: string) => new RegExp(`^${template(t).split('{}').map((s) => s.replace(/[.*+?^$()|[\]\\]/g, '\\$&')).join('[^/]+')}$`)

/** The registered routes no fuzz target covers (by template, or a literal path a template matches). */
export function uncovered(routes: RegisteredRoute[], targets: Target[]): RegisteredRoute[] {
  return routes.filter((r) => {
    const t = template(r.path.replace(/:(\w+)/g, '{$1}'))
    return !targets.some((x) => x.method === r.method && (template(x.path) === t || regexOf(x.path).test(r.path)))
  })
}

/** A schema with $ref resolved against the OpenAPI components */
export function resolve(s: Schema | undefined): Schema | undefined {
  if (!s?.$ref) return s
  const name = s.$ref.split('/').pop()!
  return (openApiDocument.components.schemas as unknown as Record<string, Schema>)[name]
}
