// The kinds of proactive-service rule (主动服务) and what a rule of each kind holds. The figures
// are defaults of local practice, not law: a city sets its own in each rule's params.
// - id_card_expiry 身份证到期提醒: the card (resident.id_card_valid_until) expires within withinDays;
// - school_age 适龄入学提醒: the child is `age` by the cutoff day (6 by 1 September) of the coming
//   school year, and that day is at most leadDays away;
// - lone_elderly_visit 独居老人走访: the only current resident of a household, aged minAge or more,
//   not visited for intervalDays (never visited: due at once).
import { z } from 'zod'

export const RULE_KINDS = ['id_card_expiry', 'school_age', 'lone_elderly_visit'] as const
export type RuleKind = (typeof RULE_KINDS)[number]

export const KIND_TITLES: Record<RuleKind, string> = {
  id_card_expiry: '身份证到期提醒', school_age: '适龄入学提醒', lone_elderly_visit: '独居老人走访',
}

const days = (max: number) => z.number().int().min(1).max(max)
/** MM-DD of a day every year has (29 February is refused: most years would skip it). */
const monthDay = z.string().regex(/^(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$/, 'must be MM-DD')
  .refine((s) => !Number.isNaN(Date.parse(`2027-${s}T00:00:00Z`)) && new Date(`2027-${s}T00:00:00Z`).toISOString().slice(5, 10) === s,
    'must be a day every year has (not 02-29)')

export const paramSchemas = {
  id_card_expiry: z.object({ withinDays: days(365).default(60) }).strict(),
  school_age: z.object({
    age: z.number().int().min(3).max(18).default(6),
    cutoff: monthDay.default('09-01'),
    leadDays: days(365).default(120),
  }).strict(),
  lone_elderly_visit: z.object({ minAge: z.number().int().min(50).max(100).default(60), intervalDays: days(365).default(30) }).strict(),
} satisfies Record<RuleKind, z.ZodType>

export type Params<K extends RuleKind> = z.output<(typeof paramSchemas)[K]>

export interface RuleRow {
  id: string | number; city_code: string; kind: RuleKind; name: string; params: Record<string, unknown>; enabled: boolean
  version: number; deleted_at: Date | null; created_at: Date; updated_at: Date
}

export function ruleView(r: RuleRow) {
  return {
    id: Number(r.id), cityCode: r.city_code, kind: r.kind, kindTitle: KIND_TITLES[r.kind], name: r.name, params: r.params,
    enabled: r.enabled, version: r.version, deleted: r.deleted_at !== null, createdAt: r.created_at.toISOString(), updatedAt: r.updated_at.toISOString(),
    href: `/api/v1/proactive-rules/${r.id}`,
  }
}

const DAY_MS = 86_400_000
export const addDays = (day: string, n: number) => new Date(Date.parse(`${day}T00:00:00Z`) + n * DAY_MS).toISOString().slice(0, 10)
export const daysBetween = (a: string, b: string) => Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / DAY_MS)
export const shanghaiDay = (t: Date) => new Date(t.getTime() + 8 * 3_600_000).toISOString().slice(0, 10)

/** The coming school year's cutoff day (today or later), or null while it is more than leadDays away. */
export function enrolmentDay(today: string, p: Params<'school_age'>): string | null {
  const year = Number(today.slice(0, 4))
  const day = `${year}-${p.cutoff}` >= today ? `${year}-${p.cutoff}` : `${year + 1}-${p.cutoff}`
  return daysBetween(today, day) <= p.leadDays ? day : null
}

/** The bound parameters of a kind's selection (sql/queries/proactive/<kind>.sql) for the day; null: nothing to select today. */
export function selectionParams(kind: RuleKind, raw: Record<string, unknown>, today: string): Record<string, string | number> | null {
  if (kind === 'id_card_expiry') return { withinDays: paramSchemas.id_card_expiry.parse(raw).withinDays }
  if (kind === 'school_age') {
    const p = paramSchemas.school_age.parse(raw)
    const enrol = enrolmentDay(today, p)
    return enrol === null ? null : { enrol, age: p.age }
  }
  const p = paramSchemas.lone_elderly_visit.parse(raw)
  return { minAge: p.minAge, intervalDays: p.intervalDays }
}
