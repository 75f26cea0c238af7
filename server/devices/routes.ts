// /api/v1/devices: inspector phones, patrol cars, drones and body cameras, bound to the grid
// members who carry them, each with its own token for POST /api/v1/positions.
import Router from '@koa/router'
import type { Context } from 'koa'
import type { Knex } from 'knex'
import { z } from 'zod'
import type { AppContext } from '../context.ts'
import { AppError, badRequest, forbidden, notFound } from '../http/errors.ts'
import { principalOf, requireRole } from '../http/auth.ts'
import { validate } from '../http/validate.ts'
import { sqlFile } from '../db/sql.ts'
import type { Principal } from '../auth/users.ts'
import { newDeviceToken } from './tokens.ts'
import { addLiveRoutes } from './live.ts'

const IDENTIFIER = /^[A-Za-z0-9_.:-]{3,64}$/
const ADMIN_CODE = z.string().regex(/^[0-9]{12}$/, 'must be a 12-digit admin code')
const MEMBER_ID = z.number().int().positive().max(Number.MAX_SAFE_INTEGER)

export const deviceKinds = ['phone', 'patrol_car', 'drone', 'body_camera'] as const

export const deviceCreateSchema = z.object({
  identifier: z.string().regex(IDENTIFIER, 'must be 3-64 letters, digits or . _ : -'),
  kind: z.enum(deviceKinds),
  name: z.string().trim().min(1).max(100),
  adminCode: ADMIN_CODE.optional(),
  memberId: MEMBER_ID.nullable().optional(),
  osmandRequiresToken: z.boolean().default(false),
}).strict()

export const deviceUpdateSchema = z.object({
  kind: z.enum(deviceKinds).optional(),
  name: z.string().trim().min(1).max(100).optional(),
  adminCode: ADMIN_CODE.optional(),
  osmandRequiresToken: z.boolean().optional(),
  disabled: z.boolean().optional(),
}).strict()

export const bindSchema = z.object({ memberId: MEMBER_ID.nullable() }).strict()

export const deviceListQuery = z.object({
  memberId: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER).optional(),
  kind: z.enum(deviceKinds).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(200),
  after: z.string().regex(IDENTIFIER).optional(),
}).strict()

/** Roles that register devices and hand them out (staff of an area). */
const MANAGERS = ['command_center', 'district_staff', 'street_staff', 'community_staff'] as const
export const READERS = [...MANAGERS, 'gis_analyst', 'department', 'external_system', 'grid_inspector'] as const

interface DeviceRow {
  id: string; identifier: string; kind: string; name: string; admin_code: string; city_code: string; member_id: string | null
  member_name: string | null; osmand_requires_token: boolean; disabled: boolean; has_token: boolean; created_at: Date; updated_at: Date
  fixed_at: Date | null; lon: number | null; lat: number | null; grid_code: string | null; battery: number | null; status: string
}

function view(r: DeviceRow) {
  return {
    identifier: r.identifier, kind: r.kind, name: r.name, adminCode: r.admin_code, cityCode: r.city_code,
    memberId: r.member_id === null ? null : Number(r.member_id), memberName: r.member_name,
    osmandRequiresToken: r.osmand_requires_token, disabled: r.disabled, hasToken: r.has_token,
    status: r.status,
    live: r.fixed_at ? { fixedAt: r.fixed_at.toISOString(), lon: r.lon, lat: r.lat, gridCode: r.grid_code, battery: r.battery } : null,
    createdAt: r.created_at.toISOString(), updatedAt: r.updated_at.toISOString(),
  }
}

async function listDevices(knex: Knex, p: Principal, q: { identifier?: string; memberId?: number; kind?: string; after?: string; limit: number }): Promise<DeviceRow[]> {
  if (p.jurisdiction.isEmpty) return []
  const { rows } = await knex.raw(sqlFile('devices/list'), {
    patterns: p.jurisdiction.patterns, identifier: q.identifier ?? null, memberId: q.memberId ?? null,
    kind: q.kind ?? null, after: q.after ?? null, limit: q.limit,
  })
  return rows as DeviceRow[]
}

/** A device the caller may see, or 404 as if it did not exist. */
async function visibleDevice(knex: Knex, p: Principal, identifier: string): Promise<DeviceRow> {
  if (!IDENTIFIER.test(identifier)) throw notFound(`no device "${identifier.slice(0, 64)}"`)
  const [row] = await listDevices(knex, p, { identifier, limit: 1 })
  if (!row) throw notFound(`no device "${identifier}"`)
  return row
}

/** An admin area the caller manages; the default is the caller's only area. */
function managedArea(p: Principal, adminCode: string | undefined): string {
  const code = adminCode ?? (p.jurisdiction.prefixes.length === 1 ? p.jurisdiction.prefixes[0]!.padEnd(12, '0') : undefined)
  if (!code) throw badRequest('adminCode is required for a caller with several areas', { field: 'adminCode' })
  if (!p.jurisdiction.covers(code)) throw forbidden(`admin area ${code} is outside your jurisdiction`)
  return code
}

/** An active member inside the caller's jurisdiction (404 otherwise). */
async function visibleMember(knex: Knex, p: Principal, memberId: number): Promise<{ id: number; community_code: string }> {
  const m = await knex('grid_member').where({ id: memberId, active: true }).first('id', 'community_code')
  if (!m || !p.jurisdiction.covers(m.community_code)) {
    throw new AppError(404, 'unknown_member', `no active grid member ${memberId} in your jurisdiction`, { field: 'memberId' })
  }
  return { id: Number(m.id), community_code: m.community_code }
}

/** Ends the current binding and starts a new one (or none) at `now`: who carried it when. */
async function rebind(trx: Knex.Transaction, deviceId: number, memberId: number | null, userId: number | null, now: Date): Promise<void> {
  await trx('device_binding').where({ device_id: deviceId }).whereNull('valid_to').update({ valid_to: now })
  if (memberId !== null) await trx('device_binding').insert({ device_id: deviceId, member_id: memberId, valid_from: now, bound_by: userId })
  await trx('device').where({ id: deviceId }).update({ member_id: memberId, updated_at: now })
}

export function deviceRoutes(app: AppContext): Router {
  const router = new Router({ prefix: '/api/v1/devices' })
  const knex = app.knex
  const managers = requireRole(...MANAGERS)

  router.get('/', requireRole(...READERS), async (ctx) => {
    const q = validate(deviceListQuery, ctx.query, 'query')
    const rows = await listDevices(knex, principalOf(ctx), q)
    const last = rows.length === q.limit ? rows[rows.length - 1] : undefined
    ctx.body = { items: rows.map(view), next: last ? `/api/v1/devices?${new URLSearchParams({ ...stringQuery(ctx), after: last.identifier })}` : null }
  })

  addLiveRoutes(router, knex, READERS, (ctx, identifier) => visibleDevice(knex, principalOf(ctx), identifier))

  router.get('/:identifier', requireRole(...READERS), async (ctx) => {
    ctx.body = view(await visibleDevice(knex, principalOf(ctx), String(ctx.params.identifier)))
  })

  // Registers a device; its token is answered once and never again.
  router.post('/', managers, async (ctx) => {
    const p = principalOf(ctx)
    const b = validate(deviceCreateSchema, ctx.request.body, 'device')
    const area = managedArea(p, b.adminCode)
    const member = b.memberId ? await visibleMember(knex, p, b.memberId) : null
    const token = newDeviceToken()
    const now = new Date()
    try {
      await knex.transaction(async (trx) => {
        const [row] = await trx('device').insert({
          identifier: b.identifier, city_code: `${area.slice(0, 4)}00`, kind: b.kind, name: b.name, admin_code: area,
          token_prefix: token.prefix, token_hash: token.hash, osmand_requires_token: b.osmandRequiresToken, created_at: now, updated_at: now,
        }).returning('id')
        if (member) await rebind(trx, Number(row.id), member.id, p.userId, now)
      })
    } catch (err) {
      if ((err as { code?: string }).code === '23505') throw new AppError(409, 'device_exists', `device identifier ${b.identifier} is already registered`, { field: 'identifier' })
      throw err
    }
    ctx.status = 201
    ctx.set('Location', `/api/v1/devices/${encodeURIComponent(b.identifier)}`)
    ctx.body = { ...view(await visibleDevice(knex, p, b.identifier)), token: token.token }
  })

  router.patch('/:identifier', managers, async (ctx) => {
    const p = principalOf(ctx)
    const d = await visibleDevice(knex, p, String(ctx.params.identifier))
    const b = validate(deviceUpdateSchema, ctx.request.body, 'device')
    const area = b.adminCode ? managedArea(p, b.adminCode) : undefined
    if (b.adminCode && area!.slice(0, 4) !== d.city_code.slice(0, 4)) throw badRequest('a device cannot move to another city', { field: 'adminCode' })
    await knex('device').where({ id: d.id }).update({
      ...(b.kind ? { kind: b.kind } : {}), ...(b.name ? { name: b.name } : {}), ...(area ? { admin_code: area } : {}),
      ...(b.osmandRequiresToken !== undefined ? { osmand_requires_token: b.osmandRequiresToken } : {}),
      ...(b.disabled !== undefined ? { disabled: b.disabled } : {}), updated_at: new Date(),
    })
    ctx.body = view(await visibleDevice(knex, p, d.identifier))
  })

  // Hands the device to another member (or to nobody); the binding history keeps who had it when.
  router.put('/:identifier/member', managers, async (ctx) => {
    const p = principalOf(ctx)
    const d = await visibleDevice(knex, p, String(ctx.params.identifier))
    const b = validate(bindSchema, ctx.request.body, 'binding')
    const member = b.memberId === null ? null : await visibleMember(knex, p, b.memberId)
    if (member && member.community_code.slice(0, 4) !== d.city_code.slice(0, 4)) throw badRequest('the member belongs to another city', { field: 'memberId' })
    if ((member?.id ?? null) !== (d.member_id === null ? null : Number(d.member_id))) {
      await knex.transaction((trx) => rebind(trx, Number(d.id), member?.id ?? null, p.userId, new Date()))
    }
    ctx.body = view(await visibleDevice(knex, p, d.identifier))
  })

  router.get('/:identifier/bindings', requireRole(...READERS), async (ctx) => {
    const d = await visibleDevice(knex, principalOf(ctx), String(ctx.params.identifier))
    const { rows } = await knex.raw(sqlFile('devices/bindings'), { deviceId: d.id })
    ctx.body = {
      device: d.identifier,
      items: rows.map((r: { id: string; member_id: string; member_name: string; valid_from: Date; valid_to: Date | null; bound_by: string | null }) => ({
        memberId: Number(r.member_id), memberName: r.member_name, from: r.valid_from.toISOString(), to: r.valid_to?.toISOString() ?? null, boundBy: r.bound_by,
      })),
    }
  })

  // A new token; the old one stops working at once (answered once, like at registration).
  router.post('/:identifier/token', managers, async (ctx) => {
    const d = await visibleDevice(knex, principalOf(ctx), String(ctx.params.identifier))
    const token = newDeviceToken()
    await knex('device').where({ id: d.id }).update({ token_prefix: token.prefix, token_hash: token.hash, updated_at: new Date() })
    ctx.body = { identifier: d.identifier, token: token.token }
  })

  return router
}

function stringQuery(ctx: Context): Record<string, string> {
  return Object.fromEntries(Object.entries(ctx.query).filter(([k, v]) => k !== 'after' && typeof v === 'string')) as Record<string, string>
}
