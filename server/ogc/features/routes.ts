// /ogc/features: OGC API - Features Part 1 (core, GeoJSON, HTML, OpenAPI 3.0), Part 2 (CRS by
// reference) and Part 3 (queryables, filter in CQL2 text).
import Router from '@koa/router'
import type { AppContext } from '../../context.ts'
import { handleCollection, handleCollections } from './collections.ts'
import { handleItem, handleItems } from './items.ts'
import { FEATURES_PATH, handleConformance, handleLanding } from './landing.ts'
import { handleApi } from './openapi.ts'
import { handleQueryables } from './queryables.ts'
import { registerMessages } from '../../http/messages/registry.ts'
import { featuresMessagesZh } from './messagesZh.ts'

export function featuresRoutes(app: AppContext): Router {
  registerMessages('zh', featuresMessagesZh)
  const router = new Router()
  const p = (path: string) => `${FEATURES_PATH}${path}`
  router.get(FEATURES_PATH, (ctx) => handleLanding(ctx, app))
  router.get(p('/'), (ctx) => handleLanding(ctx, app))
  router.get(p('/conformance'), (ctx) => handleConformance(ctx, app))
  router.get(p('/api'), (ctx) => handleApi(ctx, app))
  router.get(p('/collections'), (ctx) => handleCollections(ctx, app))
  router.get(p('/collections/:id'), (ctx) => handleCollection(ctx, app, ctx.params.id!))
  router.get(p('/collections/:id/queryables'), (ctx) => handleQueryables(ctx, app, ctx.params.id!))
  router.get(p('/collections/:id/items'), (ctx) => handleItems(ctx, app, ctx.params.id!))
  router.get(p('/collections/:id/items/:fid'), (ctx) => handleItem(ctx, app, ctx.params.id!, ctx.params.fid!))
  return router
}
