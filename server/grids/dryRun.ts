// POST /grids/check: a dry run in a transaction that is always rolled back. Besides the plain
// check of proposed grids it can judge an edit as the write would (`replaces`: the current rows
// the write closes first, so a grid being reshaped neither overlaps its own old boundary nor
// "takes" its own code), give new base grids the codes a create would (`assignCodes`), and it
// adds advice the writes do not enforce: the gaps and slivers left between a grid and its
// neighbours, each with its location, for the 网格 panel to draw where they are.
import type { Knex } from 'knex'
import type { Principal } from '../auth/users.ts'
import { notFound } from '../http/errors.ts'
import { sqlFile } from '../db/sql.ts'
import { AREA_TOLERANCE_M2, checkCandidates, type Candidate, type Violation } from './topology.ts'
import { getGrid, nextCodes } from './repository.ts'

/** Uncovered strips narrower than this (mean width, metres) are slivers rather than gaps. */
export const SLIVER_WIDTH_M = 5

export interface DryRunOptions {
  /** Current grids the write would replace (an edit: the grid itself; a split: the grid split). */
  replaces: string[]
  /** Base candidates without a code get the next free codes of their community, as POST /grids. */
  assignCodes: boolean
}

export interface CheckResult { valid: boolean; violations: Violation[]; warnings: Violation[] }

export async function dryRun(knex: Knex, principal: Principal, candidates: Candidate[], opts: DryRunOptions): Promise<CheckResult> {
  const trx = await knex.transaction()
  try {
    for (const code of opts.replaces) {
      if (!await getGrid(trx, principal.jurisdiction, code)) throw notFound(`no current grid ${code} in your jurisdiction`)
    }
    if (opts.replaces.length) await trx('grid').whereIn('code', opts.replaces).whereNull('valid_to').update({ valid_to: trx.fn.now() })
    const judged = opts.assignCodes ? await withCodes(trx, candidates) : candidates
    const violations = await checkCandidates(trx, judged, opts.replaces)
    const result = await trx.raw(sqlFile('grids/check_gaps'), { tolerance: AREA_TOLERANCE_M2, sliverWidth: SLIVER_WIDTH_M })
    const warnings = (result.rows as GapRow[]).map(toWarning)
    return { valid: violations.length === 0, violations, warnings }
  } finally {
    await trx.rollback()
  }
}

interface GapRow { idx: number; code: string; rule: string; message: string; location: string; other_code: string; area_m2: number }

function toWarning(r: GapRow): Violation {
  return {
    feature: r.idx, code: r.code, rule: r.rule, message: r.message, location: JSON.parse(r.location) as Violation['location'],
    otherCode: r.other_code, areaM2: Math.round(Number(r.area_m2) * 10) / 10,
  }
}

/** Codes for base candidates that have none: the next free sequences of each community. */
async function withCodes(trx: Knex.Transaction, candidates: Candidate[]): Promise<Candidate[]> {
  const pending = new Map<string, string[]>()
  const out: Candidate[] = []
  for (const c of candidates) {
    if (c.code || c.kind !== 'base') {
      out.push(c)
      continue
    }
    if (!pending.has(c.communityCode)) {
      const n = candidates.filter((x) => !x.code && x.kind === 'base' && x.communityCode === c.communityCode).length
      pending.set(c.communityCode, await nextCodes(trx, 'base', c.communityCode, null, n))
    }
    // no free code left: keep '' and let the code rule say so
    out.push({ ...c, code: pending.get(c.communityCode)!.shift() ?? '' })
  }
  return out
}
