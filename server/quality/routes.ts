// /api/v1/quality: the quality of an event's handling (办理质量): reviews by the competent
// department (专业评价), the centre (中心评价) and the resident's follow-up (追评) beside the
// resident's evaluation, one score under the city's weights (versioned), and the weights.
// The score feeds the assessment as indicator handlingQuality (registered below).
import Router from '@koa/router'
import type { Context } from 'koa'
import { z } from 'zod'
import type { AppContext } from '../context.ts'
import { principalOf, requireRole } from '../http/auth.ts'
import { AppError, notFound } from '../http/errors.ts'
import { validate } from '../http/validate.ts'
import { registerMessages } from '../http/messages/registry.ts'
import type { Role } from '../auth/roles.ts'
import { readEvent } from '../events/store.ts'
import { registerExtraRates } from '../assessment/extraRates.ts'
import { qualityMessagesZh } from './messagesZh.ts'
import { numberParam, reviewBody, weightsBody, type ReviewSource } from './schemas.ts'
import { addWeights, eventQuality, qualityRates, reviewsOf, weightVersions, weightsAt } from './store.ts'

export const QUALITY_READERS: Role[] = ['command_center', 'district_staff', 'street_staff', 'community_staff', 'department', 'grid_inspector', 'auditor']
/** Who may give which review. */
export const REVIEWERS: Record<ReviewSource, Role[]> = {
  department: ['department'],
  centre: ['command_center', 'district_staff'],
  follow_up: ['command_center', 'district_staff', 'street_staff'],
}
const HANDLED = ['handled', 'verified', 'closed', 'evaluated']

const pathSchema = z.object({ number: numberParam })

function cityOf(ctx: Context): string {
  const city = principalOf(ctx).cityCode
  if (!city) throw new AppError(403, 'forbidden', 'your account belongs to no city: quality weights are per city').coded('quality.no_city')
  return city
}

export function qualityRoutes(app: AppContext): Router {
  registerMessages('zh', qualityMessagesZh)
  registerExtraRates('handlingQuality', (knex, city, unit, p) => qualityRates(knex, city, unit, p))
  const router = new Router({ prefix: '/api/v1/quality' })
  const { knex } = app

  async function eventOf(ctx: Context) {
    const { number } = validate(pathSchema, { number: ctx.params.number }, 'path')
    const p = principalOf(ctx)
    const e = await readEvent(knex, number, p.jurisdiction, p.userId)
    if (!e) throw notFound(`no event ${number} in your jurisdiction`).coded('quality.not_found', { number })
    return e
  }

  async function view(e: NonNullable<Awaited<ReturnType<typeof readEvent>>>) {
    const q = await eventQuality(knex, e.id, e.city_code)
    return { number: e.number, status: e.status, satisfaction: e.satisfaction, score: q.score, parts: q.parts, weights: q.weights, reviews: await reviewsOf(knex, e.id) }
  }

  router.get('/events/:number', requireRole(...QUALITY_READERS), async (ctx) => {
    ctx.body = await view(await eventOf(ctx))
  })

  router.post('/events/:number/reviews', requireRole(...new Set(Object.values(REVIEWERS).flat())), async (ctx) => {
    const b = validate(reviewBody, ctx.request.body ?? {})
    const e = await eventOf(ctx)
    const p = principalOf(ctx)
    if (!REVIEWERS[b.source].includes(p.role)) {
      throw new AppError(403, 'forbidden', `source: role ${p.role} may not give a ${b.source} review`, { errors: [{ field: 'source', message: `not for role ${p.role}` }] })
        .coded('quality.source_role', { source: b.source })
    }
    if (b.source !== 'follow_up' && !HANDLED.includes(e.status)) {
      throw new AppError(409, 'conflict', `event ${e.number} is not handled yet (status ${e.status}): its handling cannot be reviewed`).coded('quality.not_handled', { number: e.number, status: e.status })
    }
    if (b.source === 'follow_up' && e.satisfaction === null) {
      throw new AppError(409, 'conflict', `event ${e.number} has no evaluation yet: a follow-up review follows one`).coded('quality.no_evaluation', { number: e.number })
    }
    await knex('event_quality_review').insert({ event_id: e.id, city_code: e.city_code, source: b.source, score: b.score, comment: b.comment ?? null, reviewer_id: p.userId, reviewer: p.displayName })
    ctx.status = 201
    ctx.body = await view(e)
  })

  router.get('/weights', requireRole(...QUALITY_READERS), async (ctx) => {
    const city = cityOf(ctx)
    const versions = await weightVersions(knex, city)
    ctx.body = { cityCode: city, current: weightsAt(versions, new Date()), versions }
  })

  router.put('/weights', requireRole('command_center'), async (ctx) => {
    const b = validate(weightsBody, ctx.request.body ?? {})
    const city = cityOf(ctx)
    ctx.body = await addWeights(knex, city, b, principalOf(ctx).userId)
  })

  return router
}
