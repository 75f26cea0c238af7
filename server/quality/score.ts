// The quality-of-handling score (办理质量) of one event, pure: no database.
//
//   resident part R = evaluation E (satisfaction as a score) blended with the follow-up review F
//                     (追评): R = (1 − s)·E + s·F, s = followUpShare; only one of them: that one
//   score = (wD·D + wC·C + wR·R) / (wD + wC + wR) over the parts present
//
// D is the department's professional review, C the centre's review (0-100 each). A part missing
// (not reviewed yet) leaves the others' weights renormalised; no part at all: null. Kept to two
// decimals like assessment scores.
export type Satisfaction = 'satisfied' | 'basically_satisfied' | 'dissatisfied'

export interface QualityWeights {
  version: number
  department: number
  centre: number
  resident: number
  followUpShare: number
  satisfied: number
  basically: number
  dissatisfied: number
}

export const DEFAULT_WEIGHTS: QualityWeights = {
  version: 0, department: 0.3, centre: 0.3, resident: 0.4, followUpShare: 0.5, satisfied: 100, basically: 80, dissatisfied: 0,
}

export interface QualityInput {
  department: number | null
  centre: number | null
  satisfaction: Satisfaction | null
  followUp: number | null
}

export interface QualityScore {
  score: number | null
  parts: { department: number | null; centre: number | null; evaluation: number | null; followUp: number | null; resident: number | null }
}

const round2 = (x: number) => Math.round(x * 100) / 100

export function evaluationScore(s: Satisfaction | null, w: QualityWeights): number | null {
  if (s === null) return null
  return s === 'satisfied' ? w.satisfied : s === 'basically_satisfied' ? w.basically : w.dissatisfied
}

export function qualityScore(q: QualityInput, w: QualityWeights): QualityScore {
  const evaluation = evaluationScore(q.satisfaction, w)
  const resident = evaluation === null ? q.followUp
    : q.followUp === null ? evaluation
      : (1 - w.followUpShare) * evaluation + w.followUpShare * q.followUp
  let weights = 0
  let sum = 0
  for (const [x, weight] of [[q.department, w.department], [q.centre, w.centre], [resident, w.resident]] as const) {
    if (x === null || weight === 0) continue
    weights += weight
    sum += weight * x
  }
  return {
    score: weights === 0 ? null : round2(sum / weights),
    parts: { department: q.department, centre: q.centre, evaluation, followUp: q.followUp, resident: resident === null ? null : round2(resident) },
  }
}
