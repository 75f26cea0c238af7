// /api/v1/patrol-tasks: patrol templates (巡查任务模板), the tasks generated from them with their
// visits, per member-day summaries and per grid-day coverage; /api/v1/attendance: sign-in and
// sign-out (考勤). Staff of an area (command centre, district, street, community) edit templates
// of areas in their jurisdiction; they and GIS analysts read tasks, summaries and attendance
// there; a grid inspector reads only their own and is the only one who signs in.
// Literal paths (templates, summary, coverage) are registered before /patrol-tasks/:id.
import Router from '@koa/router'
import type { AppContext } from '../context.ts'
import type { Role } from '../auth/roles.ts'
import { principalOf, requireRole } from '../http/auth.ts'
import { validate } from '../http/validate.ts'
import { localDate } from '../events/calendar.ts'
import * as s from './schemas.ts'
import { createTemplate, deleteTemplate, getTemplate, listTemplates, updateTemplate } from './templates.ts'
import { getTask, listTasks } from './tasks.ts'
import { memberSummary, visibleMember } from './metrics.ts'
import { gridCoverage } from './coverage.ts'
import { listAttendance, recordAttendance } from './attendance.ts'
import { registerMessages } from '../http/messages/registry.ts'
import { patrolMessagesZh } from './messagesZh.ts'

export const PATROL_EDITORS: Role[] = ['command_center', 'district_staff', 'street_staff', 'community_staff']
export const READERS: Role[] = [...PATROL_EDITORS, 'gis_analyst', 'grid_inspector']

const editor = requireRole(...PATROL_EDITORS)
const reader = requireRole(...READERS)
const today = () => localDate(new Date())

export function patrolRoutes(app: AppContext): Router {
  registerMessages('zh', patrolMessagesZh)
  const router = new Router({ prefix: '/api/v1' })
  const { knex } = app

  router.get('/patrol-tasks/templates', reader, async (ctx) => {
    const q = validate(s.templateListQuery, ctx.query, 'query')
    ctx.body = { items: await listTemplates(knex, principalOf(ctx), q) }
  })

  router.post('/patrol-tasks/templates', editor, async (ctx) => {
    const body = validate(s.templateBody, ctx.request.body, 'patrol template')
    const t = await createTemplate(knex, principalOf(ctx), body)
    ctx.status = 201
    ctx.set('Location', `/api/v1/patrol-tasks/templates/${t.id}`)
    ctx.body = t
  })

  router.get('/patrol-tasks/templates/:id', reader, async (ctx) => {
    ctx.body = await getTemplate(knex, principalOf(ctx), validate(s.idParam, ctx.params.id, 'template id'))
  })

  router.patch('/patrol-tasks/templates/:id', editor, async (ctx) => {
    const id = validate(s.idParam, ctx.params.id, 'template id')
    ctx.body = await updateTemplate(knex, principalOf(ctx), id, validate(s.templatePatch, ctx.request.body, 'template change'))
  })

  router.delete('/patrol-tasks/templates/:id', editor, async (ctx) => {
    await deleteTemplate(knex, principalOf(ctx), validate(s.idParam, ctx.params.id, 'template id'))
    ctx.status = 204
  })

  router.get('/patrol-tasks/summary', reader, async (ctx) => {
    const q = validate(s.summaryQuery, ctx.query, 'query')
    const member = await visibleMember(knex, principalOf(ctx), q.memberId)
    ctx.body = await memberSummary(knex, member, q.date ?? today())
  })

  router.get('/patrol-tasks/coverage', requireRole(...PATROL_EDITORS, 'gis_analyst'), async (ctx) => {
    const q = validate(s.coverageQuery, ctx.query, 'query')
    ctx.body = await gridCoverage(knex, principalOf(ctx), q.grid, q.date ?? today(), q.memberId)
  })

  router.get('/patrol-tasks', reader, async (ctx) => {
    const q = validate(s.taskListQuery, ctx.query, 'query')
    ctx.body = { items: await listTasks(knex, principalOf(ctx), { ...q, date: q.date ?? today() }) }
  })

  router.get('/patrol-tasks/:id', reader, async (ctx) => {
    ctx.body = await getTask(knex, principalOf(ctx), validate(s.idParam, ctx.params.id, 'task id'))
  })

  router.post('/attendance', requireRole('grid_inspector'), async (ctx) => {
    const body = validate(s.attendanceBody, ctx.request.body, 'attendance')
    ctx.status = 201
    ctx.body = await recordAttendance(knex, principalOf(ctx), body)
  })

  router.get('/attendance', reader, async (ctx) => {
    const q = validate(s.attendanceQuery, ctx.query, 'query')
    ctx.body = { items: await listAttendance(knex, principalOf(ctx), { ...q, date: q.date ?? today() }) }
  })

  return router
}
