// Text normalisation for Chinese addresses: what people type (full-width digits, spaces, stray
// punctuation, Chinese numerals, office names instead of area names) reduced to one spelling
// before parsing. Pure functions, shared by the parser and the matcher.

/** Dash look-alikes that NFKC leaves alone; all mean "-" in 18-2号 or 3-2-501. */
const DASHES = /[‐‑‒–—―−~～]/gu
/** Punctuation, symbols (emoji included), separators and control/format characters, except - and #. */
const NOISE = /(?![-#])[\p{P}\p{S}\p{Z}\p{C}]/gu

// Office and committee names that stand for the area itself (longest first).
const ALIASES: [RegExp, string][] = [
  [/街道办事处|街道办|街办(?=\p{Script=Han})/gu, '街道'],
  [/社区居民委员会|社区居委会|居民委员会|居委会/gu, '社区'],
  [/村民委员会|村委会/gu, '村'],
  [/(\d)号院/gu, '$1号'],
  [/(\d+)号之(\d+)/gu, '$1-$2号'],
  [/(\d+|[A-Z])#(?:楼)?/gu, '$1号楼'],
]

const CN_DIGITS: Record<string, number> = {
  〇: 0, 零: 0, 一: 1, 二: 2, 两: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9,
}
const CN_UNITS: Record<string, number> = { 十: 10, 百: 100, 千: 1000 }

/**
 * A Chinese numeral as an integer string: positional (十八 → 18, 二十 → 20, 一百零五 → 105) or,
 * without unit characters, read digit by digit as rooms are (五〇一 → 501). undefined if not a numeral.
 */
export function chineseToArabic(text: string): string | undefined {
  if (!/^[〇零一二两三四五六七八九十百千]+$/u.test(text)) return undefined
  if (!/[十百千]/u.test(text)) return [...text].map((c) => CN_DIGITS[c]).join('')
  let total = 0
  let digit = 0
  for (const c of text) {
    const unit = CN_UNITS[c]
    if (unit === undefined) {
      digit = CN_DIGITS[c] ?? 0
      continue
    }
    // 十八: a unit with no digit before it means one of it.
    total += (digit || 1) * unit
    digit = 0
  }
  return String(total + digit)
}

// Only numerals right before a number word are converted: 经十路 and 八一路 are names, 十八号 is a number.
const NUMERAL_BEFORE_UNIT = /[〇零一二两三四五六七八九十百千]+(?=号|栋|幢|座|单元|室|户|房|层|楼)/gu

/**
 * Normalises an address string: NFKC (full-width ０-９/Ａ-Ｚ/－/＃ → ASCII), upper-case Latin
 * letters, dashes unified, punctuation, spaces, emoji and control characters dropped, office
 * aliases (街道办事处, 居委会 …) reduced to the area name, Chinese numerals before number words
 * made Arabic. `maxLength` bounds the work on hostile input.
 */
export function normalizeAddress(input: string, maxLength = 400): string {
  let s = input.slice(0, maxLength * 2).normalize('NFKC').toUpperCase()
  s = s.replace(DASHES, '-').replace(NOISE, '')
  s = s.replace(NUMERAL_BEFORE_UNIT, (m) => chineseToArabic(m) ?? m)
  for (const [re, to] of ALIASES) s = s.replace(re, to)
  return s.slice(0, maxLength)
}

/**
 * The key a number-like component is compared by: 18号 → 18, 3号楼 / 3栋 / 3幢 / 3座 → 3,
 * 2单元 → 2, 501室 / 501户 → 501. The same rule as the generated *_key columns of std_address
 * (sql/migrations/0005_addresses.sql), so keys from the parser and from the table agree.
 */
export function numberKey(value: string | null | undefined): string | null {
  if (value === null || value === undefined) return null
  const s = normalizeAddress(value, 40).replace(/(号楼|号院|单元|号|栋|幢|座|楼|室|户|房|#)$/u, '')
  return s === '' ? null : s
}

// Suffixes stripped to compare names by their core: 东城区 ~ 东城, 朝阳街道 ~ 朝阳镇 ~ 朝阳,
// 阳光花园小区 ~ 阳光花园.
const CORE_SUFFIX: Record<string, RegExp> = {
  province: /(省|自治区|特别行政区)$/u,
  city: /(市|自治州|地区|盟)$/u,
  district: /(区|县|市|旗)$/u,
  street: /(街道|镇|乡)$/u,
  community: /(社区|村)$/u,
  road: /(大街|大道|胡同|路|街|巷|弄|道)$/u,
  // Only the generic word: 花园/家园/… are part of estate names, and 二期 is another estate than 三期.
  estate: /(小区)$/u,
}

/** A name without its level suffix (at least two characters are kept). */
export function nameCore(name: string, kind: keyof typeof CORE_SUFFIX): string {
  const re = CORE_SUFFIX[kind]!
  const core = name.replace(re, '')
  return [...core].length >= 2 || (kind !== 'estate' && core.length >= 1) ? core : name
}
