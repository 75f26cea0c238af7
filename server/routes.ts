// The route table: one router per capability, in URL order. Each capability lives in its own
// folder (URL /api/v1/<capability> → server/<capability>/routes.ts, /ogc/* → server/ogc/*,
// /tiles → tiles/routes.ts).
import type Router from '@koa/router'
import type { AppContext } from './context.ts'
import { authRoutes } from './auth/routes.ts'
import { adminDivisionRoutes } from './admin-divisions/routes.ts'
import { openApiRoutes } from './openapi/routes.ts'

export const routeFactories: ((app: AppContext) => Router)[] = [
  authRoutes,
  adminDivisionRoutes,
  openApiRoutes,
]
