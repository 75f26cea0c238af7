// The warning pass: every enabled rule of every city, new warnings stored once and streamed.
//
// Safe with two instances at once and idempotent: each warning has a dedupe key unique per city
// and kind (INSERT … ON CONFLICT DO NOTHING), and only the statement that stored a row streams
// it (RETURNING), inside the same transaction as the insert (pg_notify goes out on commit).
// Rules that read long histories run at most every RUN_EVERY_MINUTES[kind] per city: the time of
// the last run is claimed in warning_run in one statement, so whichever instance claims it runs
// the rule and the other skips it. Rules are evaluated with plain queries before the short
// write transaction (the embedded database has one connection).
import type { Knex } from 'knex'
import { sqlFile } from '../db/sql.ts'
import { notifyField } from '../stream/notify.ts'
import { areaNames, classNames, type Candidate } from './candidate.ts'
import { allCityRules, KINDS, KIND_NAMES, RUN_EVERY_MINUTES, type Kind, type Params, type Rule } from './rules.ts'
import { spikeCandidates } from './spike.ts'
import { massCandidates } from './mass.ts'
import { nearDeadlineCandidates, repeatCandidates } from './simple.ts'
import { newHotspotCandidates } from './hotspot.ts'

export type WarningPassResult = Record<Kind, number>

export interface WarningPassOptions {
  /** evaluate every enabled rule now, whatever warning_run says (tests, a manual run) */
  ignoreSchedule?: boolean
}

interface Names { area: Map<string, string>; klass: Map<string, string> }

function evaluate(knex: Knex, city: string, rule: Rule, now: Date, names: Names): Promise<Candidate[]> {
  switch (rule.kind) {
    case 'spike': return spikeCandidates(knex, city, rule.params as Params<'spike'>, now, names)
    case 'mass': return massCandidates(knex, city, rule.params as Params<'mass'>, now, names.area)
    case 'repeat_reporter': return repeatCandidates(knex, city, rule.params as Params<'repeat_reporter'>, now, names.area)
    case 'near_deadline': return nearDeadlineCandidates(knex, city, rule.params as Params<'near_deadline'>, now, names.klass)
    case 'new_hotspot': return newHotspotCandidates(knex, city, rule.params as Params<'new_hotspot'>, now, names.area)
  }
}

/** Whether this pass runs the rule for the city (claims the run when it is due). */
async function claim(knex: Knex, city: string, kind: Kind, now: Date): Promise<boolean> {
  const everyMs = RUN_EVERY_MINUTES[kind] * 60_000
  if (everyMs === 0) return true
  const { rows } = await knex.raw(sqlFile('warnings/run_claim'), { city, kind, now, everyMs }) as { rows: unknown[] }
  return rows.length > 0
}

export async function runWarningPass(knex: Knex, now = new Date(), opts: WarningPassOptions = {}): Promise<WarningPassResult> {
  const result = Object.fromEntries(KINDS.map((k) => [k, 0])) as WarningPassResult
  const cities = await allCityRules(knex)
  let klass: Map<string, string> | undefined
  const failures: Error[] = []
  for (const [city, rules] of cities) {
    const due: Rule[] = []
    for (const r of rules) if (r.enabled && (opts.ignoreSchedule || await claim(knex, city, r.kind, now))) due.push(r)
    if (!due.length) continue
    const names = { area: await areaNames(knex, city), klass: klass ??= await classNames(knex) }
    for (const rule of due) {
      // one failing rule (or city) does not keep the others from running; the caller hears of it
      try {
        const candidates = await evaluate(knex, city, rule, now, names)
        result[rule.kind] += await store(knex, city, rule.version, candidates, now)
      } catch (err) {
        failures.push(new Error(`warning rule ${rule.kind} of city ${city} failed`, { cause: err }))
      }
    }
  }
  if (failures.length) throw new AggregateError(failures, `${failures.length} warning rule(s) failed; the others ran (${JSON.stringify(result)})`)
  return result
}

/** Stores the candidates of one rule and streams the ones stored here; answers how many. */
async function store(knex: Knex, city: string, ruleVersion: number, candidates: Candidate[], now: Date): Promise<number> {
  if (!candidates.length) return 0
  const rows = candidates.map((c) => ({
    kind: c.kind, rule_version: ruleVersion, level: c.level, title: c.title, detail: c.detail, area: c.area, lon: c.lon, lat: c.lat,
    event_ids: `{${c.eventIds.join(',')}}`, dedupe_key: c.dedupeKey, subject: c.subject ?? null,
  }))
  return knex.transaction(async (trx) => {
    const { rows: stored } = await trx.raw(sqlFile('warnings/insert'), { city, now, rows: JSON.stringify(rows) }) as { rows: StoredRow[] }
    await notifyField(trx, 'warning', stored.map(streamItem))
    return stored.length
  })
}

export interface StoredRow { id: string; kind: Kind; level: number; title: string; area_code: string; lon: number; lat: number; raised_at: Date }

/**
 * The SSE item of a warning: `community` is its area code (jurisdiction by prefix in the hub).
 * kindName is the pass's own name; a registered kind's raiser (kinds.ts) sets its registered one.
 */
export const streamItem = (r: StoredRow) => ({
  community: r.area_code, id: Number(r.id), kind: r.kind, kindName: (KIND_NAMES as Record<string, string>)[r.kind] ?? null, level: Number(r.level), title: r.title,
  lon: Number(r.lon), lat: Number(r.lat), raisedAt: r.raised_at.toISOString(),
})
