// /health: liveness (the process answers) and readiness (the database answers, migrations applied).
import Router from '@koa/router'
import type { AppContext } from '../context.ts'
import { databaseReadiness } from './readiness.ts'

export function healthRoutes(app: AppContext): Router {
  const router = new Router()
  router.get('/health', async (ctx) => {
    const started = process.hrtime.bigint()
    let database: Record<string, unknown>
    try {
      const readiness = await databaseReadiness(app.knex)
      database = { ready: true, mode: app.dbMode, ...readiness, latencyMs: Number(process.hrtime.bigint() - started) / 1e6 }
    } catch (err) {
      ctx.state.log?.warn({ err }, 'health: database not ready')
      database = { ready: false, mode: app.dbMode, error: 'database not reachable' }
    }
    ctx.status = database.ready ? 200 : 503
    ctx.set('Cache-Control', 'no-store')
    ctx.body = {
      status: database.ready ? 'ok' : 'unavailable',
      service: 'gridgov',
      uptimeSeconds: Math.round((Date.now() - app.startedAt.getTime()) / 1000),
      database,
    }
  })
  return router
}
