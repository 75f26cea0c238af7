// /api/v1/classify: smart intake (诉求分类).
//   POST /        {description, location?} → the best class and the next two, with demand type, tags, confidence
//   GET  /model   the model in use: when trained, from what, and the intake's apply confidence
import Router from '@koa/router'
import type { AppContext } from '../context.ts'
import { requireRole } from '../http/auth.ts'
import { validate } from '../http/validate.ts'
import { registerMessages } from '../http/messages/registry.ts'
import { classifyMessagesZh } from './messagesZh.ts'
import { classify, classifySchema, CLASSIFY_ROLES } from './service.ts'
import { currentModel, METHOD } from './store.ts'
import { applyConfidence, CLASSIFIED_CHANNELS } from './policy.ts'

export function classifyRoutes(app: AppContext): Router {
  registerMessages('zh', classifyMessagesZh)
  const router = new Router({ prefix: '/api/v1/classify' })
  router.post('/', requireRole(...CLASSIFY_ROLES), async (ctx) => {
    const body = validate(classifySchema, ctx.request.body, 'classification request')
    ctx.body = await classify(app.knex, body.description)
  })
  router.get('/model', requireRole(...CLASSIFY_ROLES), async (ctx) => {
    const m = await currentModel(app.knex)
    ctx.body = {
      id: m.id, trainedAt: m.trainedAt, method: METHOD, samples: m.samples, classes: m.model.classes.length, features: m.model.index.size,
      applyConfidence: applyConfidence(), classifiedChannels: CLASSIFIED_CHANNELS,
    }
  })
  return router
}
