// /api/v1/places: 重点场所 (schools and their surroundings, markets, hazardous sites, logistics …).
// The register's REST shape (routesKit.ts), inspections (inspections.ts), the surroundings of a
// school (surroundings.ts) and the overdue rectifications of places and units. Layer `places`.
import Router from '@koa/router'
import type { AppContext } from '../context.ts'
import { registerPlacesMessages } from './messages.ts'
import { mountRegister } from './routesKit.ts'
import { mountInspections, mountOverdue } from './inspections.ts'
import { mountSurroundings } from './surroundings.ts'
import { listQuery } from './schemas.ts'
import { placeKind, placePatchSchema, placesLayer, placeTable } from './spec.ts'

export function placeRoutes(app: AppContext): Router {
  registerPlacesMessages()
  app.catalogue.register(placesLayer)
  const router = new Router({ prefix: '/api/v1/places' })
  mountOverdue(router, app) // before /{id}: 'rectifications' is not an id
  mountRegister(router, app, { table: placeTable, title: '重点场所', layer: placesLayer.id, listQuery: listQuery(placeKind), patchSchema: placePatchSchema })
  mountSurroundings(router, app)
  mountInspections(router, app, placeTable, 'place')
  return router
}
