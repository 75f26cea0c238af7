// /api/v1/forms: collection forms (专题数据采集表单) as ODK XForms. The map-data administrators
// upload them (a form is city-wide schema, and becomes a layer); every staff role reads them,
// inspectors to fill them in the mobile app, which renders the XForm itself (GET …/xml).
import Router from '@koa/router'
import type { AppContext } from '../context.ts'
import { principalOf, requireRole } from '../http/auth.ts'
import { badRequest, notFound } from '../http/errors.ts'
import { registerMessages } from '../http/messages/registry.ts'
import type { Role } from '../auth/roles.ts'
import { formMessagesZh } from './messagesZh.ts'
import { readXForm } from './xform.ts'
import { formView, getForm, insertForm, listForms } from './store.ts'
import { addFormLayers, FORM_LAYER_ROLES } from './layer.ts'

export const FORM_ADMIN_ROLES: Role[] = ['command_center', 'district_staff', 'gis_analyst']

const MAX_FORM_BYTES = 512 * 1024

export function formId(raw: string | undefined): number {
  if (!raw || !/^[1-9][0-9]{0,15}$/.test(raw)) throw notFound(`no form ${raw}`).coded('forms.not_found', { id: String(raw ?? '') })
  return Number(raw)
}

/** The uploaded XForm: an XML body, or JSON { xml }. */
function xformText(body: unknown): string {
  const xml = typeof body === 'string' ? body : body && typeof body === 'object' && typeof (body as { xml?: unknown }).xml === 'string' ? (body as { xml: string }).xml : undefined
  if (xml === undefined || !xml.trim()) throw badRequest('xform: send the XForm as an application/xml body (or JSON { "xml": "…" })', { field: 'xform' }).coded('forms.bad_xml', { field: 'xform' })
  if (Buffer.byteLength(xml) > MAX_FORM_BYTES) throw badRequest(`xform: larger than ${MAX_FORM_BYTES} bytes`, { field: 'xform' }).coded('forms.bad_xml', { field: 'xform' })
  return xml
}

export function formRoutes(app: AppContext): Router {
  registerMessages('zh', formMessagesZh)
  const router = new Router({ prefix: '/api/v1/forms' })
  const read = requireRole(...FORM_LAYER_ROLES)
  const { knex } = app
  const city = (ctx: Parameters<typeof principalOf>[0]) => principalOf(ctx).cityCode ?? ''

  router.get('/', read, async (ctx) => {
    ctx.body = { items: (await listForms(knex, city(ctx))).map(formView) }
  })

  router.get('/:id', read, async (ctx) => {
    const id = formId(ctx.params.id)
    const f = await getForm(knex, city(ctx), id)
    if (!f) throw notFound(`no form ${id}`).coded('forms.not_found', { id: String(id) })
    ctx.body = formView(f)
  })

  router.get('/:id/xml', read, async (ctx) => {
    const id = formId(ctx.params.id)
    const f = await getForm(knex, city(ctx), id, true)
    if (!f) throw notFound(`no form ${id}`).coded('forms.not_found', { id: String(id) })
    ctx.type = 'application/xml'
    ctx.body = f.xml
  })

  router.post('/', requireRole(...FORM_ADMIN_ROLES), async (ctx) => {
    const p = principalOf(ctx)
    const xml = xformText(ctx.request.body)
    const def = readXForm(xml)
    const id = await insertForm(knex, p.cityCode ?? '', xml, def, p.userId)
    await addFormLayers(knex, app.catalogue)
    const f = (await getForm(knex, p.cityCode ?? '', Number(id)))!
    ctx.status = 201
    ctx.set('Location', `/api/v1/forms/${id}`)
    ctx.body = formView(f)
  })

  return router
}
