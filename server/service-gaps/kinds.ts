// The services the yearly check (一年一体检) measures: which places register kind each is, whom it
// serves (everyone, or the residents of 60 and over for elderly care) and which demand classes
// speak of its lack. Defaults from the 15-minute community life circle (15分钟社区生活圈, GB 50180
// 居住区规划设计标准): a walk of about 1,000 m; the classes are this city's reading, not a standard.
import type { PlaceKind } from '../places/spec.ts'

export interface ServiceKind {
  kind: PlaceKind
  name: string
  /** whom it serves: all residents, or the elderly (60 and over at the end of the year checked) */
  serves: 'all' | 'elderly'
  /** small event classes whose demands point at the service's lack */
  demandClasses: string[]
}

export const SERVICE_KINDS: readonly ServiceKind[] = [
  // street vending (游商) and shops spilling out where no store is near
  { kind: 'convenience_store', name: '便利店', serves: 'all', demandClasses: ['0501', '0504'] },
  { kind: 'parking', name: '停车场', serves: 'all', demandClasses: ['0505', '0506'] },
  { kind: 'elderly_care', name: '养老服务', serves: 'elderly', demandClasses: ['0603', '9901'] },
  { kind: 'clinic', name: '社区卫生服务站/诊所', serves: 'all', demandClasses: ['9901'] },
]

export const SERVICE_KIND_IDS = SERVICE_KINDS.map((k) => k.kind) as [PlaceKind, ...PlaceKind[]]
export const ELDERLY_AGE = 60
export const DEFAULT_REACH_M = 1000
export const MIN_REACH_M = 100
export const MAX_REACH_M = 5000
/** A service is lacking where fewer than this share of those it serves live within reach. */
export const DEFAULT_MIN_SHARE = 0.8
export const FIRST_YEAR = 2000
