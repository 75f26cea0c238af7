// /api/v1/enforcement: 综合执法 (Heilongjiang 6.3.2) — teams, officers and their conflicts (回避),
// tasks, 双随机 spot checks (drawn reproducibly; GET …/verify re-runs a draw), results,
// rectification, supervision (督办) of overdue rectifications and the teams' performance (绩效).
// Reads: ENFORCEMENT_READ_ROLES; writes: ENFORCEMENT_WRITE_ROLES; jurisdiction on both (404
// reading outside, 403 placing a row outside). Officers' personal fields via privacy/rule.ts.
import Router from '@koa/router'
import type { Context } from 'koa'
import { z } from 'zod'
import type { AppContext } from '../context.ts'
import { AppError } from '../http/errors.ts'
import { principalOf, requireRole } from '../http/auth.ts'
import { registerMessages } from '../http/messages/registry.ts'
import { bodyOf, idReader, query, unmask } from '../registers/routeKit.ts'
import { ENFORCEMENT_READ_ROLES, ENFORCEMENT_WRITE_ROLES, officerAccess } from './access.ts'
import { enforcementMessagesZh } from './messagesZh.ts'
import * as s from './schemas.ts'
import { addConflict, createOfficer, createTeam, listOfficers, listTeams, officerRow, patchOfficer, patchTeam, readOfficer, readTeam } from './teams.ts'
import { createTask, listTasks, patchTask, readTask } from './tasks.ts'
import { createSpotCheck, listSpotChecks, publishSpotCheck, readSpotCheck, verifySpotCheck } from './spotChecks.ts'
import { defineEnforcementRegisters } from './register.ts'
import { answerSupervision, chinaDate, createResult, listResults, markRectified, overdue, performance, readResult, supervise } from './results.ts'

const idOf = idReader(s.idParam)

export function enforcementRoutes(app: AppContext): Router {
  registerMessages('zh', enforcementMessagesZh)
  defineEnforcementRegisters()
  const router = new Router({ prefix: '/api/v1/enforcement' })
  const { knex } = app
  const read = requireRole(...ENFORCEMENT_READ_ROLES)
  const write = requireRole(...ENFORCEMENT_WRITE_ROLES)
  const created = (ctx: Context, path: string, body: { id: number }) => {
    ctx.status = 201
    ctx.set('Location', `/api/v1/enforcement/${path}/${body.id}`)
    ctx.body = body
  }
  const list = (ctx: Context) => query(ctx, s.listQuery)

  router.get('/teams', read, async (ctx) => { ctx.body = await listTeams(knex, principalOf(ctx), list(ctx)) })
  router.post('/teams', write, async (ctx) => created(ctx, 'teams', await createTeam(knex, principalOf(ctx), bodyOf(ctx, s.teamCreateSchema, 'team'))))
  router.get('/teams/:id', read, async (ctx) => { ctx.body = await readTeam(knex, principalOf(ctx), idOf(ctx)) })
  router.patch('/teams/:id', write, async (ctx) => { ctx.body = await patchTeam(knex, principalOf(ctx), idOf(ctx), bodyOf(ctx, s.teamPatchSchema, 'team')) })

  router.get('/officers', read, async (ctx) => { ctx.body = await listOfficers(knex, principalOf(ctx), list(ctx)) })
  router.post('/officers', write, async (ctx) => created(ctx, 'officers', await createOfficer(knex, principalOf(ctx), bodyOf(ctx, s.officerCreateSchema, 'officer'))))
  router.get('/officers/:id', read, async (ctx) => { ctx.body = await readOfficer(knex, principalOf(ctx), idOf(ctx)) })
  router.patch('/officers/:id', write, async (ctx) => { ctx.body = await patchOfficer(knex, principalOf(ctx), idOf(ctx), bodyOf(ctx, s.officerPatchSchema, 'officer')) })
  router.post('/officers/:id/conflicts', write, async (ctx) => { ctx.body = await addConflict(knex, principalOf(ctx), idOf(ctx), bodyOf(ctx, s.conflictSchema, 'conflict')) })
  router.post('/officers/:id/unmask', read, async (ctx) => {
    const id = idOf(ctx)
    const { reason } = bodyOf(ctx, s.unmaskSchema, 'unmask')
    await unmask(ctx, knex, {
      type: 'enforcement-officers',
      read: (_ctx, p, officerId) => officerRow(knex, p, officerId),
      masked: (_ctx, p, o) => officerAccess(p, o) === 'masked',
      forbidden: (p, officerId) => new AppError(403, 'forbidden', `role ${p.role} may not unmask personal fields of officer ${officerId}`).coded('enforcement.unmask_forbidden', { role: p.role, id: officerId }),
      reveal: (o) => ({ fields: ['name', 'certificateNo', ...(o.phone ? ['phone'] : [])], values: { name: o.name, certificateNo: o.certificate_no, phone: o.phone } }),
    }, id, reason)
  })

  router.get('/tasks', read, async (ctx) => { ctx.body = await listTasks(knex, principalOf(ctx), list(ctx)) })
  router.post('/tasks', write, async (ctx) => created(ctx, 'tasks', await createTask(knex, principalOf(ctx), bodyOf(ctx, s.taskCreateSchema, 'task'))))
  router.get('/tasks/:id', read, async (ctx) => { ctx.body = await readTask(knex, principalOf(ctx), idOf(ctx)) })
  router.patch('/tasks/:id', write, async (ctx) => { ctx.body = await patchTask(knex, principalOf(ctx), idOf(ctx), bodyOf(ctx, s.taskPatchSchema, 'task')) })

  router.get('/spot-checks', read, async (ctx) => { ctx.body = await listSpotChecks(knex, principalOf(ctx), list(ctx)) })
  router.post('/spot-checks', write, async (ctx) => {
    const p = principalOf(ctx)
    const id = await createSpotCheck(knex, p, bodyOf(ctx, s.spotCheckCreateSchema, 'spot check'))
    created(ctx, 'spot-checks', await readSpotCheck(knex, p, id))
  })
  router.get('/spot-checks/:id', read, async (ctx) => { ctx.body = await readSpotCheck(knex, principalOf(ctx), idOf(ctx)) })
  router.get('/spot-checks/:id/verify', read, async (ctx) => { ctx.body = await verifySpotCheck(knex, principalOf(ctx), idOf(ctx)) })
  router.post('/spot-checks/:id/publish', write, async (ctx) => { ctx.body = await publishSpotCheck(knex, principalOf(ctx), idOf(ctx)) })

  router.get('/results', read, async (ctx) => {
    ctx.body = await listResults(knex, principalOf(ctx), query(ctx, s.resultListQuery))
  })
  router.post('/results', write, async (ctx) => {
    const p = principalOf(ctx)
    const id = await createResult(knex, p, bodyOf(ctx, s.resultCreateSchema, 'result'))
    created(ctx, 'results', await readResult(knex, p, id))
  })
  router.get('/results/:id', read, async (ctx) => { ctx.body = await readResult(knex, principalOf(ctx), idOf(ctx)) })
  router.post('/results/:id/rectified', write, async (ctx) => { ctx.body = await markRectified(knex, principalOf(ctx), idOf(ctx), bodyOf(ctx, s.rectifiedSchema, 'rectification')) })
  router.post('/results/:id/supervisions', write, async (ctx) => {
    ctx.body = await supervise(knex, principalOf(ctx), idOf(ctx), bodyOf(ctx, s.supervisionSchema, 'supervision'))
    ctx.status = 201
  })
  router.post('/results/:id/supervisions/:noteId/answer', write, async (ctx) => {
    ctx.body = await answerSupervision(knex, principalOf(ctx), idOf(ctx), idOf(ctx, 'noteId'), bodyOf(ctx, s.supervisionAnswerSchema, 'answer'))
  })

  router.get('/overdue', read, async (ctx) => {
    const q = query(ctx, z.object({ on: s.resultListQuery.shape.on, community: s.listQuery.shape.community }).strict())
    ctx.body = await overdue(knex, principalOf(ctx), q.on ?? chinaDate(), q.community ?? null)
  })
  router.get('/performance', read, async (ctx) => {
    ctx.body = await performance(knex, principalOf(ctx), query(ctx, s.performanceQuery))
  })
  return router
}
