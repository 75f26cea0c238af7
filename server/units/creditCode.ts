// 统一社会信用代码 (GB 32100-2015): 18 characters from 31 (digits and capitals without I, O, Z, S,
// V). 1: the registering authority (1 机构编制, 5 民政, 9 工商 …), 2: the kind of organisation,
// 3-8: the administrative division (digits), 9-17: the organisation code (GB 11714), 18: the check
// character, chosen so that the weighted sum of all 18 values is 0 modulo 31 (weights 3^(i-1) mod 31).

export const CREDIT_ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY'
const WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
const SHAPE = /^[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}$/

/** The check character of the first 17 characters (which must be from the alphabet). */
export function creditCheckChar(first17: string): string {
  if (first17.length !== 17) throw new Error('creditCheckChar needs 17 characters')
  let sum = 0
  for (let i = 0; i < 17; i++) {
    const v = CREDIT_ALPHABET.indexOf(first17[i]!)
    if (v < 0) throw new Error(`not a credit code character: ${first17[i]}`)
    sum += v * WEIGHTS[i]!
  }
  return CREDIT_ALPHABET[(31 - (sum % 31)) % 31]!
}

export type CreditCodeProblem = 'length' | 'characters' | 'check'

/** Why a credit code is not one (null: it is): wrong length, characters or division digits, check character. */
export function creditCodeProblem(code: string): CreditCodeProblem | null {
  if (code.length !== 18) return 'length'
  if (!SHAPE.test(code)) return 'characters'
  return creditCheckChar(code.slice(0, 17)) === code[17] ? null : 'check'
}

export const isCreditCode = (code: string): boolean => creditCodeProblem(code) === null
