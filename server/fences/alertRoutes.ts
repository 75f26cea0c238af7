// /api/v1/fence-alerts: what the fences saw (enter, exit, dwell, absent), newest first inside
// the caller's jurisdiction (the alert's community: the member's, or the device's area), and
// their acknowledgement by staff. New alerts and acknowledgements also reach /api/v1/stream
// (event name 'fence_alert') and, for subscribed platforms, the outbox.
import type Router from '@koa/router'
import type { Context } from 'koa'
import type { AppContext } from '../context.ts'
import { principalOf, type requireRole } from '../http/auth.ts'
import { validate } from '../http/validate.ts'
import { acknowledgeAlert, alertFeature, alertView, encodeAlertCursor, listAlerts } from './alerts.ts'
import * as s from './schemas.ts'

/** The request's own query parameters (for the next link), without the cursor. */
export function stringQuery(ctx: Context): Record<string, string> {
  return Object.fromEntries(Object.entries(ctx.query).filter(([k, v]) => k !== 'cursor' && typeof v === 'string')) as Record<string, string>
}

type Guard = ReturnType<typeof requireRole>

export function addAlertRoutes(router: Router, app: AppContext, readers: Guard, writers: Guard): void {
  const { knex } = app

  router.get('/fence-alerts', readers, async (ctx) => {
    const q = validate(s.alertListQuery, ctx.query, 'query')
    const rows = await listAlerts(knex, principalOf(ctx), q)
    const last = rows.length === q.limit ? rows[rows.length - 1] : undefined
    const next = last ? `/api/v1/fence-alerts?${new URLSearchParams({ ...stringQuery(ctx), cursor: encodeAlertCursor(last) })}` : null
    if (q.f === 'geojson') {
      ctx.type = 'application/geo+json'
      ctx.body = { type: 'FeatureCollection', numberReturned: rows.length, next, features: rows.map(alertFeature) }
    } else {
      ctx.body = { items: rows.map(alertView), next }
    }
  })

  router.post('/fence-alerts/:id/acknowledge', writers, async (ctx) => {
    const id = validate(s.idParam, ctx.params.id, 'fence alert id')
    ctx.body = await acknowledgeAlert(knex, principalOf(ctx), id)
  })
}
