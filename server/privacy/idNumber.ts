// Resident ID numbers (公民身份号码, GB 11643-1999): checked before they are stored, then sealed
// (encryption.ts) with a blind index for exact lookups and a masked form for lists. The registers
// (issue 14) store only what sealIdNumber returns, never the number itself.
import { parseClientDay } from '../http/dates.ts'
import { maskIdNumber } from './fields.ts'
import type { DataKeyring } from './encryption.ts'

/** Weights of the 17 digits, 2^(17-i) mod 11 (ISO 7064 MOD 11-2), and the check character of each remainder. */
const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
const CHECK = '10X98765432'

export type IdNumberProblem = 'format' | 'region' | 'birth_date' | 'check_digit'

export class IdNumberError extends Error {
  override name = 'IdNumberError'
  constructor(readonly problem: IdNumberProblem, message: string) {
    super(message)
  }
}

/** The check character of the first 17 digits. */
export function checkCharacter(first17: string): string {
  let sum = 0
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * WEIGHTS[i]!
  return CHECK[sum % 11]!
}

/**
 * The number in its stored form (18 characters, a final x upper-cased), or IdNumberError naming
 * what is wrong: not 17 digits and a check character, a region code starting with 0, a birth date
 * that does not exist or lies ahead, a check character that does not match. The 15-digit numbers
 * of the first generation are refused: they have no check digit (ask for the 18-digit number).
 */
export function normaliseIdNumber(input: string, today = new Date()): string {
  const id = input.replace(/\s/g, '').toUpperCase()
  if (!/^\d{17}[\dX]$/.test(id)) {
    throw new IdNumberError('format', /^\d{15}$/.test(id)
      ? 'a 15-digit first-generation ID number has no check digit: give the 18-digit number'
      : 'an ID number is 17 digits and a check digit or X')
  }
  if (id[0] === '0') throw new IdNumberError('region', 'the region code (first 6 digits) cannot start with 0')
  const birth = `${id.slice(6, 10)}-${id.slice(10, 12)}-${id.slice(12, 14)}`
  if (!parseClientDay(birth, 1850) || birth > today.toISOString().slice(0, 10)) {
    throw new IdNumberError('birth_date', `the birth date ${birth} (digits 7-14) does not exist or lies in the future`)
  }
  if (checkCharacter(id.slice(0, 17)) !== id[17]) throw new IdNumberError('check_digit', 'the check digit does not match: the number was mistyped')
  return id
}

export interface SealedIdNumber {
  /** AES-256-GCM ciphertext (encryption.ts), bound to the column named by `context`. */
  sealed: string
  /** HMAC-SHA-256 blind index under the current key: the column an exact lookup uses. */
  blindIndex: string
  /** 3701**********1234: what lists show without decrypting. */
  masked: string
}

/** Checks and seals an ID number for the column `context` (e.g. 'resident.id_number'). */
export function sealIdNumber(keyring: DataKeyring, input: string, context: string): SealedIdNumber {
  const id = normaliseIdNumber(input)
  return { sealed: keyring.encrypt(id, context), blindIndex: keyring.blindIndex(id, context), masked: maskIdNumber(id) }
}

/** The blind indexes to look an ID number up by (every known key, during a rotation); none for a malformed number. */
export function idNumberLookup(keyring: DataKeyring, input: string, context: string): string[] {
  let id: string
  try {
    id = normaliseIdNumber(input)
  } catch {
    return []
  }
  return keyring.blindIndexes(id, context)
}
