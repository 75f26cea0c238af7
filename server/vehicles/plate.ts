// Motor vehicle plates (机动车号牌, GA 36-2018): which formats the register accepts, normalised to
// their stored form (upper case, no spaces, middle dots or hyphens).
//
// Accepted
// * ordinary, 7 characters: a province abbreviation (省份简称), the issuing office's letter
//   (发牌机关代号, A-Z without I) and 5 serial characters of digits and letters without I and O;
//   the last one may instead be 挂 (trailer), 学 (driving school), 警 (police) or 港 / 澳
//   (Guangdong's cross-border plates): 鲁A12345, 鲁AB12C3, 鲁A1234挂.
// * new energy, small vehicles, 8 characters: province, office letter, D (pure electric) or F
//   (other new energy), one digit or letter (no I/O), 4 digits: 鲁AD12345, 鲁AFA1234.
// * new energy, large vehicles, 8 characters: province, office letter, 5 digits, then D or F:
//   鲁A12345D.
// Refused: military (军), armed police (WJ), embassy and consulate (使, 领) and temporary plates,
// which are not registered by the grid.

export type PlateType = 'ordinary' | 'trailer' | 'coach' | 'police' | 'hk_macau' | 'new_energy_small' | 'new_energy_large'

export const PROVINCES = '京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼'

const P = `[${PROVINCES}]`
const OFFICE = '[A-HJ-Z]'
const SERIAL = '[A-HJ-NP-Z0-9]'
const ORDINARY = new RegExp(`^${P}${OFFICE}${SERIAL}{4}([A-HJ-NP-Z0-9挂学警港澳])$`)
const NEW_SMALL = new RegExp(`^${P}${OFFICE}[DF]${SERIAL}[0-9]{4}$`)
const NEW_LARGE = new RegExp(`^${P}${OFFICE}[0-9]{5}[DF]$`)

const SUFFIX: Record<string, PlateType> = { 挂: 'trailer', 学: 'coach', 警: 'police', 港: 'hk_macau', 澳: 'hk_macau' }

export class PlateError extends Error {
  override name = 'PlateError'
}

/** Upper case without spaces, middle dots and hyphens (鲁a·123 45 → 鲁A12345). */
export function normalisePlate(input: string): string {
  return input.normalize('NFKC').replace(/[\s·•・.\-_]/g, '').toUpperCase()
}

/** The stored plate and its type, or PlateError saying what is wrong. */
export function parsePlate(input: string): { plate: string; type: PlateType } {
  const plate = normalisePlate(input)
  const chars = [...plate]
  if (chars.length !== 7 && chars.length !== 8) {
    throw new PlateError('a plate has 7 characters (ordinary) or 8 (new energy), e.g. 鲁A12345 or 鲁AD12345')
  }
  if (!PROVINCES.includes(chars[0]!)) throw new PlateError(`the first character must be a province abbreviation (${PROVINCES})`)
  if (!/^[A-HJ-Z]$/.test(chars[1]!)) throw new PlateError('the second character must be the issuing office letter A-Z (not I)')
  if (chars.length === 7) {
    const m = ORDINARY.exec(plate)
    if (!m) throw new PlateError('the 5 serial characters of an ordinary plate are digits and letters without I and O (the last may be 挂, 学, 警, 港 or 澳)')
    return { plate, type: SUFFIX[m[1]!] ?? 'ordinary' }
  }
  if (NEW_SMALL.test(plate)) return { plate, type: 'new_energy_small' }
  if (NEW_LARGE.test(plate)) return { plate, type: 'new_energy_large' }
  throw new PlateError('a new-energy plate is D or F, a digit or letter and 4 digits (small vehicles, 鲁AD12345) or 5 digits then D or F (large vehicles, 鲁A12345D)')
}

export function isPlate(input: string): boolean {
  try {
    parsePlate(input)
    return true
  } catch {
    return false
  }
}
