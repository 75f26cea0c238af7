// /health: liveness (the process answers) and readiness (the database answers, migrations applied).
import Router from '@koa/router'
import type { AppContext } from '../context.ts'
import { databaseReadiness, replicaReadiness } from './readiness.ts'

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
    // the read replica (DATABASE_READ_URL): reported with its lag; while it is away the service is
    // degraded (tiles, WFS and analytics answer 503) but still takes intake, so it stays 200
    let replica: Record<string, unknown> | undefined
    if (app.knexRead !== app.knex && database.ready) {
      try {
        replica = { ready: true, ...await replicaReadiness(app.knex, app.knexRead) }
      } catch (err) {
        ctx.state.log?.warn({ err }, 'health: read replica not ready')
        replica = { ready: false, error: 'read replica not reachable' }
      }
      database.replica = replica
    }
    ctx.status = database.ready ? 200 : 503
    ctx.set('Cache-Control', 'no-store')
    ctx.body = {
      status: !database.ready ? 'unavailable' : replica?.ready === false ? 'degraded' : 'ok',
      service: 'gridgov',
      uptimeSeconds: Math.round((Date.now() - app.startedAt.getTime()) / 1000),
      database,
    }
  })
  return router
}
