// Deterministic perturbations of standard addresses, the way people and other systems write
// them: levels left out, full-width digits, spaces, office aliases, Chinese numerals, shorthand,
// and one-character typos in road and estate names. Shared by the tests and the bench.

export interface StdAddress {
  id: number
  level: number
  full_address: string
  road: string | null
  house_number: string | null
  estate: string | null
  building: string | null
  unit: string | null
  room: string | null
}

export type Perturbation = 'drop-prefix' | 'drop-admin' | 'full-width' | 'spaces' | 'aliases' | 'chinese-numerals' |
  'shorthand' | 'road-typo' | 'estate-typo' | 'drop-estate'

export const perturbations: Perturbation[] = ['drop-prefix', 'drop-admin', 'full-width', 'spaces', 'aliases',
  'chinese-numerals', 'shorthand', 'road-typo', 'estate-typo', 'drop-estate']

// Look-alike and sound-alike characters people actually mistype (建没路 for 建设路).
const CONFUSIONS: Record<string, string> = {
  设: '没', 民: '名', 华: '化', 光: '广', 和: '合', 平: '坪', 明: '名', 新: '心', 城: '成', 河: '何', 康: '唐',
  泰: '秦', 园: '圆', 阳: '杨', 福: '幅', 安: '按', 兴: '星', 文: '纹', 景: '影', 锦: '绵', 花: '化', 家: '佳',
}

/** 12 → 十二, 501 → 五〇一 (rooms and long numbers are read digit by digit). */
export function toChineseNumber(n: string): string {
  const d = '〇一二三四五六七八九'
  const v = Number(n)
  if (!/^\d+$/.test(n)) return n
  if (v >= 10 && v < 100) return `${v >= 20 ? d[Math.floor(v / 10)] : ''}十${v % 10 ? d[v % 10] : ''}`
  return [...n].map((c) => d[Number(c)]).join('')
}

function typo(name: string): string {
  const chars = [...name]
  const i = chars.findIndex((c) => CONFUSIONS[c] !== undefined)
  // Otherwise the first character is mistyped as a rare one: a typo the vocabulary cannot contain.
  if (i < 0) return `甴${chars.slice(1).join('')}`
  chars[i] = CONFUSIONS[chars[i]!]!
  return chars.join('')
}

/** The part of the address after the community (road, number, estate, building, unit, room). */
export function tail(a: StdAddress): string {
  return (a.road ?? '') + (a.house_number ?? '') + (a.estate ?? '') + (a.building ?? '') + (a.unit ?? '') + (a.room ?? '')
}

/** One perturbation of a standard address. */
export function perturb(a: StdAddress, kind: Perturbation): string {
  return perturbAll(a, [kind])
}

/**
 * Several perturbations at once, applied in a fixed order whatever the list order: name typos
 * and dropped parts first, then the text is assembled (with or without the admin prefix), then
 * the spelling changes (aliases, numerals, full-width digits, spaces).
 */
export function perturbAll(a: StdAddress, kinds: readonly Perturbation[]): string {
  const has = (k: Perturbation) => kinds.includes(k)
  const road = a.road && has('road-typo') ? typo(a.road) : (a.road ?? '')
  const estate = has('drop-estate') ? '' : a.estate && has('estate-typo') ? typo(a.estate) : (a.estate ?? '')
  const prefix = a.full_address.slice(0, a.full_address.length - tail(a).length)
  const admin = has('drop-admin') ? '' : has('drop-prefix') ? prefix.replace(/^示范市/, '') : prefix
  const sep = has('spaces') ? ' ' : ''
  const numbers = has('shorthand') && a.building && a.unit && a.room
    ? [a.building, a.unit, a.room].map((x) => x.replace(/\D/g, '')).join('-')
    : (a.building ?? '') + sep + (a.unit ?? '') + (a.room ?? '')
  let s = [admin, road, a.house_number ?? '', estate, numbers].join(sep)
  if (has('aliases')) s = s.replace('街道', '街道办事处').replace('社区', '社区居委会').replace('号楼', '栋').replace(/室$/, '户')
  if (has('chinese-numerals')) s = s.replace(/(\d+)(号|单元|室)/g, (_m, n: string, u: string) => toChineseNumber(n) + u)
  if (has('full-width')) s = s.replace(/[0-9]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0))
  return s.trim()
}
