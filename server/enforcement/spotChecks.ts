// 双随机 spot checks in the database: a plan (criteria over unit or place, how many objects,
// how many officers from which teams) is drawn at once with draw.ts and recorded with all its
// inputs; the verification re-runs the draw from the record and recomputes the candidates from
// the criteria as of the draw time.
import crypto from 'node:crypto'
import type { Knex } from 'knex'
import type { Principal } from '../auth/users.ts'
import { sqlFile } from '../db/sql.ts'
import { adminPrefix } from '../db/jurisdiction.ts'
import { areaOf, decodeIdCursor, fieldError, iso, notFoundIn, page } from './common.ts'
import { draw, DRAW_ALGORITHM, DrawShortage, type Conflict, type DrawnCheck } from './draw.ts'
import { teamRow } from './teams.ts'
import { taskRow } from './tasks.ts'
import { officerView, type OfficerRow } from './access.ts'
import { objectTypeTitles, outcomeTitles, type ListQuery, type ObjectType, type Outcome, type SpotCheckCreate } from './schemas.ts'

type Db = Knex | Knex.Transaction
const ids = (rows: { id: number | string }[]) => rows.map((r) => Number(r.id))

interface Criteria { area: string; objectType: ObjectType; kinds: string[] | null; grids: string[] | null; days: number; asOf: Date }

/** The register table of each object type and the column of an inspection naming its row (identifiers of ours). */
const OBJECT_TABLES: Record<ObjectType, { table: string; inspected: string }> = {
  place: { table: 'place', inspected: 'i.place_id' },
  unit: { table: 'unit', inspected: 'i.unit_id' },
}

/** The candidate object ids of the criteria as of a time, ascending. */
export async function candidates(db: Db, c: Criteria): Promise<number[]> {
  const { rows } = await db.raw(sqlFile('enforcement/candidates'), {
    ...OBJECT_TABLES[c.objectType], objectType: c.objectType, area: `${adminPrefix(c.area)}%`, kinds: c.kinds, grids: c.grids, asOf: c.asOf, days: c.days,
  }) as { rows: { id: number | string }[] }
  return ids(rows)
}

async function conflictsOf(db: Db, objectType: ObjectType, pool: number[], cands: number[]): Promise<Conflict[]> {
  const { rows } = await db.raw(sqlFile('enforcement/conflicts'), { objectType, pool, candidates: cands }) as { rows: { officer_id: number | string; object_id: number | string }[] }
  return rows.map((r) => ({ officerId: Number(r.officer_id), objectId: Number(r.object_id) }))
}

/** Draws and records a spot check; answers its id. */
export async function createSpotCheck(knex: Knex, p: Principal, b: SpotCheckCreate, now = new Date()): Promise<number> {
  return knex.transaction(async (trx) => {
    const area = await areaOf(trx, p, b.communityCode, 'communityCode')
    if (b.taskId !== undefined) await taskRow(trx, p, b.taskId, 'taskId')
    const teamIds = [...new Set(b.teamIds)].sort((x, y) => x - y)
    for (const [i, id] of teamIds.entries()) await teamRow(trx, p, id, `teamIds.${i}`)
    const criteria: Criteria = { area: area.code, objectType: b.objectType, kinds: b.kinds ?? null, grids: b.gridCodes ?? null, days: b.excludeCheckedWithinDays, asOf: now }
    const cands = await candidates(trx, criteria)
    if (cands.length < b.objectCount) {
      throw fieldError(409, 'conflict', 'objectCount', `only ${cands.length} objects meet the criteria, ${b.objectCount} asked`).coded('enforcement.too_few_candidates', { field: 'objectCount', available: cands.length, asked: b.objectCount })
    }
    const { rows: poolRows } = await trx.raw(sqlFile('enforcement/officer_pool'), { teamIds }) as { rows: { id: number | string }[] }
    const pool = ids(poolRows)
    const conflicts = await conflictsOf(trx, b.objectType, pool, cands)
    const seed = b.seed ?? crypto.randomBytes(16).toString('hex')
    let drawn: DrawnCheck[]
    try {
      drawn = draw({ seed, candidates: cands, objectCount: b.objectCount, officerPool: pool, officersPerObject: b.officersPerObject, conflicts })
    } catch (err) {
      if (!(err instanceof DrawShortage)) throw err
      throw fieldError(409, 'conflict', 'officersPerObject', `${err.message}: add teams or officers, or lower officersPerObject`).coded('enforcement.too_few_officers', { field: 'officersPerObject', objectId: err.objectId, eligible: err.eligible, needed: err.needed })
    }
    const [row] = await trx('enforcement_spot_check').insert({
      city_code: area.cityCode, community_code: area.code, task_id: b.taskId ?? null, title: b.title, object_type: b.objectType,
      kinds: b.kinds ?? null, grid_codes: b.gridCodes ?? null, exclude_days: b.excludeCheckedWithinDays, object_count: b.objectCount,
      officers_per_object: b.officersPerObject, team_ids: teamIds, seed, algorithm: DRAW_ALGORITHM, candidate_ids: cands, officer_pool: pool,
      conflicts: JSON.stringify(conflicts.map((c) => [c.officerId, c.objectId])), drawn_at: now, drawn_by: p.userId,
    }).returning('id')
    const spotCheckId = Number(row.id)
    await recordChecks(trx, spotCheckId, b.objectType, drawn, now)
    return spotCheckId
  })
}

/** Writes the drawn checks and their officers (two statements). */
export async function recordChecks(trx: Db, spotCheckId: number, objectType: ObjectType, drawn: DrawnCheck[], asOf: Date): Promise<void> {
  const { rows } = await trx.raw(sqlFile('enforcement/checks_insert'), { ids: drawn.map((d) => d.objectId), objectType, spotCheckId, asOf }) as
    { rows: { id: number | string; object_id: number | string }[] }
  const checkOf = new Map(rows.map((r) => [Number(r.object_id), Number(r.id)]))
  const links = drawn.flatMap((d) => d.officerIds.map((officerId, i) => ({ check_id: checkOf.get(d.objectId)!, seq: i + 1, officer_id: officerId })))
  for (let i = 0; i < links.length; i += 5000) await trx('enforcement_check_officer').insert(links.slice(i, i + 5000))
}

interface SpotRow {
  id: number | string; community_code: string; task_id: number | string | null; title: string; object_type: ObjectType
  kinds: string[] | null; grid_codes: string[] | null; exclude_days: number; object_count: number; officers_per_object: number
  team_ids: (number | string)[]; seed: string; algorithm: string; candidate_count: number; pool_size: number
  drawn_at: Date; drawn_by: number | string | null; published_at: Date | null; done: number | string
}

const spotView = (s: SpotRow) => ({
  id: Number(s.id), title: s.title, communityCode: s.community_code, taskId: s.task_id === null ? null : Number(s.task_id),
  objectType: s.object_type, objectTypeTitle: objectTypeTitles[s.object_type], kinds: s.kinds, gridCodes: s.grid_codes,
  excludeCheckedWithinDays: s.exclude_days, objectCount: s.object_count, officersPerObject: s.officers_per_object,
  teamIds: s.team_ids.map(Number), seed: s.seed, algorithm: s.algorithm, candidateCount: Number(s.candidate_count), poolSize: Number(s.pool_size),
  drawnAt: iso(s.drawn_at), publishedAt: iso(s.published_at), resultsRecorded: Number(s.done),
})

function spotParams(p: Principal) {
  return { patterns: p.jurisdiction.patterns, id: null, after: null, community: null, q: null, limit: 1 }
}

export async function listSpotChecks(knex: Knex, p: Principal, q: ListQuery) {
  if (p.jurisdiction.isEmpty) return { items: [], next: null }
  const { rows } = await knex.raw(sqlFile('enforcement/spot_checks'), {
    ...spotParams(p), after: decodeIdCursor(q.cursor), community: q.community ?? null, q: q.q ?? null, limit: q.limit + 1,
  }) as { rows: SpotRow[] }
  return page(rows, q.limit, spotView)
}

async function spotRow(db: Db, p: Principal, id: number): Promise<SpotRow> {
  const { rows } = p.jurisdiction.isEmpty ? { rows: [] } : await db.raw(sqlFile('enforcement/spot_checks'), { ...spotParams(p), id }) as { rows: SpotRow[] }
  if (!rows[0]) throw notFoundIn('spot check', id)
  return rows[0]
}

interface CheckRow {
  id: number | string; seq: number; object_type: ObjectType; object_id: number | string; object_name: string; community_code: string
  grid_code: string | null; result_id: number | string | null; outcome: Outcome | null; checked_at: Date | null; rectify_due: string | null
  rectified_at: Date | null; officer_ids: (number | string)[] | string
}

export async function checksOf(db: Db, id: number): Promise<CheckRow[]> {
  const { rows } = await db.raw(sqlFile('enforcement/checks_of'), { id }) as { rows: CheckRow[] }
  return rows.map((r) => ({ ...r, officer_ids: (typeof r.officer_ids === 'string' ? JSON.parse(r.officer_ids) as number[] : r.officer_ids).map(Number) }))
}

/** One spot check with its checks, their officers (masked as the rule decides) and results. */
export async function readSpotCheck(knex: Knex, p: Principal, id: number) {
  const s = spotView(await spotRow(knex, p, id))
  const checks = await checksOf(knex, id)
  const officerIds = [...new Set(checks.flatMap((c) => c.officer_ids as number[]))]
  const { rows } = await knex.raw(sqlFile('enforcement/officers_by_id'), { ids: officerIds }) as { rows: OfficerRow[] }
  const officers = new Map(rows.map((o) => [Number(o.id), officerView(p, o)]))
  return {
    ...s,
    checks: checks.map((c) => ({
      id: Number(c.id), seq: c.seq, objectType: c.object_type, objectId: Number(c.object_id), objectName: c.object_name,
      communityCode: c.community_code, gridCode: c.grid_code,
      officers: (c.officer_ids as number[]).map((o) => officers.get(o) ?? { id: o }),
      result: c.result_id === null ? null : {
        id: Number(c.result_id), outcome: c.outcome, outcomeTitle: outcomeTitles[c.outcome!], checkedAt: iso(c.checked_at),
        rectifyDue: c.rectify_due, rectifiedAt: iso(c.rectified_at),
      },
    })),
  }
}

/** 一公开: marks the spot check published (its draw and results open to the public channel). */
export async function publishSpotCheck(knex: Knex, p: Principal, id: number) {
  await spotRow(knex, p, id)
  await knex('enforcement_spot_check').where({ id }).whereNull('published_at').update({ published_at: knex.fn.now() })
  return readSpotCheck(knex, p, id)
}

/**
 * Re-runs the recorded draw (seed, candidates, pool, conflicts) and compares it with the recorded
 * checks; recomputes the candidates from the criteria as of the draw time with today's registers
 * (objects added, removed or re-kinded since then show as differences).
 */
export async function verifySpotCheck(knex: Knex, p: Principal, id: number) {
  await spotRow(knex, p, id)
  const rec = await knex('enforcement_spot_check').where({ id }).first() as {
    seed: string; algorithm: string; candidate_ids: (number | string)[]; officer_pool: (number | string)[]; conflicts: [number, number][] | string
    object_count: number; officers_per_object: number; object_type: ObjectType; community_code: string; kinds: string[] | null
    grid_codes: string[] | null; exclude_days: number; drawn_at: Date
  }
  const recorded = await checksOf(knex, id)
  const pairs = typeof rec.conflicts === 'string' ? JSON.parse(rec.conflicts) as [number, number][] : rec.conflicts
  const input = {
    seed: rec.seed, candidates: rec.candidate_ids.map(Number), objectCount: rec.object_count, officerPool: rec.officer_pool.map(Number),
    officersPerObject: rec.officers_per_object, conflicts: pairs.map(([officerId, objectId]) => ({ officerId, objectId })),
  }
  const redrawn = rec.algorithm === DRAW_ALGORITHM ? draw(input) : []
  const stored = recorded.map((c) => ({ objectId: Number(c.object_id), officerIds: c.officer_ids as number[] }))
  const mismatches = redrawn.flatMap((d, i) => {
    const s = stored[i]
    return s && s.objectId === d.objectId && s.officerIds.join() === d.officerIds.join() ? [] : [{ seq: i + 1, recorded: s ?? null, redrawn: d }]
  })
  const now = await candidates(knex, { area: rec.community_code, objectType: rec.object_type, kinds: rec.kinds, grids: rec.grid_codes, days: rec.exclude_days, asOf: rec.drawn_at })
  const was = new Set(input.candidates)
  const is = new Set(now)
  return {
    id, algorithm: rec.algorithm, seed: rec.seed, drawnAt: iso(rec.drawn_at),
    input: { candidates: input.candidates, officerPool: input.officerPool, conflicts: pairs, objectCount: input.objectCount, officersPerObject: input.officersPerObject },
    draw: redrawn.map((d, i) => ({ seq: i + 1, ...d })),
    reproduced: redrawn.length === stored.length && mismatches.length === 0,
    mismatches,
    candidatesNow: { count: now.length, added: now.filter((x) => !was.has(x)).slice(0, 100), removed: input.candidates.filter((x) => !is.has(x)).slice(0, 100), unchanged: now.length === was.size && now.every((x) => was.has(x)) },
  }
}
