// Mediation bodies and mediators as the API answers them. A mediator's name and phone are
// personal fields (PERSONAL_FIELDS mediator.name, mediator.phone) shown through the one rule
// (privacy/rule.ts): the record's community is the body's seat, its holder the mediator's own account.
import type { Principal } from '../auth/users.ts'
import { accessTo, shown, type Access } from '../privacy/rule.ts'
import { BODY_KINDS, DISPUTE_TYPES } from '../disputes/types.ts'
import type { BodyRow, MediatorRow } from './store.ts'

export const MEDIATOR_PERSONAL = { name: 'name', phone: 'phone' } as const

export function mediatorAccess(p: Principal, r: { community_code: string; user_id: string | null }): Access {
  return accessTo(p, { communityCode: r.community_code, heldByPrincipal: r.user_id !== null && p.userId !== null && Number(r.user_id) === p.userId })
}

const typeNames = (types: string[]) => types.map((t) => DISPUTE_TYPES[t as keyof typeof DISPUTE_TYPES] ?? t)

export function bodyItem(r: BodyRow): Record<string, unknown> {
  return {
    id: Number(r.id), name: r.name, kind: r.kind, kindName: BODY_KINDS[r.kind as keyof typeof BODY_KINDS], communityCode: r.community_code,
    communityName: r.community_name, areas: r.areas, domains: r.domains, domainNames: typeNames(r.domains), address: r.address, phone: r.phone,
    active: r.active, mediators: Number(r.mediators), version: r.version, createdAt: r.created_at.toISOString(), updatedAt: r.updated_at.toISOString(),
  }
}

export function mediatorItem(r: MediatorRow, access: Access): Record<string, unknown> {
  const person = shown(access, MEDIATOR_PERSONAL, { name: r.name, phone: r.phone },
    { type: 'mediators', id: String(r.id), recordId: Number(r.id), communityCode: r.community_code, prefix: '' })
  const open = Number(r.open)
  return {
    id: Number(r.id), bodyId: Number(r.body_id), bodyName: r.body_name, bodyKind: r.body_kind, ...person,
    userId: r.user_id === null ? null : Number(r.user_id), communityCode: r.community_code, domains: r.domains, domainNames: typeNames(r.domains),
    areas: r.areas, capacity: r.capacity, active: r.active, open, load: Math.round((open / r.capacity) * 1000) / 1000,
    version: r.version, createdAt: r.created_at.toISOString(), updatedAt: r.updated_at.toISOString(),
  }
}
