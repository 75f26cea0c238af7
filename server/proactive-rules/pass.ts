// The proactive-services pass (analytics loop, hourly, one instance a period by the pass lease):
// each enabled rule of each city selects its people for today and inserts their tasks with
// ON CONFLICT DO NOTHING on (rule, person, period), so a second run, or a second instance, makes
// no second task. The inspectors serving the grids of the new tasks are told in the same
// transaction (one inbox notice per rule and grid), so a notice exists exactly when its tasks do.
import type { Knex } from 'knex'
import { sqlFile } from '../db/sql.ts'
import { deliver } from '../inbox/deliver.ts'
import { KIND_TITLES, selectionParams, shanghaiDay, type RuleRow } from './rules.ts'

export interface PassResult { rules: number; created: number; told: number }

/** Runs every enabled rule (or only `ruleIds`) for the Beijing day of `now`. */
export async function runProactivePass(knex: Knex, now = new Date(), only?: { ruleIds?: number[] }): Promise<PassResult> {
  const today = shanghaiDay(now)
  const rules = await knex('proactive_rule').where({ enabled: true }).whereNull('deleted_at')
    .modify((b) => { if (only?.ruleIds) b.whereIn('id', only.ruleIds) }).orderBy('id') as RuleRow[]
  const out: PassResult = { rules: rules.length, created: 0, told: 0 }
  for (const rule of rules) {
    const params = selectionParams(rule.kind, rule.params, today)
    if (params === null) continue
    await knex.transaction(async (trx) => {
      const { rows } = await trx.raw(sqlFile(`proactive/${rule.kind}`), {
        ...params, city: rule.city_code, ruleId: Number(rule.id), version: rule.version, today,
      }) as { rows: { id: string; grid_code: string | null; community_code: string }[] }
      out.created += rows.length
      out.told += await tellInspectors(trx, rule, rows, now)
    })
  }
  return out
}

async function tellInspectors(trx: Knex.Transaction, rule: RuleRow, rows: { id: string; grid_code: string | null; community_code: string }[], now: Date): Promise<number> {
  const byGrid = new Map<string, { community: string; ids: number[] }>()
  for (const r of rows) {
    if (r.grid_code === null) continue
    const g = byGrid.get(r.grid_code) ?? { community: r.community_code, ids: [] }
    g.ids.push(Number(r.id))
    byGrid.set(r.grid_code, g)
  }
  if (!byGrid.size) return 0
  const { rows: inspectors } = await trx.raw(sqlFile('proactive/grid_inspectors'), { grids: [...byGrid.keys()] }) as { rows: { grid_code: string; user_id: string }[] }
  let told = 0
  for (const [grid, g] of byGrid) {
    const userIds = inspectors.filter((i) => i.grid_code === grid).map((i) => i.user_id)
    if (!userIds.length) continue
    // no names in the notice: the task list shows each person as the reader's role may see them
    told += await deliver(trx, {
      kind: 'todo', title: `主动服务：${rule.name}（${KIND_TITLES[rule.kind]}）新增 ${g.ids.length} 项`,
      body: `网格 ${grid} 有 ${g.ids.length} 项主动服务任务待办，请在任务清单中查看并办理。`,
      areaCode: g.community, link: '#/proactive-tasks',
      data: { proactiveRule: Number(rule.id), grid, tasks: g.ids.slice(0, 200) },
    }, { userIds }, now)
  }
  return told
}
