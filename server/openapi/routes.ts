// /api/v1/openapi.json: the REST API description.
import Router from '@koa/router'
import { openApiDocument } from './document.ts'

export function openApiRoutes(): Router {
  const router = new Router()
  router.get('/api/v1/openapi.json', (ctx) => {
    ctx.type = 'application/vnd.oai.openapi+json;version=3.1'
    ctx.body = openApiDocument
  })
  return router
}
