// Applications for access (资源申请 → 审核 → 授权/驳回, then 撤销): what an external system may
// ask for, and the key an approval issues. The key acts as the applicant, limited to the granted
// operations, layers and areas (api_key.grant_*, enforced by server/auth/grants.ts) and to the
// scopes those need; every request it makes is recorded in the access audit with its key id.
import type { Knex } from 'knex'
import type { Catalogue } from '../../tiles/catalogue.ts'
import type { Principal } from '../auth/users.ts'
import { createApiKey } from '../auth/users.ts'
import { scopeFor } from '../auth/scopes.ts'
import { AppError, badRequest, notFound } from '../http/errors.ts'
import { sqlFile } from '../db/sql.ts'
import { cityEntries, type CityEntry } from './browse.ts'
import { openApiDocument } from '../openapi/document.ts'
import { templateRegExp } from '../auth/grants.ts'

export type AppState = 'submitted' | 'approved' | 'rejected' | 'revoked'
export const STATE_TITLES: Record<AppState, string> = { submitted: '待审核', approved: '已授权', rejected: '已驳回', revoked: '已撤销' }

/**
 * The entries asked for, each one existing and one the applicant may hold: not 不予共享, and the
 * layer's or register's readers include the applicant's role. A refusal names the field (resources.i).
 */
export async function holdable(knex: Knex, catalogue: Catalogue, p: Principal, ids: readonly string[]): Promise<CityEntry[]> {
  const all = new Map((await cityEntries(knex, catalogue, p.cityCode ?? '')).map((e) => [e.id, e]))
  return ids.map((id, i) => {
    const field = `resources.${i}`
    const e = all.get(id)
    if (!e) throw badRequest(`${field}: no catalogue entry ${id}`, { field }).coded('catalogue.unknown_resource', { field, resource: id })
    if (e.sharing === 'none' || (e.holders && !e.holders.includes(p.role))) {
      throw badRequest(`${field}: ${id} is not shared with ${p.role}`, { field }).coded('catalogue.not_shareable', { field, resource: id, title: e.title })
    }
    return e
  })
}

/** Every area an existing division inside the applicant's jurisdiction; else 404 naming the field (areas.i). */
export async function checkAreas(knex: Knex, p: Principal, areas: readonly string[]): Promise<void> {
  const known = new Set((await knex('admin_division').whereIn('code', [...areas]).pluck('code')) as string[])
  areas.forEach((a, i) => {
    if (!known.has(a) || !p.jurisdiction.covers(a)) {
      throw notFound(`areas.${i}: no division ${a} in your jurisdiction`).coded('catalogue.area_not_found', { field: `areas.${i}`, area: a })
    }
  })
}

/**
 * The documented operations a granted template would match by its shape without being granted
 * (GET /api/v1/grids/{code} matches GET /api/v1/grids/export): the grant lists them as "!…" so the
 * key is refused them (server/auth/grants.ts).
 */
function shadowed(granted: readonly string[]): string[] {
  const documented = Object.entries(openApiDocument.paths as Record<string, Record<string, unknown>>)
    .flatMap(([path, item]) => Object.keys(item).map((m) => `${m.toUpperCase()} ${path}`))
  const grantedSet = new Set(granted)
  const out = new Set<string>()
  for (const g of granted) {
    const [method = '', template = ''] = g.split(' ')
    const re = templateRegExp(template)
    for (const d of documented) {
      const [m = '', path = ''] = d.split(' ')
      if (m === method && path !== template && !grantedSet.has(d) && re.test(path)) out.add(`!${d}`)
    }
  }
  return [...out]
}

/** The grant and scopes of the entries: operations and layers, and the scope each needs. */
export function grantOf(entries: readonly CityEntry[], areas: readonly string[]) {
  const granted = [...new Set(entries.flatMap((e) => e.access.operations))]
  const paths = [...granted, ...shadowed(granted)].sort()
  const layers = [...new Set(entries.flatMap((e) => e.access.layers))].sort()
  // a path template stands for any value of its parameters: the scope of one concrete path is the template's
  const scopes = new Set(granted.map((o) => {
    const [method = 'GET', path = ''] = o.split(' ')
    return scopeFor(method, path.replace(/\{[^}/]+\}/g, 'x'))
  }).filter((s) => s !== undefined))
  if (layers.length) scopes.add('ogc:read')
  return { grant: { paths, layers, areas: [...areas].sort() }, scopes: [...scopes].sort() }
}

/** The application of the caller's city (applicants: only their own), or 404. */
export async function applicationFor(knex: Knex, p: Principal, id: number, admin: boolean): Promise<Record<string, unknown>> {
  const q = knex('catalogue_application').where({ id, city_code: p.cityCode ?? '' })
  if (!admin) q.where({ applicant_id: p.userId ?? 0 })
  const row = await q.first()
  if (!row) throw notFound(`no application ${id}`).coded('catalogue.application_not_found', { id })
  return row as Record<string, unknown>
}

function stateConflict(row: Record<string, unknown>, want: AppState): AppError {
  const state = row.state as AppState
  return new AppError(409, 'conflict', `application ${String(row.id)} is ${state}, not ${want}`)
    .coded('catalogue.application_state', { id: Number(row.id), state: STATE_TITLES[state], want: STATE_TITLES[want] })
}

/**
 * Approves a submitted application and issues its key (shown once), in one transaction: two
 * reviewers at once, one wins and the other gets 409; the entries are checked again (their
 * sharing may have changed since the application).
 */
export async function approve(knex: Knex, catalogue: Catalogue, reviewer: Principal, row: Record<string, unknown>, comment: string | undefined) {
  const applicant = await knex('app_user as u').where('u.id', row.applicant_id as number).first('u.id', 'u.username', 'u.role', 'u.city_code')
  const asApplicant = { ...reviewer, userId: Number(applicant.id), role: applicant.role } as Principal
  const entries = await holdable(knex, catalogue, asApplicant, row.resources as string[])
  const { grant, scopes } = grantOf(entries, row.areas as string[])
  const expiresAt = new Date(Date.now() + Number(row.valid_days) * 86_400_000)
  return knex.transaction(async (trx) => {
    const [updated] = await trx('catalogue_application').where({ id: row.id, state: 'submitted' })
      .update({ state: 'approved', reviewed_by: reviewer.userId, reviewed_at: trx.fn.now(), review_comment: comment ?? null }).returning('*')
    if (!updated) throw stateConflict(await trx('catalogue_application').where({ id: row.id }).first(), 'submitted')
    const made = await createApiKey(trx, Number(applicant.id), `资源申请 #${String(row.id)}：${String(row.system_name)}`.slice(0, 100), undefined,
      { scopes, expiresAt, createdBy: reviewer.userId, grant, applicationId: Number(row.id) })
    return { row: updated as Record<string, unknown>, key: {
      id: made.id, key: made.key, scopes, expiresAt: expiresAt.toISOString(), operations: grant.paths.filter((o) => !o.startsWith('!')),
      excluded: grant.paths.filter((o) => o.startsWith('!')).map((o) => o.slice(1)), layers: grant.layers, areas: grant.areas,
    } }
  })
}

export async function reject(knex: Knex, reviewer: Principal, row: Record<string, unknown>, comment: string) {
  const [updated] = await knex('catalogue_application').where({ id: row.id, state: 'submitted' })
    .update({ state: 'rejected', reviewed_by: reviewer.userId, reviewed_at: knex.fn.now(), review_comment: comment }).returning('*')
  if (!updated) throw stateConflict(row, 'submitted')
  return updated as Record<string, unknown>
}

/** Revokes an approved application and every key issued for it (rotations included), at once. */
export async function revoke(knex: Knex, admin: Principal, row: Record<string, unknown>, reason: string) {
  return knex.transaction(async (trx) => {
    const [updated] = await trx('catalogue_application').where({ id: row.id, state: 'approved' })
      .update({ state: 'revoked', revoked_by: admin.userId, revoked_at: trx.fn.now(), revoke_reason: reason }).returning('*')
    if (!updated) throw stateConflict(row, 'approved')
    await trx('api_key').where({ application_id: row.id }).whereNull('revoked_at').update({ revoked_at: trx.fn.now() })
    return updated as Record<string, unknown>
  })
}

/** The requests the application's keys made, newest first (from the access audit). */
export async function usage(knex: Knex, id: number, limit: number) {
  const { rows } = await knex.raw(sqlFile('catalogue/usage'), { id, limit }) as { rows: Record<string, unknown>[] }
  return rows.map((r) => ({
    at: new Date(r.at as string).toISOString(), keyId: Number(r.api_key_id), method: r.method, path: r.path,
    action: r.action, status: r.status === null ? null : Number(r.status), clientAddress: r.client_address,
    resourceType: r.resource_type, resourceId: r.resource_id, personal: r.personal,
  }))
}

export function describeApplication(r: Record<string, unknown>, keys: Record<string, unknown>[] = []) {
  const iso = (v: unknown) => (v ? new Date(v as string).toISOString() : null)
  return {
    id: Number(r.id), state: r.state, stateTitle: STATE_TITLES[r.state as AppState], systemName: r.system_name, purpose: r.purpose,
    applicant: r.applicant_username ?? null, resources: r.resources, areas: r.areas, validDays: Number(r.valid_days),
    submittedAt: iso(r.submitted_at), reviewedAt: iso(r.reviewed_at), reviewComment: r.review_comment ?? null,
    revokedAt: iso(r.revoked_at), revokeReason: r.revoke_reason ?? null,
    keys: keys.map((k) => ({
      id: Number(k.id), prefix: k.prefix, scopes: k.scopes, expiresAt: iso(k.expires_at), revokedAt: iso(k.revoked_at),
      lastUsedAt: iso(k.last_used_at), replacedBy: k.replaced_by === null ? null : Number(k.replaced_by),
    })),
  }
}
