// /ogc/wfs: WFS 2.0.0 and 1.1.0, KVP over GET and POST (form), XML over POST. One handler
// module per operation; every error becomes an ows:ExceptionReport (server/http/errors.ts).
import Router from '@koa/router'
import type { Context } from 'koa'
import type { AppContext } from '../../context.ts'
import { describeFeatureType } from './describeFeatureType.ts'
import { getCapabilities } from './getCapabilities.ts'
import { getFeature } from './getFeature.ts'
import { getPropertyValue } from './getPropertyValue.ts'
import { readRequest, type Operation, type WfsRequest } from './request.ts'
import { describeStoredQueries, listStoredQueries } from './storedQueries.ts'
import { transaction } from './transaction.ts'
import { registerTransactionWriters } from './transactionSetup.ts'

type Handler = (ctx: Context, app: AppContext, req: WfsRequest) => void | Promise<void>

const handlers: Record<Operation, Handler> = {
  GetCapabilities: getCapabilities,
  DescribeFeatureType: describeFeatureType,
  GetFeature: getFeature,
  GetPropertyValue: getPropertyValue,
  ListStoredQueries: (ctx, app) => listStoredQueries(ctx, app),
  DescribeStoredQueries: describeStoredQueries,
  Transaction: transaction,
}

export function wfsRoutes(app: AppContext): Router {
  const router = new Router()
  registerTransactionWriters()
  const handle = async (ctx: Context) => {
    const req = readRequest(ctx)
    await handlers[req.operation](ctx, app, req)
    ctx.set('Cache-Control', 'no-store')
  }
  router.get('/ogc/wfs', handle)
  router.post('/ogc/wfs', handle)
  return router
}
