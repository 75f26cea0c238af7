// /api/v1/devices/live and /api/v1/devices/{identifier}/assigned-events: what the command
// screen's live field force needs in one request each — every device of the caller's area at its
// last fix (the map's first load before the stream's 'position' messages move them), and the open
// events assigned to the member a device's card shows.
import type Router from '@koa/router'
import type { Context } from 'koa'
import type { Knex } from 'knex'
import { z } from 'zod'
import { principalOf, requireRole } from '../http/auth.ts'
import { validate } from '../http/validate.ts'
import { sqlFile } from '../db/sql.ts'
import type { Role } from '../auth/roles.ts'

const IDENTIFIER = /^[A-Za-z0-9_.:-]{3,64}$/

export const liveListQuery = z.object({
  // the map asks for a whole city at once: 5,000 devices a page keeps a page under 1.5 MB
  limit: z.coerce.number().int().min(1).max(5000).default(5000),
  after: z.string().regex(IDENTIFIER, 'must be a device identifier').optional(),
}).strict()

interface LiveRow {
  identifier: string; kind: string; name: string; member_id: string | null; member_name: string | null
  community_code: string; community_name: string | null; department_name: string | null
  fixed_at: Date; still_since: Date; lon: number; lat: number; speed: number | null; bearing: number | null
  battery: number | null; grid_code: string | null; status: string
}

function liveView(r: LiveRow) {
  return {
    identifier: r.identifier, kind: r.kind, name: r.name,
    memberId: r.member_id === null ? null : Number(r.member_id), memberName: r.member_name,
    communityCode: r.community_code, communityName: r.community_name, departmentName: r.department_name,
    lon: r.lon, lat: r.lat, time: r.fixed_at.toISOString(), stillSince: r.still_since.toISOString(),
    speed: r.speed, bearing: r.bearing, battery: r.battery, gridCode: r.grid_code, status: r.status,
  }
}

/** Registered on the devices router before `/:identifier`, which would otherwise take "live". */
export function addLiveRoutes(router: Router, knex: Knex, readers: readonly Role[], visible: (ctx: Context, identifier: string) => Promise<{ member_id: string | null }>): void {
  router.get('/live', requireRole(...readers), async (ctx) => {
    const q = validate(liveListQuery, ctx.query, 'query')
    const p = principalOf(ctx)
    const rows = p.jurisdiction.isEmpty ? [] : (await knex.raw(sqlFile('devices/live'), {
      patterns: p.jurisdiction.patterns, after: q.after ?? null, limit: q.limit,
    })).rows as LiveRow[]
    const last = rows.length === q.limit ? rows[rows.length - 1] : undefined
    ctx.set('Cache-Control', 'no-store')
    ctx.body = {
      time: new Date().toISOString(), items: rows.map(liveView),
      next: last ? `/api/v1/devices/live?${new URLSearchParams({ limit: String(q.limit), after: last.identifier })}` : null,
    }
  })

  router.get('/:identifier/assigned-events', requireRole(...readers), async (ctx) => {
    const identifier = String(ctx.params.identifier)
    const d = await visible(ctx, identifier)
    if (d.member_id === null) {
      ctx.body = { identifier, memberId: null, items: [] }
      return
    }
    const { rows } = await knex.raw(sqlFile('devices/assigned_events'), { memberId: d.member_id, patterns: principalOf(ctx).jurisdiction.patterns })
    ctx.body = {
      identifier, memberId: Number(d.member_id),
      items: (rows as { number: string; status: string; class_code: string; class_name: string | null; handle_due_at: Date | null; dispatched_at: Date | null; lon: number; lat: number }[])
        .map((r) => ({ number: r.number, status: r.status, classCode: r.class_code, className: r.class_name,
          handleDueAt: r.handle_due_at?.toISOString() ?? null, dispatchedAt: r.dispatched_at?.toISOString() ?? null, lon: r.lon, lat: r.lat })),
    }
  })
}
