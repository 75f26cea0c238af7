// Major emergencies (重大突发) as their followers read them: the list and one emergency with its
// live time line (the event's history). Who follows: the jurisdiction that holds the event, the
// units it involves (assignee, assisting, forwarded or transferred to) and whoever it alerted
// by name. Anybody else gets a 404, as for events.
import type { Knex } from 'knex'
import { z } from 'zod'
import { notFound } from '../http/errors.ts'
import type { Principal } from '../auth/users.ts'
import type { Role } from '../auth/roles.ts'
import { sqlFile } from '../db/sql.ts'
import { accessTo } from '../privacy/rule.ts'
import { shownText } from '../privacy/freeText.ts'
import { actionTitles, statusTitles, type Action, type Status } from '../events/workflow.ts'
import { sourceTitles, type EmergencySource } from '../events/fieldSteps/emergency.ts'

export const EMERGENCY_ROLES: Role[] = ['command_center', 'district_staff', 'street_staff', 'community_staff', 'department', 'grid_inspector', 'gis_analyst']

export const emergencyListQuery = z.object({
  open: z.enum(['true', 'false']).default('true').transform((v) => v === 'true'),
  before: z.iso.datetime({ offset: true }).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
}).strict()
export type EmergencyListQuery = z.output<typeof emergencyListQuery>

/** Words of the history rows that are not state-machine actions. */
const noteTitles: Record<string, string> = { report: '上报', emergency: '重大突发', verify_required: '待现场核实', petition: '转信访', link_duplicate: '关联重复' }

interface Row {
  event_id: number; number: string; source: EmergencySource; reason: string; declared_at: Date; alerted: unknown; community_code: string
  status: Status; class_code: string; class_name: string; priority: number; description: string
  department_code: string | null; department_name: string | null; steps: string; last_at: Date | null
}

async function rows(knex: Knex, p: Principal, q: { open: boolean; limit: number; before?: string; number?: string }): Promise<Row[]> {
  const { rows: out } = await knex.raw(sqlFile('emergencies/list'), {
    cities: p.cityCode ? [p.cityCode] : [], patterns: p.jurisdiction.patterns, userId: p.userId ?? -1, departmentId: p.departmentId ?? -1,
    open: q.open, number: q.number ?? null, before: q.before ?? null, limit: q.limit,
  }) as { rows: Row[] }
  return out
}

function view(p: Principal, r: Row) {
  return {
    number: r.number, source: r.source, sourceTitle: sourceTitles[r.source], reason: r.reason, declaredAt: r.declared_at.toISOString(),
    alerted: r.alerted, communityCode: r.community_code, status: r.status, statusTitle: statusTitles[r.status],
    class: { code: r.class_code, name: r.class_name }, priority: r.priority,
    description: shownText(accessTo(p, { communityCode: r.community_code, heldByPrincipal: false }), r.description),
    assignee: r.department_code ? { code: r.department_code, name: r.department_name } : null,
    steps: Number(r.steps), lastAt: r.last_at ? r.last_at.toISOString() : null,
  }
}

export async function listEmergencies(knex: Knex, p: Principal, q: EmergencyListQuery) {
  const found = await rows(knex, p, q)
  const last = found.at(-1)
  return { items: found.map((r) => view(p, r)), next: found.length === q.limit && last ? last.declared_at.toISOString() : null }
}

/** One emergency and its time line: every step of the event, oldest first. */
export async function readEmergency(knex: Knex, p: Principal, number: string) {
  const [r] = await rows(knex, p, { open: false, limit: 1, number })
  if (!r) throw notFound(`no major emergency ${number} you follow`).coded('emergencies.not_found', { number })
  const history = await knex('event_history').where({ event_id: r.event_id }).orderBy('seq')
    .select('seq', 'action', 'from_status', 'to_status', 'actor_role', 'actor_name', 'at', 'comment')
  const access = accessTo(p, { communityCode: r.community_code, heldByPrincipal: false })
  return {
    ...view(p, r),
    timeline: history.map((h) => ({
      seq: h.seq, action: h.action, title: actionTitles[h.action as Action] ?? noteTitles[h.action] ?? h.action,
      from: h.from_status, to: h.to_status, actor: { role: h.actor_role, name: h.actor_name }, at: h.at.toISOString(),
      comment: shownText(access, h.comment as string | null),
    })),
  }
}
