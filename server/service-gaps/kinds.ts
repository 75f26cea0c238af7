// The services the yearly check (一年一体检) measures are versioned configuration (kind
// service_kinds, server/config/kinds.ts; first versions by migration 0073): per places register
// kind, whom it serves (everyone, or the residents of 60 and over for elderly care), the walking
// reach, the demand classes that speak of its lack, the share within reach under which it is
// lacking, and its capacity's unit and standard. A request may override the reach and the share
// for one check, within the ranges below.
import type { Knex } from 'knex'
import { inForce } from '../config/store.ts'
import type { ServiceKindBody } from '../config/kinds.ts'
import type { PlaceKind } from '../places/spec.ts'

export interface ServiceKind {
  kind: PlaceKind
  name: string
  /** whom it serves: all residents, or the elderly (60 and over at the end of the year checked) */
  serves: 'all' | 'elderly'
  /** small event classes whose demands point at the service's lack */
  demandClasses: string[]
  reach: number
  minShare: number
  capacityUnit: string
  /** accessibility (capacity within reach per 1,000 served) under which a community is short; null: not flagged */
  minAccessPer1000: number | null
  /** the configuration version the kind was read from */
  versionId: number
}

/** The services configured at `at`, in the order of the register's kinds as the check always listed them. */
export async function serviceKindsAt(knex: Knex, at: Date): Promise<ServiceKind[]> {
  const rows = await inForce(knex, 'service_kinds', at)
  return rows.map((r) => {
    const b = r.body as ServiceKindBody
    return {
      kind: r.key as PlaceKind, name: b.name, serves: b.serves, demandClasses: b.demandClasses ?? [], reach: Number(b.reachM),
      minShare: Number(b.minShare), capacityUnit: b.capacityUnit, minAccessPer1000: b.minAccessPer1000 == null ? null : Number(b.minAccessPer1000),
      versionId: Number(r.id),
    }
  }).sort((a, b) => rank(a.kind) - rank(b.kind) || a.kind.localeCompare(b.kind))
}

/** The first four first (as the check listed them before it was configured), any other configured kind after them. */
const ORDER: readonly string[] = ['convenience_store', 'parking', 'elderly_care', 'clinic']
const rank = (kind: string) => (ORDER.includes(kind) ? ORDER.indexOf(kind) : ORDER.length)

export const ELDERLY_AGE = 60
export const MIN_REACH_M = 100
export const MAX_REACH_M = 5000
export const FIRST_YEAR = 2000
