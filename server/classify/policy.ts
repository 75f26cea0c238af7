// When intake classifies: the channels whose reports may come without a class (a person's words
// taken down by an operator or sent by the resident), and the confidence at or above which the
// best suggestion is applied without an operator (GRIDGOV_CLASSIFY_APPLY_CONFIDENCE, checked at
// start-up by server/config.ts). An inspector's app and a sensor name the class themselves.
export const CLASSIFIED_CHANNELS: readonly string[] = ['resident', 'hotline_12345', 'police_110', 'superior', 'third_party']

export const DEFAULT_APPLY_CONFIDENCE = 0.6

export function applyConfidence(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.GRIDGOV_CLASSIFY_APPLY_CONFIDENCE
  if (raw === undefined || raw === '') return DEFAULT_APPLY_CONFIDENCE
  const v = Number(raw)
  if (!Number.isFinite(v) || v < 0 || v > 1) throw new Error(`GRIDGOV_CLASSIFY_APPLY_CONFIDENCE must be a number from 0 to 1, not "${raw}"`)
  return v
}
