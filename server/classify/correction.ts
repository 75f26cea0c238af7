// 分类纠正: an operator accepting a report may name its class. A class other than the one the
// report carries (the reporter's, or the classifier's provisional or applied one) changes the
// event and is kept as a correction, which the next training (npm run classify:train) learns
// from. Called from server/events/transitionEffects.ts inside the transition's transaction.
import type { Knex } from 'knex'
import { reference } from '../events/reference.ts'
import { badRequest } from '../http/errors.ts'

interface Accepted { id: number | string; created_at: Date | string; city_code: string; class_code: string; description: string }

export async function acceptClass(trx: Knex.Transaction, e: Accepted, classCode: string | undefined, userId: number | null,
  set: Record<string, unknown>, now: Date): Promise<unknown> {
  if (classCode === undefined || classCode === e.class_code) return null
  const known = await trx('event_class').where({ code: classCode }).first('code')
  if (!known || classCode.length !== 4) {
    throw badRequest(`classCode: unknown event class ${classCode}: use a 4-digit small class of event_class`, { field: 'classCode' })
      .coded('classify.unknown_class', { code: classCode })
  }
  const c = await trx('event_classification').where({ event_id: e.id, event_created_at: e.created_at, city_code: e.city_code })
    .first('model_id', 'suggestions', 'applied')
  const suggested = (c?.suggestions as { classCode: string; confidence: number }[] | undefined)?.[0]
  await trx('classify_correction').insert({
    event_id: e.id, event_created_at: e.created_at, city_code: e.city_code, description: e.description,
    suggested_class: e.class_code, chosen_class: classCode, confidence: suggested?.classCode === e.class_code ? suggested.confidence : null,
    model_id: c?.model_id ?? null, user_id: userId, created_at: now,
  })
  set.class_code = classCode
  // the event keeps the versions it runs under: the new class's, as in force now, replaces the old pin
  // (and its field rule: a class without one asks nothing in the field)
  const ref = await reference(trx)
  const versionId = ref.classes.get(classCode)?.versionId
  if (versionId !== undefined) {
    set.config_versions = trx.raw("coalesce(config_versions, '{}'::jsonb) || ?::jsonb",
      [JSON.stringify({ classes: versionId, class_field_rules: ref.fieldRules.get(classCode)?.versionId ?? null })])
  }
  return { classCode: { from: e.class_code, to: classCode, suggested: c ? c.suggestions : undefined } }
}

export const classOnlyOnAccept = () =>
  badRequest('classCode belongs to accept: the class is chosen when the report is filed', { field: 'classCode' }).coded('classify.class_not_on_accept')
