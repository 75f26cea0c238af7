// Personal fields (个人信息): every column of today's schema that names a person, its kind, and
// how each kind is masked. Whether a principal reads a field in full is rule.ts's decision.
// Kept free of imports from the capabilities so every channel can use it without a cycle.

export type PersonalKind = 'name' | 'phone' | 'idNumber' | 'residentAddress'

/**
 * The classification. Columns named here are either masked through rule.ts wherever they leave
 * the server, or never leave it (`returned: false`). Grid members' names are not here: a
 * member's name is their work identity on duty (公示 on the grid board), shown to staff.
 */
export const PERSONAL_FIELDS: readonly { column: string; kind: PersonalKind; returned: boolean }[] = [
  { column: 'event.reporter_name', kind: 'name', returned: true },
  { column: 'event.reporter_phone', kind: 'phone', returned: true },
  { column: 'grid_member.phone', kind: 'phone', returned: true },
  // kept for login and notification only; no endpoint returns it
  { column: 'app_user.phone', kind: 'phone', returned: false },
  // Open311 first_name, last_name, email: stored for the record, never returned (open311/scope.ts)
  { column: 'open311_request.contact', kind: 'name', returned: false },
  { column: 'resident.name', kind: 'name', returned: true },
  { column: 'resident.phone', kind: 'phone', returned: true },
  // sealed (AES-GCM); the masked form and the blind index beside it reveal nothing more
  { column: 'resident.id_number_sealed', kind: 'idNumber', returned: true },
  { column: 'house.owner_name', kind: 'name', returned: true },
  { column: 'house.owner_phone', kind: 'phone', returned: true },
  { column: 'vehicle.owner_name', kind: 'name', returned: true },
  { column: 'vehicle.owner_phone', kind: 'phone', returned: true },
  { column: 'vehicle.owner_id_number_sealed', kind: 'idNumber', returned: true },
  { column: 'line.contact_name', kind: 'name', returned: true },
  { column: 'line.contact_phone', kind: 'phone', returned: true },
  { column: 'place.manager_name', kind: 'name', returned: true },
  { column: 'place.manager_phone', kind: 'phone', returned: true },
  { column: 'unit.legal_person', kind: 'name', returned: true },
  { column: 'unit.contact_name', kind: 'name', returned: true },
  { column: 'unit.contact_phone', kind: 'phone', returned: true },
  { column: 'organisation.legal_person', kind: 'name', returned: true },
  { column: 'organisation.contact_phone', kind: 'phone', returned: true },
  { column: 'special_group.guardian_name', kind: 'name', returned: true },
  { column: 'special_group.guardian_phone', kind: 'phone', returned: true },
  { column: 'enforcement_officer.name', kind: 'name', returned: true },
  // 执法证号: masked as an ID number (issuer prefix and last four kept)
  { column: 'enforcement_officer.certificate_no', kind: 'idNumber', returned: true },
  { column: 'enforcement_officer.phone', kind: 'phone', returned: true },
  { column: 'team.leader_name', kind: 'name', returned: true },
  { column: 'team.leader_phone', kind: 'phone', returned: true },
  { column: 'team_member.name', kind: 'name', returned: true },
  { column: 'team_member.phone', kind: 'phone', returned: true },
  { column: 'party_org.secretary_name', kind: 'name', returned: true },
  { column: 'party_org.secretary_phone', kind: 'phone', returned: true },
  { column: 'party_member.name', kind: 'name', returned: true },
  { column: 'party_member.phone', kind: 'phone', returned: true },
  { column: 'mediator.name', kind: 'name', returned: true },
  { column: 'mediator.phone', kind: 'phone', returned: true },
  { column: 'dispute_party.name', kind: 'name', returned: true },
  { column: 'dispute_party.phone', kind: 'phone', returned: true },
  { column: 'dispute_party.id_number_sealed', kind: 'idNumber', returned: true },
  // who attended a mediation session: names of the parties and others
  { column: 'dispute_session.attendees', kind: 'name', returned: true },
]

/** 13812345678 → 138****5678: the first three and last four digits; under seven digits, all stars. */
export function maskPhone(phone: string): string {
  const digits = phone.replace(/\D/g, '')
  if (digits.length < 7) return '*'.repeat(digits.length)
  return `${digits.slice(0, 3)}${'*'.repeat(digits.length - 7)}${digits.slice(-4)}`
}

/** 张三 → 张*, 欧阳娜娜 → 欧***: the first character (the family name, mostly) and a star per other character. */
export function maskName(name: string): string {
  const chars = [...name.trim()]
  if (chars.length <= 1) return '*'
  return chars[0] + '*'.repeat(chars.length - 1)
}

/** 370102199001011234 → 3701**********1234: region prefix and check digits only. */
export function maskIdNumber(id: string): string {
  const chars = [...id.replace(/\s/g, '')]
  if (chars.length < 12) return '*'.repeat(chars.length)
  return chars.slice(0, 4).join('') + '*'.repeat(chars.length - 8) + chars.slice(-4).join('')
}

/** A resident's address: the first six characters (city and district, mostly), then ****. */
export function maskResidentAddress(address: string): string {
  const chars = [...address.trim()]
  return chars.length <= 6 ? '*'.repeat(chars.length) : `${chars.slice(0, 6).join('')}****`
}

export function mask(kind: PersonalKind, value: string): string {
  switch (kind) {
    case 'name': return maskName(value)
    case 'phone': return maskPhone(value)
    case 'idNumber': return maskIdNumber(value)
    case 'residentAddress': return maskResidentAddress(value)
  }
}
