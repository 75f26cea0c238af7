// The vocabulary of dispute mediation (矛盾纠纷调处): dispute types (also the mediators' and
// bodies' domains), sources (DB: Heilongjiang 6.3.3.3), risk levels, states, outcomes, with
// their Chinese titles. Shared by disputes/ and mediators/ (which import it, never each other's routes).

export const DISPUTE_TYPES = {
  marriage_family: '婚姻家庭', neighbour: '邻里纠纷', house_land: '房屋宅基地', contract: '合同纠纷', damages: '损害赔偿',
  labour: '劳动争议', property_mgmt: '物业纠纷', land_demolition: '征地拆迁', medical: '医疗纠纷', other: '其他',
} as const
export type DisputeType = keyof typeof DISPUTE_TYPES

/** 主动排查走访 · 当事人申请 · 上级交办 */
export const SOURCES = { visit: '主动排查', application: '当事人申请', superior: '上级交办' } as const
export const RISK_LEVELS = { low: '低', medium: '中', high: '高', critical: '重大' } as const
export type RiskLevel = keyof typeof RISK_LEVELS
export const RISK_ORDER: Record<RiskLevel, number> = { low: 0, medium: 1, high: 2, critical: 3 }
export const isHighRisk = (r: RiskLevel) => RISK_ORDER[r] >= RISK_ORDER.high

export const STATUSES = {
  registered: '待分派', assigned: '已分派', mediating: '调解中', agreed: '调解成功', failed: '调解不成', transferred: '已移交',
} as const
export type Status = keyof typeof STATUSES
export const OPEN_STATUSES: readonly Status[] = ['registered', 'assigned', 'mediating']
export const CONCLUDED_STATUSES: readonly Status[] = ['agreed', 'failed', 'transferred']

export const OUTCOMES = { agreement: '达成协议', failed: '调解不成', transferred: '移交' } as const
export const TRANSFER_TO = { court: '法院', police: '公安', petition: '信访' } as const
export const PERFORMANCE = { pending: '待履行', performed: '已履行', partly: '部分履行', not: '未履行' } as const
export const SATISFACTION = { satisfied: '满意', basic: '基本满意', dissatisfied: '不满意' } as const
export const PARTY_ROLES = { applicant: '申请人', respondent: '被申请人', third_party: '第三人' } as const
export const BODY_KINDS = { people_committee: '人民调解委员会', industry: '行业性专业性调解', administrative: '行政调解', other: '其他' } as const

export const keys = <T extends Record<string, string>>(o: T) => Object.keys(o) as [keyof T & string, ...(keyof T & string)[]]
