// Open311 services and service definitions, from the event class catalogue: one service per
// small (4-digit) event class; service_code = class code, group = big class name, keywords =
// class, big class and domain names (all Chinese, as the catalogue is). Every service has
// attributes (metadata = true): the demand type (诉求类型) is required for every event.
import type { Knex } from 'knex'
import { sqlFile } from '../db/sql.ts'
import { demandTypes } from '../events/intake.ts'

export interface ServiceRow {
  code: string; name: string; domain: 'city_management' | 'social_governance'
  filing_condition: string | null; closure_condition: string | null
  time_limit_value: string | number | null; time_limit_unit: 'work_hours' | 'work_days' | 'natural_hours' | null
  group_code: string; group_name: string
}

export const DOMAIN_TITLES: Record<ServiceRow['domain'], string> = { city_management: '城市管理', social_governance: '社会治理' }
const UNIT_TITLES: Record<NonNullable<ServiceRow['time_limit_unit']>, string> = {
  work_hours: '工作小时', work_days: '个工作日', natural_hours: '小时（自然时）',
}

export const SERVICE_CODE = /^[0-9]{4}$/

/** Every service, or the one with `code` (empty when it is not a small class). */
export async function serviceRows(knex: Knex, code?: string): Promise<ServiceRow[]> {
  const { rows } = await knex.raw(sqlFile('open311/services'), { code: code ?? null }) as { rows: ServiceRow[] }
  return rows
}

/** The GET services entry of one class (keywords are a comma-separated string, as in the spec). */
export function serviceView(r: ServiceRow): Record<string, unknown> {
  const keywords = [...new Set([r.name, r.group_name, DOMAIN_TITLES[r.domain]])].join(', ')
  return {
    service_code: r.code,
    service_name: r.name,
    description: r.filing_condition ?? r.name,
    metadata: true,
    type: 'realtime',
    keywords,
    group: r.group_name,
  }
}

/**
 * The "service_notice" of a class: what the city will do and by when (处置时限 and 结案条件),
 * in the class's own terms. Returned by POST requests and with every request read.
 */
export function serviceNotice(r: Pick<ServiceRow, 'time_limit_value' | 'time_limit_unit' | 'closure_condition'>): string | null {
  const parts: string[] = []
  if (r.time_limit_value !== null && r.time_limit_unit) {
    parts.push(`处置时限：${Number(r.time_limit_value)}${UNIT_TITLES[r.time_limit_unit]}（自派遣起计）`)
  }
  if (r.closure_condition) parts.push(`结案条件：${r.closure_condition}`)
  return parts.length ? parts.join('；') : null
}

export const DEMAND_TYPE_TITLES: Record<(typeof demandTypes)[number], string> = {
  咨询: '咨询 (enquiry)', 求助: '求助 (request for help)', 投诉举报: '投诉举报 (complaint / report)', 建议感谢: '建议感谢 (suggestion / thanks)',
}

/** Attribute codes a POST may carry (attribute[code]=value). */
export const ATTRIBUTE_CODES = ['demand_type', 'external_ref'] as const
export type AttributeCode = (typeof ATTRIBUTE_CODES)[number]
export const EXTERNAL_REF_MAX = 100

/** The service definition of a class (JSON shape): GeoReport v2 attributes in presentation order. */
export function serviceDefinition(r: ServiceRow): Record<string, unknown> {
  const attribute = [
    {
      // informational only (variable = false): what qualifies as this kind of event
      variable: false, code: 'filing_condition', datatype: 'string', required: false,
      datatype_description: null, order: 1,
      description: `立案条件：${r.filing_condition ?? r.name}`,
    },
    {
      variable: true, code: 'demand_type', datatype: 'singlevaluelist', required: true,
      datatype_description: '诉求类型：请选择一项 (choose one key)', order: 2,
      description: '诉求类型 (demand type)',
      values: demandTypes.map((key) => ({ key, name: DEMAND_TYPE_TITLES[key] })),
    },
    {
      variable: true, code: 'external_ref', datatype: 'string', required: false,
      datatype_description: `不超过 ${EXTERNAL_REF_MAX} 个字符 (at most ${EXTERNAL_REF_MAX} characters)`, order: 3,
      description: '来源系统工单号：提交方自己的编号，便于对账 (your own reference number for this request)',
    },
  ]
  return { service_code: r.code, attributes: attribute }
}
