// /api/v1/sensor-rules: the rules that turn sensor readings into events (issue 19 item 2).
//   GET  /            the city's active rules and the device kinds of the register
//   POST /            a rule {name, kind, rule: threshold|rate|silence, high/low | perMinute | silenceMinutes, normalMinutes, classCode, priority}
//   GET  /incidents   the incidents of the caller's areas (state=open|closed|all), each with its readings and event
import Router from '@koa/router'
import type { AppContext } from '../context.ts'
import { principalOf, requireRole } from '../http/auth.ts'
import { validate } from '../http/validate.ts'
import { registerMessages } from '../http/messages/registry.ts'
import { sensorMessagesZh } from './messagesZh.ts'
import { createRule, incidentQuery, listIncidents, listRules, ruleBody } from './ruleStore.ts'
import { RULE_READERS, RULE_WRITERS } from './roles.ts'
import { sensorsLayer } from './layer.ts'

export function sensorRuleRoutes(app: AppContext): Router {
  registerMessages('zh', sensorMessagesZh)
  app.catalogue.register(sensorsLayer)
  const router = new Router({ prefix: '/api/v1/sensor-rules' })
  router.get('/', requireRole(...RULE_READERS), async (ctx) => { ctx.body = await listRules(app.knex, principalOf(ctx)) })
  router.post('/', requireRole(...RULE_WRITERS), async (ctx) => {
    const body = validate(ruleBody, ctx.request.body, 'sensor rule')
    ctx.status = 201
    ctx.body = await createRule(app.knex, principalOf(ctx), body)
  })
  router.get('/incidents', requireRole(...RULE_READERS), async (ctx) => {
    ctx.body = await listIncidents(app.knex, principalOf(ctx), validate(incidentQuery, ctx.query, 'query'))
  })
  return router
}
