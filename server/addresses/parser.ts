// Parses a Chinese address into GA/T 2000.32 components: 省 市 区/县 街道/镇/乡 社区/村 (levels
// 10-30), 街路巷 + 门牌号 or 小区 (40-50), 楼栋 (50), 单元 and 室 (60). Pure: no database, no I/O.
//
// The text is read left to right, levels in their usual order, each optional: at every position
// the first step (from the level after the last one found) whose pattern matches is taken; text
// no step understands goes to `rest`, so a typo costs one component, never the whole parse.
// Names are recognised by their suffix (东城区, 朝阳街道, 建设路); a road whose suffix is
// mistyped is still recognised when a house number follows it (建设璐18号).
import { normalizeAddress } from './normalize.ts'

export const addressParts = ['province', 'city', 'district', 'street', 'community', 'road', 'houseNumber',
  'estate', 'building', 'unit', 'floor', 'room'] as const
export type AddressPart = (typeof addressParts)[number]

export interface ParsedAddress {
  /** The normalised text that was parsed. */
  normalized: string
  province?: string
  city?: string
  district?: string
  street?: string
  community?: string
  road?: string
  /** 18, 18-2, 18A (without 号). */
  houseNumber?: string
  estate?: string
  /** 3, A, A3 (without 号楼/栋/幢/座). */
  building?: string
  unit?: string
  /** Recorded but not matched: GA/T 2000.32 has no floor level. */
  floor?: string
  room?: string
  /** Components found, in address order. */
  present: AddressPart[]
  /** Text that no step understood, as separate pieces. */
  rest: string[]
  /** Assumptions made, e.g. 'road-suffix-missing', 'shorthand-building-unit-room'. */
  notes: string[]
}

const HAN = '\\p{Script=Han}'
/** A name of 1..max Han characters none of which starts a `stop` word (the first is free: 市中区). */
const name = (stop: string, max: number) => `${HAN}(?:(?!${stop})${HAN}){0,${max - 1}}?`

interface Step {
  parts: AddressPart[]
  re: RegExp
  /** Turns a match into component values (in `parts` order); undefined rejects the match. */
  values: (m: RegExpExecArray, p: ParsedAddress) => (string | undefined)[] | undefined
  note?: string
}

const sticky = (source: string) => new RegExp(source, 'uy')
const whole = (m: RegExpExecArray) => [m[1]! + m[2]!]

const STEPS: Step[] = [
  { parts: [], re: sticky('中华人民共和国|中国'), values: () => [] },
  { parts: ['province'], re: sticky(`(${name('省|市|区|县', 7)})(省|自治区|特别行政区)`), values: whole },
  { parts: ['city'], re: sticky(`(${name('省|市|区|县|街道|镇|乡|社区|路|街', 8)})(市|自治州|地区|盟)`), values: whole },
  {
    parts: ['district'],
    re: sticky(`(${name('市|区|县|旗|街道|镇|乡|社区|村|路|街|巷|小区', 8)})(区|县|市|旗)`),
    values: whole,
  },
  { parts: ['street'], re: sticky(`(${name('街道|镇|乡|社区|村|路|小区', 10)})(街道|镇|乡)`), values: whole },
  {
    // 村 is a village unless a building number follows it (王庄村3号楼 reads as an estate);
    // 新村 is an estate suffix (阳光新村), never a village.
    parts: ['community'],
    re: sticky(`(${name('社区|村|路|街|巷|小区|新村', 10)})(社区|村(?![0-9A-Z]+(?:号楼|栋|幢|座|单元)))`),
    values: whole,
  },
  {
    parts: ['road'],
    re: sticky(`(${name('大街|大道|胡同|路|街|巷|弄|号|社区|小区', 12)})(大街|大道|胡同|路|街|巷|弄|道)`),
    values: whole,
  },
  {
    // A name right before a house number is a road even with a mistyped suffix (建设璐18号).
    // Not an estate (阳光小区3号2单元: 3号 there is building 3).
    parts: ['road'], re: sticky(`(${HAN}${name('小区|社区', 11)})(?=[0-9]+[A-Z]?(?:-[0-9]+)?号(?!楼|[0-9]+单元))`),
    values: (m) => [m[1]], note: 'road-suffix-missing',
  },
  {
    // 18号, 18-2号, 18A号; bare digits only right after the road (建设路18).
    parts: ['houseNumber'], re: sticky('([0-9]+[A-Z]?(?:-[0-9]+)?)(?:(号)(?!楼)|(?![0-9]|号|栋|幢|座|单元|室|户|房|层|楼|-))'),
    values: (m, p) => (m[2] || (p.road && p.present.at(-1) === 'road') ? [m[1]] : undefined),
  },
  {
    // An estate is the Han text before the building number (阳光花园3号楼, 阳光花园A座).
    parts: ['estate'], re: sticky(`(${HAN}[${HAN}A-Z]{1,19}?)(?=[0-9]|[A-Z][0-9]*(?:号楼|栋|幢|座|单元)|$)`),
    values: (m) => [m[1]],
  },
  {
    parts: ['building', 'unit', 'room'], re: sticky('([0-9]+|[A-Z][0-9]*)-([0-9]+)-([0-9]+[A-Z]?)(?:室|户|房|号)?$'),
    values: (m) => [m[1], m[2], m[3]], note: 'shorthand-building-unit-room',
  },
  {
    // 号 means building only before a unit (3号2单元); 3楼 alone is a floor.
    parts: ['building'], re: sticky('([0-9]+|[A-Z][0-9]*)(?:号楼|栋|幢|座|号(?=[0-9]+单元))'),
    values: (m) => [m[1]],
  },
  { parts: ['unit'], re: sticky('([0-9]+|[A-Z])单元'), values: (m) => [m[1]] },
  {
    parts: ['unit', 'room'], re: sticky('([0-9]+)-([0-9]+[A-Z]?)(?:室|户|房|号)?$'),
    values: (m, p) => (p.building ? [m[1], m[2]] : undefined), note: 'shorthand-unit-room',
  },
  { parts: ['floor'], re: sticky('(-?[0-9]+)(?:层|楼)(?=[0-9])'), values: (m) => [m[1]] },
  {
    // A room needs its suffix, or stands last after a building or unit (3号楼2单元501).
    parts: ['room'], re: sticky('([0-9]+[A-Z]?)(室|户|房|号)?'),
    values: (m, p) => (m[2] || ((p.building || p.unit || p.floor) && m.index + m[0].length === p.normalized.length) ? [m[1]] : undefined),
  },
]

/** One piece of text nobody understood: a Han, digit or Latin run, or one other character. */
const LEFTOVER = /\p{Script=Han}+|[0-9]+|[A-Z]+|./uy

/** Parses an address; never throws. Input is normalised first (see normalizeAddress). */
export function parseAddress(input: string, maxLength = 400): ParsedAddress {
  const s = normalizeAddress(input, maxLength)
  const p: ParsedAddress = { normalized: s, present: [], rest: [], notes: [] }
  let pos = 0
  let next = 0
  while (pos < s.length) {
    const found = tryStepsAt(s, pos, next, p)
    if (found) {
      pos += found.length
      next = found.step + 1
      continue
    }
    LEFTOVER.lastIndex = pos
    const piece = LEFTOVER.exec(s)![0]
    p.rest.push(piece)
    pos += piece.length
  }
  return p
}

function tryStepsAt(s: string, pos: number, from: number, p: ParsedAddress): { step: number; length: number } | undefined {
  for (let i = from; i < STEPS.length; i++) {
    const step = STEPS[i]!
    step.re.lastIndex = pos
    const m = step.re.exec(s)
    if (!m || m[0].length === 0) continue
    const values = step.values(m, p)
    if (!values) continue
    step.parts.forEach((part, k) => {
      const v = values[k]
      if (v === undefined || v === '') return
      p[part] = v
      p.present.push(part)
    })
    if (step.note) p.notes.push(step.note)
    return { step: i, length: m[0].length }
  }
  return undefined
}

/** The components of a parse as a plain object (for responses and golden tables). */
export function componentsOf(p: ParsedAddress): Partial<Record<AddressPart, string>> {
  const out: Partial<Record<AddressPart, string>> = {}
  for (const part of addressParts) if (p[part] !== undefined) out[part] = p[part]
  return out
}
