// The input of a transition: its body (zod) and what is read BEFORE the transaction opens (see
// transitions.ts: the embedded database has one connection): reference data, the calendar, the
// grid's units, the unit a dispatch, forward or appeal goes to, and the original of a void.
import type { Knex } from 'knex'
import { z } from 'zod'
import { AppError, badRequest } from '../http/errors.ts'
import type { Principal } from '../auth/users.ts'
import { gridDetails } from '../geocode/repository.ts'
import type { WorkCalendar } from './calendar.ts'
import { chooseAssignee, resolveTarget, unitDirectoryOf, type Assignment, type DispatchExplanation, type Unit, type UnitDirectory } from './dispatch.ts'
import { calendars, pinnedReference, reference, type ConfigPins, type Reference } from './reference.ts'
import { readEvent, type EventRow } from './store.ts'
import { actions, type EscalationLevel } from './workflow.ts'
import type { FieldPrepared } from './fieldSteps/prepared.ts'

const limitSchema = z.object({ value: z.number().positive().max(10_000), unit: z.enum(['work_hours', 'work_days', 'natural_hours']) }).strict()

export const transitionSchema = z.object({
  action: z.enum(actions),
  comment: z.string().trim().max(2000).optional(),
  /** optimistic check: refuse (409) when the event changed since the caller read it */
  expectedVersion: z.number().int().min(1).optional(),
  /** dispatch / reassign / redispatch: the unit (and optionally the grid member); omitted = by the rules */
  departmentCode: z.string().regex(/^[A-Za-z0-9_-]{1,40}$/).optional(),
  memberId: z.number().int().positive().optional(),
  /** void: the original event's number */
  duplicateOf: z.string().regex(/^E[0-9]{12,16}$/).optional(),
  /** request_extension: how much more time; approve_extension may grant a different amount */
  extension: limitSchema.optional(),
  satisfaction: z.enum(['satisfied', 'basically_satisfied', 'dissatisfied']).optional(),
  /** dispatch / reassign / redispatch: assisting units (协办) besides the primary one (主办) */
  assistingCodes: z.array(z.string().regex(/^[A-Za-z0-9_-]{1,40}$/)).max(8).optional(),
  /** ids of the event's attachments (photos) that document this step */
  attachments: z.array(z.number().int().positive()).max(20).optional(),
  /** answer_supervision: which order (default: the oldest unanswered) */
  supervisionId: z.number().int().positive().optional(),
  /** supervise: the card it carries */
  card: z.enum(['yellow', 'red']).optional(),
  // field steps (server/events/fieldSteps/)
  /** verify_on_site: where the inspector stands (default: their device's last good fix) */
  location: z.object({ x: z.number().finite(), y: z.number().finite(), crs: z.string().max(200).default('EPSG:4490') }).strict().optional(),
  /** verify_on_site: whether the report was found on site as reported */
  outcome: z.enum(['confirmed', 'unconfirmed']).optional(),
  /** review_supervision_request: grant (issue a supervision order) or decline */
  grant: z.boolean().optional(),
  // smart intake classification (server/classify/)
  /** accept: the event's class when the operator changes it (kept as a correction the classifier learns from) */
  classCode: z.string().regex(/^[0-9]{4}$/, 'must be a 4-digit event small class code').optional(),
}).strict()
export type TransitionBody = z.output<typeof transitionSchema>

const levelOfKind = (kind: string, member: boolean): EscalationLevel =>
  member ? 'grid' : kind === 'community_committee' ? 'community' : kind === 'street_office' ? 'street' : kind === 'command_center' ? 'city' : 'district'

/** The dispatch directory of an event's grid (dispatch options ask the same). */
export async function unitDirectory(knex: Knex, e: Pick<EventRow, 'grid_code'>): Promise<UnitDirectory> {
  return unitDirectoryOf(e.grid_code ? (await gridDetails(knex, [e.grid_code])).get(e.grid_code) : undefined)
}

/** A manually named unit: any department of the event's city; a member must belong to it. */
async function manualAssignment(knex: Knex, e: EventRow, code: string, memberId: number | undefined): Promise<Assignment> {
  const dep = await knex('department').where({ code, city_code: e.city_code }).first('id', 'code', 'name', 'kind')
  if (!dep) throw new AppError(422, 'unknown_unit', `no department ${code} in city ${e.city_code}`).coded('transition.unknown_unit', { codes: [code] })
  let member = null
  if (memberId !== undefined) {
    const m = await knex('grid_member').where({ id: memberId, department_id: dep.id, active: true }).first('id', 'name')
    if (!m) throw new AppError(422, 'unknown_member', `grid member ${memberId} is not an active member of ${code}`).coded('transition.unknown_member', { memberId, code })
    member = { id: Number(m.id), name: m.name }
  }
  return { department: { id: Number(dep.id), code: dep.code, name: dep.name }, member, level: levelOfKind(dep.kind, member !== null), basis: '指定', ruleId: null }
}

export interface Prepared {
  ref: Reference; cal: WorkCalendar; dir: UnitDirectory; assignment?: Assignment; explanation?: DispatchExplanation
  /** dispatch: the assisting units named */
  assisting?: Unit[]
  /** forward: the sub-unit (and member) the event is handed down to */
  forwardTo?: Assignment
  /** field steps: what they read before the transaction (fieldSteps/prepare.ts) */
  field?: FieldPrepared
}

/** Assisting units: departments of the event's city, none of them the primary unit. */
async function assistingUnits(knex: Knex, e: EventRow, codes: string[], primary: Unit): Promise<Unit[]> {
  const unique = [...new Set(codes)]
  const rows = await knex('department').whereIn('code', unique).where('city_code', e.city_code).select('id', 'code', 'name')
  const missing = unique.filter((c) => !rows.some((r) => r.code === c))
  if (missing.length) throw new AppError(422, 'unknown_unit', `no department ${missing.join(', ')} in city ${e.city_code}`, { unknown: missing }).coded('transition.unknown_unit', { codes: missing })
  if (unique.includes(primary.code)) throw new AppError(422, 'assisting_is_primary', `${primary.code} is the primary unit (主办) and cannot also assist`).coded('transition.assisting_is_primary', { code: primary.code })
  return rows.map((r) => ({ id: Number(r.id), code: r.code, name: r.name }))
}

/** A sub-unit of the current assignee (department.parent_id), optionally one of its grid members. */
async function forwardTarget(knex: Knex, e: EventRow, body: TransitionBody): Promise<Assignment> {
  if (!body.departmentCode) throw badRequest('forward needs departmentCode: the sub-unit to hand the event down to').coded('transition.forward_needs_unit')
  const dep = await knex('department').where({ code: body.departmentCode, city_code: e.city_code }).first('id', 'code', 'name', 'kind', 'parent_id')
  if (!dep) throw new AppError(422, 'unknown_unit', `no department ${body.departmentCode} in city ${e.city_code}`).coded('transition.unknown_unit', { codes: [body.departmentCode] })
  if (Number(dep.parent_id) !== e.assignee_department_id) {
    throw new AppError(422, 'not_a_sub_unit', `${body.departmentCode} is not a sub-unit of ${e.assignee_department_code ?? 'the assignee'}: forward hands an event down one level`).coded('transition.not_a_sub_unit', { code: body.departmentCode, assignee: e.assignee_department_name ?? e.assignee_department_code })
  }
  const a = await manualAssignment(knex, e, body.departmentCode, body.memberId)
  return { ...a, level: e.escalation_level, basis: '指定' }
}

export async function prepare(knex: Knex, e: EventRow, body: TransitionBody): Promise<Prepared> {
  const [today, todayCal, dir] = await Promise.all([reference(knex), calendars(knex).get(e.city_code), unitDirectory(knex, e)])
  // versioned configuration: an open event keeps the class, dispatch rules and time limits it was reported under
  const { ref, cal } = await pinnedReference(knex, (e.config_versions ?? null) as ConfigPins | null, e.class_code, today, todayCal)
  const out: Prepared = { ref, cal, dir }
  if (['dispatch', 'reassign', 'redispatch', 'coordinate_dispatch'].includes(body.action)) {
    if (body.departmentCode) {
      out.assignment = await manualAssignment(knex, e, body.departmentCode, body.memberId)
      out.explanation = { mode: 'manual', rules: [], chosen: { ...out.assignment, why: `chosen by the dispatcher: ${body.departmentCode}` } }
    } else {
      const cls = ref.classes.get(e.class_code)
      const auto = chooseAssignee(ref.rules, { channel: e.channel, classCode: e.class_code, demandType: e.demand_type,
        communityCode: e.community_code, ownerKind: cls?.ownerKind ?? null }, dir)
      if (!auto) throw new AppError(422, 'no_unit', 'no unit could be chosen for this event: name departmentCode').coded('transition.no_unit_chosen')
      out.assignment = auto.chosen
      out.explanation = auto
    }
    if (body.assistingCodes?.length) out.assisting = await assistingUnits(knex, e, body.assistingCodes, out.assignment.department)
  } else if (body.assistingCodes) {
    throw badRequest('assistingCodes belong to dispatch, reassign or redispatch').coded('transition.assisting_not_dispatch')
  }
  if (body.action === 'forward') out.forwardTo = await forwardTarget(knex, e, body)
  if (body.action === 'appeal') {
    const r = resolveTarget('grid_inspector', { channel: e.channel, classCode: e.class_code, demandType: e.demand_type,
      communityCode: e.community_code, ownerKind: null }, dir)
    const fallback = resolveTarget('community', { channel: e.channel, classCode: e.class_code, demandType: e.demand_type,
      communityCode: e.community_code, ownerKind: null }, dir)
    const chosen = r.ok ? r.assignment : fallback.ok ? fallback.assignment : undefined
    if (!chosen) throw new AppError(422, 'no_unit', `neither a grid inspector nor a community committee for ${e.community_code}`).coded('transition.appeal_no_unit', { community: e.community_code })
    out.assignment = { ...chosen, ruleId: null }
  }
  return out
}

export async function readOriginal(knex: Knex, p: Principal, body: TransitionBody, e: EventRow): Promise<EventRow> {
  if (!body.duplicateOf) throw badRequest('void needs duplicateOf: the number of the original event').coded('transition.void_needs_original')
  if (body.duplicateOf === e.number) throw badRequest('an event cannot duplicate itself').coded('transition.void_self')
  const original = await readEvent(knex, body.duplicateOf, p.jurisdiction, p.userId)
  if (!original) throw new AppError(422, 'unknown_original', `no event ${body.duplicateOf} in your jurisdiction`).coded('transition.unknown_original', { number: body.duplicateOf })
  if (original.status === 'voided') throw new AppError(422, 'original_voided', `${body.duplicateOf} is itself voided`).coded('transition.original_voided', { number: body.duplicateOf })
  return original
}
