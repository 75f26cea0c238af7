// Writes of the special groups: a record (placed where its resident lives, with its default visit
// plan), an edit at the version read (409 when stale), a plan set by hand, a follow-up visit.
// Jurisdiction on every write: a record outside answers 404, a resident outside 403.
import type { Knex } from 'knex'
import type { Principal } from '../auth/users.ts'
import { sqlFile } from '../db/sql.ts'
import { AppError, forbidden, notFound } from '../http/errors.ts'
import { idNumberLookup } from '../privacy/idNumber.ts'
import { dataKeyring } from '../privacy/keyring.ts'
import { defaultIntervalDays, VERIFYING_METHODS, type Kind } from './plan.ts'
import { getGroupRow, type GroupRow } from './store.ts'
import type { CreateBody, PatchBody, VisitBody } from './schemas.ts'

interface ResidentPlace { id: number; community_code: string; city_code: string }

/** The resident a body names (by id or ID number); 400 naming the field when there is none, 403 outside. */
export async function residentOf(trx: Knex | Knex.Transaction, p: Principal, body: { residentId?: number | undefined; residentIdNumber?: string | undefined }): Promise<ResidentPlace> {
  const field = body.residentId !== undefined ? 'residentId' : 'residentIdNumber'
  const q = trx('resident').first('id', 'community_code', 'city_code')
  const r = body.residentId !== undefined
    ? await q.where({ id: body.residentId }) as ResidentPlace | undefined
    : await q.whereIn('id_number_index', idNumberLookup(dataKeyring(), body.residentIdNumber ?? '', 'resident.id_number')) as ResidentPlace | undefined
  if (!r) {
    throw new AppError(400, 'validation_failed', `invalid request body: ${field}: no such resident`, { errors: [{ field, message: 'no such resident' }] })
      .coded('special_groups.resident_not_found', { field })
  }
  if (!p.jurisdiction.covers(r.community_code) || r.city_code !== p.cityCode) {
    throw forbidden(`resident ${r.id} lives outside your jurisdiction`).coded('special_groups.outside', { field })
  }
  return r
}

/** A responsible member must be an active grid member of the caller's jurisdiction. */
export async function checkMember(trx: Knex | Knex.Transaction, p: Principal, memberId: number | null | undefined): Promise<void> {
  if (memberId === null || memberId === undefined) return
  const m = await trx('grid_member').where({ id: memberId, active: true }).first('community_code') as { community_code: string } | undefined
  if (!m || !p.jurisdiction.covers(m.community_code)) {
    throw new AppError(400, 'validation_failed', 'invalid request body: responsibleMemberId: no such active grid member in your jurisdiction',
      { errors: [{ field: 'responsibleMemberId', message: 'no such active grid member in your jurisdiction' }] }).coded('special_groups.member_not_found', { id: memberId })
  }
}

export async function createGroup(knex: Knex, p: Principal, body: CreateBody): Promise<GroupRow> {
  return knex.transaction(async (trx) => {
    const r = await residentOf(trx, p, body)
    await checkMember(trx, p, body.responsibleMemberId)
    const { rows } = await trx.raw(sqlFile('special-groups/insert'), {
      residentId: r.id, kind: body.kind, risk: body.riskLevel, member: body.responsibleMemberId ?? null,
      guardianName: body.guardianName ?? null, guardianPhone: body.guardianPhone ?? null, since: body.since, until: body.until ?? null,
      note: body.note ?? null, user: p.userId, interval: defaultIntervalDays(body.kind, body.riskLevel),
    }) as { rows: { id: number }[] }
    if (!rows[0]) {
      const known = await trx('special_group').where({ resident_id: r.id, kind: body.kind }).first('id') as { id: number }
      throw new AppError(409, 'conflict', `resident ${r.id} already has a ${body.kind} record (${known.id}): edit that one`, { id: Number(known.id) })
        .coded('special_groups.already_registered', { id: Number(known.id), kind: body.kind })
    }
    return getGroupRow(trx, p, Number(rows[0].id))
  })
}

export async function updateGroup(knex: Knex, p: Principal, id: number, body: PatchBody): Promise<GroupRow> {
  return knex.transaction(async (trx) => {
    const before = await getGroupRow(trx, p, id)
    await checkMember(trx, p, body.responsibleMemberId)
    const has = (k: keyof PatchBody) => Object.prototype.hasOwnProperty.call(body, k)
    const since = body.since ?? before.since
    const until = has('until') ? body.until ?? null : before.until
    if (until !== null && until < since) {
      const field = has('until') ? 'until' : 'since'
      throw new AppError(400, 'validation_failed', `invalid request body: ${field}: the end day lies before the start day`, { errors: [{ field, message: 'the end day lies before the start day' }] })
        .coded('special_groups.since_after_until')
    }
    const { rows } = await trx.raw(sqlFile('special-groups/update'), {
      id, version: body.version, patterns: p.jurisdiction.patterns, risk: body.riskLevel ?? null,
      setMember: has('responsibleMemberId'), member: body.responsibleMemberId ?? null,
      setGuardianName: has('guardianName'), guardianName: body.guardianName ?? null,
      setGuardianPhone: has('guardianPhone'), guardianPhone: body.guardianPhone ?? null,
      since: body.since ?? null, setUntil: has('until'), until: body.until ?? null, setNote: has('note'), note: body.note ?? null,
      verified: body.verified === true,
    }) as { rows: { id: number; community_code: string; kind: Kind; risk_level: GroupRow['risk_level'] }[] }
    const row = rows[0]
    if (!row) {
      throw new AppError(409, 'conflict', `special-group record ${id} was changed since version ${body.version} (now ${before.version}): read it again`,
        { version: before.version }).coded('registers.version_conflict', { id, version: before.version })
    }
    // the resident moved away: the edit would place the record outside the caller's area
    if (!p.jurisdiction.covers(row.community_code)) throw forbidden(`record ${id} would lie outside your jurisdiction`).coded('special_groups.outside', { field: 'residentId' })
    await trx.raw(sqlFile('special-groups/plan_default'), { id, interval: defaultIntervalDays(row.kind, row.risk_level), user: p.userId })
    return getGroupRow(trx, p, id)
  })
}

/** A plan set by hand, or (intervalDays null) back to the default of the kind and risk level. */
export async function setPlan(knex: Knex, p: Principal, id: number, intervalDays: number | null, reason: string): Promise<GroupRow> {
  return knex.transaction(async (trx) => {
    const g = await getGroupRow(trx, p, id)
    await trx.raw(sqlFile('special-groups/plan_set'), {
      id, interval: intervalDays ?? defaultIntervalDays(g.kind, g.risk_level), source: intervalDays === null ? 'default' : 'manual', reason, user: p.userId,
    })
    return getGroupRow(trx, p, id)
  })
}

export async function addVisit(knex: Knex, p: Principal, id: number, body: VisitBody): Promise<{ id: number; visitedAt: Date }> {
  return knex.transaction(async (trx) => {
    const g = await getGroupRow(trx, p, id)
    if (body.visitedAt < new Date(`${g.since}T00:00:00+08:00`)) {
      throw new AppError(400, 'validation_failed', `invalid request body: visitedAt: before the record began (${g.since})`,
        { errors: [{ field: 'visitedAt', message: `before the record began (${g.since})` }] }).coded('special_groups.visit_before_since', { since: g.since })
    }
    const { rows } = await trx.raw(sqlFile('special-groups/visit_insert'), {
      id, patterns: p.jurisdiction.patterns, visitedAt: body.visitedAt, method: body.method, situation: body.situation,
      notes: body.notes ?? null, user: p.userId, lon: body.lon ?? null, lat: body.lat ?? null, verifies: VERIFYING_METHODS.includes(body.method),
    }) as { rows: { id: number; visited_at: Date }[] }
    if (!rows[0]) throw notFound(`no special-group record ${id} in your jurisdiction`).coded('special_groups.not_found', { id })
    return { id: Number(rows[0].id), visitedAt: rows[0].visited_at }
  })
}
