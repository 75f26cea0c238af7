// A dispute as the API answers it. Parties' names, phones and ID numbers are personal fields
// (PERSONAL_FIELDS dispute_party.*) shown through the one rule (privacy/rule.ts): the record is the
// dispute's community; its holders are the assigned mediator's account and the grid inspector
// serving the dispute's grid. The mediator's name follows the mediator's own record (mediators/view.ts).
import type { Principal } from '../auth/users.ts'
import { dataKeyring } from '../privacy/keyring.ts'
import { accessTo, shown, type Access } from '../privacy/rule.ts'
import { shownText } from '../privacy/freeText.ts'
import { mediatorAccess, MEDIATOR_PERSONAL } from '../mediators/view.ts'
import { DISPUTE_TYPES, PARTY_ROLES, PERFORMANCE, RISK_LEVELS, SATISFACTION, SOURCES, STATUSES, TRANSFER_TO } from './types.ts'
import { ID_CONTEXT, type DisputeRow, type PartyRow } from './store.ts'

export const PARTY_PERSONAL = { name: 'name', phone: 'phone', idNumber: 'idNumber' } as const

export function disputeAccess(p: Principal, d: DisputeRow, grids: ReadonlySet<string>): Access {
  const mediator = d.mediator_user_id !== null && p.userId !== null && Number(d.mediator_user_id) === p.userId
  return accessTo(p, { communityCode: d.community_code, heldByPrincipal: mediator || (d.grid_code !== null && grids.has(d.grid_code)) })
}

const title = <T extends Record<string, string>>(o: T, k: string | null) => (k === null ? null : (o as Record<string, string>)[k] ?? k)
const iso = (t: Date | null) => t?.toISOString() ?? null
const money = (v: string | null) => (v === null ? null : Number(v))

/** The parties in full (for a full read or an unmask): ID numbers decrypted. */
export function partiesInFull(parties: PartyRow[]) {
  return parties.map((x) => ({
    seq: x.seq, role: x.role, name: x.name, phone: x.phone,
    idNumber: x.id_number_sealed === null ? null : dataKeyring().decrypt(x.id_number_sealed, ID_CONTEXT),
  }))
}

export function disputeItem(p: Principal, d: DisputeRow, parties: PartyRow[], access: Access): Record<string, unknown> {
  const audit = { type: 'disputes', id: d.number, recordId: Number(d.id), communityCode: d.community_code }
  const shownParties = parties.map((x, i) => {
    const values = access === 'full' ? partiesInFull([x])[0]! : { name: x.name, phone: x.phone, idNumber: x.id_number_masked }
    return { seq: x.seq, role: x.role, roleName: PARTY_ROLES[x.role as keyof typeof PARTY_ROLES],
      ...shown(access, PARTY_PERSONAL, { name: values.name, phone: values.phone, idNumber: values.idNumber }, { ...audit, prefix: `parties.${i}.` }) }
  })
  const mediator = d.mediator_id === null ? null : {
    id: Number(d.mediator_id), bodyName: d.body_name,
    ...shown(mediatorAccess(p, { community_code: d.mediator_community!, user_id: d.mediator_user_id }), { name: MEDIATOR_PERSONAL.name }, { name: d.mediator_name },
      { type: 'mediators', id: String(d.mediator_id), recordId: Number(d.mediator_id), communityCode: d.mediator_community, prefix: '' }),
  }
  return {
    id: Number(d.id), number: d.number, title: d.title, description: shownText(access, d.description), type: d.type, typeName: title(DISPUTE_TYPES, d.type),
    source: d.source, sourceName: title(SOURCES, d.source), riskLevel: d.risk_level, riskLevelName: title(RISK_LEVELS, d.risk_level),
    riskReasons: d.risk_reasons.map((r) => shownText(access, r)), amount: Number(d.amount), status: d.status, statusName: title(STATUSES, d.status),
    lon: Number(d.lon), lat: Number(d.lat), address: d.address, communityCode: d.community_code, communityName: d.community_name, gridCode: d.grid_code,
    parties: shownParties, mediator, assignedAt: iso(d.assigned_at), assignReason: d.assign_reason,
    outcome: d.status === 'agreed' ? 'agreement' : d.status === 'failed' || d.status === 'transferred' ? d.status : null, concludedAt: iso(d.concluded_at),
    agreement: d.status !== 'agreed' ? null : {
      terms: d.agreement_terms, amount: money(d.agreement_amount), performanceDue: d.performance_due, performance: d.performance,
      performanceName: title(PERFORMANCE, d.performance), overdue: d.overdue, performanceCheckedAt: iso(d.performance_checked_at), performanceNote: d.performance_note,
    },
    transfer: d.status !== 'transferred' ? null : { to: d.transfer_to, toName: title(TRANSFER_TO, d.transfer_to), body: d.transfer_body },
    failureReason: d.failure_reason,
    revisit: d.revisited_at === null ? null : { at: iso(d.revisited_at), satisfaction: d.revisit_satisfaction, satisfactionName: title(SATISFACTION, d.revisit_satisfaction), notes: d.revisit_notes },
    version: d.version, createdAt: d.created_at.toISOString(), updatedAt: d.updated_at.toISOString(),
  }
}
