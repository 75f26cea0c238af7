// Assignment of a dispute to a mediator (调解员分派): the rule in sql/queries/disputes/
// assign_candidate.sql (area covering the community, nearest level first; the type among the
// mediator's domains; the least loaded, open ÷ capacity; ties by id), the reason recorded in the
// dispute and its log. Runs in the caller's transaction, with the dispute row locked.
import type { Knex } from 'knex'
import { sqlFile } from '../db/sql.ts'

const LEVELS: Record<number, string> = { 12: 'community', 9: 'street', 6: 'district', 4: 'city' }
const LEVEL_NAMES: Record<string, string> = { community: '社区', street: '街道', district: '区县', city: '全市' }

export interface AssignReason {
  rule: 'auto' | 'manual'
  level?: string; levelName?: string; open?: number; capacity?: number; load?: number; candidates?: number; full?: boolean
  text: string
}

interface Candidate { id: string; capacity: number; depth: number; open: number; candidates: number }

/** The mediator the rule picks for a dispute, with the reason in words; null when nobody qualifies. In a transaction: holds the city's assignment lock until it ends. */
export async function pickMediator(trx: Knex.Transaction, d: { city_code: string; community_code: string; type: string }): Promise<{ mediatorId: number; reason: AssignReason } | null> {
  await trx.raw(sqlFile('disputes/assign_lock'), { city: d.city_code })
  const { rows } = await trx.raw(sqlFile('disputes/assign_candidate'), { city: d.city_code, community: d.community_code, type: d.type }) as { rows: Candidate[] }
  const c = rows[0]
  if (!c) return null
  const level = LEVELS[c.depth] ?? 'city'
  const load = Math.round((c.open / c.capacity) * 1000) / 1000
  const full = c.open >= c.capacity
  return {
    mediatorId: Number(c.id),
    reason: {
      rule: 'auto', level, levelName: LEVEL_NAMES[level], open: c.open, capacity: c.capacity, load, candidates: c.candidates, full,
      text: `按${LEVEL_NAMES[level]}辖区与纠纷类别自动分派：${c.candidates} 名调解员符合，选负荷最低者（在办 ${c.open}/${c.capacity}）${full ? '；均已满负荷' : ''}`,
    },
  }
}

/** Writes an assignment (auto or manual) and its log row; answers the new status. */
export async function writeAssignment(trx: Knex.Transaction, d: { id: string; status: string }, mediatorId: number, reason: AssignReason,
  actor: { userId: number | null; role: string }, action: 'assign' | 'reassign', note: string | null): Promise<string> {
  const to = d.status === 'registered' ? 'assigned' : d.status
  await trx('dispute').where({ id: d.id }).update({
    mediator_id: mediatorId, status: to, assigned_at: trx.fn.now(), assign_reason: JSON.stringify({ ...reason, mediatorId }),
    version: trx.raw('version + 1'), updated_at: trx.fn.now(),
  })
  await trx('dispute_log').insert({
    dispute_id: d.id, action, from_status: d.status, to_status: to, actor_user_id: actor.userId, actor_role: actor.role,
    reason: note, detail: JSON.stringify({ mediatorId, ...reason }),
  })
  return to
}
