// The koa application: middleware order and the route table, one router per capability.
// A newcomer finds where a request goes by its URL: /api/v1/<capability> → server/<capability>/.
import Koa from 'koa'
import { bodyParser } from '@koa/bodyparser'
import type { AppContext } from './context.ts'
import { errorMiddleware } from './http/errors.ts'
import { requestLogging } from './http/logging.ts'
import { authenticate } from './http/auth.ts'
import { refuseNul } from './http/input.ts'
import { securityHeaders } from './http/securityHeaders.ts'
import { healthRoutes } from './health/routes.ts'
import { auditRequests } from './audit/middleware.ts'
import { routeFactories } from './routes.ts'
import { frontCacheOf } from './http/frontCache.ts'

export function createApp(app: AppContext): Koa {
  const koa = new Koa({ proxy: app.config.trustProxy })
  koa.silent = true // errors are logged by errorMiddleware, with the request id
  koa.use(requestLogging(app.logger))
  koa.use(securityHeaders(app.config)) // on every answer, errors too: outside errorMiddleware
  // repeated map answers (images, tiles) straight from their caches: server/http/frontCache.ts
  koa.use(frontCacheOf(app).middleware())
  koa.use(errorMiddleware())
  // /health stays cheap: no body parsing, no authentication.
  koa.use(healthRoutes(app).routes())
  // the access audit: one row per change, sign-in/out and full personal read (server/audit/)
  koa.use(auditRequests(app.knex, app.logger))
  koa.use(bodyParser({
    enableTypes: ['json', 'form', 'text', 'xml'],
    jsonLimit: app.config.bodyLimitBytes, formLimit: app.config.bodyLimitBytes,
    textLimit: app.config.bodyLimitBytes, xmlLimit: app.config.bodyLimitBytes,
    encoding: 'utf-8',
  }))
  // a NUL in any text value is a 400 naming where it was, before anything reads the request
  koa.use(refuseNul())
  koa.use(authenticate(app.knex, app.tokens, app.config.loginThrottle, app.config))
  for (const router of routeFactories.map((make) => make(app))) {
    koa.use(router.routes())
    koa.use(router.allowedMethods({ throw: true }))
  }
  return koa
}
