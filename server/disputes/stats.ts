// Dispute statistics (案件受理分析 · 案件处理分析) inside the caller's jurisdiction: counts by type,
// street, community, state and month of registration (Beijing), the outcomes of the concluded
// ones, the success rate (agreements ÷ concluded) and the amounts. One statement (sql/queries/
// disputes/stats.sql, GROUPING SETS).
import type { Knex } from 'knex'
import type { Principal } from '../auth/users.ts'
import { sqlFile } from '../db/sql.ts'
import { adminPrefix } from '../db/jurisdiction.ts'
import { AppError } from '../http/errors.ts'
import { DISPUTE_TYPES, STATUSES } from './types.ts'
import type { StatsQuery } from './schemas.ts'

interface StatRow { dimension: string; key: string | null; total: number; agreed: number; failed: number; transferred: number; amount: string; agreed_amount: string }

const rate = (agreed: number, concluded: number) => (concluded === 0 ? null : Math.round((agreed / concluded) * 10_000) / 10_000)

function figures(r: StatRow) {
  const concluded = r.agreed + r.failed + r.transferred
  return {
    total: r.total, concluded, agreed: r.agreed, failed: r.failed, transferred: r.transferred,
    successRate: rate(r.agreed, concluded), amount: Number(r.amount), agreedAmount: Number(r.agreed_amount),
  }
}

export async function disputeStats(knex: Knex, p: Principal, q: StatsQuery) {
  if (q.area && !p.jurisdiction.covers(q.area)) {
    throw new AppError(404, 'not_found', `area ${q.area} is not in your jurisdiction`, { errors: [{ field: 'area', message: 'outside your jurisdiction' }] }).coded('disputes.area_outside', { field: 'area', code: q.area })
  }
  const { rows } = await knex.raw(sqlFile('disputes/stats'), {
    city: p.cityCode, patterns: p.jurisdiction.patterns, area: q.area ? `${adminPrefix(q.area)}%` : null, from: q.from ?? null, to: q.to ?? null,
  }) as { rows: StatRow[] }
  const names = new Map((await knex('admin_division').where('city_code', p.cityCode ?? '').whereIn('level', ['street', 'community']).select('code', 'name') as { code: string; name: string }[]).map((a) => [a.code, a.name]))
  const of = (dim: string) => rows.filter((r) => r.dimension === dim)
  const all = of('all')[0] ?? { dimension: 'all', key: null, total: 0, agreed: 0, failed: 0, transferred: 0, amount: '0', agreed_amount: '0' }
  return {
    ...figures(all),
    open: all.total - (all.agreed + all.failed + all.transferred),
    byType: of('type').map((r) => ({ type: r.key, typeName: DISPUTE_TYPES[r.key as keyof typeof DISPUTE_TYPES], ...figures(r) })),
    byStreet: of('street').map((r) => ({ code: r.key, name: names.get(r.key!) ?? null, ...figures(r) })),
    byCommunity: of('community').map((r) => ({ code: r.key, name: names.get(r.key!) ?? null, ...figures(r) })),
    byStatus: of('status').map((r) => ({ status: r.key, statusName: STATUSES[r.key as keyof typeof STATUSES], total: r.total })),
    byMonth: of('month').map((r) => ({ month: r.key, ...figures(r) })),
    byOutcome: { agreement: all.agreed, failed: all.failed, transferred: all.transferred },
  }
}
