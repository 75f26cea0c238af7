// Quality reviews and weights in the database: reviews are appended (the latest per source
// counts), weights are versions per city (the version in force when the event closed, or now
// while it is open, scores it).
import type { Knex } from 'knex'
import { sqlFile } from '../db/sql.ts'
import type { Rate, Unit } from '../analytics/indicators.ts'
import type { Period } from '../analytics/calendarPeriods.ts'
import { DEFAULT_WEIGHTS, qualityScore, type QualityWeights, type Satisfaction } from './score.ts'

export interface WeightVersion extends QualityWeights { effectiveFrom: string; createdBy: number | null; reason: string | null; createdAt: string | null }

interface WeightRow {
  version: number; department: string; centre: string; resident: string; follow_up_share: string; satisfied: number; basically: number
  dissatisfied: number; effective_from: Date; created_by: string | null; reason: string; created_at: Date
}

const toVersion = (r: WeightRow): WeightVersion => ({
  version: r.version, department: Number(r.department), centre: Number(r.centre), resident: Number(r.resident),
  followUpShare: Number(r.follow_up_share), satisfied: r.satisfied, basically: r.basically, dissatisfied: r.dissatisfied,
  effectiveFrom: r.effective_from.toISOString(), createdBy: r.created_by === null ? null : Number(r.created_by), reason: r.reason, createdAt: r.created_at.toISOString(),
})

const DEFAULT_VERSION: WeightVersion = { ...DEFAULT_WEIGHTS, effectiveFrom: new Date(0).toISOString(), createdBy: null, reason: null, createdAt: null }

/** Every version of a city, oldest first; version 0 (the defaults) first when the city has none from the start. */
export async function weightVersions(db: Knex | Knex.Transaction, city: string): Promise<WeightVersion[]> {
  const rows = await db('quality_weight').where({ city_code: city }).orderBy('version') as WeightRow[]
  return [DEFAULT_VERSION, ...rows.map(toVersion)]
}

/** The version in force at `at`: the latest created whose effective time has come. */
export function weightsAt(versions: WeightVersion[], at: Date): WeightVersion {
  let pick = versions[0]!
  for (const v of versions) if (new Date(v.effectiveFrom) <= at && v.version >= pick.version) pick = v
  return pick
}

export interface NewWeights { department: number; centre: number; resident: number; followUpShare: number; satisfied: number; basically: number; dissatisfied: number; effectiveFrom?: string; reason: string }

export async function addWeights(knex: Knex, city: string, w: NewWeights, userId: number | null, now = new Date()): Promise<WeightVersion> {
  return knex.transaction(async (trx) => {
    // versions of a city are numbered one after another: writers wait for each other here
    await trx.raw('SELECT pg_advisory_xact_lock(hashtext(?))', [`quality_weight:${city}`])
    const last = await trx('quality_weight').where({ city_code: city }).max<{ v: number | null }>('version as v').first()
    const version = (last?.v ?? 0) + 1
    const [row] = await trx('quality_weight').insert({
      city_code: city, version, department: w.department, centre: w.centre, resident: w.resident, follow_up_share: w.followUpShare,
      satisfied: w.satisfied, basically: w.basically, dissatisfied: w.dissatisfied, effective_from: w.effectiveFrom ? new Date(w.effectiveFrom) : now,
      created_by: userId, reason: w.reason, created_at: now,
    }).returning('*') as WeightRow[]
    return toVersion(row!)
  })
}

interface ComponentRow {
  id: string; city_code: string; created_at: Date; closed_at: Date | null; satisfaction: Satisfaction | null
  district_key: string; street_key: string; community_key: string; department_key: string | null
  department: number | null; centre: number | null; follow_up: number | null
}

const inputOf = (r: ComponentRow) => ({ department: r.department, centre: r.centre, satisfaction: r.satisfaction, followUp: r.follow_up })

/** One event's score and parts under the weights in force when it closed (now while open). */
export async function eventQuality(knex: Knex, eventId: number, city: string, now = new Date()) {
  const { rows } = await knex.raw(sqlFile('quality/components'), { eventId, city, from: now, to: now }) as { rows: ComponentRow[] }
  const r = rows[0]
  const w = weightsAt(await weightVersions(knex, city), r?.closed_at ?? now)
  const q = r ? qualityScore(inputOf(r), w) : qualityScore({ department: null, centre: null, satisfaction: null, followUp: null }, w)
  return { ...q, weights: w }
}

/**
 * handlingQuality for the assessment: per unit, the mean score of the period's events that have
 * one, as a rate in [0, 1] (numerator: the sum of scores / 100, denominator: events scored), so
 * the item's score (100·rate) is the mean quality score.
 */
export async function qualityRates(knex: Knex, city: string, unit: Unit, p: Period, now = new Date()): Promise<Map<string, Rate>> {
  const { rows } = await knex.raw(sqlFile('quality/components'), { eventId: null, city, from: p.from, to: p.to }) as { rows: ComponentRow[] }
  const versions = await weightVersions(knex, city)
  const sums = new Map<string, { sum: number; n: number }>()
  for (const r of rows) {
    const key = unit === 'district' ? r.district_key : unit === 'street' ? r.street_key : unit === 'community' ? r.community_key : r.department_key
    if (key === null) continue
    const { score } = qualityScore(inputOf(r), weightsAt(versions, r.closed_at ?? now))
    if (score === null) continue
    const s = sums.get(key) ?? { sum: 0, n: 0 }
    s.sum += score
    s.n++
    sums.set(key, s)
  }
  return new Map([...sums].map(([key, s]) => [key, { numerator: Math.round(s.sum * 100) / 10_000, denominator: s.n, rate: s.sum / s.n / 100 }]))
}

interface ReviewRow { id: string; source: string; score: number; comment: string | null; reviewer: string; reviewer_id: string | null; created_at: Date }

export async function reviewsOf(knex: Knex, eventId: number) {
  const rows = await knex('event_quality_review').where({ event_id: eventId }).orderBy('id') as ReviewRow[]
  return rows.map((r) => ({ id: Number(r.id), source: r.source, score: r.score, comment: r.comment, reviewer: r.reviewer, reviewerId: r.reviewer_id === null ? null : Number(r.reviewer_id), createdAt: r.created_at.toISOString() }))
}
