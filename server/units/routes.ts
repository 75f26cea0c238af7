// /api/v1/units: 单位 (enterprises, shops, individual businesses, institutions), keyed by their
// 统一社会信用代码 with its check character verified. The register's REST shape (places/routesKit.ts)
// and inspection records (places/inspections.ts). Layer `units`.
import Router from '@koa/router'
import type { AppContext } from '../context.ts'
import { registerPlacesMessages } from '../places/messages.ts'
import { mountRegister } from '../places/routesKit.ts'
import { mountInspections } from '../places/inspections.ts'
import { listQuery } from '../places/schemas.ts'
import { unitKind, unitPatchSchema, unitsLayer, unitTable } from './spec.ts'

export function unitRoutes(app: AppContext): Router {
  registerPlacesMessages()
  app.catalogue.register(unitsLayer)
  const router = new Router({ prefix: '/api/v1/units' })
  mountRegister(router, app, { table: unitTable, title: '单位', layer: unitsLayer.id, listQuery: listQuery(unitKind), patchSchema: unitPatchSchema })
  mountInspections(router, app, unitTable, 'unit')
  return router
}
