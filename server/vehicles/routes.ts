// /api/v1/vehicles: 实有车辆 (issue 14, item 4). The register's REST shape:
//   GET    /               ?community=&grid=&q=&kind=&use=&limit=&cursor=  → { items, next }
//   GET    /{id}
//   POST   /               the register's row (vehicleRowSchema) → 201
//   PATCH  /{id}           any fields + version (409 registers.version_conflict when stale); verified: true stamps 核实
//   POST   /{id}/unmask    {reason}: the owner's name, phone and ID number in full, audited first
// Reads: PLACE_READ_ROLES; writes: REGISTER_WRITE_ROLES; jurisdiction by the community of the
// owner's registration (404 outside; a write placing a vehicle outside answers 403).
import Router from '@koa/router'
import type { AppContext } from '../context.ts'
import { AppError } from '../http/errors.ts'
import { registerMessages } from '../http/messages/registry.ts'
import { defineRegister } from '../registers/registry.ts'
import { mountRest } from '../registers/restKit.ts'
import { vehicleMessagesZh } from './messagesZh.ts'
import { vehicleRegister } from './register.ts'
import { listQuery, vehiclePatchSchema, vehicleRowSchema } from './schemas.ts'
import { createVehicle, listVehicles, readVehicle, updateVehicle } from './store.ts'
import { accessOf, ownerInFull, vehicleItem } from './view.ts'

export function vehicleRoutes(app: AppContext): Router {
  registerMessages('zh', vehicleMessagesZh)
  defineRegister(vehicleRegister)
  const router = new Router({ prefix: '/api/v1/vehicles' })
  mountRest(router, app.knex, {
    path: '/api/v1/vehicles', what: 'vehicle', listQuery, rowSchema: vehicleRowSchema, patchSchema: vehiclePatchSchema,
    list: listVehicles, read: readVehicle, create: createVehicle, update: updateVehicle, access: accessOf, item: vehicleItem,
    unmask: {
      type: 'vehicles',
      forbidden: (p, id) => new AppError(403, 'forbidden', `role ${p.role} may not unmask the owner of vehicle ${id}`).coded('vehicles.unmask_forbidden', { role: p.role, id }),
      reveal: (row) => ({ values: ownerInFull(row) }),
    },
  })
  return router
}
