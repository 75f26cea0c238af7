// GeoJSON features → topology candidates, collecting every input problem (400) before any rule
// runs, so a caller learns about all broken features at once. Used by POST /grids, /grids/check
// and the importer.
import type { Crs } from '../geo/crs.ts'
import { AppError } from '../http/errors.ts'
import { polygonsFromInput, type InputProblem } from './geometryInput.ts'
import { gridProperties } from './properties.ts'
import type { Candidate, GridKind } from './topology.ts'

export interface InputFeature { geometry: unknown; properties: Record<string, unknown> | null }

export interface CandidateOptions {
  /** Forces kind (import --kind base|industry); otherwise read from properties. */
  kind?: GridKind | undefined
  /** Name used when a feature has none (imports); without it a missing name is a problem. */
  defaultName?: (code: string) => string
}

/**
 * Converts features; problems (bad geometry, bad attributes) come back per feature index.
 * Features without a code get '' and must be given one by the caller (POST allocates one).
 */
export function toCandidates(features: InputFeature[], crs: Crs, opts: CandidateOptions = {}): { candidates: Candidate[]; problems: InputProblem[] } {
  const { polygons, problems } = polygonsFromInput(features.map((f) => f.geometry), crs)
  const candidates: Candidate[] = []
  features.forEach((f, feature) => {
    const { value, problems: attrProblems } = gridProperties(f.properties ?? {}, opts.kind)
    const code = value.code ?? ''
    let name = value.name
    if (name === undefined && opts.defaultName && code) name = opts.defaultName(code)
    if (name === undefined) attrProblems.push('name is required')
    for (const message of attrProblems) problems.push({ feature, message })
    const geometry = polygons[feature]
    if (!geometry || attrProblems.length) return
    candidates.push({
      code, kind: value.kind, industryType: value.industryType, name: name!, communityCode: value.communityCode!,
      households: value.households, population: value.population, geometry,
    })
  })
  problems.sort((a, b) => (a.feature ?? 0) - (b.feature ?? 0))
  return { candidates, problems }
}

/** The 400 for features whose input is unusable, listing every problem with its feature index. */
export function inputProblemsError(problems: InputProblem[]): AppError {
  const head = problems.slice(0, 3).map((p) => `feature ${p.feature}: ${p.message}`).join('; ')
  return new AppError(400, 'bad_feature', `${problems.length} problem(s) in the input: ${head}`, { problems })
}
