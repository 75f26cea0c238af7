// The intake's use of the classifier (called from server/events/intake.ts): a report that names
// no class, on a channel that may leave it out, is classified. At or above the configured
// confidence the best class is applied and the report files as any other; below it the best
// class stands as a provisional one, the report waits for an operator (no automatic filing or
// dispatch) and the suggestions are kept with the event for the operator to choose from
// (in the report's history entry and event_classification; accept with classCode changes it).
import type { Knex } from 'knex'
import { AppError } from '../http/errors.ts'
import { classify, SUGGESTIONS, type Suggestion } from './service.ts'
import { applyConfidence, CLASSIFIED_CHANNELS } from './policy.ts'

export interface IntakeClass {
  classCode: string
  /** whether intake may file it automatically as far as its class goes */
  gate<T extends { autoAccept: boolean; autoDispatch: boolean }>(auto: T): T
  /** notes the classification in the report's history entry */
  annotate(plan: { history: { explanation: unknown }[] }): void
  /** whether `after` has work to do (then intake stores the event and runs it in one transaction) */
  readonly pending: boolean
  /** keeps the suggestions with the new event, in its transaction */
  after(knex: Knex, row: { id: number | string; created_at: Date | string; city_code: string }): Promise<void>
}

const given = (classCode: string): IntakeClass => ({ classCode, pending: false, gate: (a) => a, annotate: () => undefined, after: async () => undefined })

/**
 * `inForce` says which classes may be filed now (the configuration may have retired a class the
 * model still knows until its next training): suggestions of other classes are passed over.
 */
export async function classifyIntake(knex: Knex, body: { channel: string; classCode?: string; description: string },
  inForce: (classCode: string) => boolean): Promise<IntakeClass> {
  if (body.classCode !== undefined) return given(body.classCode)
  if (!CLASSIFIED_CHANNELS.includes(body.channel)) {
    throw new AppError(400, 'class_required', `classCode is required on channel ${body.channel}: only ${CLASSIFIED_CHANNELS.join(', ')} may leave the class to the classifier`,
      { field: 'classCode' }).coded('classify.class_required', { channel: body.channel, channels: CLASSIFIED_CHANNELS.join('、') })
  }
  const threshold = applyConfidence()
  const answer = await classify(knex, body.description, Infinity)
  const { modelId } = answer
  const suggestions = answer.suggestions.filter((s) => inForce(s.classCode)).slice(0, SUGGESTIONS)
  const best = suggestions[0]
  if (!best) throw new Error('the classification model knows no class in force: retrain it (npm run classify:train)')
  const applied = best.confidence >= threshold
  const record = { modelId, applied, threshold, suggestions: suggestions.map(brief) }
  return {
    classCode: best.classCode,
    pending: true,
    gate: (a) => (applied ? a : { ...a, autoAccept: false, autoDispatch: false }),
    annotate: (plan) => {
      const first = plan.history[0]
      if (first) first.explanation = { ...(first.explanation as object), classification: record }
    },
    after: async (k, row) => {
      await k('event_classification').insert({
        event_id: row.id, event_created_at: row.created_at, city_code: row.city_code, model_id: modelId, applied, threshold,
        suggestions: JSON.stringify(record.suggestions),
      })
    },
  }
}

const brief = (s: Suggestion) => ({ classCode: s.classCode, className: s.className, confidence: s.confidence, tags: s.tags, demandType: s.demandType })
