// Phone numbers of members: found by any digits of them, shown in full only to the roles that
// dispatch members (they phone them); everyone else reads 138****5678. One function so the trust
// issue can replace it with its general masking policy.
import type { Principal } from '../auth/users.ts'
import type { Role } from '../auth/roles.ts'

const PHONE_READERS: readonly Role[] = ['command_center', 'district_staff', 'street_staff', 'community_staff']

/** The phone as this principal may read it: full, or the first three and last four digits. */
export function phoneFor(principal: Principal, phone: string | null): string | null {
  if (phone === null || phone === '') return null
  if (PHONE_READERS.includes(principal.role)) return phone
  return maskPhone(phone)
}

export function maskPhone(phone: string): string {
  const digits = phone.replace(/\D/g, '')
  if (digits.length < 7) return '*'.repeat(digits.length)
  return `${digits.slice(0, 3)}${'*'.repeat(digits.length - 7)}${digits.slice(-4)}`
}
