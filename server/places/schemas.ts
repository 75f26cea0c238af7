// Zod pieces shared by the places, units and organisations registers: the placement (community,
// point), phones, dates of 核实, list queries, and the refinements a row and a patch share.
import { z } from 'zod'

/** Mobile 1[3-9]xxxxxxxxx, or a fixed line with its area code (0xx-xxxxxxxx, optional extension). */
export const PHONE = /^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8}(-\d{1,6})?)$/

export const phone = z.string().trim().regex(PHONE, 'not a phone: a mobile (1[3-9] and 9 digits) or a fixed line with its area code')
export const text = (max: number) => z.string().trim().min(1).max(max)
const optional = <T extends z.ZodType>(s: T) => s.nullable().optional()

export const placement = {
  communityCode: z.string().regex(/^[0-9]{12}$/, 'a 12-digit community code').optional(),
  lon: z.number().min(73).max(136).optional(),
  lat: z.number().min(3).max(54).optional(),
  verifiedAt: optional(z.iso.datetime({ offset: true }).refine((s) => Date.parse(s) <= Date.now() + 300_000, 'lies in the future')),
}

export const riskLevels = { low: '低', medium: '中', high: '高' } as const
export const riskLevel = z.enum(Object.keys(riskLevels) as [keyof typeof riskLevels, ...(keyof typeof riskLevels)[]])

export { optional }

/** Both coordinates or neither. */
export function pointPaired(v: { lon?: number | undefined; lat?: number | undefined }, ctx: z.RefinementCtx): void {
  if ((v.lon === undefined) !== (v.lat === undefined)) {
    ctx.addIssue({ code: 'custom', path: [v.lon === undefined ? 'lon' : 'lat'], message: 'give lon and lat together' })
  }
}

/** The list query every register shares (`kind` from the register's own enum). */
export function listQuery<K extends z.ZodType>(kind: K) {
  return z.object({
    community: z.string().regex(/^[0-9]{12}$/, 'a 12-digit admin code').optional(),
    grid: z.string().regex(/^[0-9]{15}$/, 'a 15-digit base grid code').optional(),
    q: z.string().trim().min(1).max(50).optional(),
    kind: kind.optional(),
    limit: z.coerce.number().int().min(1).max(500).default(50),
    cursor: z.string().max(200).optional(),
  }).strict()
}

export const idParam = z.coerce.number().int().min(1).max(Number.MAX_SAFE_INTEGER)

export { unmaskReason as unmaskBody } from '../registers/params.ts'

/** The patch body: any of the row's fields, the version read, and `verified` to stamp 核实 now. */
export const patchExtras = { version: z.number().int().min(1), verified: z.boolean().optional() }
