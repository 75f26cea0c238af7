// What a field step reads before the transaction (prepare.ts), as the transition carries it: its
// own file so the transition's input types and the field steps do not import each other.
import type { Assignment } from '../dispatch.ts'
import type { AlertList } from './recipients.ts'

export interface VerifyPosition { lon: number; lat: number; source: 'reported' | 'device_fix'; metres: number; memberId: number | null }

export interface FieldPrepared {
  transferTo?: Assignment & { fromMemberId: number | null }
  position?: VerifyPosition
  leaders?: { userIds: number[] }
  alert?: AlertList
}
