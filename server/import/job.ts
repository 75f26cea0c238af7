// One import: a file's features of one kind (base/industry grids, communities or components)
// are converted (every input problem → 400), checked against the caller's jurisdiction (403),
// staged and judged by the same set-based rules as single writes, and written in ONE
// transaction: all or nothing. A dry run reports every violation of every feature and always
// rolls back.
import type { Knex } from 'knex'
import type { Principal } from '../auth/users.ts'
import type { Crs } from '../geo/crs.ts'
import { AppError, forbidden } from '../http/errors.ts'
import { sqlFile } from '../db/sql.ts'
import { inputProblemsError, toCandidates, type InputFeature } from '../grids/candidates.ts'
import { AREA_TOLERANCE_M2, checkCandidates, insertCandidates, lockKeys, lockScopes, topologyError, type Violation } from '../grids/topology.ts'
import { convertCommunities, convertComponents, type StagedRows } from './convert.ts'
import { isBasemapImport, runBasemapImport } from './basemap.ts'
import { userFieldValues, writeUserFieldValues } from './userFields.ts'

/** water and place: a city's base map (server/import/basemap.ts), replaced whole. */
export const IMPORT_KINDS = ['base', 'industry', 'grid', 'community', 'component', 'water', 'place'] as const
export type ImportKind = (typeof IMPORT_KINDS)[number]

export interface Progress { step: string; done: number; total: number }

export interface ImportOptions {
  kind: ImportKind
  dryRun: boolean
  crs: Crs
  onProgress?: (p: Progress) => void
}

export interface ImportReport {
  kind: ImportKind
  dryRun: boolean
  features: number
  /** Rows written (0 for a dry run). */
  written: number
  valid: boolean
  violations: Violation[]
}

const STEPS = 4

export async function runImport(knex: Knex, principal: Principal, features: InputFeature[], opts: ImportOptions): Promise<ImportReport> {
  if (isBasemapImport(opts.kind)) return runBasemapImport(knex, principal, features, { ...opts, kind: opts.kind })
  const progress = (step: string, done: number) => opts.onProgress?.({ step, done, total: STEPS })
  progress('convert', 0)
  const staged = convert(features, opts)
  const extras = await userFieldValues(knex, staged, features)
  assertInJurisdiction(principal, staged.places)
  progress('stage', 1)
  const trx = await knex.transaction()
  try {
    const violations = await judge(trx, staged, opts.kind)
    progress('rules', 2)
    const report: ImportReport = { kind: opts.kind, dryRun: opts.dryRun, features: features.length, written: 0, valid: violations.length === 0, violations }
    if (opts.dryRun) {
      await trx.rollback()
      progress('done', STEPS)
      return report
    }
    if (violations.length) throw topologyError(violations)
    report.written = await write(trx, staged, opts.kind)
    await writeUserFieldValues(trx, staged, extras)
    progress('write', 3)
    await trx.commit()
    progress('done', STEPS)
    return report
  } catch (err) {
    if (!trx.isCompleted()) await trx.rollback()
    throw err
  }
}

function convert(features: InputFeature[], opts: ImportOptions): StagedRows {
  if (opts.kind === 'community') return convertCommunities(features, opts.crs)
  if (opts.kind === 'component') return convertComponents(features, opts.crs)
  if (isBasemapImport(opts.kind)) throw new Error('base map kinds are imported by runBasemapImport')
  const kind = opts.kind === 'grid' ? undefined : opts.kind
  const { candidates, problems } = toCandidates(features, opts.crs, { kind, defaultName: (code) => `网格${code}` })
  if (problems.length) throw inputProblemsError(problems)
  // Without problems there is one candidate per feature, in order.
  candidates.forEach((c, feature) => { if (!c.code) problems.push({ feature, message: 'code is required for an import' }) })
  if (problems.length) throw inputProblemsError(problems)
  return { kind: 'grid', rows: candidates, places: candidates.map((c) => c.communityCode) }
}

/** Every feature must lie in the caller's jurisdiction; the answer lists those that do not. */
function assertInJurisdiction(principal: Principal, places: string[]): void {
  const outside = places.map((code, feature) => ({ feature, code })).filter((p) => !principal.jurisdiction.covers(p.code))
  if (outside.length) {
    const err = forbidden(`${outside.length} feature(s) lie outside your jurisdiction (first: feature ${outside[0]!.feature}, ${outside[0]!.code})`)
    throw new AppError(err.status, err.type, err.detail, { outside })
  }
}

async function judge(trx: Knex.Transaction, staged: StagedRows, kind: ImportKind): Promise<Violation[]> {
  await trx.raw('SET LOCAL jit = off')
  if (staged.kind === 'grid') {
    await lockScopes(trx, lockKeys(staged.rows))
    return checkCandidates(trx, staged.rows)
  }
  // Communities: one lock for all community imports (they may overlap across streets).
  await lockScopes(trx, kind === 'community' ? ['admin:community-import'] : [...new Set(staged.places)].map((c) => `component:${c}`).sort())
  const prefix = kind === 'community' ? 'community' : 'component'
  await trx.raw(sqlFile(`grids/${prefix}_candidate_table`))
  for (let i = 0; i < staged.rows.length; i += 1000) {
    await trx.raw(sqlFile(`grids/${prefix}_candidate_insert`), [JSON.stringify(staged.rows.slice(i, i + 1000))])
  }
  await trx.raw(kind === 'community' ? 'ANALYZE community_candidate' : 'ANALYZE component_candidate')
  const rules = kind === 'community'
    ? ['community_rule_invalid_geometry', 'community_rule_code', 'community_rule_overlap']
    : ['component_rules']
  const violations: Violation[] = []
  for (const rule of rules) {
    const result = await trx.raw(sqlFile(`grids/${rule}`), { tolerance: AREA_TOLERANCE_M2 })
    for (const r of result.rows) {
      violations.push({
        feature: r.idx, code: r.code, rule: r.rule, message: r.message, location: r.location ? JSON.parse(r.location) : null,
        ...(r.other_code ? { otherCode: r.other_code } : {}),
        ...(r.area_m2 !== null ? { areaM2: Math.round(r.area_m2 * 10) / 10 } : {}),
      })
    }
  }
  return violations.sort((a, b) => a.feature - b.feature)
}

async function write(trx: Knex.Transaction, staged: StagedRows, kind: ImportKind): Promise<number> {
  if (staged.kind === 'grid') {
    await insertCandidates(trx, new Map())
    return staged.rows.length
  }
  const result = await trx.raw(sqlFile(kind === 'community' ? 'grids/community_insert' : 'grids/component_insert'))
  return Number(result.rowCount ?? staged.rows.length)
}
