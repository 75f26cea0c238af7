// /api/v1/collection-tasks: collection tasks (专题数据采集/普查). Staff send a form to the
// inspectors of chosen grids with a deadline (they are told in their inbox); inspectors send
// returns — the ODK instance XML a form engine submits, or JSON answers by question name —
// checked against the form (server/forms/values.ts), kept once per instanceID (a replay
// answers the stored return), reviewed by staff, and drawn once accepted on the form's layer.
// A task outside the caller's area answers 404, as events do.
import Router from '@koa/router'
import type { Context } from 'koa'
import type { AppContext } from '../context.ts'
import { principalOf, requireRole } from '../http/auth.ts'
import { AppError, badRequest, notFound } from '../http/errors.ts'
import { validate } from '../http/validate.ts'
import { registerMessages } from '../http/messages/registry.ts'
import type { Role } from '../auth/roles.ts'
import { sqlFile } from '../db/sql.ts'
import { deliver } from '../inbox/deliver.ts'
import { formMessagesZh } from '../forms/messagesZh.ts'
import { formId } from '../forms/routes.ts'
import { getForm } from '../forms/store.ts'
import { answersFromXml, checkReturn } from '../forms/values.ts'
import { mediaMessagesZh, mountMediaRoutes } from './media.ts'
import { jsonReturnBody, listQuery, oneReturn, returnByInstance, returnView, reviewBody, taskBody, taskReturns, taskView, visibleTasks } from './store.ts'

export const TASK_STAFF_ROLES: Role[] = ['command_center', 'district_staff', 'street_staff', 'community_staff']
const READ_ROLES: Role[] = [...TASK_STAFF_ROLES, 'grid_inspector', 'gis_analyst']
const SUBMIT_ROLES: Role[] = ['grid_inspector', 'community_staff', 'street_staff']

const conflict = (detail: string, code: string, params: Record<string, string>) => new AppError(409, 'conflict', detail).coded(code, params)

/** Today in Asia/Shanghai (UTC+8 all year), for constraints that compare with today(). */
const today = () => new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10)

/** Canonical JSON (keys sorted): jsonb reorders keys, a replay must still compare equal. */
const canonical = (v: unknown): string => v !== null && typeof v === 'object' && !Array.isArray(v)
  ? `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`).join(',')}}`
  : JSON.stringify(v)

export function collectionTaskRoutes(app: AppContext): Router {
  registerMessages('zh', formMessagesZh)
  registerMessages('zh', mediaMessagesZh)
  const router = new Router({ prefix: '/api/v1/collection-tasks' })
  const { knex } = app

  const taskParam = (raw: string | undefined) => {
    if (!raw || !/^[1-9][0-9]{0,15}$/.test(raw)) throw notFound(`no collection task ${raw}`).coded('collection.not_found', { id: String(raw ?? '') })
    return Number(raw)
  }
  const visibleTask = async (ctx: Context, raw: string | undefined) => {
    const id = taskParam(raw)
    const [t] = await visibleTasks(knex, principalOf(ctx), { id })
    if (!t) throw notFound(`no collection task ${id} in your area`).coded('collection.not_found', { id: String(id) })
    return t
  }

  router.get('/', requireRole(...READ_ROLES), async (ctx) => {
    const q = validate(listQuery, ctx.query, 'query')
    ctx.body = { items: (await visibleTasks(knex, principalOf(ctx), { open: q.open === 'true' })).map(taskView) }
  })

  router.get('/:id', requireRole(...READ_ROLES), async (ctx) => {
    ctx.body = taskView(await visibleTask(ctx, ctx.params.id))
  })

  router.post('/', requireRole(...TASK_STAFF_ROLES), async (ctx) => {
    const p = principalOf(ctx)
    const body = validate(taskBody, ctx.request.body, 'collection task')
    const form = await getForm(knex, p.cityCode ?? '', formId(String(body.formId)))
    if (!form) throw badRequest(`formId: no form ${body.formId}`, { field: 'formId' }).coded('forms.not_found', { id: String(body.formId), field: 'formId' })
    if (Date.parse(body.deadline) <= Date.now()) throw badRequest('deadline: must be in the future', { field: 'deadline' }).coded('collection.deadline_past', { field: 'deadline' })
    const codes = [...new Set(body.gridCodes)]
    const { rows: grids } = await knex.raw(sqlFile('collection/task_grids'), { codes, city: p.cityCode ?? '', patterns: p.jurisdiction.patterns }) as { rows: { code: string; community_code: string }[] }
    const missing = codes.find((c) => !grids.some((g) => g.code === c))
    if (missing) throw badRequest(`gridCodes: no current grid ${missing} in your area`, { field: 'gridCodes' }).coded('collection.unknown_grid', { field: 'gridCodes', code: missing })
    const id = await knex.transaction(async (trx) => {
      const [row] = await trx('collection_task').insert({
        city_code: p.cityCode, form_id: body.formId, title: body.title, grid_codes: codes,
        community_codes: [...new Set(grids.map((g) => g.community_code))], deadline: body.deadline, created_by: p.userId,
      }).returning('id') as { id: string }[]
      const { rows: users } = await trx.raw(sqlFile('collection/grid_inspectors'), { codes }) as { rows: { user_id: string }[] }
      await deliver(trx, {
        kind: 'todo', title: `采集任务：${body.title}`, body: `请在 ${new Date(body.deadline).toLocaleString('zh-CN', { timeZone: 'Asia/Shanghai' })} 前完成表单「${form.definition.title}」的采集`,
        link: `#/collection-tasks/${row!.id}`, data: { collectionTask: Number(row!.id), formId: body.formId },
      }, { userIds: users.map((u) => u.user_id) })
      return Number(row!.id)
    })
    ctx.status = 201
    ctx.set('Location', `/api/v1/collection-tasks/${id}`)
    ctx.body = taskView((await visibleTasks(knex, p, { id }))[0]!)
  })

  router.get('/:id/returns', requireRole(...READ_ROLES), async (ctx) => {
    const t = await visibleTask(ctx, ctx.params.id)
    ctx.body = { items: (await taskReturns(knex, principalOf(ctx), Number(t.id))).map(returnView) }
  })

  router.post('/:id/returns', requireRole(...SUBMIT_ROLES), async (ctx) => {
    const p = principalOf(ctx)
    const t = await visibleTask(ctx, ctx.params.id)
    const taskId = Number(t.id)
    const form = (await getForm(knex, p.cityCode ?? '', Number(t.form_id)))!.definition
    const body = ctx.request.body
    const given = typeof body === 'string' ? answersFromXml(form, body) : (() => { const b = validate(jsonReturnBody, body, 'return'); return { instanceId: b.instanceId, raw: b.values } })()
    const checked = checkReturn(form, given.instanceId, given.raw, today())
    const geometry = JSON.stringify(checked.geometry)
    const { rows: [place] } = await knex.raw(sqlFile('collection/locate_return'), { geometry, codes: t.grid_codes }) as { rows: { grid_code: string; community_code: string }[] }
    if (!place) throw badRequest(`${form.geometry.name}: the place lies outside the task's grids`, { field: form.geometry.name }).coded('collection.outside_grids', { field: form.geometry.name })
    const data = JSON.stringify(checked.values)
    const [status, id] = await knex.transaction(async (trx): Promise<[number, number]> => {
      const before = await returnByInstance(trx, taskId, checked.instanceId)
      if (before?.status === 'returned') {
        // a return sent back for correction comes again under its instanceID
        await trx('collection_return').where({ id: before.id }).update({
          data, geom: trx.raw('ST_SetSRID(ST_GeomFromGeoJSON(?), 4490)', [geometry]), grid_code: place.grid_code, community_code: place.community_code,
          status: 'submitted', reason: null, reviewed_by: null, reviewed_at: null, submitted_at: trx.fn.now(),
        })
        return [200, Number(before.id)]
      }
      if (before) {
        if (canonical(before.data) !== canonical(checked.values)) {
          throw conflict(`instance ${checked.instanceId} was submitted already with other answers`, 'collection.instance_conflict', { field: checked.instanceId })
        }
        return [200, Number(before.id)]
      }
      if (t.deadline.getTime() <= Date.now()) throw conflict(`the task's deadline (${t.deadline.toISOString()}) has passed`, 'collection.deadline_passed', { field: 'deadline' })
      const { rows } = await trx.raw(sqlFile('collection/insert_return'), {
        city: p.cityCode ?? '', task: taskId, form: Number(t.form_id), instance: checked.instanceId, data, geometry,
        grid: place.grid_code, community: place.community_code, user: p.userId,
      }) as { rows: { id: string }[] }
      if (rows[0]) return [201, Number(rows[0].id)]
      // the same instance arrived at the same moment and won: this is its replay
      return [200, Number((await returnByInstance(trx, taskId, checked.instanceId))!.id)]
    })
    ctx.status = status
    ctx.set('Location', `/api/v1/collection-tasks/${taskId}/returns/${id}`)
    ctx.body = returnView((await oneReturn(knex, taskId, id))!)
  })

  router.post('/:id/returns/:returnId/review', requireRole(...TASK_STAFF_ROLES), async (ctx) => {
    const p = principalOf(ctx)
    const t = await visibleTask(ctx, ctx.params.id)
    const taskId = Number(t.id)
    const rid = /^[1-9][0-9]{0,15}$/.test(ctx.params.returnId ?? '') ? Number(ctx.params.returnId) : 0
    const body = validate(reviewBody, ctx.request.body, 'review')
    if (body.decision === 'return' && !body.reason) throw badRequest('reason: a return sent back needs a reason', { field: 'reason' }).coded('collection.reason_required', { field: 'reason' })
    await knex.transaction(async (trx) => {
      const r = rid ? await oneReturn(trx, taskId, rid, true) : undefined
      if (!r || !p.jurisdiction.covers(r.community_code)) throw notFound(`no return ${rid} of task ${taskId} in your area`).coded('collection.return_not_found', { id: String(rid) })
      if (r.status !== 'submitted') throw conflict(`return ${rid} is ${r.status} already`, 'collection.not_submitted', { status: r.status })
      await trx('collection_return').where({ id: rid }).update({
        status: body.decision === 'accept' ? 'accepted' : 'returned', reason: body.decision === 'return' ? body.reason : null,
        reviewed_by: p.userId, reviewed_at: trx.fn.now(),
      })
      if (body.decision === 'return' && r.submitted_by) {
        await deliver(trx, {
          kind: 'todo', title: `采集表单被退回：${t.title}`, body: `退回原因：${body.reason}`,
          link: `#/collection-tasks/${taskId}`, data: { collectionTask: taskId, returnId: rid, instanceId: r.instance_id },
        }, { userIds: [r.submitted_by] })
      }
    })
    ctx.body = returnView((await oneReturn(knex, taskId, rid))!)
  })

  mountMediaRoutes(router, app, { read: READ_ROLES, submit: SUBMIT_ROLES }, visibleTask)

  return router
}
