// /ogc/features: OGC API - Features Part 1 (core, GeoJSON, OpenAPI 3.0) and Part 2 (CRS by reference).
import Router from '@koa/router'
import type { AppContext } from '../../context.ts'
import { handleCollection, handleCollections } from './collections.ts'
import { handleItem, handleItems } from './items.ts'
import { FEATURES_PATH, handleConformance, handleLanding } from './landing.ts'
import { handleApi } from './openapi.ts'

export function featuresRoutes(app: AppContext): Router {
  const router = new Router()
  const p = (path: string) => `${FEATURES_PATH}${path}`
  router.get(FEATURES_PATH, (ctx) => handleLanding(ctx, app))
  router.get(p('/'), (ctx) => handleLanding(ctx, app))
  router.get(p('/conformance'), (ctx) => handleConformance(ctx))
  router.get(p('/api'), (ctx) => handleApi(ctx, app))
  router.get(p('/collections'), (ctx) => handleCollections(ctx, app))
  router.get(p('/collections/:id'), (ctx) => handleCollection(ctx, app, ctx.params.id!))
  router.get(p('/collections/:id/items'), (ctx) => handleItems(ctx, app, ctx.params.id!))
  router.get(p('/collections/:id/items/:fid'), (ctx) => handleItem(ctx, app, ctx.params.id!, ctx.params.fid!))
  return router
}
