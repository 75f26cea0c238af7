// The kinds of special group (特殊人群), their risk levels and the visit plan's default frequency.
// Free of imports so the routes, the register, the layer and the demo generator share one table.
//
// Default visit intervals (days), by kind and risk level. The issue gives no figures; these follow
// the usual practice of the 综治 follow-up work the seeds describe: the tighter-supervised groups
// (community correction and community drug rehabilitation, persons with a mental illness at risk)
// are seen weekly at high risk, fortnightly at medium and monthly at low; released persons and
// at-risk minors, whose follow-up is help rather than supervision, fortnightly at high risk,
// monthly at medium, and every two or three months at low.

export const KINDS = ['community_correction', 'released', 'drug', 'mental_risk', 'minor_at_risk'] as const
export type Kind = (typeof KINDS)[number]

export const KIND_TITLES: Record<Kind, string> = {
  community_correction: '社区矫正对象',
  released: '刑满释放人员',
  drug: '吸毒人员',
  mental_risk: '严重精神障碍患者',
  minor_at_risk: '重点青少年',
}

export const RISK_LEVELS = ['high', 'medium', 'low'] as const
export type RiskLevel = (typeof RISK_LEVELS)[number]

export const RISK_TITLES: Record<RiskLevel, string> = { high: '高风险', medium: '中风险', low: '低风险' }

export const DEFAULT_INTERVAL_DAYS: Record<Kind, Record<RiskLevel, number>> = {
  community_correction: { high: 7, medium: 14, low: 30 },
  drug: { high: 7, medium: 14, low: 30 },
  mental_risk: { high: 7, medium: 14, low: 30 },
  released: { high: 14, medium: 30, low: 90 },
  minor_at_risk: { high: 14, medium: 30, low: 60 },
}

export const VISIT_METHODS = ['home', 'phone', 'video', 'office'] as const
export const VISIT_METHOD_TITLES: Record<(typeof VISIT_METHODS)[number], string> = { home: '入户走访', phone: '电话随访', video: '视频随访', office: '约谈' }
export const SITUATIONS = ['stable', 'attention', 'abnormal'] as const
export const SITUATION_TITLES: Record<(typeof SITUATIONS)[number], string> = { stable: '稳定', attention: '需关注', abnormal: '异常' }

/** A home visit or an interview sees the person where the register says: it counts as 核实. */
export const VERIFYING_METHODS: readonly string[] = ['home', 'office']

/** The access audit's collection name of a special-group record, and the fact every read delivers. */
export const AUDIT_TYPE = 'special-groups'
export const AUDIT_FACT = 'kind'

export function defaultIntervalDays(kind: Kind, risk: RiskLevel): number {
  return DEFAULT_INTERVAL_DAYS[kind][risk]
}
