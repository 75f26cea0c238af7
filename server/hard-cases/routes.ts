// /api/v1/hard-cases: 疑难 events (issue 18 items 3 and 7).
//   GET  /                               the register of markings (state=open|cleared|all)
//   GET  /rule, PUT /rule                the city's thresholds (passes between units, hours overdue, units)
//   GET  /candidates                     open events the rule makes hard cases (marked or not)
//   POST /scan                           marks the candidates not marked yet (and tells the desks)
//   GET  /bounced                        orders passed between units N times, with similar events
//   GET  /events/{number}                one event's hard-case detail: marking, instructions, parts, meetings
//   POST /events/{number}/mark, /clear   by hand, with a note
//   POST /events/{number}/instructions   a leader's instruction (批示)
import Router from '@koa/router'
import type { Context } from 'koa'
import type { AppContext } from '../context.ts'
import { notFound } from '../http/errors.ts'
import { principalOf, requireRole } from '../http/auth.ts'
import { validate } from '../http/validate.ts'
import { registerMessages } from '../http/messages/registry.ts'
import { NUMBER, readEvent } from '../events/store.ts'
import { listMeetings } from '../meetings/store.ts'
import { readParts } from '../parallel/store.ts'
import { hardCaseMessagesZh } from './messagesZh.ts'
import { readRule, ruleBody, writeRule } from './rule.ts'
import { candidateQuery, candidates, clear, clearBody, HARD_CASE_ROLES, listHardCases, listQuery, markBody, markByHand, measure, readMarking, reasonsOf, scan } from './store.ts'
import { instruct, INSTRUCTING_ROLES, instructionBody, instructionsOf } from './instructions.ts'
import { bounced, bouncedQuery } from './bounced.ts'

const numberOf = (ctx: Context): string => {
  const number = String(ctx.params.number)
  if (!NUMBER.test(number)) throw notFound(`no event ${number} in your jurisdiction`).coded('events.not_found', { number })
  return number
}

export function hardCaseRoutes(app: AppContext): Router {
  registerMessages('zh', hardCaseMessagesZh)
  const router = new Router({ prefix: '/api/v1/hard-cases' })
  const readers = requireRole(...HARD_CASE_ROLES)
  const centre = requireRole('command_center', 'district_staff')
  router.get('/', readers, async (ctx) => {
    ctx.body = await listHardCases(app.knex, principalOf(ctx), validate(listQuery, ctx.query, 'query'))
  })
  router.get('/rule', readers, async (ctx) => { ctx.body = await readRule(app.knex, principalOf(ctx).cityCode) })
  // the city's rule: the centre sets it (a district's staff reads it)
  router.put('/rule', requireRole('command_center'), async (ctx) => {
    const p = principalOf(ctx)
    const body = validate(ruleBody, ctx.request.body, 'hard-case rule')
    ctx.body = await writeRule(app.knex, p, p.cityCode ?? '000000', body)
  })
  router.get('/candidates', readers, async (ctx) => {
    const q = validate(candidateQuery, ctx.query, 'query')
    ctx.body = await candidates(app.knex, principalOf(ctx), q.limit)
  })
  router.post('/scan', centre, async (ctx) => { ctx.body = await scan(app.knex, principalOf(ctx)) })
  router.get('/bounced', readers, async (ctx) => {
    ctx.body = await bounced(app.knex, principalOf(ctx), validate(bouncedQuery, ctx.query, 'query'))
  })
  router.get('/events/:number', readers, async (ctx) => {
    const p = principalOf(ctx)
    const number = numberOf(ctx)
    const e = await readEvent(app.knex, number, p.jurisdiction, p.userId)
    if (!e) throw notFound(`no event ${number} in your jurisdiction`).coded('events.not_found', { number })
    const rule = await readRule(app.knex, p.cityCode)
    const [m] = await measure(app.knex, p, { numbers: [number], onlyHits: false, rule, limit: 1, now: new Date() })
    ctx.body = {
      number, marking: await readMarking(app.knex, e.id),
      measures: m ? { bounces: m.bounces, overdueHours: m.overdue_hours, units: m.units, reasons: reasonsOf(m, rule),
        // the thresholds of the rule version the event was reported under
        rule: { bounces: m.rule_bounces, overdueHours: m.rule_overdue_hours, units: m.rule_units } } : null,
      instructions: await instructionsOf(app.knex, e.id),
      parallel: await readParts(app.knex, p, number),
      meetings: await listMeetings(app.knex, p, { eventNumber: number, limit: 100 }),
    }
  })
  router.post('/events/:number/mark', centre, async (ctx) => {
    const number = numberOf(ctx)
    const body = validate(markBody, ctx.request.body, 'mark')
    ctx.status = 201
    ctx.body = await markByHand(app.knex, principalOf(ctx), number, body.note)
  })
  router.post('/events/:number/clear', centre, async (ctx) => {
    const number = numberOf(ctx)
    const body = validate(clearBody, ctx.request.body, 'clear')
    ctx.body = await clear(app.knex, principalOf(ctx), number, body.note)
  })
  router.post('/events/:number/instructions', requireRole(...INSTRUCTING_ROLES), async (ctx) => {
    const number = numberOf(ctx)
    const body = validate(instructionBody, ctx.request.body, 'instruction')
    ctx.status = 201
    ctx.body = await instruct(app.knex, principalOf(ctx), number, body)
  })
  return router
}
