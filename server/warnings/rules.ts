// Warning rules: the five kinds, their tunable params (zod, with the defaults that apply until a
// city tunes a rule), and the effective rules of a city (stored row, else defaults, version 0).
import type { Knex } from 'knex'
import { z } from 'zod'

export const KINDS = ['spike', 'mass', 'repeat_reporter', 'near_deadline', 'new_hotspot'] as const
export type Kind = typeof KINDS[number]

const int = (min: number, max: number, def: number, what: string) =>
  z.number({ message: 'must be a number' }).int('must be a whole number').min(min, `must be ${min}-${max}`).max(max, `must be ${min}-${max}`).default(def).describe(what)

export const paramSchemas = {
  spike: z.object({
    method: z.enum(['poisson', 'ewma'], { message: 'must be poisson or ewma' }).default('poisson')
      .describe('poisson: upper tail P(X ≥ observed | λ = mean of history) < alpha; ewma: EWMA chart over the daily series of that day kind'),
    days: int(3, 60, 8, 'history: the last N days of the same kind (working day / rest day by the city calendar)'),
    alpha: z.number({ message: 'must be a number' }).gt(0, 'must be above 0').max(0.1, 'must be at most 0.1').default(0.001)
      .describe('poisson: significance of the upper tail'),
    lambda: z.number({ message: 'must be a number' }).gt(0, 'must be above 0').max(1, 'must be at most 1').default(0.3).describe('ewma: smoothing weight'),
    L: z.number({ message: 'must be a number' }).min(1, 'must be 1-6').max(6, 'must be 1-6').default(3).describe('ewma: control limit width in standard deviations'),
    minCount: int(1, 1000, 5, 'no warning below this many events today'),
  }).strict(),
  mass: z.object({
    minEvents: int(2, 1000, 5, 'events in one cluster'),
    radiusM: int(10, 5000, 200, 'neighbourhood radius in metres (geodesic)'),
    hours: int(1, 168, 24, 'events created within the last this many hours'),
    group: z.enum(['any', 'bigClass', 'class'], { message: 'must be any, bigClass or class' }).default('any')
      .describe('any class, the same big class (2 digits) or the same small class (4 digits)'),
  }).strict(),
  repeat_reporter: z.object({
    minEvents: int(2, 1000, 3, 'demands from one reporter'),
    days: int(1, 365, 30, 'within the last this many days'),
  }).strict(),
  near_deadline: z.object({
    minutes: int(5, 1440, 120, 'an open event whose handling deadline is at most this many minutes away'),
  }).strict(),
  new_hotspot: z.object({
    resolution: int(5, 11, 8, 'H3 resolution of the Gi* cells'),
    days: int(1, 90, 7, 'the last N days compared with the N days before'),
    confidence: z.union([z.literal(90), z.literal(95), z.literal(99)], { message: 'must be 90, 95 or 99' }).default(95)
      .describe('hot at this confidence now (FDR-corrected), not hot at any level before'),
  }).strict(),
} satisfies Record<Kind, z.ZodObject>

export type Params<K extends Kind> = z.output<typeof paramSchemas[K]>
export type AnyParams = { [K in Kind]: Params<K> }

/** Built-in defaults: every rule enabled with its default params. */
export const defaultParams = <K extends Kind>(kind: K): Params<K> => paramSchemas[kind].parse({}) as Params<K>

/** Chinese names of the kinds (titles, OpenAPI). */
export const KIND_NAMES: Record<Kind, string> = {
  spike: '类别突增', mass: '群体性诉求', repeat_reporter: '重复诉求', near_deadline: '临期', new_hotspot: '新增热点',
}

/**
 * How often each rule runs at most, in minutes (0: every pass). Near-deadline and mass are cheap
 * and time-critical; the history-based rules change slowly and cost more.
 */
export const RUN_EVERY_MINUTES: Record<Kind, number> = {
  near_deadline: 0, mass: 0, spike: 5, repeat_reporter: 10, new_hotspot: 60,
}

export interface Rule<K extends Kind = Kind> {
  kind: K
  enabled: boolean
  params: Params<K>
  /** 0: the built-in defaults (never tuned) */
  version: number
  updatedBy: number | null
  updatedAt: Date | null
}

interface RuleRow { city_code: string; kind: Kind; enabled: boolean; params: Record<string, unknown>; version: number; updated_by: string | null; updated_at: Date }

const fromRow = (r: RuleRow): Rule => ({
  kind: r.kind, enabled: r.enabled,
  // stored params are parsed again so a param added to the code later gets its default
  params: paramSchemas[r.kind].parse(r.params) as Params<Kind>,
  version: r.version, updatedBy: r.updated_by === null ? null : Number(r.updated_by), updatedAt: r.updated_at,
})

/** Every kind's effective rule for a city, in KINDS order. */
export async function effectiveRules(knex: Knex | Knex.Transaction, city: string): Promise<Rule[]> {
  const rows = await knex('warning_rule').where({ city_code: city }).select('*') as RuleRow[]
  const byKind = new Map(rows.map((r) => [r.kind, r]))
  return KINDS.map((kind) => {
    const r = byKind.get(kind)
    return r ? fromRow(r) : { kind, enabled: true, params: defaultParams(kind), version: 0, updatedBy: null, updatedAt: null }
  })
}

/** Effective rules of every city (cities from the admin divisions). */
export async function allCityRules(knex: Knex): Promise<Map<string, Rule[]>> {
  const cities = await knex('admin_division').where({ level: 'city' }).orderBy('city_code').pluck('city_code') as string[]
  const out = new Map<string, Rule[]>()
  for (const c of cities) out.set(c, await effectiveRules(knex, c))
  return out
}
