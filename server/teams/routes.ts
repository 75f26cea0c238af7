// /api/v1/teams: 队伍信息 and 群防群治 (Heilongjiang 6.1.3.1 队伍信息管理, 6.3.4 全域共治).
//   GET  /                 teams (?community=&grid=&q=&kind=&specialty=&limit=&cursor=) → {items, next}
//   GET  /tree             the 综治 organisation chart, nested by parent
//   GET  /stats            per team and per area: services, ratings, ledger hours
//   GET  /services         every service inside the jurisdiction (?status=)
//   POST /                 a team (201); PATCH /{id} with version (409 when stale)
//   GET  /{id}             with its members and grids; POST /{id}/unmask {reason}
//   POST /{id}/members, PATCH /{id}/members/{memberId}, PUT /{id}/grids {gridCodes}
//   POST /{id}/services    dispatch a demand; GET /{id}/services; POST /{id}/services/{sid}/accept|done|rate|cancel
//   GET|POST /{id}/activities   the team's ledger (台账)
// Reads: PLACE_READ_ROLES (departments and analysts see personal fields masked); writes:
// REGISTER_WRITE_ROLES; dispatching, rating and cancelling a service: the dispatching roles.
import Router from '@koa/router'
import type { Context } from 'koa'
import type { AppContext } from '../context.ts'
import type { Principal } from '../auth/users.ts'
import { AppError } from '../http/errors.ts'
import { principalOf, requireRole } from '../http/auth.ts'
import { registerMessages } from '../http/messages/registry.ts'
import { PEOPLE_ROLES, PLACE_READ_ROLES, REGISTER_WRITE_ROLES } from '../registers/access.ts'
import { bodyOf, idReader, query, unmask } from '../registers/routeKit.ts'
import { DISPATCH_ROLES } from '../events/dispatchOptions.ts'
import { accessOf, getRow, listRows, rowView } from './rows.ts'
import * as s from './schemas.ts'
import { addMember, createTeam, patchMember, patchTeam, setGrids, TEAM_SPEC, teamDetail, teamPersonal, teamTree } from './store.ts'
import { acceptService, cancelService, dispatchService, finishService, listServices, rateService, readService, serviceView } from './services.ts'
import { addActivity, listActivities } from './activities.ts'
import { teamStats } from './stats.ts'
import { defineTeamRegister, teamsLayer } from './register.ts'
import { teamsMessagesZh } from './messagesZh.ts'

const idOf = idReader(s.idParam)

export function teamRoutes(app: AppContext): Router {
  registerMessages('zh', teamsMessagesZh)
  defineTeamRegister()
  app.catalogue.register(teamsLayer)
  const router = new Router({ prefix: '/api/v1/teams' })
  const { knex } = app
  const readers = requireRole(...PLACE_READ_ROLES)
  const writers = requireRole(...REGISTER_WRITE_ROLES)
  const staff = requireRole(...PEOPLE_ROLES)
  const dispatchers = requireRole(...DISPATCH_ROLES)

  const detail = async (ctx: Context, id: number) => teamDetail(knex, principalOf(ctx), id, await accessOf(ctx, knex, principalOf(ctx)))
  const serviceOut = async (ctx: Context, teamId: number, sid: number) => {
    const p = principalOf(ctx)
    await getRow(knex, p, TEAM_SPEC, teamId)
    const row = await readService(knex, p, teamId, sid)
    // free text is shown as the demand's place (area, grid) lets this caller see it
    return serviceView(row, (await accessOf(ctx, knex, p))(row))
  }

  router.get('/', readers, async (ctx) => {
    const q = query(ctx, s.teamListQuery)
    const p = principalOf(ctx)
    const page = await listRows(knex, p, TEAM_SPEC, q, (qb) => {
      if (q.kind) qb.where('t.kind', q.kind)
      if (q.specialty) qb.whereRaw('? = ANY (t.specialties)', [q.specialty])
    })
    const access = await accessOf(ctx, knex, p)
    ctx.body = { items: page.rows.map((r) => rowView(TEAM_SPEC, r, access(r))), next: page.next }
  })

  router.get('/tree', readers, async (ctx) => {
    const q = query(ctx, s.treeQuery)
    ctx.body = { items: await teamTree(knex, principalOf(ctx), q.community) }
  })

  router.get('/stats', readers, async (ctx) => {
    ctx.body = await teamStats(knex, principalOf(ctx), query(ctx, s.statsQuery))
  })

  router.get('/services', staff, async (ctx) => {
    const q = query(ctx, s.serviceListQuery)
    const p = principalOf(ctx)
    const page = await listServices(knex, p, q)
    const access = await accessOf(ctx, knex, p)
    ctx.body = { items: page.rows.map((r) => serviceView(r, access(r))), next: page.next }
  })

  router.post('/', writers, async (ctx) => {
    const id = await createTeam(knex, principalOf(ctx), bodyOf(ctx, s.teamCreate, 'team'))
    ctx.status = 201
    ctx.set('Location', `/api/v1/teams/${id}`)
    ctx.body = await detail(ctx, id)
  })

  router.get('/:id', readers, async (ctx) => { ctx.body = await detail(ctx, idOf(ctx)) })

  /** An edit of team {id}, answered with the team as it is now. */
  const edit = (run: (ctx: Context, p: Principal, id: number) => Promise<unknown>) => async (ctx: Context) => {
    const id = idOf(ctx)
    await run(ctx, principalOf(ctx), id)
    ctx.body = await detail(ctx, id)
  }

  router.patch('/:id', writers, edit((ctx, p, id) => patchTeam(knex, p, id, bodyOf(ctx, s.teamPatch, 'team'))))

  router.post('/:id/unmask', writers, async (ctx) => {
    const id = idOf(ctx)
    const { reason } = bodyOf(ctx, s.unmaskBody, 'unmask')
    await unmask(ctx, knex, {
      type: 'teams',
      read: (_ctx, p, teamId) => getRow(knex, p, TEAM_SPEC, teamId),
      masked: async (_ctx, p, team) => (await accessOf(ctx, knex, p))(team) === 'masked',
      forbidden: (p, teamId) => new AppError(403, 'forbidden', `role ${p.role} may not unmask personal fields of team ${teamId}`).coded('teams.unmask_forbidden', { role: p.role, id: teamId }),
      reveal: (team) => teamPersonal(knex, team),
    }, id, reason)
  })

  router.post('/:id/members', writers, async (ctx) => {
    const id = idOf(ctx)
    const memberId = await addMember(knex, principalOf(ctx), id, bodyOf(ctx, s.memberCreate, 'member'))
    ctx.status = 201
    ctx.body = { memberId, team: await detail(ctx, id) }
  })

  router.patch('/:id/members/:memberId', writers, edit((ctx, p, id) => patchMember(knex, p, id, idOf(ctx, 'memberId'), bodyOf(ctx, s.memberPatch, 'member'))))

  router.put('/:id/grids', writers, edit((ctx, p, id) => setGrids(knex, p, id, bodyOf(ctx, s.gridsBody, 'grids'))))

  router.post('/:id/services', dispatchers, async (ctx) => {
    const id = idOf(ctx)
    const sid = await dispatchService(knex, principalOf(ctx), id, bodyOf(ctx, s.serviceCreate, 'service'))
    ctx.status = 201
    ctx.set('Location', `/api/v1/teams/${id}/services/${sid}`)
    ctx.body = await serviceOut(ctx, id, sid)
  })

  router.get('/:id/services', staff, async (ctx) => {
    const id = idOf(ctx)
    const q = query(ctx, s.serviceListQuery)
    const p = principalOf(ctx)
    await getRow(knex, p, TEAM_SPEC, id)
    const page = await listServices(knex, p, { ...q, teamId: id })
    const access = await accessOf(ctx, knex, p)
    ctx.body = { items: page.rows.map((r) => serviceView(r, access(r))), next: page.next }
  })

  router.get('/:id/services/:sid', staff, async (ctx) => { ctx.body = await serviceOut(ctx, idOf(ctx), idOf(ctx, 'sid')) })

  const stepRoute = (name: string, roles: ReturnType<typeof requireRole>, run: (ctx: Context, id: number, sid: number) => Promise<void>) =>
    router.post(`/:id/services/:sid/${name}`, roles, async (ctx) => {
      const id = idOf(ctx)
      const sid = idOf(ctx, 'sid')
      await run(ctx, id, sid)
      ctx.body = await serviceOut(ctx, id, sid)
    })
  stepRoute('accept', writers, async (ctx, id, sid) => { bodyOf(ctx, s.acceptBody, 'accept'); await acceptService(knex, principalOf(ctx), id, sid) })
  stepRoute('done', writers, async (ctx, id, sid) => finishService(knex, principalOf(ctx), id, sid, bodyOf(ctx, s.doneBody, 'done')))
  stepRoute('rate', dispatchers, async (ctx, id, sid) => rateService(knex, principalOf(ctx), id, sid, bodyOf(ctx, s.rateBody, 'rating')))
  stepRoute('cancel', dispatchers, async (ctx, id, sid) => cancelService(knex, principalOf(ctx), id, sid, bodyOf(ctx, s.cancelBody, 'cancel').reason))

  router.get('/:id/activities', readers, async (ctx) => {
    ctx.body = await listActivities(knex, principalOf(ctx), idOf(ctx), query(ctx, s.activityListQuery))
  })

  router.post('/:id/activities', writers, async (ctx) => {
    const id = idOf(ctx)
    const activityId = await addActivity(knex, principalOf(ctx), id, bodyOf(ctx, s.activityCreate, 'activity'))
    ctx.status = 201
    ctx.body = { id: activityId, teamId: id }
  })

  return router
}
