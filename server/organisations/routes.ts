// /api/v1/organisations: 社会组织. The register's REST shape (places/routesKit.ts). Layer `organisations`.
import Router from '@koa/router'
import type { AppContext } from '../context.ts'
import { registerPlacesMessages } from '../places/messages.ts'
import { mountRegister } from '../places/routesKit.ts'
import { listQuery } from '../places/schemas.ts'
import { organisationKind, organisationPatchSchema, organisationsLayer, organisationTable } from './spec.ts'

export function organisationRoutes(app: AppContext): Router {
  registerPlacesMessages()
  app.catalogue.register(organisationsLayer)
  const router = new Router({ prefix: '/api/v1/organisations' })
  mountRegister(router, app, { table: organisationTable, title: '社会组织', layer: organisationsLayer.id, listQuery: listQuery(organisationKind), patchSchema: organisationPatchSchema })
  return router
}
