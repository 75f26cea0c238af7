// The monthly usage file (xlsx or CSV, read by the registers' sheet reader): one row per household,
// utility and month. Columns by Chinese title or field name: 户号 household, 类型 utility
// (水/电/气 or water/electricity/gas), 月份 month (YYYY-MM), 用量 amount. The file is all or
// nothing: any bad row is a 400 listing the rows and fields, and nothing is written; a row for a
// month already imported replaces its amount (never doubled). Then the imported months are judged
// (rule.ts) and each new flag notifies the grid's inspectors once (the flag row is unique per
// household, utility and month, and notices go with its insert in the same transaction).
import type { Knex } from 'knex'
import type { Principal } from '../auth/users.ts'
import { AppError } from '../http/errors.ts'
import { sqlFile } from '../db/sql.ts'
import { deliver } from '../inbox/deliver.ts'
import type { SheetTable } from '../registers/sheet.ts'
import { flagOf, RULE } from './rule.ts'

const COLUMNS: Record<string, 'household' | 'utility' | 'month' | 'amount'> = {
  户号: 'household', household: 'household', 类型: 'utility', utility: 'utility', 月份: 'month', month: 'month', 用量: 'amount', amount: 'amount',
}
const UTILITIES: Record<string, 'water' | 'electricity' | 'gas'> = { 水: 'water', 用水: 'water', water: 'water', 电: 'electricity', 用电: 'electricity', electricity: 'electricity', 气: 'gas', 燃气: 'gas', 用气: 'gas', gas: 'gas' }
export const UTILITY_TITLES = { water: '用水', electricity: '用电', gas: '用气' } as const

interface RowError { row: number; field: string; message: string }
const cell = (v: unknown) => v instanceof Date ? v.toISOString().slice(0, 7) : v === null || v === undefined ? '' : String(typeof v === 'object' && 'result' in v ? (v as { result: unknown }).result : v).trim()

export interface ImportResult { rows: number; flagged: { householdNumber: string; utility: string; month: string; kind: string }[]; notified: number }

export async function importUsage(knex: Knex, p: Principal, sheet: SheetTable): Promise<ImportResult> {
  const at = sheet.header.map((h) => COLUMNS[h.trim()] ?? COLUMNS[h.trim().toLowerCase()])
  const missing = (['household', 'utility', 'month', 'amount'] as const).filter((c) => !at.includes(c))
  if (missing.length) {
    throw new AppError(400, 'bad_request', `the header lacks the columns ${missing.join(', ')} (户号, 类型, 月份, 用量)`, { errors: missing.map((f) => ({ field: f, message: 'column missing' })) })
      .coded('utility_usage.columns_missing', { columns: missing.join(', ') })
  }
  const errors: RowError[] = []
  const parsed = sheet.rows.map((r) => {
    const v = Object.fromEntries(at.map((k, i) => [k, cell(r.cells[i])]).filter(([k]) => k)) as Record<string, string>
    const utility = UTILITIES[v.utility!.toLowerCase()]
    const month = /^(\d{4})[-/.年](\d{1,2})月?$/.exec(v.month!)
    const amount = Number(v.amount)
    if (!v.household) errors.push({ row: r.row, field: 'household', message: 'empty' })
    if (!utility) errors.push({ row: r.row, field: 'utility', message: `"${v.utility!.slice(0, 20)}" is not 水/电/气` })
    if (!month || Number(month[2]) < 1 || Number(month[2]) > 12) errors.push({ row: r.row, field: 'month', message: 'must be YYYY-MM' })
    if (v.amount === '' || !Number.isFinite(amount) || amount < 0 || amount >= 1e11) errors.push({ row: r.row, field: 'amount', message: 'must be a number ≥ 0' })
    return { row: r.row, household: v.household!, utility, month: month ? `${month[1]}-${month[2]!.padStart(2, '0')}-01` : '', amount }
  })
  const numbers = [...new Set(parsed.map((r) => r.household).filter(Boolean))]
  const households = new Map((await p.jurisdiction.apply(knex('household').where({ city_code: p.cityCode ?? '-' }).whereIn('household_number', numbers), 'community_code')
    .select('id', 'household_number') as { id: number; household_number: string }[]).map((h) => [h.household_number, Number(h.id)]))
  for (const r of parsed) if (r.household && !households.has(r.household)) errors.push({ row: r.row, field: 'household', message: `no household ${r.household.slice(0, 20)} in your jurisdiction` })
  if (errors.length) {
    throw new AppError(400, 'validation_failed', `${errors.length} rows are wrong, nothing imported: ${errors.slice(0, 3).map((e) => `row ${e.row} ${e.field}: ${e.message}`).join('; ')}`,
      { errors: errors.slice(0, 100) }).coded('utility_usage.rows_invalid', { count: errors.length, first: `${errors[0]!.row}`, field: errors[0]!.field })
  }
  return knex.transaction(async (trx) => {
    const ids: number[] = []
    for (let i = 0; i < parsed.length; i += 1000) {
      const rows = await trx('utility_usage').insert(parsed.slice(i, i + 1000).map((r) => ({
        city_code: p.cityCode, household_id: households.get(r.household)!, utility: r.utility, month: r.month, amount: r.amount, imported_by: p.userId,
      }))).onConflict(['household_id', 'utility', 'month']).merge(['amount', 'imported_by', 'imported_at']).returning('id') as { id: number }[]
      ids.push(...rows.map((r) => Number(r.id)))
    }
    return { rows: parsed.length, ...await judge(trx, ids) }
  })
}

interface Judged { id: number; household_id: number; utility: keyof typeof UTILITY_TITLES; month: string; amount: number; previous: (number | null)[]; community_code: string; grid_code: string | null; city_code: string; lone_elderly: boolean }

async function judge(trx: Knex.Transaction, ids: number[]): Promise<Omit<ImportResult, 'rows'>> {
  const { rows } = await trx.raw(sqlFile('utility-usage/evaluate'), { ids, elderlyAge: RULE.elderlyAge }) as { rows: Judged[] }
  const flagged: ImportResult['flagged'] = []
  let notified = 0
  for (const r of rows) {
    const f = flagOf(r.amount, r.previous, r.lone_elderly)
    if (!f) continue
    const [flag] = await trx('utility_flag').insert({
      city_code: r.city_code, household_id: r.household_id, community_code: r.community_code, grid_code: r.grid_code, utility: r.utility, month: r.month,
      kind: f.kind, amount: r.amount, baseline: f.baseline, lone_elderly: r.lone_elderly,
    }).onConflict(['household_id', 'utility', 'month']).ignore().returning('id')
    const { household_number: number } = await trx('household').where({ id: r.household_id }).first('household_number') as { household_number: string }
    flagged.push({ householdNumber: number, utility: r.utility, month: r.month.slice(0, 7), kind: f.kind })
    if (!flag || !r.grid_code) continue
    const users = (await trx.raw(sqlFile('utility-usage/grid_inspectors'), { grid: r.grid_code }) as { rows: { user_id: number }[] }).rows.map((u) => u.user_id)
    const what = f.kind === 'drop' ? `独居老人户${UTILITY_TITLES[r.utility]}骤降` : `${UTILITY_TITLES[r.utility]}异常激增`
    const n = users.length === 0 ? 0 : await deliver(trx, {
      kind: 'warning', title: `${what}：户号 ${number}（${r.month.slice(0, 7)}）`, areaCode: r.community_code, link: '#/utility-usage',
      body: `${r.month.slice(0, 7)} 用量 ${r.amount}，前 ${RULE.months} 个月平均 ${f.baseline.toFixed(1)}，请上门核实。`,
      data: { flagId: Number(flag.id), householdId: r.household_id, kind: f.kind, utility: r.utility },
    }, { userIds: users })
    await trx('utility_flag').where({ id: flag.id }).update({ notified: n })
    notified += n
  }
  return { flagged, notified }
}
