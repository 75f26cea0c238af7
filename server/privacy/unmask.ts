// POST /api/v1/events/{number}/unmask {reason}: the reporter's name and phone in full, for a role
// that holds the right over the record (privacy/rule.ts: full or unmaskable), recorded in the
// access audit as action 'unmask' with its reason (migration 0032; the view privacy_unmask keeps
// 0031's shape) before the answer leaves. Mounted by events/routes.ts.
import type Router from '@koa/router'
import { z } from 'zod'
import type { AppContext } from '../context.ts'
import { AppError, notFound } from '../http/errors.ts'
import { principalOf } from '../http/auth.ts'
import { validate } from '../http/validate.ts'
import { registerMessages } from '../http/messages/registry.ts'
import { isAssignee } from '../events/assignee.ts'
import { NUMBER, readEvent } from '../events/store.ts'
import { accessTo } from './rule.ts'
import { recordUnmask } from '../audit/write.ts'
import { privacyMessagesZh } from './messagesZh.ts'

const bodySchema = z.object({
  reason: z.string().trim().min(4, 'must say why, in at least 4 characters').max(500),
}).strict()

export function mountUnmask(router: Router, app: AppContext): void {
  registerMessages('zh', privacyMessagesZh)
  router.post('/:number/unmask', async (ctx) => {
    const p = principalOf(ctx)
    const number = String(ctx.params.number)
    const { reason } = validate(bodySchema, ctx.request.body ?? {})
    const e = NUMBER.test(number) ? await readEvent(app.knex, number, p.jurisdiction, p.userId) : undefined
    if (!e) throw notFound(`no event ${number} in your jurisdiction`).coded('events.not_found', { number })
    const access = accessTo(p, { communityCode: e.community_code, heldByPrincipal: isAssignee(p, e) })
    if (access === 'masked') {
      throw new AppError(403, 'forbidden', `role ${p.role} may not unmask personal fields of event ${number}`).coded('privacy.unmask_forbidden', { role: p.role, number })
    }
    const fields = [e.reporter_name !== null && e.reporter_name !== '' ? 'reporter.name' : null,
      e.reporter_phone !== null && e.reporter_phone !== '' ? 'reporter.phone' : null].filter((f): f is string => f !== null)
    const audit = await recordUnmask(app.knex, ctx, p, { type: 'events', id: e.number, recordId: Number(e.id), communityCode: e.community_code, fields }, reason)
    ctx.set('Cache-Control', 'no-store')
    ctx.body = {
      number: e.number, fields,
      reporter: { userId: e.reporter_user_id, name: e.reporter_name, phone: e.reporter_phone },
      audit: { id: audit.id, at: audit.at.toISOString() },
    }
  })
}
