// A high-risk dispute warns the command centre (预警): at registration with a high or critical
// risk, or when its risk is raised to one. Through the warnings capability's registry
// (warnings/kinds.ts): kind dispute_risk, level 1 红 for critical and 2 橙 for high, the dispute's
// community as its area (so the street and district above see it too), pushed on the stream.
// Once per dispute and level (dedupe key). No personal field goes into it: numbers typed into
// the reasons are masked.
import type { Knex } from 'knex'
import { registerWarningKind, raiseWarnings } from '../warnings/kinds.ts'
import { maskFreeText } from '../privacy/freeText.ts'
import { DISPUTE_TYPES, RISK_LEVELS, RISK_ORDER, isHighRisk, type RiskLevel } from './types.ts'

export const WARNING_KIND = 'dispute_risk'

export function registerDisputeWarning(): void {
  registerWarningKind(WARNING_KIND, '矛盾纠纷高风险')
}

export interface RiskyDispute { id: string; number: string; city_code: string; community_code: string; type: string; amount: number | string; lon: number; lat: number }

/** Raises the warning when the risk becomes high or critical (or critical from high); answers whether one was stored. */
export async function warnIfRisky(trx: Knex.Transaction, d: RiskyDispute, from: RiskLevel | null, to: RiskLevel, reasons: string[], now = new Date()): Promise<boolean> {
  if (!isHighRisk(to) || (from !== null && RISK_ORDER[from] >= RISK_ORDER[to])) return false
  const typeName = DISPUTE_TYPES[d.type as keyof typeof DISPUTE_TYPES] ?? d.type
  const stored = await raiseWarnings(trx, d.city_code, [{
    kind: WARNING_KIND, level: to === 'critical' ? 1 : 2,
    title: `${RISK_LEVELS[to]}风险矛盾纠纷 ${d.number}（${typeName}）`,
    detail: { disputeId: Number(d.id), number: d.number, type: d.type, typeName, riskLevel: to, previousRiskLevel: from, reasons: reasons.map(maskFreeText), amount: Number(d.amount) },
    area: d.community_code, lon: Number(d.lon), lat: Number(d.lat), dedupeKey: `dispute:${d.id}:${to}`,
  }], now)
  return stored > 0
}
