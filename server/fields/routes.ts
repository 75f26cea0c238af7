// /api/v1/fields/{layer}: user-defined attribute fields (自定义属性) of grids and components.
// Staff read the definitions (forms and map popups need them); the map-data administrators who
// may import communities (command centre, district staff, GIS analysts) define them: a field is
// city-wide schema, not one community's data. A change reaches this instance's map services
// before the answer, and other instances through the map change channel.
import Router from '@koa/router'
import type { AppContext } from '../context.ts'
import { requireRole } from '../http/auth.ts'
import { validate } from '../http/validate.ts'
import { notFound } from '../http/errors.ts'
import { registerMessages } from '../http/messages/registry.ts'
import type { Role } from '../auth/roles.ts'
import { createSchema, fieldView, getField, layerParam, listFields, nameParam, patchSchema } from './definitions.ts'
import { createField, deleteField, updateField } from './store.ts'
import { builtInAttributes, refreshCatalogues } from './catalogue.ts'
import { fieldMessagesZh } from './messagesZh.ts'

export const FIELD_ADMIN_ROLES: Role[] = ['command_center', 'district_staff', 'gis_analyst']
export const FIELD_READ_ROLES: Role[] = [...FIELD_ADMIN_ROLES, 'street_staff', 'community_staff', 'department', 'grid_inspector', 'external_system']

export function fieldRoutes(app: AppContext): Router {
  registerMessages('zh', fieldMessagesZh)
  const router = new Router({ prefix: '/api/v1/fields' })
  const read = requireRole(...FIELD_READ_ROLES)
  const admin = requireRole(...FIELD_ADMIN_ROLES)
  const { knex } = app

  router.get('/:layer', read, async (ctx) => {
    const layer = validate(layerParam, ctx.params.layer, 'layer')
    ctx.body = { layer, items: (await listFields(knex, layer)).map(fieldView) }
  })

  router.get('/:layer/:name', read, async (ctx) => {
    const layer = validate(layerParam, ctx.params.layer, 'layer')
    const name = validate(nameParam, ctx.params.name, 'field name')
    const f = await getField(knex, layer, name)
    if (!f) throw notFound(`no field ${name} on ${layer}`).coded('fields.not_found', { field: name })
    ctx.body = fieldView(f)
  })

  router.post('/:layer', admin, async (ctx) => {
    const layer = validate(layerParam, ctx.params.layer, 'layer')
    const body = validate(createSchema, ctx.request.body, 'field definition')
    const def = await knex.transaction((trx) => createField(trx, layer, body, builtInAttributes(app.catalogue, layer)))
    await refreshCatalogues()
    ctx.status = 201
    ctx.set('Location', `/api/v1/fields/${layer}/${def.name}`)
    ctx.body = fieldView(def)
  })

  router.patch('/:layer/:name', admin, async (ctx) => {
    const layer = validate(layerParam, ctx.params.layer, 'layer')
    const name = validate(nameParam, ctx.params.name, 'field name')
    const body = validate(patchSchema, ctx.request.body, 'field definition')
    const def = await knex.transaction((trx) => updateField(trx, layer, name, body))
    await refreshCatalogues()
    ctx.body = fieldView(def)
  })

  router.delete('/:layer/:name', admin, async (ctx) => {
    const layer = validate(layerParam, ctx.params.layer, 'layer')
    const name = validate(nameParam, ctx.params.name, 'field name')
    await knex.transaction((trx) => deleteField(trx, layer, name))
    await refreshCatalogues()
    ctx.status = 204
  })

  return router
}
